"""Concise graphsvc/1 documents for analysis tests.

``Doc`` builds a document record by record (absent properties stay absent, as
in real data) and turns it into an account's influence graph through the
public path: ``check_document`` then ``build_influence_graph``.
``healthy()`` is a small key account with no coverage gap at all; gap tests
change one thing in it and check exactly what appears.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from graphsvc.analysis import InfluenceGraph, InfluencePath, build_influence_graph
from graphsvc.interchange import check_document

ACC = "acc_a"
AS_OF = date(2026, 6, 30)
FRESH = (AS_OF - timedelta(days=10)).isoformat()

_LISTS = ("accounts", "sites", "people", "committees", "influencers", "members")


def days_before(n: int, day: date = AS_OF) -> str:
    """The ISO date ``n`` days before ``day``."""
    return (day - timedelta(days=n)).isoformat()


def _props(**props: Any) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


class Doc:
    """A graphsvc/1 document under construction; every method returns ``self``."""

    def __init__(self, account: str = ACC, **props: Any) -> None:
        self.data: dict[str, Any] = {"format": "graphsvc/1", **{name: [] for name in _LISTS}, "relations": []}
        self.default_account = account
        self.account(account, **props)

    # nodes
    def account(self, id: str, status: str = "key", **props: Any) -> Doc:
        self.data["accounts"].append({"id": id, "name": id, "status": status, **_props(**props)})
        return self

    def site(self, id: str, account: str | None = None, **props: Any) -> Doc:
        self.data["sites"].append({"id": id, "account": account or self.default_account, "name": id, **_props(**props)})
        return self

    def person(self, id: str, account: str | None = None, **props: Any) -> Doc:
        record = {"id": id, "account": account or self.default_account, "name": id, **_props(**props)}
        self.data["people"].append(record)
        return self

    def committee(self, id: str, account: str | None = None, kind: str = "buying_committee", **props: Any) -> Doc:
        record = {"id": id, "account": account or self.default_account, "name": id, "kind": kind, **_props(**props)}
        self.data["committees"].append(record)
        return self

    def influencer(self, id: str, kind: str = "planner", **props: Any) -> Doc:
        self.data["influencers"].append({"id": id, "name": id, "kind": kind, **_props(**props)})
        return self

    def member(self, id: str, role: str = "kam", **props: Any) -> Doc:
        self.data["members"].append({"id": id, "name": id, "role": role, **_props(**props)})
        return self

    # relations
    def rel(self, type: str, source: str, target: str, **props: Any) -> Doc:
        self.data["relations"].append({"type": type, "from": source, "to": target, **_props(**props)})
        return self

    def covers(
        self,
        member: str,
        node: str,
        strength: float | None = None,
        last_contact: str | None = FRESH,
        cadence_days: int | None = None,
    ) -> Doc:
        return self.rel("COVERS", member, node, strength=strength, last_contact=last_contact, cadence_days=cadence_days)

    def knows(self, member: str, node: str, strength: float | None = None) -> Doc:
        return self.rel("KNOWS", member, node, strength=strength)

    def influences(self, source: str, target: str, strength: float | None = None) -> Doc:
        return self.rel("INFLUENCES", source, target, strength=strength)

    def member_of(self, source: str, committee: str, role: str = "member", strength: float | None = None) -> Doc:
        return self.rel("MEMBER_OF", source, committee, role=role, strength=strength)

    def reports_to(self, source: str, boss: str, strength: float | None = None) -> Doc:
        return self.rel("REPORTS_TO", source, boss, strength=strength)

    def assigned(self, member: str, account: str | None = None, role: str = "member") -> Doc:
        return self.rel("ASSIGNED_TO", member, account or self.default_account, role=role)

    # changes
    def update(self, node_id: str, **changes: Any) -> Doc:
        """Set properties of a node (``None`` removes one)."""
        for name in _LISTS:
            for record in self.data[name]:
                if record["id"] == node_id:
                    for key, value in changes.items():
                        if value is None:
                            record.pop(key, None)
                        else:
                            record[key] = value
                    return self
        raise KeyError(node_id)

    def update_rel(self, type: str, source: str, target: str, **changes: Any) -> Doc:
        """Set properties of a relation (``None`` removes one)."""
        for record in self.data["relations"]:
            if (record["type"], record["from"], record["to"]) == (type, source, target):
                for key, value in changes.items():
                    if value is None:
                        record.pop(key, None)
                    else:
                        record[key] = value
                return self
        raise KeyError((type, source, target))

    def drop_rel(self, type: str, source: str, target: str) -> Doc:
        before = len(self.data["relations"])
        self.data["relations"] = [
            r for r in self.data["relations"] if (r["type"], r["from"], r["to"]) != (type, source, target)
        ]
        if len(self.data["relations"]) == before:
            raise KeyError((type, source, target))
        return self

    # outputs
    def dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)

    def graph(self, account: str | None = None) -> InfluenceGraph:
        return influence_graph(self.data, account or self.default_account)


def influence_graph(raw: dict[str, Any], account: str = ACC) -> InfluenceGraph:
    """The account's influence graph from a whole document, through the public functions."""
    doc = check_document(raw)
    node = next(n for n in doc.nodes if n.id == account)
    return build_influence_graph(node, doc.nodes, doc.relations)


def healthy() -> Doc:
    """A key account with no coverage gap as of ``AS_OF``.

    p_dec: decider, champion, power 0.8. p_buy: buyer, user, influencer,
    gatekeeper (power 0.5), reports to p_dec. c_buy: buying committee (power
    1.0), p_dec chairs it, p_buy is a member. Team: m_kam (lead) covers p_dec
    (0.8) and c_buy (0.6); m_fs covers p_buy (0.6); m_exec (executive sponsor)
    is assigned. All contacts 10 days ago.

    Influence edges: p_dec->c_buy 0.9, p_buy->c_buy 0.6, p_buy->p_dec 0.5,
    p_dec->p_buy 0.7. Decision nodes p_dec (0.8) and c_buy (1.0), total
    power 1.8: leverage p_dec = (0.8 + 0.9) / 1.8, p_buy = (0.8*0.5 + 0.6) / 1.8,
    c_buy = 1.0 / 1.8. Key stakeholders: all three.
    """
    return (
        Doc()
        .person("p_dec", roles=["decider"], attitude="champion", power=0.8)
        .person("p_buy", roles=["buyer", "user", "influencer", "gatekeeper"], attitude="neutral")
        .committee("c_buy")
        .member("m_kam", "kam")
        .member("m_fs", "field_sales")
        .member("m_exec", "executive_sponsor")
        .assigned("m_kam", role="lead")
        .assigned("m_fs")
        .assigned("m_exec")
        .reports_to("p_buy", "p_dec")
        .member_of("p_dec", "c_buy", "chair")
        .member_of("p_buy", "c_buy", "member")
        .covers("m_kam", "p_dec", 0.8)
        .covers("m_kam", "c_buy", 0.6)
        .covers("m_fs", "p_buy", 0.6)
    )


def path_view(path: InfluencePath | None) -> tuple[float, tuple[str, ...]] | None:
    """A path as (strength rounded to 12 places, node ids) for exact comparison."""
    if path is None:
        return None
    return round(path.strength, 12), path.nodes


def hop_view(path: InfluencePath) -> list[tuple[str, str, str, float]]:
    """Each hop as (from, to, relation type, weight)."""
    return [(h.source, h.target, h.relation, h.weight) for h in path.hops]
