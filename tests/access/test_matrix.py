"""The role x root field matrix (issue 7): each token sees exactly its part of the graph, on both stores.

One ``graphsvc serve`` per store for the module, over ``matrix_fixture.MATRIX_DOC``, with a token per caller.
For every caller and every read root field the test states the exact ids returned (hand-written tables below),
and every refusal is compared whole with the answer for an id that does not exist: a forbidden record must
not be told apart from a missing one. The analyses are checked against an oracle in test_matrix_analyses.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.access.matrix_fixture import (
    CALLERS,
    MATRIX_DOC,
    MISSING_ACCOUNT,
    MISSING_NODE,
    VISIBLE_ACCOUNTS,
    MatrixServer,
    all_ids,
    matrix_server,
    restricted,
    visible_ids,
)
from tests.api.support import code
from tests.conftest import STORES

NAMES = list(CALLERS)
ACCOUNTS = ("acc_a", "acc_b", "acc_c")

MEMBERS = frozenset({"m_l1", "m_k1", "m_k2", "m_v1", "m_l2", "m_k3", "m_m2", "m_ad", "m_na"})
OF_A = frozenset({"acc_a", "site_a1", "p_a_dec", "p_a_buy", "p_a_eng", "com_a"})
OF_B = frozenset({"acc_b", "p_b_dec", "p_b_user", "com_b"})
OF_C = frozenset({"acc_c", "site_c1", "p_c_dec", "p_c_x"})
INFLUENCERS = frozenset({"inf_shared", "inf_c", "inf_free", "inf_b"})

VISIBLE: dict[str, frozenset[str]] = {
    "AD": OF_A | OF_B | OF_C | INFLUENCERS | MEMBERS,
    "L1": OF_A | OF_B | {"inf_shared", "inf_b", "inf_free"} | MEMBERS,
    "K1": OF_A | {"inf_shared", "inf_free"} | MEMBERS,
    "K2": OF_B | {"inf_b", "inf_free"} | MEMBERS,
    "V1": OF_A | {"inf_shared", "inf_free"} | MEMBERS,
    "L2": OF_C | {"inf_shared", "inf_c", "inf_free"} | MEMBERS,
    "K3": OF_C | {"inf_shared", "inf_c", "inf_free"} | MEMBERS,
    "NA": {"inf_free"} | MEMBERS,
}
"""Every node id each caller sees, by hand: inf_shared sways acc_a and acc_c, inf_b sits on acc_b's committee."""

PEOPLE = {"acc_a": {"p_a_dec", "p_a_buy", "p_a_eng"}, "acc_b": {"p_b_dec", "p_b_user"}, "acc_c": {"p_c_dec", "p_c_x"}}
NAMES_WITH_E = {
    "acc_b", "acc_c", "site_c1", "p_a_dec", "p_a_buy", "p_a_eng", "p_b_user", "p_c_dec", "p_c_x", "com_b",
    "inf_shared", "inf_free", "inf_b", "m_l1", "m_v1", "m_l2", "m_m2",
}  # fmt: skip
"""Nodes whose name contains an 'e' (any case): what search(text: "e") finds for an admin."""

RELATION_SPOTS: list[tuple[str, str, str, set[tuple[str, str]]]] = [
    ("AD", "inf_shared", "influences", {("inf_shared", "p_a_buy"), ("inf_shared", "p_c_dec")}),
    ("K1", "inf_shared", "influences", {("inf_shared", "p_a_buy")}),
    ("L2", "inf_shared", "influences", {("inf_shared", "p_c_dec")}),
    ("K3", "inf_shared", "coveredBy", {("m_k1", "inf_shared"), ("m_k3", "inf_shared")}),
    ("AD", "p_a_dec", "influencedBy", {("p_c_x", "p_a_dec")}),
    ("K1", "p_a_dec", "influencedBy", set()),
    ("AD", "m_k1", "knows", {("m_k1", "p_c_x")}),
    ("K1", "m_k1", "knows", set()),
    ("NA", "m_k1", "covers", set()),
    ("NA", "m_na", "knows", {("m_na", "inf_free")}),
    ("L1", "m_m2", "covers", {("m_m2", "p_a_eng")}),
    ("L2", "m_m2", "covers", {("m_m2", "p_c_dec")}),
    ("K2", "p_b_user", "influencedBy", set()),
    ("L1", "p_b_user", "influencedBy", {("p_a_eng", "p_b_user")}),
    ("K2", "com_b", "seats", {("inf_b", "com_b"), ("p_b_dec", "com_b")}),
]
"""Relation lists of a node as seen by a caller, by hand: only relations whose both ends the caller sees."""


@pytest.fixture(scope="module", params=STORES)
def matrix(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MatrixServer]:
    with matrix_server(request, tmp_path_factory.mktemp(f"matrix-{request.param}")) as m:
        yield m


def same_as_missing(hidden: dict[str, Any], hidden_id: str, missing: dict[str, Any], missing_id: str) -> None:
    """The whole answer about a hidden record equals the one about a missing id (the id itself aside)."""
    assert json.dumps(hidden, sort_keys=True).replace(hidden_id, "<id>") == json.dumps(missing, sort_keys=True).replace(
        missing_id, "<id>"
    )


def test_the_hand_written_visibility_is_the_specs_rule() -> None:
    """The tables of this module and the oracle's restriction agree (a mistake in either fails here)."""
    for name in NAMES:
        assert visible_ids(MATRIX_DOC, VISIBLE_ACCOUNTS[name]) == set(VISIBLE[name]), name
    assert all_ids(MATRIX_DOC) == set(VISIBLE["AD"])


@pytest.mark.parametrize("name", NAMES)
def test_viewer_says_who_is_asking_and_what_they_see(matrix: MatrixServer, name: str) -> None:
    viewer = matrix.data(name, "{ viewer { memberId role accountIds canWrite } }")["viewer"]
    caller, visible = CALLERS[name], VISIBLE_ACCOUNTS[name]
    assert viewer == {
        "memberId": caller.member,
        "role": caller.role.upper(),
        "accountIds": None if visible is None else sorted(visible),
        "canWrite": caller.role != "viewer",
    }


@pytest.mark.parametrize("name", NAMES)
def test_account_answers_a_hidden_account_like_a_missing_one(matrix: MatrixServer, name: str) -> None:
    query = "query($id: ID!) { account(id: $id) { id name notes } }"
    missing = matrix.as_caller(name, query, {"id": MISSING_ACCOUNT})
    assert missing == {"data": {"account": None}}
    for account in ACCOUNTS:
        body = matrix.as_caller(name, query, {"id": account})
        if account in VISIBLE[name]:
            assert body["data"]["account"]["id"] == account
        else:
            same_as_missing(body, account, missing, MISSING_ACCOUNT)


@pytest.mark.parametrize("name", NAMES)
def test_accounts_lists_and_counts_only_visible_accounts(matrix: MatrixServer, name: str) -> None:
    query = "query($first: Int!) { accounts(first: $first) { totalCount edges { node { id } } } }"
    got = matrix.data(name, query, {"first": 100})["accounts"]
    expected = sorted(set(ACCOUNTS) & VISIBLE[name])
    assert [e["node"]["id"] for e in got["edges"]] == expected
    assert got["totalCount"] == len(expected)
    one = matrix.data(name, query, {"first": 1})["accounts"]  # the count does not depend on the page
    assert one["totalCount"] == len(expected)


@pytest.mark.parametrize("name", NAMES)
def test_node_answers_every_hidden_node_like_a_missing_one(matrix: MatrixServer, name: str) -> None:
    query = "query($id: ID!) { node(id: $id) { id kind name } }"
    missing = matrix.as_caller(name, query, {"id": MISSING_NODE})
    assert missing == {"data": {"node": None}}
    seen = set()
    for node_id in sorted(all_ids(MATRIX_DOC)):
        body = matrix.as_caller(name, query, {"id": node_id})
        if body["data"]["node"] is not None:
            assert body["data"]["node"]["id"] == node_id
            seen.add(node_id)
        else:
            same_as_missing(body, node_id, missing, MISSING_NODE)
    assert seen == VISIBLE[name]


@pytest.mark.parametrize("name", NAMES)
def test_search_finds_and_counts_only_visible_nodes(matrix: MatrixServer, name: str) -> None:
    query = """query($text: String!, $kind: NodeKind) {
      search(text: $text, kind: $kind, first: 100) { totalCount edges { node { id } } } }"""
    found = matrix.data(name, query, {"text": "e"})["search"]
    expected = NAMES_WITH_E & VISIBLE[name]
    assert {e["node"]["id"] for e in found["edges"]} == expected
    assert found["totalCount"] == len(expected)
    influencers = matrix.data(name, query, {"text": "a", "kind": "INFLUENCER"})["search"]  # every one has an 'a'
    assert {e["node"]["id"] for e in influencers["edges"]} == INFLUENCERS & VISIBLE[name]
    assert influencers["totalCount"] == len(INFLUENCERS & VISIBLE[name])


@pytest.mark.parametrize("name", NAMES)
def test_people_of_a_hidden_account_are_refused_like_a_missing_account(matrix: MatrixServer, name: str) -> None:
    query = """query($id: ID!) { people(accountId: $id, first: 100) { totalCount edges { node { id } } } }"""
    missing = matrix.as_caller(name, query, {"id": MISSING_ACCOUNT})
    assert [code(e) for e in missing["errors"]] == ["NOT_FOUND"]
    for account in ACCOUNTS:
        body = matrix.as_caller(name, query, {"id": account})
        if account in VISIBLE[name]:
            got = body["data"]["people"]
            assert {e["node"]["id"] for e in got["edges"]} == PEOPLE[account]
            assert got["totalCount"] == len(PEOPLE[account])
        else:
            same_as_missing(body, account, missing, MISSING_ACCOUNT)


# -- nested relation fields -------------------------------------------------------------------------------------------

_PAIR = "{ from { id } to { id } }"
_COVER = "{ member { id } node { id } }"
_SEAT = "{ holder { id } committee { id } }"
_STAKEHOLDER = f"coveredBy {_COVER} influences {_PAIR} influencedBy {_PAIR}"
NESTED = f"""
fragment all on Node {{
  id
  ... on Account {{ sites {{ id }} accountCommittees: committees {{ id }} team {{ member {{ id }} account {{ id }} }}
                   accountPeople: people(first: 100) {{ totalCount edges {{ node {{ id }} }} }} }}
  ... on Site {{ account {{ id }} sitePeople: people {{ id }} }}
  ... on Person {{ account {{ id }} site {{ id }} reportsTo {{ id }} directReports {{ id }} committees {_SEAT}
                  knownBy {_COVER} {_STAKEHOLDER} }}
  ... on Committee {{ account {{ id }} seats {_SEAT} {_STAKEHOLDER} }}
  ... on Influencer {{ committees {_SEAT} knownBy {_COVER} {_STAKEHOLDER} }}
  ... on Member {{ bosses: reportsTo {{ id }} reports: directReports {{ id }} covers {_COVER} knows {_COVER}
                  assignments {{ member {{ id }} account {{ id }} }} }}
}}
"""


def _ids(value: Any) -> Any:
    """A nested answer with every ``{"id": x}`` as x, lists as sorted tuples of (from, to)-like pairs."""
    if isinstance(value, dict):
        if set(value) == {"id"}:
            return value["id"]
        if "edges" in value:
            return {"totalCount": value["totalCount"], "ids": sorted(e["node"]["id"] for e in value["edges"])}
        parts = {k: _ids(v) for k, v in value.items()}
        if len(parts) == 2 and all(isinstance(v, str) for v in parts.values()):
            return tuple(parts.values())
        return parts
    if isinstance(value, list):
        return sorted(_ids(v) for v in value)
    return value


def _expected_relations(doc: dict[str, Any], node_id: str) -> dict[str, Any]:
    """What the nested query answers about ``node_id`` in ``doc`` (a restricted document: relations both ends kept)."""
    kinds = {r["id"]: kind for kind in ("accounts", "sites", "people", "committees", "influencers", "members")
             for r in doc[kind]}  # fmt: skip
    record = next(r for r in doc[kinds[node_id]] if r["id"] == node_id)
    rels = doc["relations"]

    def pairs(rtype: str, side: str) -> list[tuple[str, str]]:
        return sorted((r["from"], r["to"]) for r in rels if r["type"] == rtype and r[side] == node_id)

    def ends(rtype: str, side: str, other: str) -> list[str]:
        return sorted(r[other] for r in rels if r["type"] == rtype and r[side] == node_id)

    kind = kinds[node_id]
    out: dict[str, Any] = {"id": node_id}
    stakeholder = {
        "coveredBy": pairs("COVERS", "to"),
        "influences": pairs("INFLUENCES", "from"),
        "influencedBy": pairs("INFLUENCES", "to"),
    }
    if kind == "accounts":
        people = sorted(p["id"] for p in doc["people"] if p["account"] == node_id)
        out |= {
            "sites": sorted(s["id"] for s in doc["sites"] if s["account"] == node_id),
            "accountCommittees": sorted(c["id"] for c in doc["committees"] if c["account"] == node_id),
            "team": pairs("ASSIGNED_TO", "to"),
            "accountPeople": {"totalCount": len(people), "ids": people},
        }
    elif kind == "sites":
        out |= {
            "account": record["account"],
            "sitePeople": sorted(p["id"] for p in doc["people"] if p.get("site") == node_id),
        }
    elif kind == "people":
        out |= {
            "account": record["account"],
            "site": record.get("site"),
            "reportsTo": ends("REPORTS_TO", "from", "to"),
            "directReports": ends("REPORTS_TO", "to", "from"),
            "committees": pairs("MEMBER_OF", "from"),
            "knownBy": pairs("KNOWS", "to"),
        } | stakeholder
    elif kind == "committees":
        out |= {"account": record["account"], "seats": pairs("MEMBER_OF", "to")} | stakeholder
    elif kind == "influencers":
        out |= {"committees": pairs("MEMBER_OF", "from"), "knownBy": pairs("KNOWS", "to")} | stakeholder
    else:
        out |= {
            "bosses": ends("REPORTS_TO", "from", "to"),
            "reports": ends("REPORTS_TO", "to", "from"),
            "covers": pairs("COVERS", "from"),
            "knows": pairs("KNOWS", "from"),
            "assignments": pairs("ASSIGNED_TO", "from"),
        }
    return out


def _nested(matrix: MatrixServer, name: str, ids: list[str] | None = None) -> dict[str, Any]:
    """Every node of the fixture asked as ``name`` (one request each): id -> its normalised answer (None: not shown)."""
    query = f"query($id: ID!) {{ node(id: $id) {{ ...all }} }}\n{NESTED}"
    out = {}
    for node_id in ids or sorted(all_ids(MATRIX_DOC)):
        node = matrix.data(name, query, {"id": node_id})["node"]
        out[node_id] = None if node is None else _ids(node)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_nested_relations_show_only_relations_between_visible_nodes(matrix: MatrixServer, name: str) -> None:
    got = _nested(matrix, name)
    doc = restricted(MATRIX_DOC, VISIBLE_ACCOUNTS[name])
    expected = {n: (_ids(_expected_relations(doc, n)) if n in VISIBLE[name] else None) for n in got}
    assert got == expected


@pytest.mark.parametrize(("name", "node_id", "field", "expected"), RELATION_SPOTS)
def test_relation_lists_by_hand(
    matrix: MatrixServer, name: str, node_id: str, field: str, expected: set[tuple[str, str]]
) -> None:
    assert set(_nested(matrix, name, [node_id])[node_id][field]) == expected


AUDIT_LOG = "{ auditLog(first: 5) { edges { node { seq operation outcome memberId } } pageInfo { hasNextPage } } }"
REFUSED_READS = """query($m: ID) { auditLog(memberId: $m, operation: READ, outcome: REFUSED, first: 100) {
  edges { node { seq memberId role } } } }"""


@pytest.mark.parametrize("name", NAMES)
def test_audit_log_is_for_admins_only_and_a_refused_read_is_logged(matrix: MatrixServer, name: str) -> None:
    caller = CALLERS[name]
    before = matrix.data("AD", REFUSED_READS, {"m": caller.member})["auditLog"]["edges"]
    body = matrix.as_caller(name, AUDIT_LOG)
    after = matrix.data("AD", REFUSED_READS, {"m": caller.member})["auditLog"]["edges"]
    if caller.role == "admin":
        entries = [e["node"] for e in body["data"]["auditLog"]["edges"]]
        assert entries, "loading the fixture is in the log"
        assert [e["seq"] for e in entries] == sorted((e["seq"] for e in entries), reverse=True), "newest first"
        assert after == before, "an admin's read is not a refusal"
        return
    assert body["data"] is None, body
    assert [code(e) for e in body["errors"]] == ["FORBIDDEN"]
    assert f"({caller.role})" in body["errors"][0]["message"]
    new = [e["node"] for e in after if e not in before]
    assert [(e["memberId"], e["role"]) for e in new] == [(caller.member, caller.role.upper())]
