"""Scopes: which accounts each role sees and may change, worked out from the store, cached per revision."""

from __future__ import annotations

import pytest

from graphsvc.access import ADMIN_SCOPE, Role, Scopes, scope_for
from graphsvc.access.roles import Operation, Reach, reach
from graphsvc.errors import InvalidInput
from graphsvc.store import GraphStore


def test_lead_sees_the_accounts_of_everyone_below_them_directly_or_not(access_store: GraphStore) -> None:
    scope = scope_for(access_store, "m_lead", "lead")
    assert scope.team == {"m_lead", "m_kam", "m_sub"}
    assert scope.visible == {"acc_a", "acc_b"}  # acc_b only through m_sub -> m_kam -> m_lead
    assert scope.writable == {"acc_a", "acc_b"}


def test_kam_sees_and_changes_exactly_their_assigned_accounts(access_store: GraphStore) -> None:
    scope = scope_for(access_store, "m_kam", "kam")
    assert scope.visible == {"acc_a"}
    assert scope.writable == {"acc_a"}
    assert scope.team == {"m_kam"}  # m_sub reports to m_kam, but a kam token has no team


def test_viewer_sees_their_accounts_and_may_change_none(access_store: GraphStore) -> None:
    scope = scope_for(access_store, "m_view", "viewer")
    assert scope.visible == {"acc_a"}
    assert scope.writable == frozenset()


def test_member_without_assignment_sees_no_account(access_store: GraphStore) -> None:
    for role in ("kam", "lead", "viewer"):
        scope = scope_for(access_store, "m_free", role)
        assert scope.visible == frozenset()
        assert scope.writable == frozenset()


def test_unknown_member_sees_no_account(access_store: GraphStore) -> None:
    assert scope_for(access_store, "m_gone", "lead").visible == frozenset()


def test_admin_sees_everything(access_store: GraphStore) -> None:
    scope = scope_for(access_store, "m_free", "admin")
    assert (scope.visible, scope.writable, scope.team) == (None, None, None)
    assert ADMIN_SCOPE.sees("acc_anything")


def test_unknown_role_is_refused_naming_the_choices(access_store: GraphStore) -> None:
    with pytest.raises(InvalidInput, match=r"role must be one of admin, lead, kam, viewer, not 'owner'"):
        scope_for(access_store, "m_kam", "owner")


def test_scopes_are_cached_until_the_store_changes(access_store: GraphStore) -> None:
    scopes = Scopes(access_store)
    assert scopes.get("m_kam", "kam").visible == {"acc_a"}
    assert scopes.get("m_kam", Role.KAM).visible == {"acc_a"}
    assert scopes.computed == 1


def test_new_assignment_widens_the_scope_at_once(access_store: GraphStore) -> None:
    scopes = Scopes(access_store)
    assert scopes.get("m_kam", "kam").visible == {"acc_a"}
    access_store.create_relation({"type": "ASSIGNED_TO", "from": "m_kam", "to": "acc_c", "role": "member"})
    assert scopes.get("m_kam", "kam").visible == {"acc_a", "acc_c"}
    assert scopes.computed == 2


def test_a_revision_read_with_the_token_spares_the_revision_read_and_a_new_one_recomputes(
    access_store: GraphStore,
) -> None:
    scopes = Scopes(access_store)
    revision = access_store.revision()
    assert not scopes.holds("m_kam", "kam", revision)
    assert scopes.get("m_kam", "kam", revision).visible == {"acc_a"}
    assert scopes.holds("m_kam", "kam", revision)
    assert not scopes.holds("m_lead", "lead", revision)
    assert scopes.holds("m_kam", "admin", revision), "an admin's scope never needs the store"

    access_store.create_relation({"type": "ASSIGNED_TO", "from": "m_kam", "to": "acc_c", "role": "member"})
    newer = access_store.revision()
    assert not scopes.holds("m_kam", "kam", newer)
    assert scopes.get("m_kam", "kam", newer).visible == {"acc_a", "acc_c"}
    assert scopes.computed == 2


def test_removed_reporting_line_narrows_the_leads_scope(access_store: GraphStore) -> None:
    scopes = Scopes(access_store)
    assert scopes.get("m_lead", "lead").visible == {"acc_a", "acc_b"}
    access_store.delete_relation("REPORTS_TO", "m_sub", "m_kam")
    assert scopes.get("m_lead", "lead").visible == {"acc_a"}


def test_viewer_may_write_nothing_and_admin_everything() -> None:
    for operation in Operation:
        assert reach(Role.VIEWER, operation) == Reach.NONE
        assert reach(Role.ADMIN, operation) == Reach.ALL


def test_only_a_lead_may_assign_within_their_reach() -> None:
    assert reach(Role.LEAD, Operation.ASSIGNMENT) == Reach.SCOPED
    assert reach(Role.KAM, Operation.ASSIGNMENT) == Reach.NONE
    assert reach(Role.KAM, Operation.INFLUENCER_CREATE) == Reach.ALL
    assert reach(Role.LEAD, Operation.IMPORT_REPLACE) == Reach.NONE
