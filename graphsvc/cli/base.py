"""The ``graphsvc`` command group and what its commands share: store opening, progress, output."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from graphsvc import __version__
from graphsvc.store import ENV_STORE, GraphStore, ImportMode, WriteResult, default_store_url, open_store

store_option = click.option(
    "--store",
    "store_url",
    envvar=ENV_STORE,
    show_envvar=True,
    help=(
        "Store URL: sqlite:///graphsvc.db, or neo4j://user@host:7687/database with NEO4J_PASSWORD set "
        "(default: $NEO4J_URI if set, else a file in your data directory)."
    ),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphsvc")
def cli() -> None:
    """graphsvc: stakeholder and buying-center maps for key account teams."""


@contextmanager
def opened_store(url: str | None, *, create: bool = False) -> Iterator[GraphStore]:
    store = open_store(url or default_store_url(), create=create)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _progress(total: int, what: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal; nothing when stderr is piped or the job is small."""
    if total < 10_000 or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="rec", desc=what, file=sys.stderr, leave=False) as bar:

        def step(count: int) -> None:
            bar.update(count)

        yield step


def _summary(result: WriteResult, seconds: float) -> str:
    return (
        f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        + (f", {result.deleted} deleted" if result.deleted else "")
        + f" in {seconds:.1f} s; store revision {result.revision}"
    )


def import_into(store: GraphStore, raw: Any, mode: ImportMode, label: str) -> None:
    total = sum(len(v) for k, v in raw.items() if isinstance(v, list)) if isinstance(raw, dict) else 0
    started = time.perf_counter()
    with _progress(total, label) as progress:
        result = store.import_document(raw, mode, progress)
    click.echo(f"{label}: {_summary(result, time.perf_counter() - started)}", err=True)


def _rounded(data: Any) -> Any:
    """Floats to 6 decimals for display (0.5599999999999999 -> 0.56)."""
    if isinstance(data, float):
        return round(data, 6)
    if isinstance(data, list):
        return [_rounded(x) for x in data]
    if isinstance(data, dict):
        return {k: _rounded(v) for k, v in data.items()}
    return data


def emit(data: Any, as_json: bool, lines: Callable[[], Iterator[str]]) -> None:
    if as_json:
        click.echo(json.dumps(_rounded(data), ensure_ascii=False, indent=2))
    else:
        for line in lines():
            click.echo(line)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
