"""Writes over real HTTP: create, update and delete every node kind and relation type, deletes, imports.

Each test writes records with ids of its own on the ``writable`` server, and
checks the change in a following query, as a client would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.api.support import Server, code, running_server


def _import(server: Server, document: dict[str, Any], mode: str = "MERGE") -> dict[str, Any]:
    query = """mutation($doc: JSON!, $mode: ImportMode!) { importGraph(document: $doc, mode: $mode) {
      created updated unchanged deleted accountIds revision } }"""
    return dict(server.data(query, {"doc": {"format": "graphsvc/1", **document}, "mode": mode})["importGraph"])


def _account(prefix: str) -> dict[str, Any]:
    return {"id": f"acc_{prefix}", "name": f"{prefix.title()} Holding", "status": "key", "approach": "sales"}


def _node(server: Server, node_id: str, selection: str) -> dict[str, Any] | None:
    return server.data(f"query($id: ID!) {{ node(id: $id) {{ {selection} }} }}", {"id": node_id})["node"]


# -- nodes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeCase:
    kind: str
    typename: str
    create: dict[str, Any]
    selection: str
    created: dict[str, Any]
    patch: dict[str, Any]
    updated: dict[str, Any]


NODE_CASES = [
    NodeCase(
        "account",
        "Account",
        {"id": "acc_nk", "name": "Nk Pumps", "status": "CANDIDATE", "industry": "Pumps", "countries": ["DE", "AT"]},
        "name status approach industry countries",
        {"name": "Nk Pumps", "status": "CANDIDATE", "approach": None, "industry": "Pumps", "countries": ["DE", "AT"]},
        {"industry": None, "approach": "HOLISTIC", "status": "KEY"},
        {"name": "Nk Pumps", "status": "KEY", "approach": "HOLISTIC", "industry": None, "countries": ["DE", "AT"]},
    ),
    NodeCase(
        "site",
        "Site",
        {"id": "site_nk", "account": "acc_nk_owner", "name": "Nk Kiel", "country": "DE", "city": "Kiel"},
        "name country city account { id }",
        {"name": "Nk Kiel", "country": "DE", "city": "Kiel", "account": {"id": "acc_nk_owner"}},
        {"city": None, "name": "Nk Kiel Nord"},
        {"name": "Nk Kiel Nord", "country": "DE", "city": None, "account": {"id": "acc_nk_owner"}},
    ),
    NodeCase(
        "person",
        "Person",
        {
            "id": "p_nk",
            "account": "acc_nk_owner",
            "name": "Nora Nk",
            "title": "CTO",
            "roles": ["DECIDER", "USER"],
            "attitude": "CHAMPION",
            "power": 0.8,
        },
        "name title roles attitude power effectivePower account { id }",
        {
            "name": "Nora Nk",
            "title": "CTO",
            "roles": ["DECIDER", "USER"],
            "attitude": "CHAMPION",
            "power": 0.8,
            "effectivePower": 0.8,
            "account": {"id": "acc_nk_owner"},
        },
        {"power": None, "attitude": "SKEPTIC"},
        {
            "name": "Nora Nk",
            "title": "CTO",
            "roles": ["DECIDER", "USER"],
            "attitude": "SKEPTIC",
            "power": None,
            "effectivePower": 0.5,
            "account": {"id": "acc_nk_owner"},
        },
    ),
    NodeCase(
        "committee",
        "Committee",
        {"id": "com_nk", "account": "acc_nk_owner", "name": "Nk board", "kind": "BOARD", "power": 0.7},
        "name committeeKind power effectivePower",
        {"name": "Nk board", "committeeKind": "BOARD", "power": 0.7, "effectivePower": 0.7},
        {"power": None, "kind": "STEERING"},
        {"name": "Nk board", "committeeKind": "STEERING", "power": None, "effectivePower": 1.0},
    ),
    NodeCase(
        "influencer",
        "Influencer",
        {"id": "inf_nk", "name": "Nk Planning", "kind": "PLANNER", "organization": "Nk & Co", "country": "DK"},
        "name influencerKind organization country",
        {"name": "Nk Planning", "influencerKind": "PLANNER", "organization": "Nk & Co", "country": "DK"},
        {"organization": None},
        {"name": "Nk Planning", "influencerKind": "PLANNER", "organization": None, "country": "DK"},
    ),
    NodeCase(
        "member",
        "Member",
        {"id": "m_nk", "name": "Nils Nk", "role": "KAM", "email": "nils@example.com", "notes": "new"},
        "name role email notes",
        {"name": "Nils Nk", "role": "KAM", "email": "nils@example.com", "notes": "new"},
        {"email": None, "notes": None, "role": "SPECIALIST"},
        {"name": "Nils Nk", "role": "SPECIALIST", "email": None, "notes": None},
    ),
]


@pytest.fixture(scope="module")
def owner(writable: Server) -> str:
    """An account for the owned kinds (sites, people, committees) of the node tests."""
    _import(writable, {"accounts": [_account("nk_owner")]})
    return "acc_nk_owner"


@pytest.mark.parametrize("case", NODE_CASES, ids=[c.kind for c in NODE_CASES])
def test_every_node_kind_can_be_created_updated_with_null_removing_a_property_and_deleted(
    writable: Server, owner: str, case: NodeCase
) -> None:
    name = case.typename
    node_id = case.create["id"]
    selection = f"id kind {case.selection}"

    created = writable.data(
        f"mutation($in: {name}Input!) {{ create{name}(input: $in) {{ {selection} }} }}", {"in": case.create}
    )[f"create{name}"]
    assert created == {"id": node_id, "kind": case.kind.upper(), **case.created}
    assert _node(writable, node_id, f"__typename ... on {name} {{ {selection} }}") == {"__typename": name, **created}

    updated = writable.data(
        f"mutation($id: ID!, $in: {name}Patch!) {{ update{name}(id: $id, input: $in) {{ {selection} }} }}",
        {"id": node_id, "in": case.patch},
    )[f"update{name}"]
    assert updated == {"id": node_id, "kind": case.kind.upper(), **case.updated}
    assert _node(writable, node_id, f"... on {name} {{ {selection} }}") == updated

    summary = writable.data("mutation($id: ID!) { deleteNode(id: $id) { deleted accountIds } }", {"id": node_id})[
        "deleteNode"
    ]
    assert summary["deleted"] == 1
    assert _node(writable, node_id, "id") is None
    hits = writable.data("query($t: String!) { search(text: $t) { totalCount } }", {"t": case.created["name"]})
    assert hits["search"]["totalCount"] == 0


def test_an_update_leaves_the_fields_it_does_not_name_as_they_were(writable: Server) -> None:
    _import(
        writable,
        {
            "accounts": [_account("keep")],
            "people": [{"id": "p_keep", "account": "acc_keep", "name": "Kai Keep", "title": "COO", "power": 0.9}],
        },
    )
    person = writable.data(
        'mutation { updatePerson(id: "p_keep", input: {department: "Operations"}) { title department power } }'
    )["updatePerson"]
    assert person == {"title": "COO", "department": "Operations", "power": 0.9}


# -- relations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationCase:
    type: str
    name: str
    create: dict[str, Any]
    returned: str
    created: dict[str, Any]
    patch: dict[str, Any]
    updated: dict[str, Any]
    visible: Callable[[Server], Any]
    """What a client reads back about the relation afterwards (None or [] once it is deleted)."""


REL_DOC = {
    "accounts": [_account("rel")],
    "people": [
        {"id": "p_rel_boss", "account": "acc_rel", "name": "Bea Boss", "roles": ["decider"]},
        {"id": "p_rel_staff", "account": "acc_rel", "name": "Sam Staff", "roles": ["user"]},
    ],
    "committees": [{"id": "com_rel", "account": "acc_rel", "name": "Rel board", "kind": "board"}],
    "influencers": [{"id": "inf_rel", "name": "Rel Planning", "kind": "planner"}],
    "members": [{"id": "m_rel", "name": "Rita Rel", "role": "kam"}],
    "relations": [{"type": "COVERS", "from": "m_rel", "to": "p_rel_staff", "strength": 1.0}],
}


def _reports_to(server: Server) -> Any:
    """The manager, and the weight the line gives the path from the member covering the report (its strength)."""
    managers = _node(server, "p_rel_staff", "... on Person { reportsTo { id } }")["reportsTo"]  # type: ignore[index]
    paths = server.data(
        '{ influencePaths(accountId: "acc_rel", to: "p_rel_boss", from: ["m_rel"], k: 1) { hops { relation weight } } }'
    )["influencePaths"]
    return managers + [h["weight"] for p in paths for h in p["hops"] if h["relation"] == "REPORTS_TO"]


def _seats(server: Server) -> Any:
    node = _node(server, "com_rel", "... on Committee { seats { holder { id } role strength } }")
    return node["seats"]  # type: ignore[index]


def _influenced_by(server: Server) -> Any:
    node = _node(server, "p_rel_boss", "... on Person { influencedBy { from { id } strength kind notes } }")
    return node["influencedBy"]  # type: ignore[index]


def _covered_by(server: Server) -> Any:
    selection = "... on Person { coveredBy { member { id } strength lastContact cadenceDays notes } }"
    return _node(server, "p_rel_boss", selection)["coveredBy"]  # type: ignore[index]


def _known_by(server: Server) -> Any:
    return _node(server, "inf_rel", "... on Influencer { knownBy { member { id } strength } }")["knownBy"]  # type: ignore[index]


def _team(server: Server) -> Any:
    return server.data('{ account(id: "acc_rel") { team { member { id } role } } }')["account"]["team"]


RELATION_CASES = [
    RelationCase(
        "REPORTS_TO",
        "ReportsTo",
        {"from": "p_rel_staff", "to": "p_rel_boss", "strength": 0.7},
        "from to strength",
        {"from": "p_rel_staff", "to": "p_rel_boss", "strength": 0.7},
        {"strength": None},
        {"from": "p_rel_staff", "to": "p_rel_boss", "strength": None},
        _reports_to,
    ),
    RelationCase(
        "MEMBER_OF",
        "MemberOf",
        {"from": "p_rel_boss", "to": "com_rel", "role": "CHAIR", "strength": 0.95},
        "holder { id } committee { id } role strength",
        {"holder": {"id": "p_rel_boss"}, "committee": {"id": "com_rel"}, "role": "CHAIR", "strength": 0.95},
        {"role": "ADVISOR", "strength": None},
        {"holder": {"id": "p_rel_boss"}, "committee": {"id": "com_rel"}, "role": "ADVISOR", "strength": None},
        _seats,
    ),
    RelationCase(
        "INFLUENCES",
        "Influences",
        {"from": "inf_rel", "to": "p_rel_boss", "strength": 0.6, "kind": "TECHNICAL", "notes": "wrote the spec"},
        "from { id } to { id } strength kind notes",
        {
            "from": {"id": "inf_rel"},
            "to": {"id": "p_rel_boss"},
            "strength": 0.6,
            "kind": "TECHNICAL",
            "notes": "wrote the spec",
        },
        {"kind": None, "strength": 0.4},
        {
            "from": {"id": "inf_rel"},
            "to": {"id": "p_rel_boss"},
            "strength": 0.4,
            "kind": None,
            "notes": "wrote the spec",
        },
        _influenced_by,
    ),
    RelationCase(
        "COVERS",
        "Covers",
        {"from": "m_rel", "to": "p_rel_boss", "strength": 0.8, "lastContact": "2026-10-01", "cadenceDays": 30},
        "member { id } node { id } strength lastContact cadenceDays due",
        {
            "member": {"id": "m_rel"},
            "node": {"id": "p_rel_boss"},
            "strength": 0.8,
            "lastContact": "2026-10-01",
            "cadenceDays": 30,
            "due": "2026-10-31",
        },
        {"cadenceDays": None, "lastContact": "2026-11-01"},
        {
            "member": {"id": "m_rel"},
            "node": {"id": "p_rel_boss"},
            "strength": 0.8,
            "lastContact": "2026-11-01",
            "cadenceDays": None,
            "due": "2027-01-30",
        },
        _covered_by,
    ),
    RelationCase(
        "KNOWS",
        "Knows",
        {"from": "m_rel", "to": "inf_rel", "strength": 0.4},
        "member { id } node { id } strength",
        {"member": {"id": "m_rel"}, "node": {"id": "inf_rel"}, "strength": 0.4},
        {"strength": None},
        {"member": {"id": "m_rel"}, "node": {"id": "inf_rel"}, "strength": None},
        _known_by,
    ),
    RelationCase(
        "ASSIGNED_TO",
        "AssignedTo",
        {"from": "m_rel", "to": "acc_rel", "role": "MEMBER", "notes": "since 2026"},
        "member { id } account { id } role",
        {"member": {"id": "m_rel"}, "account": {"id": "acc_rel"}, "role": "MEMBER"},
        {"role": "LEAD", "notes": None},
        {"member": {"id": "m_rel"}, "account": {"id": "acc_rel"}, "role": "LEAD"},
        _team,
    ),
]


@pytest.fixture(scope="module")
def rel_graph(writable: Server) -> None:
    _import(writable, REL_DOC)


@pytest.mark.parametrize("case", RELATION_CASES, ids=[c.type for c in RELATION_CASES])
def test_every_relation_type_can_be_created_updated_with_null_removing_a_property_and_deleted(
    writable: Server, rel_graph: None, case: RelationCase
) -> None:
    assert case.visible(writable) == []
    created = writable.data(
        f"mutation($in: {case.name}Input!) {{ create{case.name}(input: $in) {{ {case.returned} }} }}",
        {"in": case.create},
    )[f"create{case.name}"]
    assert created == case.created
    seen = case.visible(writable)
    assert seen, "the new relation must show in a following query"

    updated = writable.data(
        f"mutation($from: ID!, $to: ID!, $in: {case.name}Patch!) "
        f"{{ update{case.name}(from: $from, to: $to, input: $in) {{ {case.returned} }} }}",
        {"from": case.create["from"], "to": case.create["to"], "in": case.patch},
    )[f"update{case.name}"]
    assert updated == case.updated
    assert case.visible(writable) != seen, "the change must show in a following query"

    summary = writable.data(
        "mutation($type: RelationType!, $from: ID!, $to: ID!) { deleteRelation(type: $type, from: $from, to: $to) "
        "{ deleted } }",
        {"type": case.type, "from": case.create["from"], "to": case.create["to"]},
    )["deleteRelation"]
    assert summary == {"deleted": 1}
    assert case.visible(writable) == []


def test_creating_a_relation_that_exists_is_a_conflict(writable: Server, rel_graph: None) -> None:
    mutation = 'mutation { createKnows(input: {from: "m_rel", to: "p_rel_staff"}) { strength } }'
    writable.data(mutation)
    error = writable.error(mutation)
    assert code(error) == "CONFLICT", error
    writable.data('mutation { deleteRelation(type: KNOWS, from: "m_rel", to: "p_rel_staff") { deleted } }')


# -- deletes -------------------------------------------------------------------------------


def test_deleting_a_person_deletes_every_relation_at_it(writable: Server) -> None:
    _import(
        writable,
        {
            "accounts": [_account("dp")],
            "people": [
                {"id": "p_dp_gone", "account": "acc_dp", "name": "Gone"},
                {"id": "p_dp_boss", "account": "acc_dp", "name": "Boss"},
            ],
            "members": [{"id": "m_dp", "name": "Dora", "role": "kam"}],
            "relations": [
                {"type": "COVERS", "from": "m_dp", "to": "p_dp_gone", "strength": 0.9},
                {"type": "REPORTS_TO", "from": "p_dp_gone", "to": "p_dp_boss"},
                {"type": "INFLUENCES", "from": "p_dp_gone", "to": "p_dp_boss", "strength": 0.5},
            ],
        },
    )
    summary = writable.data('mutation { deleteNode(id: "p_dp_gone") { deleted accountIds } }')["deleteNode"]
    assert summary == {"deleted": 4, "accountIds": ["acc_dp"]}
    member = writable.data('{ node(id: "m_dp") { ... on Member { covers { node { id } } } } }')["node"]
    assert member == {"covers": []}
    boss = _node(writable, "p_dp_boss", "... on Person { directReports { id } influencedBy { strength } }")
    assert boss == {"directReports": [], "influencedBy": []}


CASCADE_DOC = {
    "accounts": [_account("cas")],
    "sites": [{"id": "site_cas", "account": "acc_cas", "name": "Cas plant"}],
    "people": [
        {"id": "p_cas_1", "account": "acc_cas", "site": "site_cas", "name": "One"},
        {"id": "p_cas_2", "account": "acc_cas", "name": "Two"},
    ],
    "committees": [{"id": "com_cas", "account": "acc_cas", "name": "Cas board", "kind": "board"}],
    "members": [{"id": "m_cas", "name": "Cas Kam", "role": "kam"}],
    "relations": [
        {"type": "COVERS", "from": "m_cas", "to": "p_cas_1", "strength": 0.9},
        {"type": "MEMBER_OF", "from": "p_cas_2", "to": "com_cas", "role": "chair"},
        {"type": "ASSIGNED_TO", "from": "m_cas", "to": "acc_cas", "role": "lead"},
    ],
}


def test_deleting_an_account_that_owns_records_is_refused_with_conflict_and_changes_nothing(writable: Server) -> None:
    _import(writable, CASCADE_DOC)
    error = writable.error('mutation { deleteNode(id: "acc_cas") { deleted } }')
    assert code(error) == "CONFLICT", error
    assert "acc_cas" in error["message"]
    assert "cascade" in error["message"], "the message should say how to go on"
    account = writable.data('{ account(id: "acc_cas") { id people { totalCount } sites { id } team { role } } }')
    assert account["account"] == {
        "id": "acc_cas",
        "people": {"totalCount": 2},
        "sites": [{"id": "site_cas"}],
        "team": [{"role": "LEAD"}],
    }


def test_deleting_an_account_with_cascade_deletes_its_records_and_their_relations(writable: Server) -> None:
    _import(writable, CASCADE_DOC)
    summary = writable.data('mutation { deleteNode(id: "acc_cas", cascade: true) { deleted accountIds } }')
    # The account, its site, two people, its committee and the three relations; the member stays.
    assert summary["deleteNode"] == {"deleted": 8, "accountIds": ["acc_cas"]}
    for gone in ("acc_cas", "site_cas", "p_cas_1", "p_cas_2", "com_cas"):
        assert _node(writable, gone, "id") is None, gone
    member = _node(writable, "m_cas", "id ... on Member { covers { node { id } } assignments { role } }")
    assert member == {"id": "m_cas", "covers": [], "assignments": []}


def test_deleting_a_site_where_people_work_needs_cascade_and_then_they_lose_their_site(writable: Server) -> None:
    _import(
        writable,
        {
            "accounts": [_account("ds")],
            "sites": [{"id": "site_ds", "account": "acc_ds", "name": "Ds plant"}],
            "people": [{"id": "p_ds", "account": "acc_ds", "site": "site_ds", "name": "Dee"}],
        },
    )
    assert code(writable.error('mutation { deleteNode(id: "site_ds") { deleted } }')) == "CONFLICT"
    assert _node(writable, "p_ds", "... on Person { site { id } }") == {"site": {"id": "site_ds"}}
    writable.data('mutation { deleteNode(id: "site_ds", cascade: true) { deleted } }')
    assert _node(writable, "p_ds", "id ... on Person { site { id } }") == {"id": "p_ds", "site": None}


# -- import --------------------------------------------------------------------------------


def test_import_graph_merge_adds_records_and_importing_again_changes_nothing(writable: Server) -> None:
    doc = {
        "accounts": [_account("imp")],
        "people": [
            {"id": "p_imp_1", "account": "acc_imp", "name": "Ida", "roles": ["decider"]},
            {"id": "p_imp_2", "account": "acc_imp", "name": "Ivo"},
        ],
        "relations": [{"type": "REPORTS_TO", "from": "p_imp_2", "to": "p_imp_1"}],
    }
    first = _import(writable, doc)
    assert (first["created"], first["updated"], first["unchanged"], first["deleted"]) == (4, 0, 0, 0)
    assert first["accountIds"] == ["acc_imp"]
    again = _import(writable, doc)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert again["revision"] == first["revision"]
    people = writable.data('{ people(accountId: "acc_imp") { edges { node { id reportsTo { id } } } } }')
    assert people["people"]["edges"] == [
        {"node": {"id": "p_imp_1", "reportsTo": []}},
        {"node": {"id": "p_imp_2", "reportsTo": [{"id": "p_imp_1"}]}},
    ]
    doc["people"][1]["name"] = "Ivo Neu"
    changed = _import(writable, doc)
    assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 3)
    assert _node(writable, "p_imp_2", "name") == {"name": "Ivo Neu"}


def test_import_graph_with_a_broken_document_writes_nothing_and_names_the_problem(writable: Server) -> None:
    doc = {
        "format": "graphsvc/1",
        "accounts": [_account("broken")],
        "people": [{"id": "p_broken", "account": "acc_broken", "name": "Bo", "power": 7}],
    }
    error = writable.error("mutation($d: JSON!) { importGraph(document: $d) { created } }", {"d": doc})
    assert code(error) == "BAD_USER_INPUT", error
    assert "p_broken" in error["message"]
    assert "power" in error["message"]
    assert writable.data('{ account(id: "acc_broken") { id } }') == {"account": None}


def test_import_graph_replace_makes_the_document_the_whole_graph(tmp_path: Path, store_url: str) -> None:
    with running_server(tmp_path, store_url=store_url) as scratch:
        assert scratch.data("{ accounts { totalCount } }")["accounts"]["totalCount"] == 4
        doc = {
            "accounts": [_account("only")],
            "people": [{"id": "p_only", "account": "acc_only", "name": "Olga"}],
            "members": [{"id": "m_berger", "name": "Thomas Berger", "role": "team_lead"}],
            "relations": [{"type": "COVERS", "from": "m_berger", "to": "p_only", "strength": 0.5}],
        }
        summary = _import(scratch, doc, mode="REPLACE")
        assert summary["created"] == 3
        assert summary["deleted"] > 400
        accounts = scratch.data("{ accounts { totalCount edges { node { id } } } }")["accounts"]
        assert accounts == {"totalCount": 1, "edges": [{"node": {"id": "acc_only"}}]}
        assert scratch.data('{ node(id: "p_hal_ceo") { id } }') == {"node": None}
        assert scratch.data('{ search(text: "o") { totalCount } }')["search"]["totalCount"] == 3
        covers = scratch.data('{ coverage(memberId: "m_berger") { covers { node { id } } } }')["coverage"]
        assert covers == {"covers": [{"node": {"id": "p_only"}}]}


def test_a_mutation_s_analyses_show_its_own_write_though_queries_had_the_account_cached(writable: Server) -> None:
    """Queries take the store revision read with the token as current, so a cached account costs them no
    revision read; a mutation's answer must still show what it wrote, in the same request and after it."""
    _import(
        writable,
        {
            "accounts": [_account("fresh")],
            "people": [{"id": "p_fresh", "account": "acc_fresh", "name": "Fay", "roles": ["decider"], "power": 0.9}],
            "members": [{"id": "m_fresh", "name": "Fred", "role": "kam"}],
            "relations": [{"type": "ASSIGNED_TO", "from": "m_fresh", "to": "acc_fresh", "role": "member"}],
        },
    )
    gaps = '{ account(id: "acc_fresh") { coverageScore coverageGaps { kind subject { id } } } }'
    uncovered = {"kind": "UNCOVERED_DECISION_MAKER", "subject": {"id": "p_fresh"}}
    before = [writable.data(gaps)["account"] for _ in range(3)]  # cached, and its revision confirmed
    assert before[0] == before[1] == before[2]
    assert uncovered in before[0]["coverageGaps"]

    written = writable.data(
        'mutation { createCovers(input: {from: "m_fresh", to: "p_fresh", strength: 0.9, '
        f'lastContact: "{date.today().isoformat()}"}}) {{ strength }} '
        'updateAccount(id: "acc_fresh", input: {industry: "Pumps"}) '
        "{ coverageScore coverageGaps { kind subject { id } } } }"
    )
    assert uncovered not in written["updateAccount"]["coverageGaps"]
    assert written["updateAccount"]["coverageScore"] > before[0]["coverageScore"]
    after = writable.data(gaps)["account"]
    assert after == {k: written["updateAccount"][k] for k in ("coverageScore", "coverageGaps")}


# -- mistakes ------------------------------------------------------------------------------


def test_creating_a_node_with_a_taken_id_is_a_conflict_naming_the_id(writable: Server) -> None:
    error = writable.error('mutation { createMember(input: {id: "m_berger", name: "Twin", role: KAM}) { id } }')
    assert code(error) == "CONFLICT", error
    assert "m_berger" in error["message"]
    assert writable.data('{ node(id: "m_berger") { name } }') == {"node": {"name": "Thomas Berger"}}


def test_a_value_out_of_range_is_bad_user_input_naming_the_field(writable: Server) -> None:
    error = writable.error(
        'mutation { createPerson(input: {id: "p_strong", account: "acc_halvorsen", name: "S", power: 1.5}) { id } }'
    )
    assert code(error) == "BAD_USER_INPUT", error
    assert "power" in error["message"]
    assert writable.data('{ node(id: "p_strong") { id } }') == {"node": None}


def test_a_reference_to_a_missing_account_is_bad_user_input_naming_it(writable: Server) -> None:
    error = writable.error('mutation { createSite(input: {id: "site_lost", account: "acc_lost", name: "L"}) { id } }')
    assert code(error) == "BAD_USER_INPUT", error
    assert "account" in error["message"]
    assert "acc_lost" in error["message"]


def test_removing_a_required_property_is_bad_user_input_naming_it(writable: Server) -> None:
    error = writable.error('mutation { updateMember(id: "m_weber", input: {role: null}) { id } }')
    assert code(error) == "BAD_USER_INPUT", error
    assert "role" in error["message"]
    assert writable.data('{ node(id: "m_weber") { ... on Member { role } } }') == {"node": {"role": "KAM"}}


def test_updating_a_node_through_the_mutation_of_another_kind_says_which_to_use(writable: Server) -> None:
    error = writable.error('mutation { updateAccount(id: "inf_epma", input: {industry: "x"}) { id } }')
    assert code(error) == "BAD_USER_INPUT", error
    assert error["message"] == "'inf_epma' is an influencer, not an account; use updateInfluencer"


@pytest.mark.parametrize(
    "mutation",
    [
        'mutation { updateAccount(id: "acc_nowhere", input: {industry: "x"}) { id } }',
        'mutation { deleteNode(id: "acc_nowhere") { deleted } }',
        'mutation { updateCovers(from: "m_weber", to: "p_hal_ceo", input: {strength: 0.1}) { strength } }',
        'mutation { deleteRelation(type: KNOWS, from: "m_weber", to: "p_hal_ceo") { deleted } }',
    ],
    ids=["update-node", "delete-node", "update-relation", "delete-relation"],
)
def test_writing_to_a_record_that_does_not_exist_is_not_found(writable: Server, mutation: str) -> None:
    error = writable.error(mutation)
    assert code(error) == "NOT_FOUND", error


def test_a_cover_with_a_contact_date_far_in_the_future_does_not_break_the_accounts_analyses(writable: Server) -> None:
    """9999-12-30 is a valid date: either it is refused as input, or every analysis still answers."""
    _import(
        writable,
        {
            "accounts": [_account("far")],
            "people": [{"id": "p_far", "account": "acc_far", "name": "Fay", "roles": ["decider"]}],
            "members": [{"id": "m_far", "name": "Fred", "role": "kam"}],
        },
    )
    response = writable.post(
        'mutation { createCovers(input: {from: "m_far", to: "p_far", lastContact: "9999-12-30", cadenceDays: 3650})'
        " { lastContact } }"
    )
    errors = response.json().get("errors")
    if errors and response.json().get("data") is None:
        assert code(errors[0]) == "BAD_USER_INPUT", errors
        assert "lastContact" in errors[0]["message"] or "last_contact" in errors[0]["message"]
        return
    for query in (
        '{ coverageGaps(accountId: "acc_far") { kind } }',
        '{ coverage(memberId: "m_far") { staleCount covers { due } } }',
        '{ account(id: "acc_far") { coverageScore gapCounts { total } } }',
    ):
        body = writable.post(query).json()
        assert "errors" not in body, (query, body["errors"])
