"""The fixture of the role x operation matrix (issue 7): two teams, three accounts, overlapping influencers.

Team 1: lead ``m_l1``; kams ``m_k1`` (assigned ``acc_a``) and ``m_k2`` (``acc_b``) report to them; viewer ``m_v1``
(``acc_a``) reports to ``m_k1``, so the lead's team is transitive. Team 2: lead ``m_l2``; kam ``m_k3`` (``acc_c``)
and ``m_m2`` (no assignment, but COVERS a person of ``acc_a`` and one of ``acc_c``). ``m_ad`` holds an admin token
and no assignment; ``m_na`` a kam token and no assignment. Influencers: ``inf_shared`` sways ``acc_a`` and ``acc_c``,
``inf_c`` only ``acc_c``, ``inf_b`` sits on a committee of ``acc_b``, ``inf_free`` is linked to nothing.
``p_c_x`` (``acc_c``) sways ``acc_a``'s decider strongly and is on the strongest path to it (``m_k1`` KNOWS them),
so every analysis of ``acc_a`` differs between a caller who sees ``acc_c`` and one who does not. Notes (and a few
names) carry hostile text.

``CALLERS`` names each token by the member and role it is created for; ``restricted(doc, visible)`` is the
document as a caller who sees ``visible`` accounts may see it, written straight from the rules of
docs/security.md (the oracle of the analyses).
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graphsvc.store import GraphStore, ImportMode, open_store
from tests.api.support import Server, serve_process

AS_OF = date(2026, 11, 1)
"""Every analysis in the matrix is asked as of this day (covers of 2026-10 are fresh, of 2025 stale)."""
MISSING_ACCOUNT = "acc_zz"
MISSING_NODE = "p_zz"

SCRIPT = "<script>alert('matrix')</script>"
IMG = '"><img src=x onerror=alert(1)>'
SQL = "'); DROP TABLE nodes; --"
CYPHER = '"}) DETACH DELETE n //'
HOSTILE_TEXTS = (SCRIPT, IMG, SQL, CYPHER)

MATRIX_DOC: dict[str, Any] = {
    "format": "graphsvc/1",
    "accounts": [
        {
            "id": "acc_a",
            "name": "Alpha Pumps",
            "status": "key",
            "approach": "sales",
            "countries": ["DE"],
            "notes": SCRIPT,
        },
        {"id": "acc_b", "name": "Bravo Energy", "status": "key", "approach": "holistic", "notes": SQL},
        {"id": "acc_c", "name": "Charlie Rail", "status": "key", "approach": "sales", "notes": CYPHER},
    ],
    "sites": [
        {"id": "site_a1", "account": "acc_a", "name": "Alpha Dortmund", "country": "DE", "city": "Dortmund"},
        {"id": "site_c1", "account": "acc_c", "name": "Charlie Lyon", "country": "FR", "city": "Lyon", "notes": IMG},
    ],
    "people": [
        {
            "id": "p_a_dec",
            "account": "acc_a",
            "site": "site_a1",
            "name": "Ada Decider",
            "title": f"CEO {SCRIPT}",
            "roles": ["decider"],
            "attitude": "skeptic",
            "power": 0.9,
            "notes": IMG,
        },
        {"id": "p_a_buy", "account": "acc_a", "name": "Ben Buyer", "roles": ["buyer"], "attitude": "supporter"},
        {"id": "p_a_eng", "account": "acc_a", "name": "Eva Engineer", "roles": ["user"], "attitude": "champion"},
        {"id": "p_b_dec", "account": "acc_b", "name": "Bruno Boss", "roles": ["decider"], "power": 0.8},
        {"id": "p_b_user", "account": "acc_b", "name": "Bea User", "roles": ["user"], "notes": SQL},
        {
            "id": "p_c_dec",
            "account": "acc_c",
            "site": "site_c1",
            "name": "Cleo Chief",
            "roles": ["decider"],
            "power": 0.9,
        },
        {
            "id": "p_c_x",
            "account": "acc_c",
            "name": f"Xaver Cross {IMG}",
            "roles": ["influencer"],
            "power": 0.6,
            "notes": CYPHER,
        },
    ],
    "committees": [
        {"id": "com_a", "account": "acc_a", "name": "Alpha buying board", "kind": "buying_committee", "power": 0.8},
        {"id": "com_b", "account": "acc_b", "name": "Bravo steering", "kind": "steering", "power": 0.7},
    ],
    "influencers": [
        {"id": "inf_shared", "name": "Sina Shared", "kind": "planner", "organization": "Plan & Co", "notes": SCRIPT},
        {"id": "inf_c", "name": "Carl Consult", "kind": "consultant"},
        {"id": "inf_free", "name": f"Fritz Free {SCRIPT}", "kind": "association"},
        {"id": "inf_b", "name": "Berta Board", "kind": "multiplier", "notes": SQL},
    ],
    "members": [
        {"id": "m_l1", "name": "Lena Lead", "role": "team_lead"},
        {"id": "m_k1", "name": "Karl Kam", "role": "kam", "notes": SCRIPT},
        {"id": "m_k2", "name": "Kira Kam", "role": "kam"},
        {"id": "m_v1", "name": f"Vera Viewer {IMG}", "role": "inside_sales"},
        {"id": "m_l2", "name": "Leo Lead", "role": "team_lead"},
        {"id": "m_k3", "name": "Kurt Kam", "role": "kam"},
        {"id": "m_m2", "name": "Mia Field", "role": "field_sales"},
        {"id": "m_ad", "name": "Adam Admin", "role": "executive_sponsor"},
        {"id": "m_na", "name": "Nina Nobody", "role": "kam"},
    ],
    "relations": [
        {"type": "REPORTS_TO", "from": "m_k1", "to": "m_l1"},
        {"type": "REPORTS_TO", "from": "m_k2", "to": "m_l1"},
        {"type": "REPORTS_TO", "from": "m_v1", "to": "m_k1"},
        {"type": "REPORTS_TO", "from": "m_k3", "to": "m_l2"},
        {"type": "REPORTS_TO", "from": "m_m2", "to": "m_l2"},
        {"type": "REPORTS_TO", "from": "p_a_buy", "to": "p_a_dec"},
        {"type": "REPORTS_TO", "from": "p_a_eng", "to": "p_a_buy", "notes": SCRIPT},
        {"type": "ASSIGNED_TO", "from": "m_k1", "to": "acc_a", "role": "lead"},
        {"type": "ASSIGNED_TO", "from": "m_v1", "to": "acc_a", "role": "member"},
        {"type": "ASSIGNED_TO", "from": "m_k2", "to": "acc_b", "role": "lead"},
        {"type": "ASSIGNED_TO", "from": "m_k3", "to": "acc_c", "role": "lead"},
        {"type": "MEMBER_OF", "from": "p_a_dec", "to": "com_a", "role": "chair"},
        {"type": "MEMBER_OF", "from": "p_b_dec", "to": "com_b", "role": "chair"},
        {"type": "MEMBER_OF", "from": "inf_b", "to": "com_b", "role": "member", "strength": 0.7},
        {"type": "INFLUENCES", "from": "p_c_x", "to": "p_a_dec", "strength": 0.95, "kind": "political", "notes": IMG},
        {"type": "INFLUENCES", "from": "inf_shared", "to": "p_a_buy", "strength": 0.6, "kind": "technical"},
        {"type": "INFLUENCES", "from": "inf_shared", "to": "p_c_dec", "strength": 0.7},
        {"type": "INFLUENCES", "from": "inf_c", "to": "p_c_dec", "strength": 0.6},
        {"type": "INFLUENCES", "from": "p_b_user", "to": "p_b_dec", "strength": 0.5},
        {"type": "INFLUENCES", "from": "p_a_eng", "to": "p_b_user", "strength": 0.4},
        {"type": "COVERS", "from": "m_k1", "to": "p_a_buy", "strength": 0.6, "last_contact": "2026-10-01"},
        {"type": "COVERS", "from": "m_v1", "to": "p_a_buy", "strength": 0.4, "last_contact": "2026-10-10"},
        {"type": "COVERS", "from": "m_k1", "to": "inf_shared", "strength": 0.5, "last_contact": "2025-01-01"},
        {"type": "COVERS", "from": "m_v1", "to": "p_a_eng", "strength": 0.5, "last_contact": "2026-10-01"},
        {"type": "COVERS", "from": "m_k2", "to": "p_b_dec", "strength": 0.7, "last_contact": "2026-09-20"},
        {"type": "COVERS", "from": "m_l1", "to": "com_b", "strength": 0.5, "last_contact": "2026-10-05"},
        {"type": "COVERS", "from": "m_k3", "to": "p_c_dec", "strength": 0.8, "last_contact": "2026-10-01"},
        {"type": "COVERS", "from": "m_k3", "to": "inf_c", "strength": 0.5, "last_contact": "2026-10-01"},
        {"type": "COVERS", "from": "m_k3", "to": "inf_shared", "strength": 0.4, "last_contact": "2026-10-01"},
        {
            "type": "COVERS",
            "from": "m_m2",
            "to": "p_a_eng",
            "strength": 0.7,
            "last_contact": "2026-10-01",
            "notes": SQL,
        },
        {"type": "COVERS", "from": "m_m2", "to": "p_c_dec", "strength": 0.6, "last_contact": "2026-10-01"},
        {"type": "COVERS", "from": "m_ad", "to": "inf_free", "strength": 0.5, "last_contact": "2026-10-01"},
        {"type": "KNOWS", "from": "m_k1", "to": "p_c_x", "strength": 0.9},
        {"type": "KNOWS", "from": "m_k2", "to": "inf_b", "strength": 0.4},
        {"type": "KNOWS", "from": "m_na", "to": "inf_free", "strength": 0.3},
    ],
}


@dataclass(frozen=True)
class Caller:
    """One token of the matrix: the member it belongs to and its role."""

    name: str
    member: str
    role: str


CALLERS: dict[str, Caller] = {
    c.name: c
    for c in (
        Caller("AD", "m_ad", "admin"),
        Caller("L1", "m_l1", "lead"),
        Caller("K1", "m_k1", "kam"),
        Caller("K2", "m_k2", "kam"),
        Caller("V1", "m_v1", "viewer"),
        Caller("L2", "m_l2", "lead"),
        Caller("K3", "m_k3", "kam"),
        Caller("NA", "m_na", "kam"),
    )
}

VISIBLE_ACCOUNTS: dict[str, frozenset[str] | None] = {
    "AD": None,
    "L1": frozenset({"acc_a", "acc_b"}),  # m_k1 and m_k2 directly, m_v1 through m_k1
    "K1": frozenset({"acc_a"}),
    "K2": frozenset({"acc_b"}),
    "V1": frozenset({"acc_a"}),
    "L2": frozenset({"acc_c"}),  # m_k3; m_m2 has no assignment
    "K3": frozenset({"acc_c"}),
    "NA": frozenset(),
}
"""The accounts each caller sees (None: every one), by hand from the spec's roles."""

WRITABLE_ACCOUNTS: dict[str, frozenset[str] | None] = {
    name: (frozenset() if CALLERS[name].role == "viewer" else v) for name, v in VISIBLE_ACCOUNTS.items()
}


def all_ids(doc: dict[str, Any]) -> set[str]:
    return {
        r["id"] for kind in ("accounts", "sites", "people", "committees", "influencers", "members") for r in doc[kind]
    }


def _influence_links(doc: dict[str, Any]) -> dict[str, set[str]]:
    """Influencer id -> the accounts of the people and committees it has an INFLUENCES/MEMBER_OF with (either way)."""
    owner = {r["id"]: r["account"] for kind in ("people", "committees") for r in doc[kind]}
    links: dict[str, set[str]] = {i["id"]: set() for i in doc["influencers"]}
    for rel in doc["relations"]:
        if rel["type"] not in ("INFLUENCES", "MEMBER_OF"):
            continue
        for mine, other in ((rel["from"], rel["to"]), (rel["to"], rel["from"])):
            if mine in links and other in owner:
                links[mine].add(owner[other])
    return links


def visible_ids(doc: dict[str, Any], visible: Collection[str] | None) -> set[str]:
    """The node ids a caller who sees the accounts ``visible`` (None: all) sees, by the spec's rules."""
    if visible is None:
        return all_ids(doc)
    keep = {a["id"] for a in doc["accounts"] if a["id"] in visible}
    for kind in ("sites", "people", "committees"):
        keep |= {r["id"] for r in doc[kind] if r["account"] in visible}
    keep |= {m["id"] for m in doc["members"]}
    for influencer, accounts in _influence_links(doc).items():
        if not accounts or accounts & set(visible):
            keep.add(influencer)
    return keep


def restricted(doc: dict[str, Any], visible: Collection[str] | None) -> dict[str, Any]:
    """The document as a caller who sees ``visible`` accounts sees it: visible nodes, relations between them."""
    keep = visible_ids(doc, visible)
    out: dict[str, Any] = {"format": doc["format"]}
    for kind in ("accounts", "sites", "people", "committees", "influencers", "members"):
        out[kind] = [copy.deepcopy(r) for r in doc.get(kind, []) if r["id"] in keep]
    out["relations"] = [copy.deepcopy(r) for r in doc["relations"] if r["from"] in keep and r["to"] in keep]
    return out


def load_fixture(store: GraphStore, doc: dict[str, Any] | None = None) -> dict[str, str]:
    """Load the matrix document into an empty store and create one token per caller; return caller -> secret."""
    store.import_document(copy.deepcopy(doc or MATRIX_DOC), ImportMode.REPLACE)
    tokens: dict[str, str] = {}
    for caller in CALLERS.values():
        _, secret = store.create_token(caller.member, caller.role)
        tokens[caller.name] = secret
    return tokens


@dataclass
class MatrixServer:
    """A ``graphsvc serve`` over the matrix fixture, a token per caller and an in-process store on the same data."""

    server: Server
    tokens: dict[str, str]
    store: GraphStore
    kind: str

    def as_caller(self, name: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole JSON answer of ``query`` asked with ``name``'s token."""
        response = self.server.post(query, variables, token=self.tokens[name])
        assert response.status_code == 200, response.text
        return dict(response.json())

    def data(self, name: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.as_caller(name, query, variables)
        assert "errors" not in body, (name, body["errors"])
        return dict(body["data"])


def _store_url(kind: str, workdir: Path, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'matrix.db'}"
    neo = request.getfixturevalue("neo4j_store_server")  # tests/conftest.py: wiped here, owned by this module now
    neo.wipe()
    return str(neo.url)


@contextmanager
def matrix_server(request: pytest.FixtureRequest, workdir: Path) -> Iterator[MatrixServer]:
    """The fixture loaded into a store of ``request.param`` and served (authenticated) until the block ends."""
    kind = str(request.param)
    workdir.mkdir(parents=True, exist_ok=True)
    url = _store_url(kind, workdir, request)
    store = open_store(url)
    try:
        tokens = load_fixture(store)
        log = workdir / "serve.stderr"
        with serve_process(url, log) as base:
            server = Server(base, url, tokens["AD"], log)
            try:
                yield MatrixServer(server, tokens, store, kind)
            finally:
                server.http.close()
        server.assert_log_keeps_secrets()  # the request log of every refusal included
    finally:
        store.close()
