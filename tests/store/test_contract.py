"""The GraphStore contract: what every store does for its callers, run on every store via ``store``.

Reads and writes of every node and relation kind, errors for unknown and
taken ids, delete semantics, listing with filters and stable pagination,
per-account revisions, and import in merge and replace mode.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest

from graphsvc.errors import Conflict, InvalidInput, NotFound
from graphsvc.model import Node, NodeKind, Relation, RelationType
from graphsvc.store import GraphStore
from tests.conftest import export_text, normalized

ACCOUNTS = ("acc_acme", "acc_bolt")


@pytest.fixture
def loaded(store: GraphStore, small_doc: dict[str, Any]) -> GraphStore:
    store.import_document(small_doc)
    return store


def exported(store: GraphStore) -> dict[str, Any]:
    return json.loads(export_text(store))


def snapshot(store: GraphStore) -> tuple[str, int, list[int]]:
    return export_text(store), store.revision(), [store.account_revision(a) for a in ACCOUNTS]


def without(doc: dict[str, Any], ids: set[str]) -> dict[str, Any]:
    """``doc`` without the records ``ids`` and every relation at them."""
    out = copy.deepcopy(doc)
    for name, items in out.items():
        if name != "format":
            out[name] = [
                r for r in items if r.get("id") not in ids and r.get("from") not in ids and r.get("to") not in ids
            ]
    return out


# -- create / get / update / delete for every node kind ---------------------------------------------------------------

# kind: (a full new record, an update, an optional property to remove)
NEW_NODES: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "account": (
        {
            "id": "acc_nord",
            "name": "Nordwind Chemie",
            "status": "candidate",
            "approach": "holistic",
            "industry": "Chemicals",
            "region": "DACH",
            "countries": ["DE", "AT"],
            "notes": "Spotted at Achema.\nFollow up.",
        },
        {"status": "key", "countries": ["DE", "AT", "CH"]},
        "approach",
    ),
    "site": (
        {"id": "site_lyon", "account": "acc_acme", "name": "Acme Lyon", "country": "FR", "city": "Lyon"},
        {"city": "Villeurbanne"},
        "country",
    ),
    "person": (
        {
            "id": "p_nina",
            "account": "acc_acme",
            "site": "site_acme_de",
            "name": "Nina Nowak",
            "title": "Head of Purchasing",
            "department": "Purchasing",
            "roles": ["buyer", "gatekeeper"],
            "attitude": "skeptic",
            "power": 0.6,
            "notes": "Prefers e-mail.",
        },
        {"attitude": "champion", "roles": ["decider", "approver"], "power": 1},
        "site",
    ),
    "committee": (
        {"id": "com_steer", "account": "acc_bolt", "name": "Bolt steering", "kind": "steering", "power": 0.8},
        {"kind": "international", "name": "Bolt international steering"},
        "power",
    ),
    "influencer": (
        {"id": "inf_vdma", "name": "VDMA", "kind": "association", "organization": "VDMA e.V.", "country": "DE"},
        {"kind": "multiplier"},
        "organization",
    ),
    "member": (
        {"id": "m_ines", "name": "Ines Inside", "role": "inside_sales", "email": "ines@example.com"},
        {"role": "specialist"},
        "email",
    ),
}


def _props(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "id"}


def _exported_record(store: GraphStore, kind: str, node_id: str) -> dict[str, Any]:
    name = {"account": "accounts", "person": "people"}.get(kind, f"{kind}s")
    [record] = [r for r in exported(store).get(name, []) if r["id"] == node_id]
    return record


@pytest.mark.parametrize("kind", list(NEW_NODES))
def test_created_node_of_each_kind_reads_back_and_exports_as_given(loaded: GraphStore, kind: str) -> None:
    record, _, _ = NEW_NODES[kind]
    count = loaded.count_nodes(NodeKind(kind))
    created = loaded.create_node(kind, record)
    assert created == Node(NodeKind(kind), record["id"], _props(record))
    assert loaded.get_node(record["id"]) == created
    assert _exported_record(loaded, kind, record["id"]) == record
    assert loaded.count_nodes(NodeKind(kind)) == count + 1


@pytest.mark.parametrize("kind", list(NEW_NODES))
def test_update_sets_the_given_properties_and_keeps_the_others(loaded: GraphStore, kind: str) -> None:
    record, changes, _ = NEW_NODES[kind]
    loaded.create_node(kind, record)
    updated = loaded.update_node(record["id"], changes)
    assert updated.props == {**_props(record), **changes}
    assert loaded.get_node(record["id"]) == updated
    assert _exported_record(loaded, kind, record["id"]) == {**record, **changes}


@pytest.mark.parametrize("kind", list(NEW_NODES))
def test_update_with_none_removes_an_optional_property_and_export_leaves_it_out(loaded: GraphStore, kind: str) -> None:
    record, _, optional = NEW_NODES[kind]
    loaded.create_node(kind, record)
    updated = loaded.update_node(record["id"], {optional: None})
    assert optional not in updated.props
    assert optional not in loaded.get_node(record["id"]).props
    assert _exported_record(loaded, kind, record["id"]) == {k: v for k, v in record.items() if k != optional}


@pytest.mark.parametrize("kind", list(NEW_NODES))
def test_deleted_node_of_each_kind_is_gone_and_the_graph_is_as_before(loaded: GraphStore, kind: str) -> None:
    record, _, _ = NEW_NODES[kind]
    before = export_text(loaded)
    loaded.create_node(kind, record)
    result = loaded.delete_node(record["id"])
    assert result.deleted == 1
    with pytest.raises(NotFound):
        loaded.get_node(record["id"])
    assert export_text(loaded) == before


def test_nodes_by_id_returns_the_stored_ones_and_skips_unknown_ids(loaded: GraphStore) -> None:
    found = loaded.nodes_by_id(["p_ceo", "ghost", "acc_bolt"])
    assert set(found) == {"p_ceo", "acc_bolt"}
    assert found["p_ceo"].kind == NodeKind.PERSON
    assert found["acc_bolt"].props == {"name": "Bolt Energy", "status": "candidate"}


# -- create / get / update / delete for every relation type -----------------------------------------------------------

# type: (a full new relation, an update, an optional property to remove)
NEW_RELATIONS: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "REPORTS_TO": (
        {"type": "REPORTS_TO", "from": "p_bolt", "to": "p_ceo", "strength": 0.6, "notes": "dotted line"},
        {"strength": 0.3},
        "strength",
    ),
    "MEMBER_OF": (
        {"type": "MEMBER_OF", "from": "p_buyer", "to": "com_acme_buy", "role": "member", "strength": 0.5},
        {"role": "advisor"},
        "strength",
    ),
    "INFLUENCES": (
        {"type": "INFLUENCES", "from": "p_buyer", "to": "p_ceo", "strength": 0.6, "kind": "commercial"},
        {"kind": "personal", "strength": 0.8},
        "kind",
    ),
    "COVERS": (
        {
            "type": "COVERS",
            "from": "m_lead",
            "to": "p_ceo",
            "strength": 0.5,
            "last_contact": "2026-03-01",
            "cadence_days": 30,
        },
        {"last_contact": "2026-04-15"},
        "cadence_days",
    ),
    "KNOWS": ({"type": "KNOWS", "from": "m_lead", "to": "p_buyer", "strength": 0.3}, {"strength": 0.9}, "strength"),
    "ASSIGNED_TO": (
        {"type": "ASSIGNED_TO", "from": "m_lead", "to": "acc_bolt", "role": "member", "notes": "backup"},
        {"role": "lead"},
        "notes",
    ),
}


def _key(record: dict[str, Any]) -> tuple[str, str, str]:
    return record["type"], record["from"], record["to"]


def _rel_props(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("type", "from", "to")}


def _exported_relation(store: GraphStore, key: tuple[str, str, str]) -> dict[str, Any]:
    [record] = [r for r in exported(store)["relations"] if _key(r) == key]
    return record


@pytest.mark.parametrize("rtype", list(NEW_RELATIONS))
def test_created_relation_of_each_type_reads_back_and_exports_as_given(loaded: GraphStore, rtype: str) -> None:
    record, _, _ = NEW_RELATIONS[rtype]
    created = loaded.create_relation(record)
    assert created == Relation(RelationType(rtype), record["from"], record["to"], _rel_props(record))
    assert loaded.get_relation(*_key(record)) == created
    assert _exported_relation(loaded, _key(record)) == record
    assert created in loaded.list_relations(RelationType(rtype)).items


@pytest.mark.parametrize("rtype", list(NEW_RELATIONS))
def test_relation_update_sets_the_given_properties_and_keeps_the_others(loaded: GraphStore, rtype: str) -> None:
    record, changes, _ = NEW_RELATIONS[rtype]
    loaded.create_relation(record)
    updated = loaded.update_relation(*_key(record), changes)
    assert updated.props == {**_rel_props(record), **changes}
    assert _exported_relation(loaded, _key(record)) == {**record, **changes}


@pytest.mark.parametrize("rtype", list(NEW_RELATIONS))
def test_relation_update_with_none_removes_an_optional_property(loaded: GraphStore, rtype: str) -> None:
    record, _, optional = NEW_RELATIONS[rtype]
    loaded.create_relation(record)
    loaded.update_relation(*_key(record), {optional: None})
    assert optional not in loaded.get_relation(*_key(record)).props
    assert _exported_relation(loaded, _key(record)) == {k: v for k, v in record.items() if k != optional}


@pytest.mark.parametrize("rtype", list(NEW_RELATIONS))
def test_deleted_relation_of_each_type_is_gone_and_its_ends_stay(loaded: GraphStore, rtype: str) -> None:
    record, _, _ = NEW_RELATIONS[rtype]
    before = export_text(loaded)
    loaded.create_relation(record)
    assert loaded.delete_relation(*_key(record)).deleted == 1
    with pytest.raises(NotFound):
        loaded.get_relation(*_key(record))
    assert export_text(loaded) == before


# -- unknown ids and taken ids ----------------------------------------------------------------------------------------

UNKNOWN = {
    "get_node": lambda s: s.get_node("ghost"),
    "update_node": lambda s: s.update_node("ghost", {"name": "Ghost"}),
    "delete_node": lambda s: s.delete_node("ghost"),
    "delete_node_cascade": lambda s: s.delete_node("ghost", cascade=True),
    "get_relation": lambda s: s.get_relation("COVERS", "m_kam", "p_ceo"),
    "update_relation": lambda s: s.update_relation("COVERS", "m_kam", "p_ceo", {"strength": 0.5}),
    "delete_relation": lambda s: s.delete_relation("COVERS", "m_kam", "p_ceo"),
    "delete_relation_of_other_type": lambda s: s.delete_relation("KNOWS", "m_kam", "p_buyer"),
}


@pytest.mark.parametrize("call", list(UNKNOWN))
def test_unknown_id_or_relation_is_not_found_and_store_unchanged(loaded: GraphStore, call: str) -> None:
    before = snapshot(loaded)
    with pytest.raises(NotFound) as info:
        UNKNOWN[call](loaded)
    assert "ghost" in str(info.value) or "m_kam" in str(info.value)
    assert snapshot(loaded) == before


TAKEN = {
    "person-id": lambda s: s.create_node("person", {"id": "p_ceo", "account": "acc_acme", "name": "Dup"}),
    "member-id": lambda s: s.create_node("member", {"id": "m_kam", "name": "Karl II", "role": "kam"}),
    "covers": lambda s: s.create_relation({"type": "COVERS", "from": "m_kam", "to": "p_buyer", "strength": 0.1}),
    "assigned_to": lambda s: s.create_relation({"type": "ASSIGNED_TO", "from": "m_kam", "to": "acc_acme"} | ROLE),
}
ROLE = {"role": "member"}


@pytest.mark.parametrize("call", list(TAKEN))
def test_creating_a_taken_id_or_an_existing_relation_is_a_conflict_and_store_unchanged(
    loaded: GraphStore, call: str
) -> None:
    before = snapshot(loaded)
    with pytest.raises(Conflict) as info:
        TAKEN[call](loaded)
    assert "m_kam" in str(info.value) or "p_ceo" in str(info.value)
    assert snapshot(loaded) == before


# -- delete semantics -------------------------------------------------------------------------------------------------


def test_deleting_a_node_removes_every_relation_at_it_and_nothing_else(
    loaded: GraphStore, small_doc: dict[str, Any]
) -> None:
    result = loaded.delete_node("p_buyer")
    assert loaded.list_relations(source="p_buyer").items == []
    assert loaded.list_relations(target="p_buyer").items == []
    assert exported(loaded) == normalized(without(small_doc, {"p_buyer"}))
    assert result.deleted == 4


def test_deleting_an_account_that_owns_records_is_a_conflict_and_store_unchanged(loaded: GraphStore) -> None:
    before = snapshot(loaded)
    with pytest.raises(Conflict) as info:
        loaded.delete_node("acc_acme")
    assert "acc_acme" in str(info.value)
    assert "cascade" in str(info.value)
    assert snapshot(loaded) == before


def test_deleting_an_account_with_cascade_removes_its_records_and_their_relations(
    loaded: GraphStore, small_doc: dict[str, Any]
) -> None:
    loaded.create_relation({"type": "INFLUENCES", "from": "p_bolt", "to": "p_ceo", "strength": 0.4})
    owned = {"acc_acme", "site_acme_de", "p_ceo", "p_buyer", "com_acme_buy"}
    result = loaded.delete_node("acc_acme", cascade=True)
    for node_id in owned:
        with pytest.raises(NotFound):
            loaded.get_node(node_id)
    assert exported(loaded) == normalized(without(small_doc, owned))
    assert result.deleted == 5 + 6  # five records; six relations, the one from p_bolt included
    assert loaded.get_node("p_bolt").account == "acc_bolt"


def test_deleting_an_account_that_owns_nothing_needs_no_cascade(loaded: GraphStore) -> None:
    loaded.create_node("account", {"id": "acc_empty", "name": "Empty", "status": "candidate"})
    loaded.create_relation({"type": "ASSIGNED_TO", "from": "m_lead", "to": "acc_empty", "role": "lead"})
    loaded.delete_node("acc_empty")
    assert loaded.nodes_by_id(["acc_empty"]) == {}
    assert loaded.list_relations(source="m_lead").items == []


def test_deleting_a_site_where_people_work_is_a_conflict_and_store_unchanged(loaded: GraphStore) -> None:
    before = snapshot(loaded)
    with pytest.raises(Conflict) as info:
        loaded.delete_node("site_acme_de")
    assert "site_acme_de" in str(info.value)
    assert "p_ceo" in str(info.value)
    assert snapshot(loaded) == before


def test_deleting_a_site_with_cascade_keeps_its_people_without_a_site(
    loaded: GraphStore, small_doc: dict[str, Any]
) -> None:
    loaded.delete_node("site_acme_de", cascade=True)
    expected = without(small_doc, {"site_acme_de"})
    del expected["people"][0]["site"]
    assert exported(loaded) == normalized(expected)
    assert "site" not in loaded.get_node("p_ceo").props


def test_deleting_a_site_without_people_needs_no_cascade(loaded: GraphStore, small_doc: dict[str, Any]) -> None:
    loaded.create_node("site", {"id": "site_empty", "account": "acc_bolt", "name": "Empty plant"})
    loaded.delete_node("site_empty")
    assert exported(loaded) == normalized(small_doc)


# -- listing: filters, counts, pagination -----------------------------------------------------------------------------

CROWD = {
    "sites": [{"id": "site_bolt_fr", "account": "acc_bolt", "name": "Bolt Lyon", "country": "FR"}],
    "people": [
        {"id": "p_mueller", "account": "acc_acme", "name": "Jürgen Müller", "roles": ["decider", "approver"]}
        | {"attitude": "champion", "power": 0.9},
        {"id": "p_lued", "account": "acc_bolt", "name": "Anna Müller-Lüdenscheidt", "roles": ["user"]}
        | {"attitude": "champion", "site": "site_bolt_fr"},
        {"id": "p_smith", "account": "acc_bolt", "name": "Bob SMITH", "roles": ["decider"], "attitude": "opponent"}
        | {"power": 0.9},
        {"id": "p_zoe", "account": "acc_acme", "name": "Zoë Élise Zimmer", "roles": [], "attitude": "neutral"},
    ],
    "influencers": [{"id": "inf_tuev", "name": "TÜV Süd", "kind": "authority", "country": "DE"}],
}


@pytest.fixture
def crowd(loaded: GraphStore) -> GraphStore:
    loaded.import_document({"format": "graphsvc/1", **CROWD})
    return loaded


@pytest.mark.parametrize(
    ("kind", "filters", "expected"),
    [
        ("person", {}, {"p_ceo", "p_buyer", "p_bolt", "p_mueller", "p_lued", "p_smith", "p_zoe"}),
        ("person", {"account": "acc_acme"}, {"p_ceo", "p_buyer", "p_mueller", "p_zoe"}),
        (None, {"account": "acc_bolt"}, {"p_bolt", "p_lued", "p_smith", "site_bolt_fr"}),
        ("person", {"where": {"roles": "decider"}}, {"p_ceo", "p_mueller", "p_smith"}),
        ("person", {"where": {"roles": "decider"}, "account": "acc_bolt"}, {"p_smith"}),
        ("person", {"where": {"roles": "approver", "attitude": "champion"}}, {"p_mueller"}),
        ("person", {"where": {"attitude": "champion"}}, {"p_mueller", "p_lued"}),
        ("person", {"where": {"attitude": "unknown"}}, set()),
        ("person", {"where": {"power": 0.9}}, {"p_ceo", "p_mueller", "p_smith"}),
        ("person", {"where": {"site": "site_bolt_fr"}}, {"p_lued"}),
        ("account", {"where": {"status": "key"}}, {"acc_acme"}),
        ("account", {"where": {"countries": "FR"}}, {"acc_acme"}),
        ("site", {"where": {"country": "FR"}}, {"site_bolt_fr"}),
        ("influencer", {"where": {"country": "DE"}}, {"inf_tuev"}),
        ("member", {"where": {"role": "kam"}}, {"m_kam"}),
        ("committee", {"where": {"kind": "buying_committee"}}, {"com_acme_buy"}),
        ("person", {"name_contains": "MÜLLER"}, {"p_mueller", "p_lued"}),
        ("person", {"name_contains": "müller-lü"}, {"p_lued"}),
        ("person", {"name_contains": "smith"}, {"p_smith"}),
        ("person", {"name_contains": "ZOË ÉLISE"}, {"p_zoe"}),
        (None, {"name_contains": "tüv"}, {"inf_tuev"}),
        (None, {"name_contains": "acme"}, {"acc_acme", "site_acme_de", "com_acme_buy"}),
        ("person", {"name_contains": "%"}, set()),
        ("person", {"name_contains": "müller", "where": {"roles": "user"}}, {"p_lued"}),
    ],
    ids=lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else None,
)
def test_list_and_count_return_exactly_the_nodes_matching_the_filters(
    crowd: GraphStore, kind: str | None, filters: dict[str, Any], expected: set[str]
) -> None:
    kind_ = None if kind is None else NodeKind(kind)
    page = crowd.list_nodes(kind_, **filters)
    assert {n.id for n in page.items} == expected
    assert [n.id for n in page.items] == sorted(expected)
    assert page.next_after is None
    assert crowd.count_nodes(kind_, **filters) == len(expected)


def test_count_nodes_counts_each_kind_and_all(loaded: GraphStore) -> None:
    counts = {kind: loaded.count_nodes(kind) for kind in NodeKind}
    assert counts == {
        NodeKind.ACCOUNT: 2,
        NodeKind.SITE: 1,
        NodeKind.PERSON: 3,
        NodeKind.COMMITTEE: 1,
        NodeKind.INFLUENCER: 1,
        NodeKind.MEMBER: 2,
    }
    assert loaded.count_nodes() == 10


@pytest.mark.parametrize(
    ("kind", "where"),
    [("person", {"atitude": "champion"}), ("member", {"strength": 0.5}), (None, {"attitude": "champion"})],
    ids=["typo", "not-a-member-property", "without-kind"],
)
def test_filtering_on_a_property_the_kind_does_not_have_is_rejected(
    loaded: GraphStore, kind: str | None, where: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput):
        loaded.list_nodes(None if kind is None else NodeKind(kind), where=where)


def walk_nodes(store: GraphStore, between: Callable[[int], None] | None = None, **filters: Any) -> list[str]:
    """Every id of a listing read in pages of two; ``between(page_number)`` runs after each page."""
    ids: list[str] = []
    after = None
    for number in range(1000):
        page = store.list_nodes(after=after, limit=2, **filters)
        assert len(page.items) <= 2
        ids += [n.id for n in page.items]
        if page.next_after is None:
            return ids
        assert len(page.items) == 2
        if between:
            between(number)
        after = page.next_after
    raise AssertionError("pagination never ended")


@pytest.mark.parametrize(
    "filters",
    [{}, {"kind": NodeKind.PERSON}, {"kind": NodeKind.PERSON, "where": {"roles": "decider"}}, {"name_contains": "ü"}],
    ids=["all", "people", "deciders", "name"],
)
def test_walking_pages_of_two_returns_every_matching_node_once_in_id_order(
    crowd: GraphStore, filters: dict[str, Any]
) -> None:
    everything = crowd.list_nodes(limit=1000, **filters).items
    assert walk_nodes(crowd, **filters) == sorted(n.id for n in everything)


def test_walking_all_pages_covers_every_record_of_the_document(loaded: GraphStore, small_doc: dict[str, Any]) -> None:
    ids = [r["id"] for name, items in small_doc.items() if name not in ("format", "relations") for r in items]
    assert walk_nodes(loaded) == sorted(ids)


def test_nodes_inserted_between_page_reads_cause_no_duplicates_or_gaps(loaded: GraphStore) -> None:
    original = [n.id for n in loaded.list_nodes(limit=1000).items]

    def insert(page_number: int) -> None:
        if page_number == 0:
            loaded.create_node("member", {"id": "aaa_early", "name": "Early", "role": "service"})
            loaded.create_node("member", {"id": "zzz_late", "name": "Late", "role": "service"})
        if page_number == 1:
            loaded.create_node("member", {"id": "m_kaz", "name": "Mid", "role": "service"})

    seen = walk_nodes(loaded, insert)
    assert len(seen) == len(set(seen))
    assert set(original) <= set(seen)
    assert "zzz_late" in seen
    assert seen == sorted(seen)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"rtype": RelationType.REPORTS_TO}, {("REPORTS_TO", "m_kam", "m_lead"), ("REPORTS_TO", "p_buyer", "p_ceo")}),
        (
            {"source": "m_kam"},
            {
                ("ASSIGNED_TO", "m_kam", "acc_acme"),
                ("COVERS", "m_kam", "p_buyer"),
                ("KNOWS", "m_kam", "inf_planner"),
                ("REPORTS_TO", "m_kam", "m_lead"),
            },
        ),
        ({"target": "p_buyer"}, {("COVERS", "m_kam", "p_buyer"), ("INFLUENCES", "inf_planner", "p_buyer")}),
        ({"rtype": RelationType.COVERS, "source": "m_kam"}, {("COVERS", "m_kam", "p_buyer")}),
        ({"rtype": RelationType.COVERS, "target": "p_ceo"}, set()),
    ],
    ids=["type", "source", "target", "type-and-source", "none"],
)
def test_list_relations_filters_by_type_source_and_target(
    loaded: GraphStore, filters: dict[str, Any], expected: set[tuple[str, str, str]]
) -> None:
    page = loaded.list_relations(**filters)
    assert {(str(r.type), r.source, r.target) for r in page.items} == expected
    assert page.next_after is None


@pytest.mark.parametrize("filters", [{}, {"source": "m_kam"}], ids=["all", "source"])
def test_walking_relation_pages_returns_every_relation_once_in_order(
    loaded: GraphStore, small_doc: dict[str, Any], filters: dict[str, Any]
) -> None:
    keys: list[tuple[str, str, str]] = []
    after = None
    while True:
        page = loaded.list_relations(after=after, limit=2, **filters)
        keys += [(str(r.type), r.source, r.target) for r in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    expected = sorted(_key(r) for r in small_doc["relations"] if filters.get("source", r["from"]) == r["from"])
    assert keys == expected


# -- per-account revisions --------------------------------------------------------------------------------------------

PORTFOLIO_EXTRA = {
    "influencers": [{"id": "inf_bolt_cons", "name": "Bolt consultant", "kind": "consultant"}],
    "members": [
        {"id": "m_solo", "name": "Solo", "role": "specialist"},
        {"id": "m_acme", "name": "Acme only", "role": "field_sales"},
    ],
    "relations": [
        {"type": "INFLUENCES", "from": "inf_bolt_cons", "to": "p_bolt", "strength": 0.7},
        {"type": "ASSIGNED_TO", "from": "m_acme", "to": "acc_acme", "role": "member"},
    ],
}


@pytest.fixture
def portfolio(loaded: GraphStore) -> GraphStore:
    loaded.import_document({"format": "graphsvc/1", **PORTFOLIO_EXTRA})
    return loaded


A, B = "acc_acme", "acc_bolt"

REVISION_CASES: list[Any] = [
    pytest.param(lambda s: s.update_node("p_ceo", {"title": "Chief"}), {A}, {B}, id="update-person-of-A"),
    pytest.param(lambda s: s.update_node("p_bolt", {"title": "Engineer"}), {B}, {A}, id="update-person-of-B"),
    pytest.param(
        lambda s: s.create_node("person", {"id": "p_new", "account": A, "name": "New"}), {A}, {B}, id="create-in-A"
    ),
    pytest.param(lambda s: s.update_node("site_acme_de", {"city": "Essen"}), {A}, {B}, id="update-site-of-A"),
    pytest.param(lambda s: s.update_node(B, {"status": "key"}), {B}, {A}, id="update-account-B"),
    pytest.param(
        lambda s: s.create_relation({"type": "COVERS", "from": "m_solo", "to": "inf_bolt_cons", "strength": 0.5}),
        {B},
        {A},
        id="cover-influencer-that-influences-B",
    ),
    pytest.param(
        lambda s: s.update_node("inf_bolt_cons", {"organization": "Bolt Advisors"}),
        {B},
        {A},
        id="update-influencer-that-influences-B",
    ),
    pytest.param(
        lambda s: s.update_node("m_acme", {"email": "acme@example.com"}), {A}, {B}, id="update-member-assigned-to-A"
    ),
    pytest.param(lambda s: s.delete_node("m_acme"), {A}, {B}, id="delete-member-assigned-to-A"),
    pytest.param(
        lambda s: s.create_relation({"type": "ASSIGNED_TO", "from": "m_solo", "to": B, "role": "lead"}),
        {B},
        {A},
        id="assign-member-to-B",
    ),
    pytest.param(
        lambda s: s.delete_relation("INFLUENCES", "inf_bolt_cons", "p_bolt"), {B}, {A}, id="delete-influence-into-B"
    ),
    pytest.param(
        lambda s: s.create_relation({"type": "INFLUENCES", "from": "p_bolt", "to": "p_ceo", "strength": 0.5}),
        {A},
        set(),
        id="person-of-B-influences-A",
    ),
    pytest.param(
        lambda s: s.update_relation("COVERS", "m_kam", "p_buyer", {"strength": 0.2}), {A}, {B}, id="update-cover-in-A"
    ),
    pytest.param(
        lambda s: s.import_document(
            {"format": "graphsvc/1", "people": [{"id": "p_bolt", "account": B, "name": "Bo Bolt", "roles": ["buyer"]}]}
        ),
        {B},
        {A},
        id="merge-person-of-B",
    ),
]


@pytest.mark.parametrize(("write", "moved", "unmoved"), REVISION_CASES)
def test_write_moves_the_revision_of_exactly_the_accounts_whose_influence_graph_it_touches(
    portfolio: GraphStore, write: Callable[[GraphStore], object], moved: set[str], unmoved: set[str]
) -> None:
    before = {a: portfolio.account_revision(a) for a in ACCOUNTS}
    store_before = portfolio.revision()
    write(portfolio)
    after = {a: portfolio.account_revision(a) for a in ACCOUNTS}
    assert {a for a in ACCOUNTS if after[a] > before[a]} >= moved
    assert {a for a in unmoved if after[a] != before[a]} == set()
    assert portfolio.revision() > store_before


def test_account_never_written_has_revision_zero(loaded: GraphStore) -> None:
    assert loaded.account_revision("acc_never") == 0
    assert loaded.account_revision("acc_acme") > 0


def test_an_account_with_nothing_in_it_has_records_without_nodes_or_relations(loaded: GraphStore) -> None:
    loaded.create_node("account", {"id": "acc_empty", "name": "Empty Ltd", "status": "candidate"})
    records = loaded.account_records("acc_empty")
    assert records.account == loaded.get_node("acc_empty")
    assert (records.nodes, records.relations) == ([], [])
    assert records.revision == loaded.account_revision("acc_empty") > 0
    with pytest.raises(NotFound):
        loaded.account_records("acc_never")


PERSON_X = {"id": "p_x", "account": A, "name": "X"}


def test_revisions_increase_strictly_with_every_write(portfolio: GraphStore) -> None:
    writes: list[Callable[[], object]] = [
        lambda: portfolio.update_node("p_ceo", {"title": "Chief Executive"}),
        lambda: portfolio.create_node("person", {"id": "p_new", "account": A, "name": "New"}),
        lambda: portfolio.create_relation({"type": "INFLUENCES", "from": "p_new", "to": "p_ceo"}),
        lambda: portfolio.update_relation("INFLUENCES", "p_new", "p_ceo", {"strength": 0.9}),
        lambda: portfolio.delete_relation("INFLUENCES", "p_new", "p_ceo"),
        lambda: portfolio.delete_node("p_new"),
        lambda: portfolio.import_document({"format": "graphsvc/1", "people": [PERSON_X]}),
    ]
    store_revisions = [portfolio.revision()]
    account_revisions = [portfolio.account_revision(A)]
    for write in writes:
        write()
        store_revisions.append(portfolio.revision())
        account_revisions.append(portfolio.account_revision(A))
    assert all(a < b for a, b in itertools.pairwise(store_revisions))
    assert all(a < b for a, b in itertools.pairwise(account_revisions))


def test_write_result_reports_the_new_revision_and_the_accounts_it_moved(portfolio: GraphStore) -> None:
    result = portfolio.delete_relation("INFLUENCES", "inf_bolt_cons", "p_bolt")
    assert result.revision == portfolio.revision()
    assert B in result.accounts
    assert A not in result.accounts


UNCHANGED_WRITES: list[Any] = [
    pytest.param(lambda s, d: s.update_node("p_ceo", {"power": 0.9, "title": "CEO"}), id="update-node-same-values"),
    pytest.param(lambda s, d: s.update_node("p_ceo", {}), id="update-node-nothing"),
    pytest.param(lambda s, d: s.update_node("m_lead", {"email": None}), id="remove-absent-property"),
    pytest.param(lambda s, d: s.update_relation("COVERS", "m_kam", "p_buyer", {"strength": 0.7}), id="update-rel-same"),
    pytest.param(lambda s, d: s.update_relation("REPORTS_TO", "p_buyer", "p_ceo", {"strength": None}), id="rel-absent"),
    pytest.param(lambda s, d: s.import_document(d, "merge"), id="merge-same-document"),
    pytest.param(lambda s, d: s.import_document(d, "replace"), id="replace-same-document"),
]


@pytest.mark.parametrize("write", UNCHANGED_WRITES)
def test_write_that_changes_nothing_moves_no_revision(
    loaded: GraphStore, small_doc: dict[str, Any], write: Callable[[GraphStore, dict[str, Any]], object]
) -> None:
    before = snapshot(loaded)
    write(loaded, small_doc)
    assert snapshot(loaded) == before


# -- import: merge counts, replace ------------------------------------------------------------------------------------


def test_reimporting_the_same_document_in_merge_mode_reports_every_record_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any]
) -> None:
    result = loaded.import_document(small_doc)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 17)
    assert exported(loaded) == normalized(small_doc)


def test_merge_counts_created_updated_and_unchanged_records(loaded: GraphStore, small_doc: dict[str, Any]) -> None:
    small_doc["people"][2]["title"] = "Plant engineer"
    small_doc["relations"][4]["strength"] = 0.9
    small_doc["influencers"].append({"id": "inf_vdi", "name": "VDI", "kind": "association"})
    small_doc["relations"].append({"type": "COVERS", "from": "m_lead", "to": "inf_vdi", "strength": 0.4})
    result = loaded.import_document(small_doc, "merge")
    assert (result.created, result.updated, result.unchanged) == (2, 2, 15)
    assert exported(loaded) == normalized(small_doc)


def test_merge_keeps_what_the_document_leaves_out(loaded: GraphStore, small_doc: dict[str, Any]) -> None:
    new_member = {"id": "m_new", "name": "New", "role": "service"}
    result = loaded.import_document({"format": "graphsvc/1", "members": [new_member]})
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    small_doc["members"].append(new_member)
    assert exported(loaded) == normalized(small_doc)


def test_merge_update_replaces_a_records_properties_with_the_documents(loaded: GraphStore) -> None:
    doc = {"format": "graphsvc/1", "people": [{"id": "p_ceo", "account": "acc_acme", "name": "Clara Ceo"}]}
    result = loaded.import_document(doc)
    assert result.updated == 1
    assert loaded.get_node("p_ceo").props == {"account": "acc_acme", "name": "Clara Ceo"}


def test_replace_removes_what_the_document_lacks(loaded: GraphStore, small_doc: dict[str, Any]) -> None:
    bolt_before = loaded.account_revision("acc_bolt")
    doc = without(small_doc, {"acc_bolt", "p_bolt", "inf_planner"})
    doc["members"].append({"id": "m_new", "name": "New", "role": "service"})
    loaded.import_document(doc, "replace")
    assert exported(loaded) == normalized(doc)
    for gone in ("acc_bolt", "p_bolt", "inf_planner"):
        with pytest.raises(NotFound):
            loaded.get_node(gone)
    with pytest.raises(NotFound):
        loaded.get_relation("KNOWS", "m_kam", "inf_planner")
    assert loaded.account_revision("acc_bolt") > bolt_before


def test_replace_with_an_empty_document_empties_the_store(loaded: GraphStore) -> None:
    loaded.import_document({"format": "graphsvc/1"}, "replace")
    assert loaded.count_nodes() == 0
    assert loaded.list_relations().items == []
    assert exported(loaded) == {"format": "graphsvc/1", "relations": []}


def test_replace_may_give_a_stored_id_another_kind_and_the_record_is_only_of_the_new_kind(loaded: GraphStore) -> None:
    """The document is the whole new graph: ``acc_bolt`` was an account, now it names a site of acc_acme."""
    doc = {
        "format": "graphsvc/1",
        "accounts": [{"id": "acc_acme", "name": "Acme Pumps", "status": "key"}],
        "sites": [{"id": "acc_bolt", "account": "acc_acme", "name": "Bolt Street plant"}],
        "people": [{"id": "m_kam", "account": "acc_acme", "site": "acc_bolt", "name": "Karl, now a customer"}],
    }
    loaded.import_document(doc, "replace")
    assert exported(loaded) == normalized(doc)
    assert loaded.get_node("acc_bolt").kind == NodeKind.SITE
    assert loaded.get_node("m_kam").kind == NodeKind.PERSON
    assert loaded.count_nodes(NodeKind.ACCOUNT) == 1
    assert loaded.count_nodes(NodeKind.MEMBER) == 0
    assert [n.id for n in loaded.list_nodes(NodeKind.SITE).items] == ["acc_bolt"]
    assert [n.id for n in loaded.people_at_sites(["acc_bolt"])] == ["m_kam"]
    with pytest.raises(NotFound):
        loaded.account_records("acc_bolt")
