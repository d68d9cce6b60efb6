"""The audit log of the embedded store: table ``audit``, one row per entry, and ``audit_accounts(account, seq)``.

``seq`` is the row id (``AUTOINCREMENT``: never reused, even after pruning).
Writers hold the file's write lock from the start of their transaction, so
``seq`` follows commit order. An accepted write's entry is inserted in the
write's own transaction (``_record``); ``append_audit`` takes one of its own.
See docs/audit.md.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from graphsvc.audit import AuditEntry, AuditQuery, actor_fields, audit_time, check_page, encode_value, stored_entry
from graphsvc.store.base import Page
from graphsvc.store.sqlite.connections import Connections

_COLUMNS = (
    "seq, at, operation, outcome, member, role, token, via, request_id, os_user, accounts, ids, before, after, detail"
)
_NAMES = [c.strip() for c in _COLUMNS.split(",")]


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    data = dict(zip(_NAMES, row, strict=True))
    data["user"] = data.pop("os_user")
    data["accounts"] = json.loads(data["accounts"])
    data["ids"] = json.loads(data["ids"])
    return stored_entry(data)


class Audit(Connections):
    """Record entries and page through them."""

    def _record(self, conn: sqlite3.Connection, entry: AuditEntry) -> AuditEntry:
        """Insert ``entry`` in the open write transaction; return it with ``seq`` and ``at`` set."""
        at = datetime.now(UTC)
        actor = actor_fields(entry.actor)
        cursor = conn.execute(
            f"INSERT INTO audit ({_COLUMNS}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                audit_time(at),
                str(entry.operation),
                str(entry.outcome),
                actor["member"],
                actor["role"],
                actor["token"],
                actor["via"],
                actor["request_id"],
                actor["user"],
                json.dumps(list(entry.accounts), ensure_ascii=False),
                json.dumps(list(entry.ids), ensure_ascii=False),
                encode_value(entry.before),
                encode_value(entry.after),
                entry.detail,
            ),
        )
        seq = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT OR IGNORE INTO audit_accounts (account, seq) VALUES (?, ?)", ((a, seq) for a in entry.accounts)
        )
        return replace(entry, seq=seq, at=at)

    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        with self._write() as conn:
            return self._record(conn, entry)

    def audit_log(
        self, query: AuditQuery | None = None, *, after: int | None = None, limit: int = 100, descending: bool = False
    ) -> Page[AuditEntry]:
        check_page(after, limit)
        q = query or AuditQuery()
        clauses: list[str] = []
        params: list[Any] = []
        if after is not None:
            clauses.append("seq < ?" if descending else "seq > ?")
            params.append(after)
        if q.account is not None:
            clauses.append("seq IN (SELECT seq FROM audit_accounts WHERE account = ?)")
            params.append(q.account)
        if q.member is not None:
            clauses.append("member = ?")
            params.append(q.member)
        if q.since is not None:
            clauses.append("at >= ?")
            params.append(audit_time(q.since))
        if q.until is not None:
            clauses.append("at < ?")
            params.append(audit_time(q.until))
        if q.operations:
            clauses.append(f"operation IN ({','.join('?' * len(q.operations))})")
            params.extend(str(o) for o in q.operations)
        if q.outcome is not None:
            clauses.append("outcome = ?")
            params.append(str(q.outcome))
        where = " AND ".join(clauses) or "1"
        order = "DESC" if descending else "ASC"
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM audit WHERE {where} ORDER BY seq {order} LIMIT ?", [*params, limit + 1]
            ).fetchall()
        items = [_entry(r) for r in rows[:limit]]
        return Page(items, items[-1].seq if len(rows) > limit else None)
