"""Reads of the Neo4j store: nodes, relations, listings, account records, export."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

from graphsvc.errors import InvalidInput, NotFound
from graphsvc.interchange import write_document
from graphsvc.model import (
    LIST_NAMES,
    NODE_FIELDS,
    Node,
    NodeKind,
    Relation,
    RelationKey,
    RelationType,
    relation_type,
)
from graphsvc.store.base import AccountRecords, Page, distinct_ids
from graphsvc.store.neo4j.connections import Connections
from graphsvc.store.neo4j.convert import LABEL, node_props, to_node, to_relation, to_relations

SNAPSHOT_TRIES = 5


_OWNED = (NodeKind.SITE, NodeKind.PERSON, NodeKind.COMMITTEE)


def _within_params(kind: NodeKind | None, account: str | None, within: Collection[str]) -> dict[str, list[str]]:
    """``within`` for list/count_nodes_within.cypher, with the accounts each index seek starts from narrowed
    to what ``kind`` and ``account`` can match (an empty list makes its branch read nothing)."""
    ids = distinct_ids(within)
    owners = [a for a in ids if account is None or a == account]
    return {
        "within": ids,
        "accounts": ids if kind in (None, NodeKind.ACCOUNT) and account is None else [],
        "owners": owners if kind is None or NodeKind(kind) in _OWNED else [],
    }


class Reads(Connections):
    """Everything that reads."""

    def health(self) -> Mapping[str, Any]:
        row = self._run("health")[0]
        return {
            "store": "neo4j",
            "nodes": row["nodes"],
            "relations": row["relations"],
            "revision": row["revision"],
        }

    def get_node(self, node_id: str) -> Node:
        found = self.nodes_by_id([node_id])
        if node_id not in found:
            raise NotFound(f"no node has the id '{node_id}'")
        return found[node_id]

    def nodes_by_id(self, ids: Collection[str]) -> Mapping[str, Node]:
        wanted = distinct_ids(ids)
        if not wanted:
            return {}
        out: dict[str, Node] = {}
        for row in self._run("nodes_by_id", ids=wanted):
            node = to_node(row[0], row[1])
            out[node.id] = node
        return out

    def _node_filter(
        self,
        kind: NodeKind | None,
        account: str | None,
        where: Mapping[str, Any] | None,
        name_contains: str | None,
    ) -> dict[str, Any]:
        filters: list[dict[str, Any]] = []
        if where:
            if kind is None:
                raise InvalidInput("filtering on properties needs a node kind")
            fields = {f.name: f for f in NODE_FIELDS[NodeKind(kind)]}
            for name, value in where.items():
                field = fields.get(name)
                if field is None or name in ("name", "account", "notes"):
                    raise InvalidInput(f"cannot filter {kind} on {name!r}; use one of {', '.join(fields)}")
                filters.append({"name": name, "value": value, "list": field.type in ("enum_list", "text_list")})
        return {
            "label": LABEL[NodeKind(kind)] if kind is not None else None,
            "account": account,
            "where": filters,
            "fold": name_contains.casefold() if name_contains else None,
        }

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
        params = self._node_filter(kind, account, where, name_contains)
        if within is not None:
            scope = _within_params(kind, account, within)
            rows = self._run("list_nodes_within", after=after, limit=limit + 1, **scope, **params)
        else:
            rows = self._run(_kind_statement("list", kind, account), after=after, limit=limit + 1, **params)
        items = [to_node(r[0], r[1]) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    def count_nodes(
        self,
        kind: NodeKind | None = None,
        *,
        account: str | None = None,
        where: Mapping[str, Any] | None = None,
        name_contains: str | None = None,
        within: Collection[str] | None = None,
    ) -> int:
        params = self._node_filter(kind, account, where, name_contains)
        if within is not None:
            return int(self._run("count_nodes_within", **_within_params(kind, account, within), **params)[0][0])
        return int(self._run(_kind_statement("count", kind, account), **params)[0][0])

    def get_relation(self, rtype: RelationType | str, source: str, target: str) -> Relation:
        rt = relation_type(rtype)
        rows = self._run("get_relation", type=str(rt), **{"from": source, "to": target})
        if not rows:
            raise NotFound(f"no {rt} relation from '{source}' to '{target}'")
        return to_relation(*rows[0].values())

    def list_relations(
        self,
        rtype: RelationType | None = None,
        *,
        source: str | None = None,
        target: str | None = None,
        after: RelationKey | None = None,
        limit: int = 100,
    ) -> Page[Relation]:
        params = {
            "type": str(relation_type(rtype)) if rtype is not None else None,
            "from": source,
            "to": target,
            "after": [str(a) for a in after] if after is not None else None,
            "limit": limit + 1,
        }
        name = "list_relations_from" if source is not None else "list_relations_to" if target else "list_relations"
        if name == "list_relations_to":
            del params["from"]
        rows = self._run(name, **params)
        items = [to_relation(*r.values()) for r in rows[:limit]]
        return Page(items, items[-1].key if len(rows) > limit else None)

    def relations_at(
        self, ids: Collection[str], rtype: RelationType | None = None, *, side: str = "source"
    ) -> list[Relation]:
        if side not in ("source", "target"):
            raise InvalidInput(f"side must be source or target, not {side!r}")
        wanted = distinct_ids(ids)
        if not wanted:
            return []
        rt = str(relation_type(rtype)) if rtype is not None else None
        rows = self._run("relations_from" if side == "source" else "relations_into", ids=wanted, type=rt)
        return [to_relation(*r.values()) for r in rows]

    def owned_by(self, account_ids: Collection[str]) -> list[Node]:
        wanted = sorted(distinct_ids(account_ids))
        if not wanted:
            return []
        return [to_node(r[0], r[1]) for r in self._run("owned_by", accounts=wanted)]

    def people_at_sites(self, site_ids: Collection[str]) -> Sequence[Node]:
        wanted = distinct_ids(site_ids)
        if not wanted:
            return []
        return [to_node(r[0], r[1]) for r in self._run("people_at_sites", sites=wanted)]

    def reports_to_above(self, ids: Collection[str]) -> Iterable[tuple[str, str]]:
        wanted = distinct_ids(ids)
        if not wanted:
            return []
        return [(r[0], r[1]) for r in self._run("reports_to_above", ids=wanted)]

    def revision(self) -> int:
        return int(self._run("revision")[0][0])

    def account_revision(self, account_id: str) -> int:
        return int(self._run("account_revision", account=account_id)[0][0])

    def account_revisions(self, account_ids: Collection[str]) -> dict[str, int]:
        wanted = distinct_ids(account_ids)
        if not wanted:
            return {}
        found = {r[0]: int(r[1]) for r in self._run("account_revisions", accounts=wanted)}
        return {a: found.get(a, 0) for a in wanted}

    def account_records(self, account_id: str) -> AccountRecords:
        """One consistent view: read, then check the account's revision did not move meanwhile (else again).

        Neo4j reads see committed data as it comes (read committed), so the
        revision, which every write touching this influence graph moves in
        its own transaction, tells whether the view is whole.
        """
        for _ in range(SNAPSHOT_TRIES):
            records = self._read(lambda: self._account_view(account_id))
            if records.revision == self.account_revision(account_id):
                return records
        return self._locked_view(account_id)

    def _locked_view(self, account_id: str) -> AccountRecords:
        with self._locked_snapshot():  # writes keep coming: hold them back for one read
            return self._account_view(account_id)

    def _account_view(self, account_id: str) -> AccountRecords:
        rows = self._run("account_nodes", account=account_id)
        if not rows:
            raise NotFound(f"no account has the id '{account_id}'")
        account_props, revision, raw_nodes = rows[0].values()
        account = node_props(NodeKind.ACCOUNT, account_props)
        nodes = [to_node(labels, props) for labels, props in raw_nodes]
        found = self._run("account_relations", ids=[n.id for n in nodes], account=account_id)[0][0]
        relations = to_relations(found)
        return AccountRecords(account, int(revision), nodes, relations)

    def _iter_nodes(self) -> Iterator[Node]:
        tx = self._tx()
        assert tx is not None
        from graphsvc.store.neo4j.cypher import query

        for kind in LIST_NAMES.values():
            for record in tx.run(query("export_nodes"), label=LABEL[kind]):
                yield node_props(kind, record[0])

    def _iter_relations(self) -> Iterator[Relation]:
        tx = self._tx()
        assert tx is not None
        from graphsvc.store.neo4j.cypher import query

        for rtype in sorted(RelationType, key=str):
            for record in tx.run(query("export_relations"), type=str(rtype)):
                yield Relation(rtype, record[0], record[1], dict(record[2]))

    def export_to(self, fp: IO[str]) -> int:
        """Stream the whole graph, holding writes back meanwhile so the document is one consistent state."""
        with self._locked_snapshot():
            return write_document(fp, self._iter_nodes(), self._iter_relations())


def _kind_statement(verb: str, kind: NodeKind | None, account: str | None) -> str:
    """``list``/``count`` statement for these filters: one account's nodes come by the Entity(account) index;
    the nodes of one kind by their label (``list_nodes:Account``: the Account(id) index in id order, where
    ``list_nodes`` alone read every node of the store, in id order, until a page of accounts was found)."""
    statements = {"list": ("list_nodes", "list_account_nodes"), "count": ("count_nodes", "count_account_nodes")}
    every, of_account = statements[verb]
    if account is not None:
        return of_account
    return every if kind is None else f"{every}:{LABEL[NodeKind(kind)]}"
