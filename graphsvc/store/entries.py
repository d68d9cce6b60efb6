"""What each accepted write records in the audit log, the same in every store (docs/audit.md).

Records appear in their interchange form (what ``export`` writes for them):
a node with its ``id``, a relation as ``{"type", "from", "to", ...}``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from graphsvc.audit import Actor, AuditEntry, AuditOperation, accepted
from graphsvc.model import Node, Relation
from graphsvc.store.base import ImportMode, WriteResult

__all__ = ["deleted_entry", "imported_entry", "token_entry", "updated_entry"]


def updated_entry(
    operation: AuditOperation,
    actor: Actor | None,
    touched: Collection[str],
    label: str,
    old: Node | Relation,
    new: Node | Relation,
) -> AuditEntry:
    """An update: before and after; detail "unchanged" when the write changed nothing."""
    return accepted(
        operation,
        actor,
        accounts=touched,
        ids=[label],
        before=old.to_dict(),
        after=new.to_dict(),
        detail="unchanged" if old == new else None,
    )


def deleted_entry(
    actor: Actor | None,
    node: Node,
    doomed: Sequence[str],
    relations: int,
    unsited: Sequence[str],
    touched: Collection[str],
) -> AuditEntry:
    """A node deletion: ``ids`` every deleted node; detail what went with it (a cascade's records, relations)."""
    parts = []
    if len(doomed) > 1:
        parts.append(f"cascade: {len(doomed) - 1} record(s) of account '{node.id}' deleted with it")
    if unsited:
        parts.append(f"cascade: {len(unsited)} person(s) lost their site ({', '.join(sorted(unsited))})")
    parts.append(f"{relations} relation(s) deleted with it")
    return accepted(
        AuditOperation.DELETE_NODE,
        actor,
        accounts=touched,
        ids=doomed,
        before=node.to_dict(),
        detail="; ".join(parts),
    )


def imported_entry(actor: Actor | None, mode: ImportMode, result: WriteResult) -> AuditEntry:
    """An import: ONE entry, however big the document; the counts in ``detail``, no ids."""
    return accepted(
        AuditOperation.IMPORT,
        actor,
        accounts=result.accounts,
        detail=(
            f"{mode}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.deleted} deleted"
        ),
    )


def token_entry(
    operation: AuditOperation,
    actor: Actor | None,
    token_id: str,
    member: str,
    role: str,
    expires: datetime | None,
    *,
    revoked: tuple[datetime | None, datetime] | None = None,
) -> AuditEntry:
    """A token created or revoked: who it is for, its role and expiry (never its secret or hash).

    A revocation also shows ``revoked`` before and after; revoking a revoked
    token again is recorded as "unchanged".
    """
    shown = {"member": member, "role": role, "expires": expires.isoformat() if expires else None}
    if revoked is None:
        return accepted(operation, actor, ids=[token_id], after=shown)
    was, now = revoked
    return accepted(
        operation,
        actor,
        ids=[token_id],
        before={**shown, "revoked": was.isoformat() if was else None},
        after={**shown, "revoked": now.isoformat()},
        detail="unchanged" if was is not None else None,
    )
