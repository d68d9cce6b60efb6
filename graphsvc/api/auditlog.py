"""The ``auditLog`` root field: who changed what and when, and what was refused, newest first (admins only).

The field asks the request's guarded store, which lets only an admin read the
log (anyone else gets ``FORBIDDEN``, and the refusal is itself logged). Entries
page by their sequence number: ``after`` is an ``endCursor`` of an earlier page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graphsvc import audit
from graphsvc.access import Role
from graphsvc.api import enums as _enums  # noqa: F401 - registers the GraphQL enums first
from graphsvc.api.args import AfterArg, FirstArg
from graphsvc.api.context import Context, call
from graphsvc.api.pagination import Edge, PageInfo, after_id, cursor_of, first_within
from graphsvc.errors import InvalidInput

__all__ = ["AuditEntry", "AuditEntryConnection", "audit_log"]

GInfo = Info[Context, None]


@strawberry.type(description="One line of the audit log: an accepted write, or a refused attempt.")
class AuditEntry:
    _entry: strawberry.Private[audit.AuditEntry]

    @strawberry.field(description="Position in the log: grows with every entry.")
    def seq(self) -> int:
        return self._entry.seq

    @strawberry.field(description="When it happened (UTC).")
    def at(self) -> datetime:
        return self._entry.at or datetime.fromtimestamp(0, UTC)  # the store sets it on every entry it records

    @strawberry.field(description="What was attempted.")
    def operation(self) -> audit.AuditOperation:
        return self._entry.operation

    @strawberry.field(description="Accepted, or refused (then `detail` says why).")
    def outcome(self) -> audit.AuditOutcome:
        return self._entry.outcome

    @strawberry.field(description="The member whose token was used (null: the command line or --no-auth).")
    def member_id(self) -> strawberry.ID | None:
        member = self._entry.actor.member
        return None if member is None else strawberry.ID(member)

    @strawberry.field(description="The role acted in (the command line and --no-auth act as ADMIN).")
    def role(self) -> Role:
        return Role(self._entry.actor.role)

    @strawberry.field(description="The id of the token used (never its secret).")
    def token_id(self) -> str | None:
        return self._entry.actor.token

    @strawberry.field(description="Where it came from: api (GraphQL), page (a browser page) or cli (the command line).")
    def via(self) -> str:
        return self._entry.actor.via

    @strawberry.field(description="The request id of the API call or page (also in the request log).")
    def request_id(self) -> str | None:
        return self._entry.actor.request_id

    @strawberry.field(description="The operating-system user, for the command line.")
    def user(self) -> str | None:
        return self._entry.actor.user

    @strawberry.field(description="The accounts the write touched (refused: the ones it aimed at).")
    def account_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(a) for a in self._entry.accounts]

    @strawberry.field(description="Node ids, relation labels (`COVERS m1 -> p1`) or token ids.")
    def ids(self) -> list[str]:
        return list(self._entry.ids)

    @strawberry.field(description="The record as it was, in interchange form (null: created, or not applicable).")
    def before(self) -> JSON | None:
        return self._entry.before

    @strawberry.field(description="The record as it is now, in interchange form (null: deleted, or not applicable).")
    def after(self) -> JSON | None:
        return self._entry.after

    @strawberry.field(description="Refused: why. Import: mode and counts. Cascade: what went with the node.")
    def detail(self) -> str | None:
        return self._entry.detail


@strawberry.type(description="A page of the audit log, newest first.")
class AuditEntryConnection:
    edges: list[Edge[AuditEntry]] = strawberry.field(description="The entries of this page with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page ends.")


def _utc(value: datetime | None) -> datetime | None:
    """A time without a zone is taken as UTC (the log's own)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _after_seq(cursor: str | None) -> int | None:
    raw = after_id(cursor)
    if raw is None:
        return None
    if not raw.isdigit():
        raise InvalidInput(f"after: {cursor!r} is not a cursor of the audit log")
    return int(raw)


async def audit_log(
    info: GInfo,
    account_id: Annotated[
        strawberry.ID | None, strawberry.argument(description="Only entries that touched this account.")
    ] = None,
    member_id: Annotated[
        strawberry.ID | None, strawberry.argument(description="Only entries of this member's tokens.")
    ] = None,
    since: Annotated[
        datetime | None, strawberry.argument(description="Only entries at or after this time (no zone: UTC).")
    ] = None,
    until: Annotated[
        datetime | None, strawberry.argument(description="Only entries before this time (no zone: UTC).")
    ] = None,
    operation: Annotated[
        audit.AuditOperation | None, strawberry.argument(description="Only entries of this operation.")
    ] = None,
    outcome: Annotated[
        audit.AuditOutcome | None, strawberry.argument(description="Only accepted, or only refused, entries.")
    ] = None,
    first: FirstArg = 20,
    after: AfterArg = None,
) -> AuditEntryConnection:
    query = audit.AuditQuery(
        account=None if account_id is None else str(account_id),
        member=None if member_id is None else str(member_id),
        since=_utc(since),
        until=_utc(until),
        operations=(operation,) if operation is not None else (),
        outcome=outcome,
    )
    limit, start = first_within(first), _after_seq(after)
    found: Any = await call(info.context.store.audit_log, query, after=start, limit=limit, descending=True)
    edges = [Edge(cursor=cursor_of(str(e.seq)), node=AuditEntry(_entry=e)) for e in found.items]
    end = edges[-1].cursor if edges else None
    return AuditEntryConnection(
        edges=edges, page_info=PageInfo(has_next_page=found.next_after is not None, end_cursor=end)
    )
