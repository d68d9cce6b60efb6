"""The fixture of the access tests: one team with a transitive reporting line, a second team, three accounts.

Team of ``m_lead``: ``m_kam`` (assigned ``acc_a``) reports to the lead, ``m_sub`` (assigned ``acc_b``) reports
to ``m_kam``; so the lead sees ``acc_a`` and ``acc_b`` only through the chain. ``m_view`` is assigned
``acc_a`` (a viewer's token), ``m_other`` is ``acc_c``'s kam in no one's team, ``m_free`` has no assignment.
``p_c_x`` of ``acc_c`` sways ``acc_a``'s decider strongly and ``m_kam`` covers them, so the strongest path to
``p_a_dec`` runs through ``acc_c``. ``inf_shared`` sways ``acc_a`` and ``acc_c``; ``inf_a`` only ``acc_a``;
``inf_c`` only ``acc_c``; ``inf_free`` nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from graphsvc.access import GuardedStore, Scope, scope_for
from graphsvc.audit import Actor
from graphsvc.store import GraphStore, ImportMode

ACCESS_DOC: dict[str, Any] = {
    "format": "graphsvc/1",
    "accounts": [
        {"id": "acc_a", "name": "Alpha Pumps", "status": "key", "approach": "sales"},
        {"id": "acc_b", "name": "Bravo Energy", "status": "key"},
        {"id": "acc_c", "name": "Charlie Rail", "status": "key"},
    ],
    "sites": [
        {"id": "site_a", "account": "acc_a", "name": "Alpha Dortmund", "country": "DE"},
        {"id": "site_c", "account": "acc_c", "name": "Charlie Lyon", "country": "FR"},
    ],
    "people": [
        {
            "id": "p_a_dec",
            "account": "acc_a",
            "site": "site_a",
            "name": "Ada Decider",
            "roles": ["decider"],
            "power": 0.9,
        },
        {"id": "p_a_buy", "account": "acc_a", "name": "Ben Buyer", "roles": ["buyer"], "attitude": "champion"},
        {"id": "p_b", "account": "acc_b", "name": "Bea Bravo", "roles": ["decider"]},
        {"id": "p_c_x", "account": "acc_c", "site": "site_c", "name": "Xavier Charlie", "roles": ["influencer"]},
        {"id": "p_c_dec", "account": "acc_c", "name": "Cleo Decider", "roles": ["decider"]},
    ],
    "committees": [{"id": "com_a", "account": "acc_a", "name": "Alpha board", "kind": "board"}],
    "influencers": [
        {"id": "inf_shared", "name": "Sam Shared", "kind": "planner"},
        {"id": "inf_a", "name": "Alma Alpha", "kind": "association"},
        {"id": "inf_c", "name": "Carl Charlie", "kind": "consultant"},
        {"id": "inf_free", "name": "Fred Free", "kind": "other"},
    ],
    "members": [
        {"id": "m_lead", "name": "Lena Lead", "role": "team_lead"},
        {"id": "m_kam", "name": "Karl Kam", "role": "kam"},
        {"id": "m_sub", "name": "Sue Sub", "role": "field_sales"},
        {"id": "m_view", "name": "Vera View", "role": "inside_sales"},
        {"id": "m_other", "name": "Otto Other", "role": "kam"},
        {"id": "m_free", "name": "Frida Free", "role": "specialist"},
    ],
    "relations": [
        {"type": "REPORTS_TO", "from": "m_kam", "to": "m_lead"},
        {"type": "REPORTS_TO", "from": "m_sub", "to": "m_kam"},
        {"type": "ASSIGNED_TO", "from": "m_kam", "to": "acc_a", "role": "lead"},
        {"type": "ASSIGNED_TO", "from": "m_sub", "to": "acc_b", "role": "lead"},
        {"type": "ASSIGNED_TO", "from": "m_view", "to": "acc_a", "role": "member"},
        {"type": "ASSIGNED_TO", "from": "m_other", "to": "acc_c", "role": "lead"},
        {"type": "MEMBER_OF", "from": "p_a_dec", "to": "com_a", "role": "chair"},
        {"type": "INFLUENCES", "from": "p_c_x", "to": "p_a_dec", "strength": 0.9},
        {"type": "INFLUENCES", "from": "p_a_buy", "to": "p_a_dec", "strength": 0.5},
        {"type": "INFLUENCES", "from": "inf_shared", "to": "p_a_buy", "strength": 0.6},
        {"type": "INFLUENCES", "from": "inf_shared", "to": "p_c_dec", "strength": 0.7},
        {"type": "INFLUENCES", "from": "inf_a", "to": "p_a_dec", "strength": 0.3},
        {"type": "INFLUENCES", "from": "inf_c", "to": "p_c_dec", "strength": 0.8},
        {"type": "COVERS", "from": "m_kam", "to": "p_c_x", "strength": 0.9, "last_contact": "2026-10-01"},
        {"type": "COVERS", "from": "m_kam", "to": "p_a_buy", "strength": 0.6, "last_contact": "2026-10-01"},
        {"type": "COVERS", "from": "m_other", "to": "p_c_dec", "strength": 0.7, "last_contact": "2026-10-01"},
        {"type": "KNOWS", "from": "m_other", "to": "inf_c", "strength": 0.5},
    ],
}

C_IDS = frozenset({"acc_c", "site_c", "p_c_x", "p_c_dec", "inf_c"})
"""Everything of ``acc_c`` that a caller who cannot see ``acc_c`` must never be told of."""

CALLERS: dict[str, tuple[str | None, str]] = {
    "admin": (None, "admin"),
    "lead": ("m_lead", "lead"),
    "kam": ("m_kam", "kam"),
    "viewer": ("m_view", "viewer"),
}
"""Each role's caller in the fixture: (member, role)."""

Guard = Callable[..., GuardedStore]


@pytest.fixture
def access_store(store: GraphStore) -> GraphStore:
    """The real store of each kind holding ``ACCESS_DOC``."""
    store.import_document(copy.deepcopy(ACCESS_DOC), ImportMode.REPLACE)
    return store


@pytest.fixture
def guard(access_store: GraphStore) -> Guard:
    """``guard(name)``: the store as caller ``name`` of ``CALLERS`` (or ``guard(member=..., role=...)``) uses it."""

    def make(name: str | None = None, *, member: str | None = None, role: str | None = None) -> GuardedStore:
        if name is not None:
            member, role = CALLERS[name]
        assert role is not None
        scope: Scope = scope_for(access_store, member, role)
        return GuardedStore(access_store, scope, Actor(member, role, token=f"t_{role}", via="api"))

    return make
