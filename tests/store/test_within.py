"""The visibility filter ``within`` of ``list_nodes`` and ``count_nodes`` (issue 7), on both stores.

``within`` is the set of accounts a caller may see: it keeps those accounts, their sites, people and
committees, every member, and each influencer that has no INFLUENCES / MEMBER_OF relation with a person
or committee or has one with a person or committee of a visible account. The fixed cases state the exact
ids by hand; a property test compares the SQLite store with a brute-force oracle on random small graphs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.model import NodeKind
from graphsvc.store import GraphStore, ImportMode, open_store

KINDS = [None, *NodeKind]

DOC: dict[str, Any] = {
    "format": "graphsvc/1",
    "accounts": [
        {"id": "acc_a", "name": "Alpha Pumps", "status": "key"},
        {"id": "acc_b", "name": "Beta Energy", "status": "key"},
        {"id": "acc_c", "name": "Gamma Chemie", "status": "candidate"},
    ],
    "sites": [
        {"id": "site_a", "account": "acc_a", "name": "Alpha Dortmund", "country": "DE"},
        {"id": "site_c", "account": "acc_c", "name": "Gamma Lyon", "country": "FR"},
    ],
    "people": [
        {"id": "p_a1", "account": "acc_a", "site": "site_a", "name": "Ada Alpha", "attitude": "champion"},
        {"id": "p_a2", "account": "acc_a", "name": "Arno Alpha", "attitude": "skeptic"},
        {"id": "p_b1", "account": "acc_b", "name": "Bea Beta", "attitude": "champion"},
        {"id": "p_c1", "account": "acc_c", "site": "site_c", "name": "Cleo Gamma", "attitude": "champion"},
        {"id": "p_c2", "account": "acc_c", "name": "Carl Gamma", "attitude": "neutral"},
    ],
    "committees": [
        {"id": "com_a", "account": "acc_a", "name": "Alpha board", "kind": "board"},
        {"id": "com_b", "account": "acc_b", "name": "Beta steering", "kind": "steering"},
    ],
    "influencers": [
        {"id": "inf_shared", "name": "Shared Planning AG", "kind": "planner"},
        {"id": "inf_c", "name": "Gamma Plan Verband", "kind": "association"},
        {"id": "inf_free", "name": "Free Planner", "kind": "planner"},
        {"id": "inf_b_com", "name": "Beta advisory", "kind": "consultant"},
        {"id": "inf_a_com", "name": "Alpha advisory", "kind": "consultant"},
        {"id": "inf_known", "name": "Known end customer", "kind": "end_customer"},
    ],
    "members": [
        {"id": "m_lead", "name": "Lena Lead", "role": "team_lead"},
        {"id": "m_a", "name": "Alf Kam", "role": "kam"},
        {"id": "m_c", "name": "Cora Kam", "role": "kam"},
    ],
    "relations": [
        {"type": "INFLUENCES", "from": "inf_shared", "to": "p_a1", "strength": 0.8},
        {"type": "INFLUENCES", "from": "inf_shared", "to": "p_c1", "strength": 0.6},
        {"type": "INFLUENCES", "from": "inf_c", "to": "p_c2"},
        {"type": "MEMBER_OF", "from": "inf_b_com", "to": "com_b", "role": "advisor"},
        {"type": "MEMBER_OF", "from": "inf_a_com", "to": "com_a", "role": "advisor"},
        # a person of C influences one of A: p_c1 stays C's, seen only with C
        {"type": "INFLUENCES", "from": "p_c1", "to": "p_a2", "strength": 0.4},
        # member links do not tie an influencer to an account: inf_known counts as unlinked
        {"type": "KNOWS", "from": "m_c", "to": "inf_known", "strength": 0.5},
        {"type": "COVERS", "from": "m_a", "to": "inf_known", "strength": 0.5},
        {"type": "COVERS", "from": "m_a", "to": "p_a1", "strength": 0.7},
        {"type": "COVERS", "from": "m_c", "to": "p_c1", "strength": 0.7},
        {"type": "ASSIGNED_TO", "from": "m_a", "to": "acc_a", "role": "lead"},
        {"type": "ASSIGNED_TO", "from": "m_c", "to": "acc_c", "role": "lead"},
        {"type": "REPORTS_TO", "from": "m_a", "to": "m_lead"},
    ],
}

MEMBERS = {"m_a", "m_c", "m_lead"}
UNLINKED = {"inf_free", "inf_known"}
# within -> the visible ids of each kind, by hand
EXPECTED: dict[str, dict[NodeKind, set[str]]] = {
    "none": {
        NodeKind.ACCOUNT: set(),
        NodeKind.SITE: set(),
        NodeKind.PERSON: set(),
        NodeKind.COMMITTEE: set(),
        NodeKind.INFLUENCER: UNLINKED,
        NodeKind.MEMBER: MEMBERS,
    },
    "a": {
        NodeKind.ACCOUNT: {"acc_a"},
        NodeKind.SITE: {"site_a"},
        NodeKind.PERSON: {"p_a1", "p_a2"},
        NodeKind.COMMITTEE: {"com_a"},
        NodeKind.INFLUENCER: {"inf_shared", "inf_a_com", *UNLINKED},
        NodeKind.MEMBER: MEMBERS,
    },
    "ac": {
        NodeKind.ACCOUNT: {"acc_a", "acc_c"},
        NodeKind.SITE: {"site_a", "site_c"},
        NodeKind.PERSON: {"p_a1", "p_a2", "p_c1", "p_c2"},
        NodeKind.COMMITTEE: {"com_a"},
        NodeKind.INFLUENCER: {"inf_shared", "inf_c", "inf_a_com", *UNLINKED},
        NodeKind.MEMBER: MEMBERS,
    },
    "b": {
        NodeKind.ACCOUNT: {"acc_b"},
        NodeKind.SITE: set(),
        NodeKind.PERSON: {"p_b1"},
        NodeKind.COMMITTEE: {"com_b"},
        NodeKind.INFLUENCER: {"inf_b_com", *UNLINKED},
        NodeKind.MEMBER: MEMBERS,
    },
}
WITHIN: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "a": frozenset({"acc_a"}),
    "ac": frozenset({"acc_a", "acc_c"}),
    "b": frozenset({"acc_b"}),
}
ALL_IDS = {r["id"] for name, items in DOC.items() if name not in ("format", "relations") for r in items}


@pytest.fixture
def loaded(store: GraphStore) -> GraphStore:
    store.import_document(DOC)
    return store


def all_pages(store: GraphStore, kind: NodeKind | None, limit: int, **filters: Any) -> list[list[str]]:
    """The ids of every page of ``list_nodes``, checking each page's size and cursor on the way."""
    pages: list[list[str]] = []
    after: str | None = None
    while True:
        page = store.list_nodes(kind, after=after, limit=limit, **filters)
        ids = [n.id for n in page.items]
        pages.append(ids)
        if page.next_after is None:
            return pages
        assert len(ids) == limit, f"a page before the last is short: {ids}"
        assert page.next_after == ids[-1]
        after = page.next_after


def listed(store: GraphStore, kind: NodeKind | None = None, limit: int = 100, **filters: Any) -> list[str]:
    return [i for page in all_pages(store, kind, limit, **filters) for i in page]


def expected(case: str, kind: NodeKind | None) -> set[str]:
    table = EXPECTED[case]
    return set().union(*table.values()) if kind is None else table[kind]


# -- the fixed fixture, both stores ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(WITHIN))
def test_within_lists_and_counts_exactly_the_visible_nodes_of_each_kind(loaded: GraphStore, case: str) -> None:
    for kind in KINDS:
        want = expected(case, kind)
        got = listed(loaded, kind, within=WITHIN[case])
        assert got == sorted(want), (case, kind)
        assert loaded.count_nodes(kind, within=WITHIN[case]) == len(want), (case, kind)


def test_within_none_lists_everything_and_an_unknown_account_sees_like_no_account(loaded: GraphStore) -> None:
    assert listed(loaded) == listed(loaded, within=None) == sorted(ALL_IDS)
    assert loaded.count_nodes(within=None) == len(ALL_IDS)
    assert listed(loaded, within={"acc_zz"}) == sorted(expected("none", None))
    assert loaded.count_nodes(within=["acc_zz", "acc_zz"]) == len(expected("none", None))


@pytest.mark.parametrize("case", sorted(WITHIN))
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_within_pages_by_id_are_exact_and_counts_match_the_paged_total(
    loaded: GraphStore, case: str, limit: int
) -> None:
    for kind in (None, NodeKind.PERSON, NodeKind.INFLUENCER):
        pages = all_pages(loaded, kind, limit, within=WITHIN[case])
        flat = [i for page in pages for i in page]
        assert flat == sorted(expected(case, kind))
        assert all(len(p) == limit for p in pages[:-1])
        assert len(pages[-1]) <= limit
        assert loaded.count_nodes(kind, within=WITHIN[case]) == len(flat)


def test_within_combines_with_name_contains(loaded: GraphStore) -> None:
    a, ac = WITHIN["a"], WITHIN["ac"]
    assert listed(loaded, name_contains="PLAN", within=a) == ["inf_free", "inf_shared"]
    assert listed(loaded, name_contains="plan", within=ac) == ["inf_c", "inf_free", "inf_shared"]
    assert loaded.count_nodes(name_contains="plan", within=ac) == 3
    assert listed(loaded, NodeKind.PERSON, name_contains="gamma", within=a) == []
    assert listed(loaded, NodeKind.PERSON, name_contains="gamma", within=ac) == ["p_c1", "p_c2"]
    assert listed(loaded, name_contains="alpha", within=WITHIN["none"]) == []
    assert listed(loaded, name_contains="kam", within=WITHIN["none"]) == ["m_a", "m_c"]


def test_within_combines_with_where(loaded: GraphStore) -> None:
    champions = {"attitude": "champion"}
    assert listed(loaded, NodeKind.PERSON, where=champions) == ["p_a1", "p_b1", "p_c1"]
    assert listed(loaded, NodeKind.PERSON, where=champions, within=WITHIN["a"]) == ["p_a1"]
    assert listed(loaded, NodeKind.PERSON, where=champions, within=WITHIN["ac"], limit=1) == ["p_a1", "p_c1"]
    assert loaded.count_nodes(NodeKind.PERSON, where=champions, within=WITHIN["ac"]) == 2
    planners = {"kind": "planner"}
    assert listed(loaded, NodeKind.INFLUENCER, where=planners, within=WITHIN["none"]) == ["inf_free"]
    assert listed(loaded, NodeKind.INFLUENCER, where=planners, within=WITHIN["a"]) == ["inf_free", "inf_shared"]
    assert loaded.count_nodes(NodeKind.INFLUENCER, where=planners, within=WITHIN["a"]) == 2


def test_within_combines_with_account(loaded: GraphStore) -> None:
    assert listed(loaded, account="acc_c", within=WITHIN["a"]) == []
    assert loaded.count_nodes(account="acc_c", within=WITHIN["a"]) == 0
    assert listed(loaded, account="acc_c", within=WITHIN["ac"], limit=2) == ["p_c1", "p_c2", "site_c"]
    assert loaded.count_nodes(account="acc_c", within=WITHIN["ac"]) == 3
    assert listed(loaded, NodeKind.PERSON, account="acc_a", within=WITHIN["ac"]) == ["p_a1", "p_a2"]
    assert loaded.count_nodes(NodeKind.MEMBER, account="acc_a", within=WITHIN["a"]) == 0


def test_within_resumes_after_an_id_that_is_not_visible(loaded: GraphStore) -> None:
    page = loaded.list_nodes(NodeKind.PERSON, within=WITHIN["ac"], after="p_b1", limit=10)
    assert [n.id for n in page.items] == ["p_c1", "p_c2"]
    assert page.next_after is None


def test_within_influencer_follows_its_relations_as_they_change(loaded: GraphStore) -> None:
    a = WITHIN["a"]
    assert "inf_c" not in listed(loaded, NodeKind.INFLUENCER, within=a)
    loaded.create_relation({"type": "MEMBER_OF", "from": "inf_c", "to": "com_a", "role": "member"})
    assert "inf_c" in listed(loaded, NodeKind.INFLUENCER, within=a)
    loaded.delete_relation("INFLUENCES", "inf_c", "p_c2")
    loaded.delete_relation("MEMBER_OF", "inf_c", "com_a")
    assert "inf_c" in listed(loaded, NodeKind.INFLUENCER, within=WITHIN["none"])
    assert loaded.count_nodes(NodeKind.INFLUENCER, within=WITHIN["none"]) == 3


# -- random graphs against a brute-force oracle (SQLite) ---------------------------------------------------------------


def oracle(doc: dict[str, Any], within: Collection[str]) -> dict[str, NodeKind]:
    """The visible ids and their kinds, straight from the definition."""
    kinds = {r["id"]: kind for kind, name in _LISTS for r in doc.get(name, [])}
    account = {r["id"]: r.get("account") for _, name in _LISTS for r in doc.get(name, [])}
    links: dict[str, set[str | None]] = {}
    for rel in doc["relations"]:
        if rel["type"] not in ("INFLUENCES", "MEMBER_OF"):
            continue
        for near, far in ((rel["from"], rel["to"]), (rel["to"], rel["from"])):
            if kinds[near] == NodeKind.INFLUENCER and kinds[far] in (NodeKind.PERSON, NodeKind.COMMITTEE):
                links.setdefault(near, set()).add(account[far])
    out: dict[str, NodeKind] = {}
    for node_id, kind in kinds.items():
        if kind == NodeKind.ACCOUNT:
            seen = node_id in within
        elif kind in (NodeKind.SITE, NodeKind.PERSON, NodeKind.COMMITTEE):
            seen = account[node_id] in within
        elif kind == NodeKind.INFLUENCER:
            seen = node_id not in links or bool(links[node_id] & set(within))
        else:
            seen = True
        if seen:
            out[node_id] = kind
    return out


_LISTS = [
    (NodeKind.ACCOUNT, "accounts"),
    (NodeKind.SITE, "sites"),
    (NodeKind.PERSON, "people"),
    (NodeKind.COMMITTEE, "committees"),
    (NodeKind.INFLUENCER, "influencers"),
    (NodeKind.MEMBER, "members"),
]


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, Any]:
    """A small valid document: 1-3 accounts with people, committees and sites, influencers and members."""
    n_acc = draw(st.integers(1, 3))
    accounts = [f"acc{i}" for i in range(n_acc)]
    owner = st.sampled_from(accounts)
    people = [{"id": f"p{i}", "account": draw(owner), "name": f"P{i}"} for i in range(draw(st.integers(0, 5)))]
    committees = [
        {"id": f"com{i}", "account": draw(owner), "name": f"C{i}", "kind": "board"}
        for i in range(draw(st.integers(0, 3)))
    ]
    sites = [{"id": f"site{i}", "account": draw(owner), "name": f"S{i}"} for i in range(draw(st.integers(0, 2)))]
    influencers = [{"id": f"inf{i}", "name": f"I{i}", "kind": "planner"} for i in range(draw(st.integers(0, 5)))]
    members = [{"id": f"m{i}", "name": f"M{i}", "role": "kam"} for i in range(draw(st.integers(0, 2)))]
    pids = [p["id"] for p in people]
    cids = [c["id"] for c in committees]
    iids = [i["id"] for i in influencers]
    mids = [m["id"] for m in members]
    candidates: list[tuple[str, str, str]] = []
    candidates += [("INFLUENCES", s, t) for s in iids + pids + cids for t in pids + cids if s != t]
    candidates += [("MEMBER_OF", s, t) for s in iids + pids + mids for t in cids]
    candidates += [("COVERS", s, t) for s in mids for t in pids + cids + iids]
    candidates += [("KNOWS", s, t) for s in mids for t in pids + iids]
    chosen = draw(st.sets(st.sampled_from(candidates), max_size=12)) if candidates else set()
    relations: list[dict[str, Any]] = []
    for rtype, s, t in sorted(chosen):
        rel: dict[str, Any] = {"type": rtype, "from": s, "to": t}
        if rtype == "MEMBER_OF":
            rel["role"] = "member"
        relations.append(rel)
    return {
        "format": "graphsvc/1",
        "accounts": [{"id": a, "name": a.upper(), "status": "key"} for a in accounts],
        "sites": sites,
        "people": people,
        "committees": committees,
        "influencers": influencers,
        "members": members,
        "relations": relations,
    }


@pytest.fixture(scope="module")
def scratch() -> Iterator[GraphStore]:
    with tempfile.TemporaryDirectory(prefix="graphsvc-within-") as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'within.db'}")
        try:
            yield store
        finally:
            store.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=graphs(), data=st.data())
def test_within_agrees_with_a_brute_force_oracle(scratch: GraphStore, doc: dict[str, Any], data: st.DataObject) -> None:
    scratch.import_document(doc, ImportMode.REPLACE)
    accounts = [a["id"] for a in doc["accounts"]]
    within = data.draw(st.sets(st.sampled_from([*accounts, "acc_missing"])), label="within")
    limit = data.draw(st.integers(1, 4), label="limit")
    visible = oracle(doc, within)
    for kind in KINDS:
        want = sorted(i for i, k in visible.items() if kind is None or k == kind)
        assert listed(scratch, kind, limit, within=within) == want, kind
        assert scratch.count_nodes(kind, within=within) == len(want), kind
