"""``graphsvc audit export``: the audit log as JSON Lines (docs/audit.md)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

import click

from graphsvc.audit import AuditQuery
from graphsvc.cli.base import cli, opened_store, store_option
from graphsvc.errors import InvalidInput
from graphsvc.store import GraphStore

PAGE = 1000
"""Entries read per call while exporting."""


@cli.group("audit")
def audit() -> None:
    """The audit log: every change, who made it and when, and every refused attempt."""


def _when(option: str, value: str | None) -> datetime | None:
    """An ISO 8601 date (midnight UTC) or date and time (UTC unless it names its offset)."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{option} must be an ISO 8601 date or time such as 2026-11-01 or 2026-11-01T09:30:00Z, not {value!r}"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _write_entries(store: GraphStore, query: AuditQuery, fp: IO[str]) -> int:
    """Every matching entry, oldest first, one JSON object per line; returns how many."""
    count = 0
    after: int | None = None
    while True:
        page = store.audit_log(query, after=after, limit=PAGE)
        for entry in page.items:
            fp.write(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")
        count += len(page.items)
        if page.next_after is None:
            return count
        after = page.next_after


@audit.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default="-",
    help="Write to FILE (default: stdout). A file is written whole or not at all, readable by you alone.",
)
@click.option("--account", "account_id", help="Only entries that touched this account.")
@click.option("--member", "member_id", help="Only entries of this member (the member a token belongs to).")
@click.option("--since", help="Only entries at or after this ISO date or time (UTC unless it names its offset).")
@click.option("--until", help="Only entries before this ISO date or time (UTC unless it names its offset).")
@store_option
def audit_export(
    output: Path,
    account_id: str | None,
    member_id: str | None,
    since: str | None,
    until: str | None,
    store_url: str | None,
) -> None:
    """Export the audit log as JSON Lines, oldest first: one entry per line."""
    query = AuditQuery(
        account=account_id, member=member_id, since=_when("--since", since), until=_when("--until", until)
    )
    if query.since and query.until and query.since >= query.until:
        raise InvalidInput(f"--since ({since}) must be before --until ({until})")
    with opened_store(store_url) as store:
        if str(output) == "-":
            count = _write_entries(store, query, sys.stdout)
            sys.stdout.flush()
            click.echo(f"exported {count} audit entr{'y' if count == 1 else 'ies'}", err=True)
            return
        directory = output.resolve().parent
        if not directory.is_dir():
            raise InvalidInput(f"{output}: the folder {directory} does not exist")
        # Write beside the target and rename, so a failed export never leaves half a file.
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fp:
                count = _write_entries(store, query, fp)
            os.replace(tmp, output)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    click.echo(f"exported {count} audit entr{'y' if count == 1 else 'ies'} to {output}", err=True)
