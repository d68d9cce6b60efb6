"""Commands that move data: import, export, check, demo, migrate."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

import click

from graphsvc.cli.base import cli, import_into, opened_store, store_option
from graphsvc.errors import InvalidInput
from graphsvc.interchange import check_document, load_document
from graphsvc.store import ImportMode


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--mode",
    type=click.Choice([m.value for m in ImportMode]),
    default=ImportMode.MERGE.value,
    show_default=True,
    help="merge: add new records and replace stored ones with the same id; replace: the file becomes the whole graph.",
)
@store_option
def import_(file: Path, mode: str, store_url: str | None) -> None:
    """Import a graphsvc/1 JSON FILE, all or nothing."""
    raw = load_document(file)
    with opened_store(store_url, create=True) as store:
        import_into(store, raw, ImportMode(mode), str(file))


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@store_option
def export(file: Path, store_url: str | None) -> None:
    """Export the whole graph as a graphsvc/1 JSON FILE ('-' for stdout)."""
    with opened_store(store_url) as store:
        if str(file) == "-":
            count = store.export_to(sys.stdout)
            click.echo(f"exported {count} record(s)", err=True)
            return
        # Write beside the target and rename, so a failed export never leaves half a file.
        directory = file.resolve().parent
        if not directory.is_dir():
            raise InvalidInput(f"{file}: the folder {directory} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fp:
                count = store.export_to(fp)
            os.chmod(tmp, _file_mode(file))
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    click.echo(f"exported {count} record(s) to {file}", err=True)


def _file_mode(path: Path) -> int:
    """The existing file's mode, or owner-only (0600) for a new one: an export holds personal data."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o600


@cli.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--against-store",
    is_flag=True,
    help="Check the file as a merge into the store (ids may refer to stored records).",
)
@store_option
def check(file: Path, against_store: bool, store_url: str | None) -> None:
    """Check a graphsvc/1 FILE without writing anything; list every problem found."""
    raw = load_document(file)
    try:
        if against_store:
            with opened_store(store_url) as store:
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
@store_option
def demo(if_empty: bool, replace: bool, store_url: str | None) -> None:
    """Load the demo portfolio (its contact dates moved to today)."""
    from graphsvc.demo import demo_document

    with opened_store(store_url, create=True) as store:
        if if_empty and int(store.health().get("nodes", 0)):
            click.echo(f"{store.url} already holds data; demo not loaded", err=True)
            return
        mode = ImportMode.REPLACE if replace else ImportMode.MERGE
        import_into(store, demo_document(date.today()), mode, "demo portfolio")


@cli.command("migrate")
@store_option
def migrate(store_url: str | None) -> None:
    """Bring the store's schema up to date (Neo4j: constraints and indexes); safe to run again."""
    with opened_store(store_url, create=True) as store:
        applied = store.migrate()
        for statement in applied:
            click.echo(f"  {statement}", err=True)
        click.echo(f"{store.url}: schema up to date ({len(applied)} statement(s) applied)", err=True)
