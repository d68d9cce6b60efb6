"""The reading half of ``GuardedStore``: every read filtered to what the scope sees.

An invisible record answers exactly like a missing one (the store's own
``NotFound`` message, ``None``, an empty list, a zero count), so a caller
cannot tell the two apart.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import IO, Any, NoReturn

from graphsvc.access.roles import Role
from graphsvc.access.scope import Scope
from graphsvc.access.visibility import visible_ids, visible_nodes, visible_relations
from graphsvc.audit import Actor, AuditEntry, AuditOperation, AuditOutcome, AuditQuery
from graphsvc.errors import Forbidden, GraphsvcError, NotFound
from graphsvc.interchange import write_document
from graphsvc.model import LIST_NAMES, Node, NodeKind, Relation, RelationKey, RelationType
from graphsvc.store import AccountRecords, GraphStore, Page, TokenInfo
from graphsvc.store.base import distinct_ids

__all__ = ["GuardedReads"]

_FILL_BATCH = 500
"""Relations read per round while filling a filtered page of ``list_relations``."""


class GuardedReads:
    """Reads of the real store ``inner`` as ``scope`` may see them; ``actor`` is who is asking."""

    def __init__(self, store: GraphStore, scope: Scope, actor: Actor) -> None:
        self.inner = store
        self.scope = scope
        self.actor = actor
        self.url = store.url
        self._admin = scope.visible is None

    # -- refusals -------------------------------------------------------------------------

    def _refuse(
        self,
        operation: AuditOperation,
        error: GraphsvcError,
        ids: Iterable[str] = (),
        accounts: Iterable[str | None] = (),
    ) -> NoReturn:
        """Log the refused attempt (for admins' eyes only, so it names what was really aimed at) and raise."""
        self.inner.append_audit(
            AuditEntry(
                operation,
                AuditOutcome.REFUSED,
                self.actor,
                accounts=tuple(sorted({a for a in accounts if a})),
                ids=tuple(ids),
                detail=str(error),
            )
        )
        raise error

    def _forbidden(self, what: str) -> Forbidden:
        return Forbidden(f"your role ({self.scope.role}) may not {what}")

    def _admin_only(self, operation: AuditOperation, what: str, ids: Iterable[str] = ()) -> None:
        if self.scope.role != Role.ADMIN:
            self._refuse(operation, self._forbidden(what), ids)

    # -- plumbing -------------------------------------------------------------------------

    def close(self) -> None:
        """Nothing: the guard does not own the store (close ``inner``)."""

    def migrate(self) -> list[str]:
        if self.scope.role != Role.ADMIN:
            raise self._forbidden("migrate the store")
        return self.inner.migrate()

    def health(self) -> Mapping[str, Any]:
        return self.inner.health()

    def revision(self) -> int:
        return self.inner.revision()

    # -- nodes ----------------------------------------------------------------------------

    def get_node(self, node_id: str) -> Node:
        node = self.inner.get_node(node_id)
        if not self._admin and not visible_nodes(self.inner, self.scope, [node]):
            raise NotFound(f"no node has the id '{node_id}'")
        return node

    def nodes_by_id(self, ids: Collection[str]) -> Mapping[str, Node]:
        if self._admin:
            return self.inner.nodes_by_id(ids)
        return visible_ids(self.inner, self.scope, ids)

    def _within(self, within: Collection[str] | None) -> frozenset[str] | None:
        """The ``within`` to pass down: the scope's accounts (narrowed by the caller's); None when no filter."""
        visible = self.scope.visible
        if visible is None:
            return None if within is None else frozenset(within)
        return visible if within is None else visible & frozenset(within)

    def list_nodes(
        self,
        kind: NodeKind | None = None,
        *,
        account: str | None = None,
        where: Mapping[str, Any] | None = None,
        name_contains: str | None = None,
        within: Collection[str] | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Page[Node]:
        scoped = self._within(within)
        if account is not None and scoped is not None and account not in scoped:
            return Page([])
        return self.inner.list_nodes(
            kind, account=account, where=where, name_contains=name_contains, within=scoped, after=after, limit=limit
        )

    def count_nodes(
        self,
        kind: NodeKind | None = None,
        *,
        account: str | None = None,
        where: Mapping[str, Any] | None = None,
        name_contains: str | None = None,
        within: Collection[str] | None = None,
    ) -> int:
        scoped = self._within(within)
        if account is not None and scoped is not None and account not in scoped:
            return 0
        return self.inner.count_nodes(kind, account=account, where=where, name_contains=name_contains, within=scoped)

    def owned_by(self, account_ids: Collection[str]) -> list[Node]:
        wanted = [a for a in account_ids if self.scope.sees(a)]
        return self.inner.owned_by(wanted) if wanted else []

    def people_at_sites(self, site_ids: Collection[str]) -> Sequence[Node]:
        people = self.inner.people_at_sites(site_ids)
        return people if self._admin else [p for p in people if self.scope.sees(p.account)]

    # -- relations ------------------------------------------------------------------------

    def get_relation(self, rtype: RelationType | str, source: str, target: str) -> Relation:
        rel = self.inner.get_relation(rtype, source, target)
        if not self._admin and not visible_relations(self.inner, self.scope, [rel]):
            raise NotFound(f"no {rel.type} relation from '{source}' to '{target}'")
        return rel

    def list_relations(
        self,
        rtype: RelationType | None = None,
        *,
        source: str | None = None,
        target: str | None = None,
        after: RelationKey | None = None,
        limit: int = 100,
    ) -> Page[Relation]:
        if self._admin:
            return self.inner.list_relations(rtype, source=source, target=target, after=after, limit=limit)
        found: list[Relation] = []
        cursor = after
        while len(found) <= limit:  # one visible relation past the page tells whether another page follows
            page = self.inner.list_relations(
                rtype, source=source, target=target, after=cursor, limit=max(limit + 1, _FILL_BATCH)
            )
            found += visible_relations(self.inner, self.scope, page.items)
            if page.next_after is None:
                break
            cursor = page.next_after
        items = found[:limit]
        return Page(items, items[-1].key if len(found) > limit and items else None)

    def relations_at(
        self, ids: Collection[str], rtype: RelationType | None = None, *, side: str = "source"
    ) -> list[Relation]:
        found = self.inner.relations_at(ids, rtype, side=side)
        return found if self._admin else visible_relations(self.inner, self.scope, found)

    def reports_to_above(self, ids: Collection[str]) -> Iterable[tuple[str, str]]:
        pairs = list(self.inner.reports_to_above(ids))
        if self._admin:
            return pairs
        seen = visible_ids(self.inner, self.scope, {e for pair in pairs for e in pair})
        return [(a, b) for a, b in pairs if a in seen and b in seen]

    # -- accounts -------------------------------------------------------------------------

    def account_revision(self, account_id: str) -> int:
        return self.inner.account_revision(account_id) if self.scope.sees(account_id) else 0

    def account_revisions(self, account_ids: Collection[str]) -> dict[str, int]:
        """Like ``account_revision`` for each: an account the caller cannot see maps to 0, as a missing one does."""
        wanted = distinct_ids(account_ids)
        if self._admin:
            return self.inner.account_revisions(wanted)
        seen = self.inner.account_revisions([a for a in wanted if self.scope.sees(a)])
        return {a: seen.get(a, 0) for a in wanted}

    def account_records(self, account_id: str) -> AccountRecords:
        if not self.scope.sees(account_id):
            raise NotFound(f"no account has the id '{account_id}'")
        records = self.inner.account_records(account_id)
        if self._admin:
            return records
        nodes = visible_nodes(self.inner, self.scope, records.nodes)
        ids = {n.id for n in nodes} | {account_id}
        relations = [r for r in records.relations if r.source in ids and r.target in ids]
        return AccountRecords(records.account, records.revision, nodes, relations)

    def export_to(self, fp: IO[str]) -> int:
        """The visible part of the graph as a graphsvc/1 document (read page by page; admin: the store's export)."""
        if self._admin:
            return self.inner.export_to(fp)
        seen: set[str] = set()
        return write_document(fp, self._visible_export_nodes(seen), self._visible_export_relations(seen))

    def _visible_export_nodes(self, seen: set[str]) -> Iterator[Node]:
        for kind in LIST_NAMES.values():
            after = None
            while True:
                page = self.list_nodes(kind, after=after, limit=1000)
                for node in page.items:
                    seen.add(node.id)
                    yield node
                if page.next_after is None:
                    break
                after = page.next_after

    def _visible_export_relations(self, seen: set[str]) -> Iterator[Relation]:
        after = None
        while True:
            page = self.inner.list_relations(after=after, limit=1000)
            yield from (r for r in page.items if r.source in seen and r.target in seen)
            if page.next_after is None:
                return
            after = page.next_after

    # -- tokens and the audit log (admin only) --------------------------------------------

    def token_by_secret(self, secret: str) -> TokenInfo | None:
        """Passed through: whoever holds a secret may learn whose it is (how sign-in works)."""
        return self.inner.token_by_secret(secret)

    def token_and_revision(self, secret: str) -> tuple[TokenInfo | None, int]:
        """Passed through, as ``token_by_secret``."""
        return self.inner.token_and_revision(secret)

    def list_tokens(self) -> list[TokenInfo]:
        self._admin_only(AuditOperation.READ, "list tokens", ["tokens"])
        return self.inner.list_tokens()

    def create_token(
        self, member_id: str, role: str, *, expires: datetime | None = None, actor: Actor | None = None
    ) -> tuple[TokenInfo, str]:
        self._admin_only(AuditOperation.CREATE_TOKEN, "create tokens", [member_id])
        return self.inner.create_token(member_id, role, expires=expires, actor=self.actor)

    def revoke_token(self, token_id: str, *, actor: Actor | None = None) -> TokenInfo:
        self._admin_only(AuditOperation.REVOKE_TOKEN, "revoke tokens", [token_id])
        return self.inner.revoke_token(token_id, actor=self.actor)

    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        """Record an entry as this guard's actor (whatever actor ``entry`` names)."""
        return self.inner.append_audit(
            AuditEntry(
                entry.operation,
                entry.outcome,
                self.actor,
                entry.accounts,
                entry.ids,
                entry.before,
                entry.after,
                entry.detail,
            )
        )

    def audit_log(
        self, query: AuditQuery | None = None, *, after: int | None = None, limit: int = 100, descending: bool = False
    ) -> Page[AuditEntry]:
        self._admin_only(AuditOperation.READ, "read the audit log", ["audit_log"])
        return self.inner.audit_log(query, after=after, limit=limit, descending=descending)
