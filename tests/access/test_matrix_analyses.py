"""The analyses in the role matrix (issue 7): each caller's answer is the analysis of what they may see.

The oracle: the fixture document restricted to what the caller may see (``matrix_fixture.restricted``, the spec's
rules written out), loaded into a fresh SQLite store and analysed by an in-process ``Analyst``. The caller's
influencePaths, leverage, networkMetrics, coverageGaps, portfolioLeverage, coverage and teamCoverage on the full
store, through a real server, must equal the oracle's. Besides, no answer names a node (by id or by name) of an
account the caller cannot see, and a few results are stated by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from graphsvc.analyst import Analyst
from graphsvc.store import open_store
from tests.access.matrix_fixture import (
    AS_OF,
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
from tests.access.test_matrix import ACCOUNTS, NAMES, VISIBLE, same_as_missing
from tests.conftest import STORES

DAY = AS_OF.isoformat()
LEADS = ("m_l1", "m_l2", "m_k1")  # m_k1 leads m_v1
MEMBERS = sorted(m["id"] for m in MATRIX_DOC["members"])

SCORED = {
    "acc_a": {"p_a_dec", "p_a_buy", "p_a_eng", "com_a", "p_c_x", "inf_shared"},
    "acc_b": {"p_b_dec", "p_b_user", "com_b", "inf_b", "p_a_eng"},
    "acc_c": {"p_c_dec", "p_c_x", "inf_shared", "inf_c"},
}
"""People, committees and influencers of each account's full influence graph (what leverage ranks for an admin)."""
NO_LEVER = {"acc_c": {"p_c_x"}}
"""Scored with 0 (no path to a decision node): left out of portfolioLeverage."""

FIRST_PATH_TO_ADA = {
    "AD": ["m_k1", "p_c_x", "p_a_dec"],  # KNOWS 0.9 x INFLUENCES 0.95
    "L1": ["m_k1", "p_a_buy", "p_a_dec"],  # p_c_x is of acc_c: COVERS 0.6 x REPORTS_TO up 0.5
    "K1": ["m_k1", "p_a_buy", "p_a_dec"],
    "V1": ["m_k1", "p_a_buy", "p_a_dec"],
}
"""The strongest path to acc_a's decider, by hand."""

COVERED_BY_MIA = {
    "AD": {"p_a_eng", "p_c_dec"},
    "L1": {"p_a_eng"},
    "K1": {"p_a_eng"},
    "K2": set(),
    "V1": {"p_a_eng"},
    "L2": {"p_c_dec"},
    "K3": {"p_c_dec"},
    "NA": set(),
}
"""coverage(m_m2): Mia (team 2) covers a person of acc_a and one of acc_c."""

TEAM_LOAD = {
    ("AD", "m_l1"): {"m_l1": 1, "m_k1": 2, "m_k2": 1, "m_v1": 2},
    ("L1", "m_l1"): {"m_l1": 1, "m_k1": 2, "m_k2": 1, "m_v1": 2},
    ("K1", "m_l1"): {"m_l1": 0, "m_k1": 2, "m_k2": 0, "m_v1": 2},
    ("K2", "m_l1"): {"m_l1": 1, "m_k1": 0, "m_k2": 1, "m_v1": 0},
    ("L2", "m_l1"): {"m_l1": 0, "m_k1": 1, "m_k2": 0, "m_v1": 0},
    ("NA", "m_l1"): {"m_l1": 0, "m_k1": 0, "m_k2": 0, "m_v1": 0},
    ("AD", "m_l2"): {"m_l2": 0, "m_k3": 3, "m_m2": 2},
    ("L2", "m_l2"): {"m_l2": 0, "m_k3": 3, "m_m2": 1},
    ("K3", "m_l2"): {"m_l2": 0, "m_k3": 3, "m_m2": 1},
    ("L1", "m_l2"): {"m_l2": 0, "m_k3": 1, "m_m2": 1},
    ("K2", "m_l2"): {"m_l2": 0, "m_k3": 0, "m_m2": 0},
}
"""teamCoverage load (covers of strength >= 0.3 the caller can see), by hand."""

TEAM_OVERLAPS = {
    ("AD", "m_l1"): {"p_a_buy": ["m_k1", "m_v1"]},
    ("K1", "m_l1"): {"p_a_buy": ["m_k1", "m_v1"]},
    ("K2", "m_l1"): {},
    ("AD", "m_l2"): {"p_c_dec": ["m_k3", "m_m2"]},
    ("L1", "m_l2"): {},
    ("L2", "m_l2"): {"p_c_dec": ["m_k3", "m_m2"]},
}


@pytest.fixture(scope="module", params=STORES)
def matrix(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MatrixServer]:
    with matrix_server(request, tmp_path_factory.mktemp(f"analyses-{request.param}")) as m:
        yield m


@pytest.fixture(scope="module")
def oracles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Analyst]]:
    """Caller -> an admin Analyst over a fresh SQLite store holding only what the caller may see."""
    root = tmp_path_factory.mktemp("oracles")
    out: dict[str, Analyst] = {}
    for name in NAMES:
        store = open_store(f"sqlite:///{root / f'{name}.db'}")
        store.import_document(restricted(MATRIX_DOC, VISIBLE_ACCOUNTS[name]))
        out[name] = Analyst(store)
    try:
        yield out
    finally:
        for analyst in out.values():
            analyst.store.close()


def _shown_name(record: dict[str, Any]) -> str:
    """The plain start of a node's name (before any hostile markup), to look for in answers."""
    return re.split(r'[<"]', record["name"])[0].strip()


def assert_names_nothing_hidden(name: str, body: Any) -> None:
    """No id and no name of a node the caller cannot see appears anywhere in the answer."""
    hidden = all_ids(MATRIX_DOC) - VISIBLE[name]
    strings: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            strings.append(value)

    walk(body)
    named = {s for s in strings if s in hidden}
    assert not named, f"{name} is shown hidden ids {named}"
    text = json.dumps(body)
    for kind in ("accounts", "sites", "people", "committees", "influencers"):
        for record in MATRIX_DOC[kind]:
            if record["id"] in hidden:
                assert _shown_name(record) not in text, f"{name} is shown the name of {record['id']}"


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


def _targets(oracle: Analyst, account: str) -> list[str]:
    graph = oracle.influence_graph(account)
    return sorted(n for n in SCORED[account] if n in graph.nodes)


PATHS = """query($a: ID!, $to: ID!) { influencePaths(accountId: $a, to: $to, k: 5) {
  strength nodeIds hops { from { id name } to { id name } relation weight } } }"""


@pytest.mark.parametrize("name", NAMES)
def test_influence_paths_are_the_paths_of_the_visible_graph(
    matrix: MatrixServer, oracles: dict[str, Analyst], name: str
) -> None:
    oracle = oracles[name]
    for account in ACCOUNTS:
        missing = matrix.as_caller(name, PATHS, {"a": MISSING_ACCOUNT, "to": "p_a_dec"})
        if account not in VISIBLE[name]:
            same_as_missing(
                matrix.as_caller(name, PATHS, {"a": account, "to": "p_a_dec"}), account, missing, MISSING_ACCOUNT
            )
            continue
        no_target = matrix.as_caller(name, PATHS, {"a": account, "to": MISSING_NODE})
        for target in sorted(SCORED[account]):
            body = matrix.as_caller(name, PATHS, {"a": account, "to": target})
            if target not in VISIBLE[name]:
                same_as_missing(body, target, no_target, MISSING_NODE)
                continue
            assert_names_nothing_hidden(name, body)
            got = [(p["nodeIds"], p["strength"]) for p in body["data"]["influencePaths"]]
            expected = [(list(p.nodes), p.strength) for p in oracle.paths(account, target, None, 5, 4)]
            assert [g[0] for g in got] == [e[0] for e in expected], (account, target)
            assert all(_close(g[1], e[1]) for g, e in zip(got, expected, strict=True))
    if name in FIRST_PATH_TO_ADA:
        body = matrix.data(name, PATHS, {"a": "acc_a", "to": "p_a_dec"})
        assert body["influencePaths"][0]["nodeIds"] == FIRST_PATH_TO_ADA[name]


LEVERAGE = """query($a: ID!) { leverage(accountId: $a, top: 500) {
  node { id name } score contributions { decisionNode { id } best share } } }"""


@pytest.mark.parametrize("name", NAMES)
def test_leverage_is_computed_without_hidden_nodes(
    matrix: MatrixServer, oracles: dict[str, Analyst], name: str
) -> None:
    missing = matrix.as_caller(name, LEVERAGE, {"a": MISSING_ACCOUNT})
    for account in ACCOUNTS:
        body = matrix.as_caller(name, LEVERAGE, {"a": account})
        if account not in VISIBLE[name]:
            same_as_missing(body, account, missing, MISSING_ACCOUNT)
            continue
        assert_names_nothing_hidden(name, body)
        got = body["data"]["leverage"]
        assert {g["node"]["id"] for g in got} == SCORED[account] & VISIBLE[name]
        expected = oracles[name].leverage(account)
        assert [g["node"]["id"] for g in got] == [s.node for s in expected]
        for g, s in zip(got, expected, strict=True):
            assert _close(g["score"], s.score), (account, s.node)
            assert [c["decisionNode"]["id"] for c in g["contributions"]] == [c.decision_node for c in s.contributions]
            assert all(_close(c["share"], e.share) for c, e in zip(g["contributions"], s.contributions, strict=True))


METRICS = """query($a: ID!) { networkMetrics(accountId: $a) { node { id } inDegree outDegree betweenness pagerank } }"""


@pytest.mark.parametrize("name", NAMES)
def test_network_metrics_are_those_of_the_visible_graph(
    matrix: MatrixServer, oracles: dict[str, Analyst], name: str
) -> None:
    missing = matrix.as_caller(name, METRICS, {"a": MISSING_ACCOUNT})
    for account in ACCOUNTS:
        body = matrix.as_caller(name, METRICS, {"a": account})
        if account not in VISIBLE[name]:
            same_as_missing(body, account, missing, MISSING_ACCOUNT)
            continue
        assert_names_nothing_hidden(name, body)
        got = {m["node"]["id"]: m for m in body["data"]["networkMetrics"]}
        expected = {m.node: m for m in oracles[name].network_metrics(account)}
        assert set(got) == set(expected) == SCORED[account] & VISIBLE[name]
        for node, m in expected.items():
            g = got[node]
            assert (g["inDegree"], g["outDegree"]) == (m.in_degree, m.out_degree), node
            assert _close(g["betweenness"], m.betweenness), node
            assert _close(g["pagerank"], m.pagerank), node


GAPS = """query($a: ID!, $day: Date) { coverageGaps(accountId: $a, asOf: $day) {
  kind severity subject { id } message role suggestedMember { id } suggestedPath { nodeIds strength } } }"""


@pytest.mark.parametrize("name", NAMES)
def test_coverage_gaps_and_their_suggestions_are_those_of_the_visible_graph(
    matrix: MatrixServer, oracles: dict[str, Analyst], name: str
) -> None:
    missing = matrix.as_caller(name, GAPS, {"a": MISSING_ACCOUNT, "day": DAY})
    suggested: list[list[str]] = []
    for account in ACCOUNTS:
        body = matrix.as_caller(name, GAPS, {"a": account, "day": DAY})
        if account not in VISIBLE[name]:
            same_as_missing(body, account, missing, MISSING_ACCOUNT)
            continue
        assert_names_nothing_hidden(name, body)
        got = [
            (
                g["kind"],
                g["severity"],
                g["subject"]["id"],
                g["message"],
                (g["role"] or "").lower() or None,
                (g["suggestedMember"] or {}).get("id"),
                (g["suggestedPath"] or {}).get("nodeIds"),
            )
            for g in body["data"]["coverageGaps"]
        ]
        expected = [
            (
                g.kind.value,
                g.severity.value,
                g.subject,
                g.message,
                g.role,
                g.suggested_member,
                list(g.suggested_path.nodes) if g.suggested_path else None,
            )
            for g in oracles[name].gaps(account, AS_OF)
        ]
        assert got == expected, account
        suggested += [g[6] for g in got if g[6]]
    if name == "AD":
        assert any("p_c_x" in path for path in suggested), "the fixture's hidden person is on a suggested path"


PORTFOLIO = (
    """{ portfolioLeverage(top: 500) { node { id name } score accounts { account { id } score } covered known } }"""
)


@pytest.mark.parametrize("name", NAMES)
def test_portfolio_leverage_sums_over_visible_key_accounts(
    matrix: MatrixServer, oracles: dict[str, Analyst], name: str
) -> None:
    body = matrix.as_caller(name, PORTFOLIO)
    assert_names_nothing_hidden(name, body)
    got = body["data"]["portfolioLeverage"]
    expected = oracles[name].portfolio_leverage()
    assert [g["node"]["id"] for g in got] == [p.node for p in expected]
    levers = [SCORED[a] - NO_LEVER.get(a, set()) for a in ACCOUNTS if a in VISIBLE[name]]
    reached = set().union(*levers) & VISIBLE[name]
    assert {g["node"]["id"] for g in got} == reached
    for g, p in zip(got, expected, strict=True):
        assert _close(g["score"], p.score)
        assert [a["account"]["id"] for a in g["accounts"]] == [a for a, _ in p.accounts]
        assert (g["covered"], g["known"]) == (p.covered, p.known), p.node
    explicit = """query($ids: [ID!]) { portfolioLeverage(accountIds: $ids) { node { id } } }"""
    missing = matrix.as_caller(name, explicit, {"ids": [MISSING_ACCOUNT]})
    for account in ACCOUNTS:
        if account not in VISIBLE[name]:
            same_as_missing(matrix.as_caller(name, explicit, {"ids": [account]}), account, missing, MISSING_ACCOUNT)


COVERAGE = """query($m: ID!, $day: Date) { coverage(memberId: $m, asOf: $day) {
  member { id } covers { node { id } stale } staleCount accountIds } }"""


@pytest.mark.parametrize("name", NAMES)
def test_coverage_of_each_member_counts_only_visible_covers(
    matrix: MatrixServer, oracles: dict[str, Analyst], name: str
) -> None:
    for member in MEMBERS:
        body = matrix.as_caller(name, COVERAGE, {"m": member, "day": DAY})
        assert_names_nothing_hidden(name, body)
        got = body["data"]["coverage"]
        expected = oracles[name].coverage(member, AS_OF)
        assert [(c["node"]["id"], c["stale"]) for c in got["covers"]] == [(n.id, c.stale) for c, n in expected.covers]
        assert got["staleCount"] == expected.stale
        assert got["accountIds"] == list(expected.accounts)
        if member == "m_m2":
            assert {c["node"]["id"] for c in got["covers"]} == COVERED_BY_MIA[name]


TEAM = """query($lead: ID!, $day: Date) { teamCoverage(leadId: $lead, asOf: $day) {
  lead { id } members { member { id } covers { node { id } } staleCount }
  overlaps { node { id } members { id } } load { member { id } covered } } }"""


@pytest.mark.parametrize("name", NAMES)
def test_team_coverage_rolls_up_only_visible_covers(
    matrix: MatrixServer, oracles: dict[str, Analyst], name: str
) -> None:
    for lead in LEADS:
        body = matrix.as_caller(name, TEAM, {"lead": lead, "day": DAY})
        assert_names_nothing_hidden(name, body)
        got = body["data"]["teamCoverage"]
        expected = oracles[name].team_coverage(lead, AS_OF)
        assert [m["member"]["id"] for m in got["members"]] == [mc.member for mc in expected.members]
        for g, mc in zip(got["members"], expected.members, strict=True):
            assert [c["node"]["id"] for c in g["covers"]] == [n.id for _, n in mc.covers]
            assert g["staleCount"] == mc.stale
        overlaps = {o["node"]["id"]: [m["id"] for m in o["members"]] for o in got["overlaps"]}
        assert overlaps == {n: list(ms) for n, ms in expected.overlaps.items()}
        load = {entry["member"]["id"]: entry["covered"] for entry in got["load"]}
        assert load == dict(expected.load)
        if (name, lead) in TEAM_LOAD:
            assert load == TEAM_LOAD[(name, lead)]
        if (name, lead) in TEAM_OVERLAPS:
            assert overlaps == TEAM_OVERLAPS[(name, lead)]


def test_the_oracles_see_what_the_tables_say(oracles: dict[str, Analyst]) -> None:
    """Each oracle store holds exactly the caller's visible nodes (the restriction is the hand-written table)."""
    for name in NAMES:
        assert visible_ids(MATRIX_DOC, VISIBLE_ACCOUNTS[name]) == set(VISIBLE[name])
        store = oracles[name].store
        held = {n.id for n in store.list_nodes(limit=1000).items}
        assert held == set(VISIBLE[name]), name
    assert set(CALLERS) == set(NAMES)


KEY_OF_A = {
    "AD": ["com_a", "inf_shared", "p_a_buy", "p_a_dec", "p_c_x"],
    "L1": ["com_a", "inf_shared", "p_a_buy", "p_a_dec", "p_a_eng"],  # without p_c_x, p_a_eng makes the top five
    "K1": ["com_a", "inf_shared", "p_a_buy", "p_a_dec", "p_a_eng"],
    "V1": ["com_a", "inf_shared", "p_a_buy", "p_a_dec", "p_a_eng"],
}
FIGURES = """query($a: ID!, $day: Date) { account(id: $a) {
  decisionNodes { id } keyStakeholders { id } coverageScore(asOf: $day)
  gapCounts(asOf: $day) { high medium low total } coverageGaps(asOf: $day) { kind subject { id } } } }"""


@pytest.mark.parametrize("name", NAMES)
def test_account_figures_are_those_of_the_visible_graph(
    matrix: MatrixServer, oracles: dict[str, Analyst], name: str
) -> None:
    oracle = oracles[name]
    for account in ACCOUNTS:
        body = matrix.as_caller(name, FIGURES, {"a": account, "day": DAY})
        if account not in VISIBLE[name]:
            assert body == {"data": {"account": None}}
            continue
        assert_names_nothing_hidden(name, body)
        got = body["data"]["account"]
        assert [n["id"] for n in got["decisionNodes"]] == oracle.decision_nodes(account)
        key = [n["id"] for n in got["keyStakeholders"]]
        assert key == oracle.key_stakeholders(account)
        if account == "acc_a":
            assert key == KEY_OF_A[name]
        assert _close(got["coverageScore"], oracle.coverage_score(account, AS_OF).score)
        gaps = oracle.gaps(account, AS_OF)
        assert [(g["kind"], g["subject"]["id"]) for g in got["coverageGaps"]] == [
            (g.kind.value, g.subject) for g in gaps
        ]
        counts = {s: sum(1 for g in gaps if g.severity.value == s.upper()) for s in ("high", "medium", "low")}
        assert got["gapCounts"] == counts | {"total": len(gaps)}
