"""Every integrity rule of DESIGN.md section 2, enforced by every store on every write path.

A write that breaks a rule is refused whole with an error naming the record and
the field, and leaves the store byte-for-byte as it was (same export, same
revisions). Each test runs on every store through the ``store`` fixture.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from graphsvc.errors import Conflict, GraphsvcError, InvalidInput
from graphsvc.store import GraphStore
from tests.conftest import export_text

ACCOUNTS = ("acc_acme", "acc_bolt")
LIST_OF = {
    "account": "accounts",
    "site": "sites",
    "person": "people",
    "committee": "committees",
    "influencer": "influencers",
    "member": "members",
}
NODE_WRITES = ["create_node", "import_merge", "import_replace"]
RELATION_WRITES = ["create_relation", "import_merge", "import_replace"]

# A valid new record and relation that ride along in every merge document: they
# must not be written when another record of the document breaks a rule.
FILLER_INFLUENCER = {"id": "inf_filler", "name": "Fachverband Pumpen", "kind": "association"}
FILLER_RELATION = {"type": "KNOWS", "from": "m_lead", "to": "inf_filler", "strength": 0.5}


@pytest.fixture
def loaded(store: GraphStore, small_doc: dict[str, Any]) -> GraphStore:
    store.import_document(small_doc)
    return store


def snapshot(store: GraphStore) -> tuple[str, int, list[int]]:
    return export_text(store), store.revision(), [store.account_revision(a) for a in ACCOUNTS]


def assert_rejected(
    store: GraphStore, write: Callable[[], object], *fragments: str, error: type[GraphsvcError] = InvalidInput
) -> None:
    """``write`` raises ``error`` whose message holds every fragment, and the store is unchanged."""
    before = snapshot(store)
    with pytest.raises(error) as info:
        write()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert snapshot(store) == before


def node_write(
    how: str, store: GraphStore, small_doc: dict[str, Any], kind: str, record: dict[str, Any]
) -> tuple[Callable[[], object], str]:
    """A write of one new node record by ``how``, and how the error must name that record."""
    name = LIST_OF[kind]
    if how == "create_node":
        return partial(store.create_node, kind, record), f"'{record['id']}'"
    if how == "import_merge":
        doc: dict[str, Any] = {"format": "graphsvc/1", "influencers": [FILLER_INFLUENCER]}
        doc["relations"] = [FILLER_RELATION]
    else:
        doc = copy.deepcopy(small_doc)
    doc.setdefault(name, []).append(record)
    mode = "merge" if how == "import_merge" else "replace"
    return partial(store.import_document, doc, mode), f"{name}[{len(doc[name]) - 1}] ({record['id']})"


def relation_write(
    how: str, store: GraphStore, small_doc: dict[str, Any], record: dict[str, Any]
) -> tuple[Callable[[], object], str]:
    """A write of one new relation record by ``how``, and how the error must name it."""
    label = f"{record['type']} {record['from']} -> {record['to']}"
    if how == "create_relation":
        return partial(store.create_relation, record), label
    if how == "import_merge":
        doc = {"format": "graphsvc/1", "influencers": [FILLER_INFLUENCER], "relations": [FILLER_RELATION, record]}
        return partial(store.import_document, doc, "merge"), f"relations[1] ({label})"
    doc = copy.deepcopy(small_doc)
    doc["relations"].append(record)
    return partial(store.import_document, doc, "replace"), f"relations[{len(doc['relations']) - 1}] ({label})"


def rel(rtype: str, source: str, target: str, **props: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"type": rtype, "from": source, "to": target}
    if rtype in ("MEMBER_OF", "ASSIGNED_TO"):
        record["role"] = "member"
    return record | props


def person(pid: str = "p_x", account: str = "acc_acme", **props: Any) -> dict[str, Any]:
    return {"id": pid, "account": account, "name": "Xaver Xylander", **props}


# -- the baseline: valid writes on each path succeed (so the rejections below are about the rule) -------------------


@pytest.mark.parametrize("how", NODE_WRITES)
def test_valid_node_on_each_write_path_is_written(loaded: GraphStore, small_doc: dict[str, Any], how: str) -> None:
    write, _ = node_write(how, loaded, small_doc, "person", person(site="site_acme_de", power=1, roles=["user"]))
    write()
    assert loaded.get_node("p_x").props["site"] == "site_acme_de"


@pytest.mark.parametrize("how", RELATION_WRITES)
def test_valid_relation_on_each_write_path_is_written(loaded: GraphStore, small_doc: dict[str, Any], how: str) -> None:
    write, _ = relation_write(how, loaded, small_doc, rel("COVERS", "m_lead", "p_ceo", strength=0))
    write()
    assert loaded.get_relation("COVERS", "m_lead", "p_ceo").props == {"strength": 0}


# -- ids are unique across kinds; a node cannot change kind ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "taken"),
    [("person", "m_kam"), ("account", "p_ceo"), ("influencer", "com_acme_buy"), ("site", "acc_bolt")],
)
def test_create_with_an_id_taken_by_another_kind_is_a_conflict_and_store_unchanged(
    loaded: GraphStore, kind: str, taken: str
) -> None:
    records = {
        "person": person(taken),
        "account": {"id": taken, "name": "Dup", "status": "key"},
        "influencer": {"id": taken, "name": "Dup", "kind": "other"},
        "site": {"id": taken, "account": "acc_acme", "name": "Dup"},
    }
    assert_rejected(loaded, partial(loaded.create_node, kind, records[kind]), f"'{taken}'", "id", error=Conflict)


@pytest.mark.parametrize(
    ("kind", "taken", "stored_kind"),
    [("person", "m_kam", "member"), ("account", "p_ceo", "person"), ("committee", "inf_planner", "influencer")],
)
def test_merge_that_gives_a_stored_id_another_kind_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], kind: str, taken: str, stored_kind: str
) -> None:
    records = {
        "person": person(taken),
        "account": {"id": taken, "name": "Dup", "status": "key"},
        "committee": {"id": taken, "account": "acc_acme", "name": "Dup", "kind": "board"},
    }
    write, label = node_write("import_merge", loaded, small_doc, kind, records[kind])
    assert_rejected(loaded, write, label, f"id '{taken}' is already", stored_kind, "change kind")


@pytest.mark.parametrize("mode", ["merge", "replace"])
def test_document_using_one_new_id_for_two_kinds_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], mode: str
) -> None:
    doc = small_doc if mode == "replace" else {"format": "graphsvc/1"}
    doc.setdefault("accounts", []).append({"id": "x_new", "name": "New", "status": "candidate"})
    doc.setdefault("members", []).append({"id": "x_new", "name": "New", "role": "kam"})
    member_label = f"members[{len(doc['members']) - 1}] (x_new)"
    account_label = f"accounts[{len(doc['accounts']) - 1}] (x_new)"
    assert_rejected(loaded, partial(loaded.import_document, doc, mode), member_label, account_label, "id 'x_new'")


def test_replace_with_a_stored_id_under_another_kind_is_rejected_when_both_are_in_the_document(
    loaded: GraphStore, small_doc: dict[str, Any]
) -> None:
    small_doc["people"].append(person("m_kam"))
    assert_rejected(loaded, partial(loaded.import_document, small_doc, "replace"), "(m_kam)", "id 'm_kam'")


# -- unknown properties ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", NODE_WRITES)
@pytest.mark.parametrize(
    ("kind", "record", "unknown"),
    [
        ("person", person(atitude="champion"), "atitude"),
        ("member", {"id": "m_x", "name": "M", "role": "kam", "account": "acc_acme"}, "account"),
        ("account", {"id": "acc_x", "name": "X", "status": "key", "countrys": ["DE"]}, "countrys"),
    ],
    ids=["person-atitude", "member-account", "account-countrys"],
)
def test_node_with_an_unknown_property_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, kind: str, record: dict[str, Any], unknown: str
) -> None:
    write, label = node_write(how, loaded, small_doc, kind, record)
    assert_rejected(loaded, write, label, f"'{unknown}' is not a property")


@pytest.mark.parametrize("how", RELATION_WRITES)
@pytest.mark.parametrize(
    ("record", "unknown"),
    [
        (rel("COVERS", "m_lead", "p_ceo", stength=0.5), "stength"),
        (rel("ASSIGNED_TO", "m_lead", "acc_bolt", strength=0.5), "strength"),
        (rel("REPORTS_TO", "p_bolt", "p_ceo", kind="formal"), "kind"),
    ],
    ids=["covers-stength", "assigned_to-strength", "reports_to-kind"],
)
def test_relation_with_an_unknown_property_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, record: dict[str, Any], unknown: str
) -> None:
    write, label = relation_write(how, loaded, small_doc, record)
    assert_rejected(loaded, write, label, f"'{unknown}' is not a property")


@pytest.mark.parametrize(
    ("node_id", "changes", "unknown"),
    [
        ("p_ceo", {"atitude": "champion"}, "atitude"),
        ("m_kam", {"mail": "karl@example.com"}, "mail"),
        ("p_ceo", {"powr": None}, "powr"),
        ("acc_acme", {"stauts": None}, "stauts"),
    ],
    ids=["set-person-atitude", "set-member-mail", "remove-person-powr", "remove-account-stauts"],
)
def test_update_node_naming_an_unknown_property_is_rejected_and_store_unchanged(
    loaded: GraphStore, node_id: str, changes: dict[str, Any], unknown: str
) -> None:
    assert_rejected(loaded, partial(loaded.update_node, node_id, changes), node_id, f"'{unknown}'")


@pytest.mark.parametrize(
    ("key", "changes", "unknown"),
    [
        (("COVERS", "m_kam", "p_buyer"), {"stength": 0.9}, "stength"),
        (("COVERS", "m_kam", "p_buyer"), {"stength": None}, "stength"),
        (("ASSIGNED_TO", "m_kam", "acc_acme"), {"strength": 0.9}, "strength"),
    ],
    ids=["set-covers-stength", "remove-covers-stength", "set-assigned_to-strength"],
)
def test_update_relation_naming_an_unknown_property_is_rejected_and_store_unchanged(
    loaded: GraphStore, key: tuple[str, str, str], changes: dict[str, Any], unknown: str
) -> None:
    label = f"{key[0]} {key[1]} -> {key[2]}"
    assert_rejected(loaded, partial(loaded.update_relation, *key, changes), label, f"'{unknown}'")


# -- relation endpoints exist and have an allowed kind, for every relation type --------------------------------------

VALID_NEW = {
    "REPORTS_TO": ("p_bolt", "p_ceo"),
    "MEMBER_OF": ("p_buyer", "com_acme_buy"),
    "INFLUENCES": ("p_buyer", "p_ceo"),
    "COVERS": ("m_lead", "p_ceo"),
    "KNOWS": ("m_lead", "p_buyer"),
    "ASSIGNED_TO": ("m_lead", "acc_bolt"),
}

WRONG_KIND = [
    ("REPORTS_TO", "acc_acme", "p_ceo", "source", "account"),
    ("REPORTS_TO", "p_buyer", "com_acme_buy", "target", "committee"),
    ("MEMBER_OF", "site_acme_de", "com_acme_buy", "source", "site"),
    ("MEMBER_OF", "p_ceo", "p_buyer", "target", "person"),
    ("INFLUENCES", "m_kam", "p_ceo", "source", "member"),
    ("INFLUENCES", "p_ceo", "inf_planner", "target", "influencer"),
    ("COVERS", "p_ceo", "p_buyer", "source", "person"),
    ("COVERS", "m_lead", "m_kam", "target", "member"),
    ("COVERS", "m_lead", "acc_acme", "target", "account"),
    ("KNOWS", "inf_planner", "p_ceo", "source", "influencer"),
    ("KNOWS", "m_lead", "com_acme_buy", "target", "committee"),
    ("ASSIGNED_TO", "p_ceo", "acc_acme", "source", "person"),
    ("ASSIGNED_TO", "m_lead", "site_acme_de", "target", "site"),
]


@pytest.mark.parametrize("how", RELATION_WRITES)
@pytest.mark.parametrize("end", ["source", "target"])
@pytest.mark.parametrize("rtype", list(VALID_NEW))
def test_relation_to_a_node_that_does_not_exist_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, end: str, rtype: str
) -> None:
    source, target = VALID_NEW[rtype]
    if end == "source":
        source = "ghost"
    else:
        target = "ghost"
    write, label = relation_write(how, loaded, small_doc, rel(rtype, source, target))
    assert_rejected(loaded, write, label, f"{end} 'ghost' does not exist")


@pytest.mark.parametrize("how", RELATION_WRITES)
@pytest.mark.parametrize(
    ("rtype", "source", "target", "end", "kind"), WRONG_KIND, ids=["-".join(case[:3]) for case in WRONG_KIND]
)
def test_relation_from_or_to_a_kind_the_type_does_not_allow_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, rtype: str, source: str, target: str, end: str, kind: str
) -> None:
    write, label = relation_write(how, loaded, small_doc, rel(rtype, source, target))
    node_id = source if end == "source" else target
    assert_rejected(loaded, write, label, f"{end} '{node_id}' is", kind, f"{rtype} goes from")


@pytest.mark.parametrize("end", ["from", "to"])
def test_update_cannot_move_a_relation_to_other_endpoints_and_store_unchanged(loaded: GraphStore, end: str) -> None:
    write = partial(loaded.update_relation, "COVERS", "m_kam", "p_buyer", {end: "p_ceo"})
    assert_rejected(loaded, write, "COVERS m_kam -> p_buyer", end)


# -- a person, committee or site belongs to exactly one existing account --------------------------------------------

OWNERSHIP = [
    ("site", {"id": "site_x", "name": "Lyon"}, "account is required"),
    ("person", person(account="acc_ghost"), "account 'acc_ghost' does not exist"),
    ("committee", {"id": "com_x", "account": "m_kam", "name": "C", "kind": "board"}, "'m_kam' is a member, not"),
    ("person", person(account=["acc_acme", "acc_bolt"]), "account must be the id of"),
    ("site", {"id": "site_x", "account": "", "name": "Lyon"}, "account must be the id of"),
]


@pytest.mark.parametrize("how", NODE_WRITES)
@pytest.mark.parametrize(
    ("kind", "record", "fragment"),
    OWNERSHIP,
    ids=["site-without", "person-missing", "committee-member", "person-two-accounts", "site-empty"],
)
def test_owned_record_without_exactly_one_existing_account_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, kind: str, record: dict[str, Any], fragment: str
) -> None:
    write, label = node_write(how, loaded, small_doc, kind, record)
    assert_rejected(loaded, write, label, fragment)


@pytest.mark.parametrize(
    ("node_id", "changes", "fragment"),
    [
        ("p_buyer", {"account": "acc_ghost"}, "account 'acc_ghost' does not exist"),
        ("p_buyer", {"account": "inf_planner"}, "'inf_planner' is an influencer, not an account"),
        ("com_acme_buy", {"account": None}, "account is required"),
        ("site_acme_de", {"account": "acc_ghost"}, "account 'acc_ghost' does not exist"),
    ],
    ids=["person-to-missing", "person-to-influencer", "committee-removed", "site-to-missing"],
)
def test_update_that_leaves_a_record_without_an_existing_account_is_rejected_and_store_unchanged(
    loaded: GraphStore, node_id: str, changes: dict[str, Any], fragment: str
) -> None:
    assert_rejected(loaded, partial(loaded.update_node, node_id, changes), node_id, fragment)


def test_merge_moving_a_stored_person_to_a_missing_account_is_rejected_and_store_unchanged(
    loaded: GraphStore,
) -> None:
    doc = {"format": "graphsvc/1", "influencers": [FILLER_INFLUENCER], "people": [person("p_buyer", "acc_gone")]}
    assert_rejected(
        loaded, partial(loaded.import_document, doc), "people[0] (p_buyer)", "account 'acc_gone' does not exist"
    )


# -- a person's site belongs to the person's account ----------------------------------------------------------------


@pytest.mark.parametrize("how", NODE_WRITES)
@pytest.mark.parametrize(
    ("record", "fragment"),
    [
        (person(account="acc_bolt", site="site_acme_de"), "site 'site_acme_de' belongs to account 'acc_acme'"),
        (person(site="site_ghost"), "site 'site_ghost' does not exist"),
        (person(site="com_acme_buy"), "'com_acme_buy' is a committee"),
    ],
    ids=["other-account", "missing", "not-a-site"],
)
def test_person_at_a_site_outside_its_account_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, record: dict[str, Any], fragment: str
) -> None:
    write, label = node_write(how, loaded, small_doc, "person", record)
    assert_rejected(loaded, write, label, fragment)


@pytest.mark.parametrize(
    ("node_id", "changes", "fragments"),
    [
        ("p_ceo", {"account": "acc_bolt"}, ("site 'site_acme_de'", "'acc_bolt'")),
        ("p_bolt", {"site": "site_acme_de"}, ("site 'site_acme_de'", "'acc_acme'")),
        ("site_acme_de", {"account": "acc_bolt"}, ("person 'p_ceo'", "account")),
    ],
    ids=["person-moves-account", "person-moves-site", "site-moves-with-people"],
)
def test_update_that_puts_a_person_at_another_accounts_site_is_rejected_and_store_unchanged(
    loaded: GraphStore, node_id: str, changes: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    assert_rejected(loaded, partial(loaded.update_node, node_id, changes), node_id, *fragments)


def test_merge_moving_a_site_away_from_its_people_is_rejected_and_store_unchanged(loaded: GraphStore) -> None:
    doc = {"format": "graphsvc/1", "sites": [{"id": "site_acme_de", "account": "acc_bolt", "name": "Moved"}]}
    assert_rejected(loaded, partial(loaded.import_document, doc), "sites[0] (site_acme_de)", "person 'p_ceo'")


# -- strengths and powers lie in [0, 1] ----------------------------------------------------------------------------


@pytest.mark.parametrize("how", NODE_WRITES)
@pytest.mark.parametrize(
    ("kind", "record"),
    [
        ("person", person(power=1.5)),
        ("person", person(power=-0.01)),
        ("committee", {"id": "com_x", "account": "acc_acme", "name": "C", "kind": "board", "power": 2}),
    ],
    ids=["person-1.5", "person-minus", "committee-2"],
)
def test_power_outside_0_to_1_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, kind: str, record: dict[str, Any]
) -> None:
    write, label = node_write(how, loaded, small_doc, kind, record)
    assert_rejected(loaded, write, label, "power must be between 0 and 1")


@pytest.mark.parametrize("how", RELATION_WRITES)
@pytest.mark.parametrize("strength", [1.01, -0.5, True])
@pytest.mark.parametrize("rtype", ["REPORTS_TO", "MEMBER_OF", "INFLUENCES", "COVERS", "KNOWS"])
def test_strength_outside_0_to_1_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, strength: Any, rtype: str
) -> None:
    write, label = relation_write(how, loaded, small_doc, rel(rtype, *VALID_NEW[rtype], strength=strength))
    assert_rejected(loaded, write, label, "strength must be")


def test_cover_strength_above_one_is_rejected_and_store_unchanged(loaded: GraphStore) -> None:
    write = partial(loaded.update_relation, "COVERS", "m_kam", "p_buyer", {"strength": 1.2})
    assert_rejected(loaded, write, "COVERS m_kam -> p_buyer", "strength must be between 0 and 1, not 1.2")


@pytest.mark.parametrize(
    "key",
    [
        ("REPORTS_TO", "p_buyer", "p_ceo"),
        ("MEMBER_OF", "p_ceo", "com_acme_buy"),
        ("INFLUENCES", "inf_planner", "p_buyer"),
        ("KNOWS", "m_kam", "inf_planner"),
    ],
    ids=lambda key: key[0],
)
@pytest.mark.parametrize("strength", [-0.0001, 1.0001])
def test_update_setting_a_strength_outside_0_to_1_is_rejected_and_store_unchanged(
    loaded: GraphStore, key: tuple[str, str, str], strength: float
) -> None:
    write = partial(loaded.update_relation, *key, {"strength": strength})
    assert_rejected(loaded, write, f"{key[0]} {key[1]} -> {key[2]}", "strength")


@pytest.mark.parametrize(("node_id", "power"), [("p_ceo", 1.01), ("p_buyer", -1), ("com_acme_buy", 100)])
def test_update_setting_a_power_outside_0_to_1_is_rejected_and_store_unchanged(
    loaded: GraphStore, node_id: str, power: float
) -> None:
    assert_rejected(loaded, partial(loaded.update_node, node_id, {"power": power}), node_id, "power")


# -- no self-loops ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", RELATION_WRITES)
@pytest.mark.parametrize(
    ("rtype", "node_id"),
    [("REPORTS_TO", "p_ceo"), ("REPORTS_TO", "m_lead"), ("INFLUENCES", "p_buyer"), ("INFLUENCES", "com_acme_buy")],
    ids=["reports_to-person", "reports_to-member", "influences-person", "influences-committee"],
)
def test_relation_from_a_node_to_itself_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, rtype: str, node_id: str
) -> None:
    write, label = relation_write(how, loaded, small_doc, rel(rtype, node_id, node_id))
    assert_rejected(loaded, write, label, "to itself")


# -- REPORTS_TO never forms a cycle; it joins person to person or member to member ---------------------------------


@pytest.mark.parametrize(("source", "target"), [("p_ceo", "p_buyer"), ("m_lead", "m_kam")], ids=["people", "members"])
def test_reports_to_closing_a_two_cycle_is_rejected_and_store_unchanged(
    loaded: GraphStore, source: str, target: str
) -> None:
    write = partial(loaded.create_relation, rel("REPORTS_TO", source, target))
    assert_rejected(loaded, write, f"REPORTS_TO {source} -> {target}", "cycle")


def _chain(n: int) -> dict[str, Any]:
    """An account with people p_00 .. p_{n-1}, each reporting to the next."""
    return {
        "format": "graphsvc/1",
        "accounts": [{"id": "acc_chain", "name": "Chain Corp", "status": "key"}],
        "people": [person(f"p_{i:02}", "acc_chain") for i in range(n)],
        "relations": [rel("REPORTS_TO", f"p_{i:02}", f"p_{i + 1:02}") for i in range(n - 1)],
    }


@pytest.mark.parametrize("how", RELATION_WRITES)
def test_reports_to_closing_a_long_cycle_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str
) -> None:
    chain = _chain(40)
    loaded.import_document(chain)
    small_doc["accounts"] += chain["accounts"]
    small_doc["people"] += chain["people"]
    small_doc["relations"] += chain["relations"]
    write, label = relation_write(how, loaded, small_doc, rel("REPORTS_TO", "p_39", "p_00"))
    # in a replace every edge of the cycle is new, and any of them may carry the blame
    where = "REPORTS_TO p_" if how == "import_replace" else label
    assert_rejected(loaded, write, where, "REPORTS_TO would form a cycle", "p_20 -> p_21", "p_39 -> p_00")


def test_merge_closing_a_cycle_through_stored_and_new_edges_is_rejected_and_store_unchanged(
    loaded: GraphStore,
) -> None:
    # stored: p_buyer -> p_ceo; the document adds p_ceo -> p_new -> p_buyer
    doc = {
        "format": "graphsvc/1",
        "people": [person("p_new")],
        "relations": [rel("REPORTS_TO", "p_ceo", "p_new"), rel("REPORTS_TO", "p_new", "p_buyer")],
    }
    assert_rejected(loaded, partial(loaded.import_document, doc), "relations[", "REPORTS_TO would form a cycle")


def test_merge_closing_a_cycle_with_a_long_stored_chain_is_rejected_and_store_unchanged(loaded: GraphStore) -> None:
    loaded.import_document(_chain(40))
    doc = {"format": "graphsvc/1", "relations": [rel("REPORTS_TO", "p_39", "p_00")]}
    assert_rejected(loaded, partial(loaded.import_document, doc), "relations[0] (REPORTS_TO p_39 -> p_00)", "cycle")


def test_replace_with_a_document_holding_a_cycle_is_rejected_and_store_unchanged(loaded: GraphStore) -> None:
    doc = _chain(10)
    doc["relations"].append(rel("REPORTS_TO", "p_09", "p_00"))
    assert_rejected(loaded, partial(loaded.import_document, doc, "replace"), "REPORTS_TO would form a cycle")


def test_reports_to_along_the_chain_without_a_cycle_is_accepted(loaded: GraphStore) -> None:
    loaded.import_document(_chain(40))
    loaded.create_relation(rel("REPORTS_TO", "p_39", "p_ceo"))
    assert loaded.get_relation("REPORTS_TO", "p_39", "p_ceo").target == "p_ceo"


@pytest.mark.parametrize("how", RELATION_WRITES)
@pytest.mark.parametrize(("source", "target"), [("p_ceo", "m_lead"), ("m_kam", "p_buyer")], ids=["p-m", "m-p"])
def test_reports_to_between_a_person_and_a_member_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, source: str, target: str
) -> None:
    write, label = relation_write(how, loaded, small_doc, rel("REPORTS_TO", source, target))
    assert_rejected(loaded, write, label, "REPORTS_TO joins a person to a person or a member to a member")


# -- enum values from the vocabulary -------------------------------------------------------------------------------


@pytest.mark.parametrize("how", NODE_WRITES)
@pytest.mark.parametrize(
    ("kind", "record", "field"),
    [
        ("account", {"id": "acc_x", "name": "X", "status": "vip"}, "status"),
        ("account", {"id": "acc_x", "name": "X", "status": "key", "approach": "direct"}, "approach"),
        ("person", person(attitude="hostile"), "attitude"),
        ("person", person(roles=["decider", "ceo"]), "roles"),
        ("committee", {"id": "com_x", "account": "acc_acme", "name": "C", "kind": "jury"}, "kind"),
        ("influencer", {"id": "inf_x", "name": "I", "kind": "lobbyist"}, "kind"),
        ("member", {"id": "m_x", "name": "M", "role": "sales_rep"}, "role"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_node_enum_outside_the_vocabulary_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, kind: str, record: dict[str, Any], field: str
) -> None:
    write, label = node_write(how, loaded, small_doc, kind, record)
    assert_rejected(loaded, write, label, f"{field} must")


@pytest.mark.parametrize("how", RELATION_WRITES)
@pytest.mark.parametrize(
    ("record", "field"),
    [
        (rel("MEMBER_OF", "p_buyer", "com_acme_buy", role="president"), "role"),
        (rel("INFLUENCES", "p_buyer", "p_ceo", kind="emotional"), "kind"),
        (rel("ASSIGNED_TO", "m_lead", "acc_bolt", role="owner"), "role"),
    ],
    ids=["member_of-role", "influences-kind", "assigned_to-role"],
)
def test_relation_enum_outside_the_vocabulary_is_rejected_and_store_unchanged(
    loaded: GraphStore, small_doc: dict[str, Any], how: str, record: dict[str, Any], field: str
) -> None:
    write, label = relation_write(how, loaded, small_doc, record)
    assert_rejected(loaded, write, label, f"{field} must be one of")


@pytest.mark.parametrize(
    ("node_id", "changes", "field"),
    [
        ("acc_acme", {"status": "vip"}, "status"),
        ("p_ceo", {"roles": ["decider", "ceo"]}, "roles"),
        ("p_ceo", {"attitude": "Champion"}, "attitude"),
        ("com_acme_buy", {"kind": "jury"}, "kind"),
        ("inf_planner", {"kind": "lobbyist"}, "kind"),
        ("m_kam", {"role": "boss"}, "role"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_update_setting_an_enum_outside_the_vocabulary_is_rejected_and_store_unchanged(
    loaded: GraphStore, node_id: str, changes: dict[str, Any], field: str
) -> None:
    assert_rejected(loaded, partial(loaded.update_node, node_id, changes), node_id, f"{field} must")


@pytest.mark.parametrize(
    ("key", "changes", "field"),
    [
        (("MEMBER_OF", "p_ceo", "com_acme_buy"), {"role": "boss"}, "role"),
        (("INFLUENCES", "inf_planner", "p_buyer"), {"kind": "emotional"}, "kind"),
        (("ASSIGNED_TO", "m_kam", "acc_acme"), {"role": "owner"}, "role"),
        (("MEMBER_OF", "p_ceo", "com_acme_buy"), {"role": None}, "role"),
    ],
    ids=["member_of-role", "influences-kind", "assigned_to-role", "member_of-role-removed"],
)
def test_update_relation_breaking_an_enum_or_required_role_is_rejected_and_store_unchanged(
    loaded: GraphStore, key: tuple[str, str, str], changes: dict[str, Any], field: str
) -> None:
    write = partial(loaded.update_relation, *key, changes)
    assert_rejected(loaded, write, f"{key[0]} {key[1]} -> {key[2]}", field)


# -- other field rules reach the store too -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "changes", "field"),
    [
        (("COVERS", "m_kam", "p_buyer"), {"last_contact": "2026-02-30"}, "last_contact"),
        (("COVERS", "m_kam", "p_buyer"), {"cadence_days": 0}, "cadence_days"),
        (("COVERS", "m_kam", "p_buyer"), {"notes": "bell\x07"}, "notes"),
    ],
    ids=["date", "days", "note"],
)
def test_update_relation_with_a_bad_value_is_rejected_and_store_unchanged(
    loaded: GraphStore, key: tuple[str, str, str], changes: dict[str, Any], field: str
) -> None:
    assert_rejected(loaded, partial(loaded.update_relation, *key, changes), "COVERS m_kam -> p_buyer", field)


@pytest.mark.parametrize(
    ("node_id", "changes", "field"),
    [("p_ceo", {"name": "  "}, "name"), ("p_ceo", {"name": None}, "name"), ("p_ceo", {"title": "a\nb"}, "title")],
    ids=["blank-name", "removed-name", "two-line-title"],
)
def test_update_node_with_a_bad_value_is_rejected_and_store_unchanged(
    loaded: GraphStore, node_id: str, changes: dict[str, Any], field: str
) -> None:
    assert_rejected(loaded, partial(loaded.update_node, node_id, changes), node_id, field)


def test_create_node_with_an_id_ending_in_a_newline_is_rejected_and_store_unchanged(loaded: GraphStore) -> None:
    record = {"id": "m_new\n", "name": "New", "role": "kam"}
    assert_rejected(loaded, partial(loaded.create_node, "member", record), "id")


# -- a document breaking several rules is refused whole, listing each -----------------------------------------------


def test_merge_breaking_several_rules_reports_each_and_writes_nothing(loaded: GraphStore) -> None:
    doc = {
        "format": "graphsvc/1",
        "accounts": [{"id": "acc_new", "name": "New", "status": "key"}],
        "people": [person("p_new", "acc_new"), person("p_bad", "acc_ghost")],
        "relations": [
            rel("COVERS", "m_lead", "p_new", strength=2),
            rel("REPORTS_TO", "p_ceo", "p_buyer"),
            rel("KNOWS", "m_lead", "com_acme_buy"),
        ],
    }
    before = snapshot(loaded)
    with pytest.raises(InvalidInput) as info:
        loaded.import_document(doc)
    assert [p.where for p in info.value.problems] == [
        "relations[0] (COVERS m_lead -> p_new)",
        "people[1] (p_bad)",
        "relations[2] (KNOWS m_lead -> com_acme_buy)",
        "relations[1] (REPORTS_TO p_ceo -> p_buyer)",
    ]
    assert snapshot(loaded) == before
