"""The ``GraphStore`` protocol every store implements, and its result types.

Stores hold the graph and enforce every integrity rule of the model on every
write (through ``graphsvc.model``); analyses and the API only ever talk to
this protocol. The contract tests in ``tests/store`` run against each store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import IO, Any, Generic, Protocol, TypeVar

from graphsvc.audit import Actor, AuditEntry, AuditQuery
from graphsvc.errors import InvalidInput
from graphsvc.model import Node, NodeKind, Relation, RelationKey, RelationType

__all__ = [
    "AccountRecords",
    "GraphStore",
    "ImportMode",
    "Page",
    "Progress",
    "TokenInfo",
    "WriteResult",
    "secret_hash",
    "token_role",
]

T = TypeVar("T")
Progress = Callable[[int], None]
"""Called with the number of records written since the last call."""


class ImportMode(StrEnum):
    MERGE = "merge"
    """Upsert by id (nodes) and by (type, from, to) (relations); keep everything else."""
    REPLACE = "replace"
    """The document becomes the whole graph."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing; pass ``next_after`` as ``after`` for the next (None: last page)."""

    items: list[T]
    next_after: Any = None


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a write did: record counts and the accounts whose revision it moved."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    accounts: tuple[str, ...] = field(default_factory=tuple)
    revision: int = 0


@dataclass(frozen=True, slots=True)
class AccountRecords:
    """An account's influence-graph records as of one revision, read in one snapshot.

    ``nodes`` and ``relations`` hold at least every record of the account's
    influence graph (DESIGN.md section 2); the analysis layer applies the
    exact definition, so a store may hand over a little more.
    """

    account: Node
    revision: int
    nodes: list[Node]
    relations: list[Relation]


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An API token as stored: never the secret itself, only who it is for and its state."""

    id: str
    member: str
    role: str
    created: datetime
    expires: datetime | None = None
    revoked: datetime | None = None
    last_used: datetime | None = None


def token_role(role: str) -> str:
    """``role`` when it is a role graphsvc knows (docs/security.md), else ``InvalidInput`` naming the choices.

    Checked by every store's ``create_token``: a token with a role nothing understands would only be refused
    later, request by request.
    """
    from graphsvc.access.roles import parse_role  # the access package reads stores; import it only when called

    try:
        return parse_role(role).value
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def distinct_ids(ids: Iterable[Any]) -> list[str]:
    """The string ids of ``ids``, each once, in their first order (what a batch read asks the store for)."""
    return list(dict.fromkeys(i for i in ids if isinstance(i, str)))


def secret_hash(secret: str) -> str:
    """How stores keep a token: its SHA-256 (tokens are 256-bit random secrets, so one hash is enough)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class GraphStore(Protocol):
    """A graph store. Every write is one transaction: all or nothing."""

    url: str

    def close(self) -> None: ...

    def migrate(self) -> list[str]:
        """Apply the store's schema (idempotent; opening a store applies it when older); return what ran."""
        ...

    def health(self) -> Mapping[str, Any]:
        """Cheap liveness facts (``ok``, ``store``, counts); raises ``StoreUnavailable`` when down."""
        ...

    # reads
    def get_node(self, node_id: str) -> Node: ...

    def nodes_by_id(self, ids: Collection[str]) -> Mapping[str, Node]: ...

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
        """Nodes by id; ``within``: only those a caller who sees exactly these accounts sees (see ``count_nodes``)."""
        ...

    def count_nodes(
        self,
        kind: NodeKind | None = None,
        *,
        account: str | None = None,
        where: Mapping[str, Any] | None = None,
        name_contains: str | None = None,
        within: Collection[str] | None = None,
    ) -> int:
        """How many nodes ``list_nodes`` would list over all its pages.

        ``within`` (account ids) keeps accounts in it; sites, people and
        committees whose account is in it; every member; and influencers
        that have no ``INFLUENCES`` or ``MEMBER_OF`` relation (either way)
        with a person or committee, or have one with a person or committee of
        an account in it. ``None``: no such filter.
        """
        ...

    def get_relation(self, rtype: RelationType | str, source: str, target: str) -> Relation: ...

    def list_relations(
        self,
        rtype: RelationType | None = None,
        *,
        source: str | None = None,
        target: str | None = None,
        after: RelationKey | None = None,
        limit: int = 100,
    ) -> Page[Relation]: ...

    def relations_at(
        self, ids: Collection[str], rtype: RelationType | None = None, *, side: str = "source"
    ) -> list[Relation]:
        """Every relation whose ``side`` (``source`` or ``target``) is one of ``ids``: one batch for many nodes."""
        ...

    def owned_by(self, account_ids: Collection[str]) -> list[Node]:
        """Every site, person and committee of the given accounts, by account then id: one batch."""
        ...

    def people_at_sites(self, site_ids: Collection[str]) -> Sequence[Node]: ...

    def reports_to_above(self, ids: Collection[str]) -> Iterable[tuple[str, str]]: ...

    def revision(self) -> int:
        """The store's revision: moves on every write that changed something."""
        ...

    def account_revision(self, account_id: str) -> int:
        """Moves on every write that touches the account's influence graph (0: never written)."""
        ...

    def account_revisions(self, account_ids: Collection[str]) -> dict[str, int]:
        """``account_revision`` of many accounts in one read: every id asked for maps to what it would answer.

        So an id that names no account, or an account never written, maps to 0; an empty collection costs no
        read. One statement whatever the number of ids (the dashboard checks a page of 100 at once).
        """
        ...

    def account_records(self, account_id: str) -> AccountRecords:
        """The records of the account's influence graph; ``NotFound`` when no such account."""
        ...

    def export_to(self, fp: IO[str]) -> int:
        """Write the whole graph as one consistent graphsvc/1 document; return the record count."""
        ...

    # tokens (API authentication)
    def create_token(
        self, member_id: str, role: str, *, expires: datetime | None = None, actor: Actor | None = None
    ) -> tuple[TokenInfo, str]:
        """A new token for a member; returns its record and the secret, which is stored only hashed."""
        ...

    def token_by_secret(self, secret: str) -> TokenInfo | None:
        """The live token with that secret (not revoked, not expired), marking it used; else None."""
        ...

    def token_and_revision(self, secret: str) -> tuple[TokenInfo | None, int]:
        """``token_by_secret`` and the store's ``revision()``, read together (one round trip to Neo4j).

        The API's authentication reads both: a request's scope and cached analyses are current as of that
        revision without asking the store again.
        """
        ...

    def list_tokens(self) -> list[TokenInfo]: ...

    def revoke_token(self, token_id: str, *, actor: Actor | None = None) -> TokenInfo: ...

    # audit log (docs/audit.md). Every accepted write records one entry in its own transaction, as ``actor``
    # (None: the local operator, ``Actor.cli()``), including writes that changed nothing.
    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        """Record an entry that goes with no write (a refused attempt); return it with ``seq`` and ``at`` set."""
        ...

    def audit_log(
        self, query: AuditQuery | None = None, *, after: int | None = None, limit: int = 100, descending: bool = False
    ) -> Page[AuditEntry]:
        """Entries matching ``query`` by ``seq`` (oldest first unless ``descending``); ``after`` is a ``seq``."""
        ...

    # writes
    def create_node(self, kind: NodeKind | str, record: Mapping[str, Any], *, actor: Actor | None = None) -> Node: ...

    def update_node(self, node_id: str, changes: Mapping[str, Any], *, actor: Actor | None = None) -> Node:
        """Set the given properties; a ``None`` value removes an optional one."""
        ...

    def delete_node(self, node_id: str, *, cascade: bool = False, actor: Actor | None = None) -> WriteResult:
        """Delete a node and every relation at it.

        An account that still owns sites, people or committees, or a site
        where people work, is refused (``Conflict``) unless ``cascade``: then
        the account's records go with it, and people lose their ``site``.
        """
        ...

    def create_relation(self, record: Mapping[str, Any], *, actor: Actor | None = None) -> Relation: ...

    def update_relation(
        self,
        rtype: RelationType | str,
        source: str,
        target: str,
        changes: Mapping[str, Any],
        *,
        actor: Actor | None = None,
    ) -> Relation: ...

    def delete_relation(
        self, rtype: RelationType | str, source: str, target: str, *, actor: Actor | None = None
    ) -> WriteResult: ...

    def import_document(
        self,
        raw: Any,
        mode: ImportMode = ImportMode.MERGE,
        progress: Progress | None = None,
        *,
        actor: Actor | None = None,
    ) -> WriteResult:
        """Validate a decoded graphsvc/1 document against the store and write it, all or nothing."""
        ...
