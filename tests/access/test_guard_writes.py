"""GuardedStore writes: every write kind for every role, as docs/security.md's table says; refusals audited."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from graphsvc.access import GuardedStore, write_target
from graphsvc.audit import AuditOperation, AuditOutcome, AuditQuery
from graphsvc.errors import Conflict, Forbidden, GraphsvcError, InvalidInput, NotFound
from graphsvc.store import GraphStore, ImportMode
from tests.access.conftest import CALLERS, Guard
from tests.conftest import export_text

Write = Callable[[GuardedStore], Any]
OK = None
F, N, I = Forbidden, NotFound, InvalidInput  # noqa: E741


def _doc(**lists: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "graphsvc/1", **lists}


NEW_PERSON = {"id": "p_a_new", "account": "acc_a", "name": "Nia New", "roles": ["user"]}

# name: (the write, expected outcome for admin, lead, kam, viewer: OK or the error class)
CASES: dict[str, tuple[Write, tuple[type[GraphsvcError] | None, ...]]] = {
    "create account": (
        lambda g: g.create_node("account", {"id": "acc_new", "name": "New", "status": "candidate"}),
        (OK, F, F, F),
    ),
    "delete account": (lambda g: g.delete_node("acc_a", cascade=True), (OK, F, F, F)),
    "update account": (lambda g: g.update_node("acc_a", {"industry": "pumps"}), (OK, OK, OK, F)),
    "update team account": (lambda g: g.update_node("acc_b", {"industry": "grid"}), (OK, OK, N, N)),
    "update invisible account": (lambda g: g.update_node("acc_c", {"industry": "rail"}), (OK, N, N, N)),
    "create person": (lambda g: g.create_node("person", NEW_PERSON), (OK, OK, OK, F)),
    "create person in invisible account": (
        lambda g: g.create_node("person", {**NEW_PERSON, "account": "acc_c"}),
        (OK, I, I, I),
    ),
    "update person": (lambda g: g.update_node("p_a_buy", {"attitude": "neutral"}), (OK, OK, OK, F)),
    "move person to invisible account": (lambda g: g.update_node("p_a_buy", {"account": "acc_c"}), (OK, I, I, I)),
    "move person to team account": (lambda g: g.update_node("p_a_buy", {"account": "acc_b"}), (OK, OK, I, I)),
    "delete person": (lambda g: g.delete_node("p_a_buy"), (OK, OK, OK, F)),
    "delete invisible person": (lambda g: g.delete_node("p_c_x"), (OK, N, N, N)),
    "create committee": (
        lambda g: g.create_node(
            "committee", {"id": "com_new", "account": "acc_a", "name": "Tech", "kind": "technical"}
        ),
        (OK, OK, OK, F),
    ),
    "delete site": (lambda g: g.delete_node("site_a", cascade=True), (OK, OK, OK, F)),
    "update invisible site": (lambda g: g.update_node("site_c", {"city": "Lyon"}), (OK, N, N, N)),
    "create influencer": (
        lambda g: g.create_node("influencer", {"id": "inf_new", "name": "Ines", "kind": "planner"}),
        (OK, OK, OK, F),
    ),
    "update influencer of own account": (lambda g: g.update_node("inf_a", {"country": "DE"}), (OK, OK, OK, F)),
    "update influencer shared with an invisible account": (
        lambda g: g.update_node("inf_shared", {"country": "DE"}),
        (OK, F, F, F),
    ),
    "delete unlinked influencer": (lambda g: g.delete_node("inf_free"), (OK, OK, OK, F)),
    "update invisible influencer": (lambda g: g.update_node("inf_c", {"country": "FR"}), (OK, N, N, N)),
    "create member": (lambda g: g.create_node("member", {"id": "m_new", "name": "Neo", "role": "kam"}), (OK, F, F, F)),
    "update member": (lambda g: g.update_node("m_kam", {"email": "k@example.com"}), (OK, F, F, F)),
    "delete member": (lambda g: g.delete_node("m_free"), (OK, F, F, F)),
    "member reports to member": (
        lambda g: g.create_relation({"type": "REPORTS_TO", "from": "m_free", "to": "m_lead"}),
        (OK, F, F, F),
    ),
    "create cover": (
        lambda g: g.create_relation({"type": "COVERS", "from": "m_free", "to": "p_a_dec", "strength": 0.5}),
        (OK, OK, OK, F),
    ),
    "create cover of invisible person": (
        lambda g: g.create_relation({"type": "COVERS", "from": "m_kam", "to": "p_c_dec", "strength": 0.5}),
        (OK, I, I, I),
    ),
    "update relation": (lambda g: g.update_relation("COVERS", "m_kam", "p_a_buy", {"strength": 0.8}), (OK, OK, OK, F)),
    "update relation at invisible person": (
        lambda g: g.update_relation("COVERS", "m_kam", "p_c_x", {"strength": 0.1}),
        (OK, N, N, N),
    ),
    "delete relation": (lambda g: g.delete_relation("INFLUENCES", "inf_shared", "p_a_buy"), (OK, OK, OK, F)),
    "delete relation into invisible account": (
        lambda g: g.delete_relation("INFLUENCES", "inf_shared", "p_c_dec"),
        (OK, N, N, N),
    ),
    "assign team member": (
        lambda g: g.create_relation({"type": "ASSIGNED_TO", "from": "m_sub", "to": "acc_a", "role": "member"}),
        (OK, OK, F, F),
    ),
    "assign member outside the team": (
        lambda g: g.create_relation({"type": "ASSIGNED_TO", "from": "m_other", "to": "acc_a", "role": "member"}),
        (OK, F, F, F),
    ),
    "remove assignment": (lambda g: g.delete_relation("ASSIGNED_TO", "m_kam", "acc_a"), (OK, OK, F, F)),
    "import merge in own account": (
        lambda g: g.import_document(
            _doc(
                people=[NEW_PERSON],
                relations=[{"type": "COVERS", "from": "m_kam", "to": "p_a_new", "strength": 0.4}],
            )
        ),
        (OK, OK, OK, F),
    ),
    "import merge into invisible account": (
        lambda g: g.import_document(_doc(people=[{**NEW_PERSON, "account": "acc_c"}])),
        (OK, I, I, F),
    ),
    "import merge over an invisible record": (
        lambda g: g.import_document(_doc(people=[{**NEW_PERSON, "id": "p_c_x"}])),
        (OK, Conflict, Conflict, F),
    ),
    "import merge creating an account": (
        lambda g: g.import_document(_doc(accounts=[{"id": "acc_new", "name": "New", "status": "candidate"}])),
        (OK, F, F, F),
    ),
    "import merge changing a member": (
        lambda g: g.import_document(_doc(members=[{"id": "m_kam", "name": "Karl Renamed", "role": "kam"}])),
        (OK, F, F, F),
    ),
    "import replace": (lambda g: g.import_document(_doc(), ImportMode.REPLACE), (OK, F, F, F)),
    "create token": (lambda g: g.create_token("m_kam", "kam"), (OK, F, F, F)),
    "revoke token": (lambda g: g.revoke_token(g.inner.create_token("m_kam", "kam")[0].id), (OK, F, F, F)),
}

ROLES = list(CALLERS)
PARAMS = [
    pytest.param(name, role, expected[i], id=f"{name}-{role}")
    for name, (_, expected) in CASES.items()
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("case", "role", "expected"), PARAMS)
def test_write_rule(
    guard: Guard, access_store: GraphStore, case: str, role: str, expected: type[GraphsvcError] | None
) -> None:
    write = CASES[case][0]
    g = guard(role)
    member = CALLERS[role][0]
    if expected is None:
        write(g)
        last = access_store.audit_log(descending=True, limit=1).items[0]
        assert (last.outcome, last.actor.member, last.actor.role) == (AuditOutcome.ACCEPTED, member, role)
        return
    before = export_text(access_store)
    with pytest.raises(expected) as raised:
        write(g)
    assert export_text(access_store) == before  # nothing written
    last = access_store.audit_log(descending=True, limit=1).items[0]
    assert (last.outcome, last.actor.member, last.actor.role) == (AuditOutcome.REFUSED, member, role)
    assert last.detail == str(raised.value)


def test_forbidden_names_the_record_and_the_role(guard: Guard) -> None:
    with pytest.raises(Forbidden) as raised:
        guard("viewer").update_node("p_a_buy", {"attitude": "neutral"})
    assert str(raised.value) == "your role (viewer) may not change person 'p_a_buy' of account 'acc_a'"


def test_writing_the_stored_values_is_still_a_write_the_role_must_be_allowed(
    guard: Guard, access_store: GraphStore
) -> None:
    same = {"name": access_store.get_node("p_a_buy").name}
    with pytest.raises(Forbidden):
        guard("viewer").update_node("p_a_buy", same)
    refused = access_store.audit_log(AuditQuery(outcome=AuditOutcome.REFUSED)).items
    assert [(e.operation, e.ids, e.actor.role) for e in refused] == [
        (AuditOperation.UPDATE_NODE, ("p_a_buy",), "viewer")
    ]
    guard("kam").update_node("p_a_buy", same)
    entry = access_store.audit_log(descending=True, limit=1).items[0]
    assert (entry.outcome, entry.actor.role, entry.detail) == (AuditOutcome.ACCEPTED, "kam", "unchanged")


def test_a_delete_tells_only_of_the_relations_and_accounts_the_caller_sees(
    guard: Guard, access_store: GraphStore
) -> None:
    # p_a_dec: MEMBER_OF com_a and INFLUENCES from p_a_buy and inf_a (visible), from p_c_x of acc_c (not)
    result = guard("kam").delete_node("p_a_dec")
    assert result.deleted == 4
    assert set(result.accounts) <= {"acc_a", "acc_b"}
    assert access_store.audit_log(descending=True, limit=1).items[0].ids == ("p_a_dec",)


def test_refusal_is_logged_with_operation_ids_and_accounts(guard: Guard, access_store: GraphStore) -> None:
    with pytest.raises(NotFound):
        guard("kam").delete_node("p_c_x")
    entry = access_store.audit_log(AuditQuery(outcome=AuditOutcome.REFUSED)).items[-1]
    assert entry.operation == AuditOperation.DELETE_NODE
    assert entry.ids == ("p_c_x",)
    assert entry.accounts == ("acc_c",)
    assert entry.detail == "no node has the id 'p_c_x'"
    assert entry.actor.token == "t_kam"


def test_write_into_invisible_account_fails_like_one_into_a_missing_account(guard: Guard) -> None:
    kam = guard("kam")
    with pytest.raises(InvalidInput) as invisible:
        kam.create_node("person", {**NEW_PERSON, "account": "acc_c"})
    with pytest.raises(InvalidInput) as missing:
        kam.create_node("person", {**NEW_PERSON, "account": "acc_zz"})
    assert str(invisible.value) == "person 'p_a_new': account 'acc_c' does not exist"
    assert str(missing.value) == str(invisible.value).replace("acc_c", "acc_zz")


def test_relation_to_invisible_node_fails_like_one_to_a_missing_node(guard: Guard) -> None:
    kam = guard("kam")
    with pytest.raises(InvalidInput) as invisible:
        kam.create_relation({"type": "COVERS", "from": "m_kam", "to": "p_c_dec"})
    with pytest.raises(InvalidInput) as missing:
        kam.create_relation({"type": "COVERS", "from": "m_kam", "to": "p_zz"})
    assert str(missing.value) == str(invisible.value).replace("p_c_dec", "p_zz")


def test_a_users_own_mistake_is_not_logged_as_a_refusal(guard: Guard, access_store: GraphStore) -> None:
    with pytest.raises(InvalidInput):
        guard("kam").create_node("person", {**NEW_PERSON, "account": "acc_zz"})
    assert access_store.audit_log(AuditQuery(outcome=AuditOutcome.REFUSED)).items == []


def test_kam_may_import_their_own_export_again(guard: Guard, access_store: GraphStore) -> None:
    kam = guard("kam")
    buf = io.StringIO()
    kam.export_to(buf)
    before = export_text(access_store)
    result = kam.import_document(json.loads(buf.getvalue()))
    assert (result.created, result.updated) == (0, 0)
    assert export_text(access_store) == before


def test_import_refusal_names_the_record_in_the_document(guard: Guard) -> None:
    doc = _doc(people=[NEW_PERSON], members=[{"id": "m_kam", "name": "Karl Renamed", "role": "kam"}])
    with pytest.raises(Forbidden) as raised:
        guard("lead").import_document(copy.deepcopy(doc))
    assert str(raised.value) == "members[0] (m_kam): your role (lead) may not change member 'm_kam'"


def test_accepted_write_is_recorded_as_the_caller(guard: Guard, access_store: GraphStore) -> None:
    guard("kam").update_node("p_a_buy", {"attitude": "neutral"})
    entry = access_store.audit_log(descending=True, limit=1).items[0]
    assert entry.operation == AuditOperation.UPDATE_NODE
    assert (entry.actor.member, entry.actor.role, entry.actor.token, entry.actor.via) == (
        "m_kam",
        "kam",
        "t_kam",
        "api",
    )
    assert entry.ids == ("p_a_buy",)


def test_reading_the_target_of_a_write_refuses_and_logs_an_invisible_one(
    guard: Guard, access_store: GraphStore
) -> None:
    kam = guard("kam")
    assert write_target(kam, "p_a_buy", AuditOperation.UPDATE_NODE).name == "Ben Buyer"
    with pytest.raises(NotFound, match=r"^no node has the id 'acc_c'$"):
        write_target(kam, "acc_c", AuditOperation.UPDATE_NODE)
    entry = access_store.audit_log(descending=True, limit=1).items[0]
    assert (entry.operation, entry.outcome, entry.ids) == (AuditOperation.UPDATE_NODE, AuditOutcome.REFUSED, ("acc_c",))
    assert write_target(access_store, "acc_c", AuditOperation.UPDATE_NODE).name == "Charlie Rail"
