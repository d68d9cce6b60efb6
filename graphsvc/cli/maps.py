"""``graphsvc map``: an account map as one standalone HTML file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from graphsvc.cli.analyses import _as_of, _as_of_option, analyst_of
from graphsvc.cli.base import cli, opened_store, store_option
from graphsvc.errors import InvalidInput, Problem


@cli.command("map")
@click.argument("account")
@click.option(
    "-o", "--output", "output", required=True, metavar="FILE.html", help="Write the map to this file ('-' for stdout)."
)
@click.option("--to", "to", metavar="ID", help="Highlight the strongest influence paths to this node.")
@click.option("--from", "source", metavar="ID", help="Start the paths at this member (default: the account team).")
@_as_of_option
@store_option
def map_(
    account: str, output: str, to: str | None, source: str | None, as_of: str | None, store_url: str | None
) -> None:
    """ACCOUNT's interactive map as one HTML file that works offline."""
    day = _as_of(as_of)
    if source and not to:
        raise InvalidInput("--from needs --to: the node the paths lead to")
    from graphsvc.web.mapview import standalone_map  # pyvis and the analyses: imported for this command only

    with opened_store(store_url) as store:
        try:
            html = standalone_map(analyst_of(store), account, as_of=day, to=to, source=source)
        except InvalidInput as exc:  # name the options as typed on the command line
            raise InvalidInput(
                [Problem(f"--{p.field}", p.message, p.field) if p.field else p for p in exc.problems]
            ) from None
    if output == "-":
        click.echo(html, nl=False)
        return
    target = Path(output)
    _write_atomically(target, html)
    click.echo(f"wrote the map of {account} to {target} ({len(html.encode('utf-8')) // 1024} KiB)", err=True)


def _write_atomically(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file beside it: no half-written map on failure."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"-o: the folder {str(folder)!r} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"-o: cannot write in {str(folder)!r}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InvalidInput(f"-o: cannot write {str(target)!r}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
