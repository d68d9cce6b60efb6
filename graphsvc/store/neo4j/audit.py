"""The audit log of the Neo4j store: ``AuditEntry`` nodes, apart from the graph.

An entry is a node labelled ``AuditEntry`` only (never ``Entity``), with no
relationships, so no graph query, export, count, import or cascade ever sees
one. ``before``/``after`` are JSON text; ``accounts`` and ``ids`` are lists.
``seq`` comes from the sequence node ``GraphsvcMeta {key: 'audit'}``, taken
as the last statement of each write transaction: it follows commit order.
See docs/audit.md and ``queries/cypher/audit_*.cypher``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from graphsvc.audit import AuditEntry, AuditQuery, actor_fields, audit_time, check_page, encode_value, stored_entry
from graphsvc.store.base import Page
from graphsvc.store.neo4j.connections import Connections


def entry_props(entry: AuditEntry, at: datetime) -> dict[str, Any]:
    """The properties of an ``AuditEntry`` node (absent values left out: Neo4j keeps no nulls)."""
    props: dict[str, Any] = {
        "at": audit_time(at),
        "operation": str(entry.operation),
        "outcome": str(entry.outcome),
        **actor_fields(entry.actor),
        "accounts": list(entry.accounts),
        "ids": list(entry.ids),
        "before": encode_value(entry.before),
        "after": encode_value(entry.after),
        "detail": entry.detail,
    }
    return {k: v for k, v in props.items() if v is not None}


class Audit(Connections):
    """Record entries and page through them."""

    def _record(self, entry: AuditEntry) -> AuditEntry:
        """Append ``entry`` in this thread's open write transaction; return it with ``seq`` and ``at`` set."""
        if self._tx() is None:
            raise RuntimeError("an audit entry is recorded inside a write transaction")  # pragma: no cover
        at = datetime.now(UTC)
        seq = int(self._run("audit_append", entry=entry_props(entry, at))[0][0])
        return replace(entry, seq=seq, at=at)

    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        return self._write(lambda: self._record(entry), lock=False)

    def audit_log(
        self, query: AuditQuery | None = None, *, after: int | None = None, limit: int = 100, descending: bool = False
    ) -> Page[AuditEntry]:
        check_page(after, limit)
        q = query or AuditQuery()
        filters: dict[str, Any] = {
            "account": q.account,
            "member": q.member,
            "since": audit_time(q.since) if q.since is not None else None,
            "until": audit_time(q.until) if q.until is not None else None,
            "operations": [str(o) for o in q.operations] if q.operations else None,
            "outcome": str(q.outcome) if q.outcome is not None else None,
            "limit": limit + 1,
        }
        if descending:
            rows = self._run("audit_log_desc", before=after, **filters)
        else:
            rows = self._run("audit_log", after=after if after is not None else 0, **filters)
        items = [stored_entry(r["entry"]) for r in rows[:limit]]
        return Page(items, items[-1].seq if len(rows) > limit else None)
