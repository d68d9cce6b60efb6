"""The audit log's records: who did what, when, to which records, and whether it was allowed.

Stores write an ``AuditEntry`` for every accepted write in the write's own
transaction (so a change and its entry land together or not at all), and
``append_audit`` records refused attempts. ``Actor`` says who is acting; the
access layer (``graphsvc.access``) passes the caller's, the CLI its operator.
See docs/audit.md.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from graphsvc.errors import InvalidInput

__all__ = [
    "Actor",
    "AuditEntry",
    "AuditOperation",
    "AuditOutcome",
    "AuditQuery",
    "accepted",
    "actor_fields",
    "audit_time",
    "check_page",
    "decode_value",
    "encode_value",
    "stored_entry",
]


class AuditOperation(StrEnum):
    """What was attempted: the store operation (GraphQL mutations map onto these)."""

    CREATE_NODE = "create_node"
    UPDATE_NODE = "update_node"
    DELETE_NODE = "delete_node"
    CREATE_RELATION = "create_relation"
    UPDATE_RELATION = "update_relation"
    DELETE_RELATION = "delete_relation"
    IMPORT = "import"
    CREATE_TOKEN = "create_token"
    REVOKE_TOKEN = "revoke_token"
    READ = "read"
    """A refused read (only refusals of reads are logged, e.g. the audit log asked for by a non-admin)."""


class AuditOutcome(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the member a token belongs to and the token's role, or the operator of the command line."""

    member: str | None
    role: str
    token: str | None = None
    """The token's id (never its secret)."""
    via: str = "api"
    """``api`` (GraphQL), ``page`` (a browser page) or ``cli`` (the command line, with direct store access)."""
    request_id: str | None = None
    user: str | None = None
    """The operating-system user, for the command line."""

    @classmethod
    def cli(cls) -> Actor:
        """The command line's operator: whoever can open the store may do everything (docs/security.md)."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry, no LOGNAME
            user = None
        return cls(member=None, role="admin", via="cli", user=user)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log. ``seq`` and ``at`` are set by the store when it records the entry."""

    operation: AuditOperation
    outcome: AuditOutcome
    actor: Actor
    accounts: tuple[str, ...] = ()
    """The accounts the write touched (or, refused, the ones it aimed at)."""
    ids: tuple[str, ...] = ()
    """Node ids, relation labels (``COVERS m1 -> p1``) or token ids."""
    before: Any = None
    """The record as it was, in interchange form (JSON); None when created or not applicable."""
    after: Any = None
    """The record as it is now, in interchange form (JSON); None when deleted or not applicable."""
    detail: str | None = None
    """Refused: why. Import: mode and counts. Cascade: what went with the node."""
    seq: int = 0
    at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON (the form of ``graphsvc audit export`` lines)."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat() if self.at else None,
            "operation": self.operation.value,
            "outcome": self.outcome.value,
            "member": self.actor.member,
            "role": self.actor.role,
            "token": self.actor.token,
            "via": self.actor.via,
            "request_id": self.actor.request_id,
            "user": self.actor.user,
            "accounts": list(self.accounts),
            "ids": list(self.ids),
            "before": self.before,
            "after": self.after,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters of the audit log; every one given must hold."""

    account: str | None = None
    member: str | None = None
    since: datetime | None = None
    """Inclusive."""
    until: datetime | None = None
    """Exclusive."""
    operations: tuple[AuditOperation, ...] = field(default_factory=tuple)
    outcome: AuditOutcome | None = None


def accepted(
    operation: AuditOperation,
    actor: Actor | None,
    *,
    accounts: Iterable[str] = (),
    ids: Iterable[str] = (),
    before: Any = None,
    after: Any = None,
    detail: str | None = None,
) -> AuditEntry:
    """The entry of an accepted write (``actor`` None: the command line's operator); accounts sorted."""
    return AuditEntry(
        operation,
        AuditOutcome.ACCEPTED,
        actor if actor is not None else Actor.cli(),
        tuple(sorted(set(accounts))),
        tuple(ids),
        before,
        after,
        detail,
    )


def audit_time(at: datetime) -> str:
    """How stores keep and compare times: UTC, ISO 8601 with microseconds, so text order is time order.

    A naive datetime is taken as UTC.
    """
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")


def encode_value(value: Any) -> str | None:
    """``before`` / ``after`` as stored: JSON text (None stays None), text kept verbatim (no escaping)."""
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def decode_value(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def stored_entry(row: Mapping[str, Any]) -> AuditEntry:
    """An entry from its stored fields (the keys of ``to_dict``; ``before``/``after`` as JSON text)."""
    actor = Actor(
        member=row.get("member"),
        role=row["role"],
        token=row.get("token"),
        via=row["via"],
        request_id=row.get("request_id"),
        user=row.get("user"),
    )
    return AuditEntry(
        operation=AuditOperation(row["operation"]),
        outcome=AuditOutcome(row["outcome"]),
        actor=actor,
        accounts=tuple(row.get("accounts") or ()),
        ids=tuple(row.get("ids") or ()),
        before=decode_value(row.get("before")),
        after=decode_value(row.get("after")),
        detail=row.get("detail"),
        seq=int(row["seq"]),
        at=datetime.fromisoformat(row["at"]),
    )


def check_page(after: int | None, limit: int) -> None:
    """Refuse a bad page of ``audit_log``: ``limit`` at least 1, ``after`` a seq."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidInput(f"the audit log's page size must be a whole number of at least 1, not {limit!r}")
    if after is not None and (isinstance(after, bool) or not isinstance(after, int)):
        raise InvalidInput(f"'after' in the audit log is an entry's seq (a whole number), not {after!r}")


def actor_fields(actor: Actor) -> dict[str, str | None]:
    """The actor as stored: plain text (a role given as an enum stores its value)."""
    raw = {
        "member": actor.member,
        "role": actor.role,
        "token": actor.token,
        "via": actor.via,
        "request_id": actor.request_id,
        "user": actor.user,
    }
    return {k: None if v is None else str(v) for k, v in raw.items()}
