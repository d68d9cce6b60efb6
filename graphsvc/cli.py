"""The ``graphsvc`` command.

User mistakes (a bad file, an unknown id, a store that cannot be opened)
print one message to stderr and exit 1; usage errors exit 2. Tracebacks are
for bugs only.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from graphsvc import __version__
from graphsvc.errors import GraphsvcError, InvalidInput
from graphsvc.interchange import check_document, load_document
from graphsvc.store import ENV_STORE, GraphStore, ImportMode, WriteResult, default_store_url, open_store

__all__ = ["main"]

_store_option = click.option(
    "--store",
    "store_url",
    envvar=ENV_STORE,
    show_envvar=True,
    help="Store URL, e.g. sqlite:///graphsvc.db (default: a file in your data directory).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphsvc")
def cli() -> None:
    """graphsvc: stakeholder and buying-center maps for key account teams."""


@contextmanager
def _store(url: str | None) -> Iterator[GraphStore]:
    store = open_store(url or default_store_url())
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


def _import(store: GraphStore, raw: Any, mode: ImportMode, label: str) -> None:
    total = sum(len(v) for k, v in raw.items() if isinstance(v, list)) if isinstance(raw, dict) else 0
    started = time.perf_counter()
    with _progress(total, label) as progress:
        result = store.import_document(raw, mode, progress)
    click.echo(f"{label}: {_summary(result, time.perf_counter() - started)}", err=True)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mode",
    type=click.Choice([m.value for m in ImportMode]),
    default=ImportMode.MERGE.value,
    show_default=True,
    help="merge: add and update records by id; replace: the file becomes the whole graph.",
)
@_store_option
def import_(file: Path, mode: str, store_url: str | None) -> None:
    """Import a graphsvc/1 JSON FILE, all or nothing."""
    raw = load_document(file)
    with _store(store_url) as store:
        _import(store, raw, ImportMode(mode), str(file))


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@_store_option
def export(file: Path, store_url: str | None) -> None:
    """Export the whole graph as a graphsvc/1 JSON FILE ('-' for stdout)."""
    with _store(store_url) as store:
        if str(file) == "-":
            count = store.export_to(sys.stdout)
            click.echo(f"exported {count} records", err=True)
            return
        # Write beside the target and rename, so a failed export never leaves half a file.
        directory = file.resolve().parent
        if not directory.is_dir():
            raise InvalidInput(f"{file}: the folder {directory} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fp:
                count = store.export_to(fp)
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    click.echo(f"exported {count} records to {file}", err=True)


@cli.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--against-store",
    is_flag=True,
    help="Check the file as a merge into the store (ids may refer to stored records).",
)
@_store_option
def check(file: Path, against_store: bool, store_url: str | None) -> None:
    """Check a graphsvc/1 FILE without writing anything; list every problem found."""
    raw = load_document(file)
    try:
        if against_store:
            with _store(store_url) as store:
                doc = check_document(raw, store)
        else:
            doc = check_document(raw)
    except InvalidInput as exc:
        for problem in exc.problems:
            click.echo(f"{file}: {problem}", err=True)
        raise click.exceptions.Exit(1) from None
    click.echo(f"{file}: ok ({len(doc.nodes)} nodes, {len(doc.relations)} relations)")


@cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the store holds no records yet.")
@click.option("--replace", is_flag=True, help="Replace everything in the store with the demo.")
@_store_option
def demo(if_empty: bool, replace: bool, store_url: str | None) -> None:
    """Load the demo portfolio (its contact dates moved to today)."""
    from graphsvc.demo import demo_document

    with _store(store_url) as store:
        if if_empty and int(store.health().get("nodes", 0)):
            click.echo(f"{store.url} already holds data; demo not loaded", err=True)
            return
        mode = ImportMode.REPLACE if replace else ImportMode.MERGE
        _import(store, demo_document(date.today()), mode, "demo portfolio")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@_store_option
def serve(host: str, port: int, store_url: str | None) -> None:
    """Serve graphsvc over HTTP."""
    import uvicorn

    from graphsvc.api import create_app

    url = store_url or default_store_url()
    open_store(url).close()  # fail here, with a clear message, if the store cannot be opened
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"graphsvc {__version__} on {url}", err=True)
    click.echo(f"  accounts:  http://{shown}:{port}/", err=True)
    click.echo(f"  health:    http://{shown}:{port}/healthz", err=True)
    uvicorn.run(create_app(url), host=host, port=port, log_level="info", server_header=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``graphsvc`` console script."""
    try:
        code = cli.main(args=argv, prog_name="graphsvc", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("graphsvc: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except InvalidInput as exc:
        if len(exc.problems) == 1:
            click.echo(f"graphsvc: error: {exc.problems[0]}", err=True)
        else:
            click.echo(f"graphsvc: error: {len(exc.problems)} problems, nothing was written:", err=True)
            for line in str(exc).splitlines():
                click.echo(f"  {line}", err=True)
        sys.exit(1)
    except GraphsvcError as exc:
        click.echo(f"graphsvc: error: {exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("graphsvc: interrupted", err=True)
        sys.exit(130)
