"""Every root field over real HTTP on the demo portfolio, compared with the in-process ``Analyst``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from graphsvc.analysis import CoverageGap, InfluencePath
from graphsvc.analyst import Analyst
from tests.api.support import Server

ACCOUNTS = ["acc_castellani", "acc_halvorsen", "acc_lumen", "acc_vantor"]
LISTS = ("accounts", "sites", "people", "committees", "influencers", "members")

PATH = "strength nodeIds hops { from { id } to { id } relation weight inverse }"
GAP = f"kind severity subject {{ id }} message role suggestedMember {{ id }} suggestedPath {{ {PATH} }}"


def _path(p: InfluencePath | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "strength": pytest.approx(p.strength),
        "nodeIds": list(p.nodes),
        "hops": [
            {
                "from": {"id": h.source},
                "to": {"id": h.target},
                "relation": h.relation,
                "weight": pytest.approx(h.weight),
                "inverse": h.inverse,
            }
            for h in p.hops
        ],
    }


def _gap(g: CoverageGap) -> dict[str, Any]:
    return {
        "kind": g.kind.name,
        "severity": g.severity.name,
        "subject": {"id": g.subject},
        "message": g.message,
        "role": g.role.upper() if g.role else None,
        "suggestedMember": {"id": g.suggested_member} if g.suggested_member else None,
        "suggestedPath": _path(g.suggested_path),
    }


def _walk(server: Server, field: str, query: str, variables: dict[str, Any]) -> tuple[list[str], list[int]]:
    """Follow ``endCursor`` until ``hasNextPage`` is false; the ids seen and each page's ``totalCount``."""
    ids: list[str] = []
    totals: list[int] = []
    after = None
    for _ in range(200):
        page = server.data(query, {**variables, "after": after})[field]
        ids.extend(edge["node"]["id"] for edge in page["edges"])
        totals.append(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            return ids, totals
        assert page["edges"], "a page that says more follow must not be empty"
        after = page["pageInfo"]["endCursor"]
    raise AssertionError("pagination never ended")


# -- account, accounts, node, search, people ---------------------------------------------


def test_account_answers_with_the_stored_properties(server: Server, demo: dict[str, Any]) -> None:
    stored = next(a for a in demo["accounts"] if a["id"] == "acc_halvorsen")
    account = server.data(
        "query($id: ID!) { account(id: $id) { id name kind status approach industry region countries notes "
        "sites { id } committees { id } team { member { id } role } } }",
        {"id": "acc_halvorsen"},
    )["account"]
    assert account["id"] == "acc_halvorsen"
    assert account["name"] == stored["name"]
    assert account["kind"] == "ACCOUNT"
    assert account["status"] == stored["status"].upper()
    assert account["approach"] == stored["approach"].upper()
    assert account["industry"] == stored["industry"]
    assert account["region"] == stored["region"]
    assert account["countries"] == stored["countries"]
    assert account["notes"] == stored["notes"]
    assert sorted(s["id"] for s in account["sites"]) == sorted(
        s["id"] for s in demo["sites"] if s["account"] == "acc_halvorsen"
    )
    assert sorted(c["id"] for c in account["committees"]) == sorted(
        c["id"] for c in demo["committees"] if c["account"] == "acc_halvorsen"
    )
    team = {
        (r["from"], r["role"].upper())
        for r in demo["relations"]
        if r["type"] == "ASSIGNED_TO" and r["to"] == "acc_halvorsen"
    }
    assert {(t["member"]["id"], t["role"]) for t in account["team"]} == team


def test_account_with_an_unknown_id_is_null_not_an_error(server: Server) -> None:
    assert server.data('{ account(id: "acc_nobody") { id } }') == {"account": None}
    # A person is a node but not an account.
    assert server.data('{ account(id: "p_hal_ceo") { id } }') == {"account": None}


ACCOUNTS_PAGE = """
query($first: Int!, $after: String, $status: AccountStatus, $approach: Approach, $country: String, $name: String) {
  accounts(first: $first, after: $after, status: $status, approach: $approach, country: $country, nameContains: $name) {
    totalCount
    edges { cursor node { id } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def test_accounts_walked_one_page_at_a_time_visit_every_account_once_in_id_order(server: Server) -> None:
    ids, totals = _walk(server, "accounts", ACCOUNTS_PAGE, {"first": 1})
    assert ids == ACCOUNTS
    assert set(totals) == {len(ACCOUNTS)}


def test_accounts_after_the_last_cursor_is_an_empty_last_page(server: Server) -> None:
    last = server.data(ACCOUNTS_PAGE, {"first": 100})["accounts"]
    assert [e["node"]["id"] for e in last["edges"]] == ACCOUNTS
    assert last["pageInfo"] == {"hasNextPage": False, "endCursor": last["edges"][-1]["cursor"]}
    beyond = server.data(ACCOUNTS_PAGE, {"first": 2, "after": last["pageInfo"]["endCursor"]})["accounts"]
    assert beyond["edges"] == []
    assert beyond["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("variables", "keep"),
    [
        ({"status": "KEY"}, lambda a: a["status"] == "key"),
        ({"status": "CANDIDATE"}, lambda a: a["status"] == "candidate"),
        ({"approach": "HOLISTIC"}, lambda a: a.get("approach") == "holistic"),
        ({"country": "DE"}, lambda a: "DE" in a.get("countries", [])),
        ({"name": "PACKAGING"}, lambda a: "packaging" in a["name"].lower()),
        ({"status": "KEY", "country": "IT"}, lambda a: a["status"] == "key" and "IT" in a.get("countries", [])),
    ],
    ids=["status-key", "status-candidate", "approach", "country", "name-contains", "status-and-country"],
)
def test_accounts_filters_keep_exactly_the_matching_accounts_on_every_page(
    server: Server, demo: dict[str, Any], variables: dict[str, Any], keep: Any
) -> None:
    expected = sorted(a["id"] for a in demo["accounts"] if keep(a))
    assert expected, "a filter that matches nothing proves little"
    ids, totals = _walk(server, "accounts", ACCOUNTS_PAGE, {"first": 1, **variables})
    assert ids == expected
    assert set(totals) == {len(expected)}


@pytest.mark.parametrize(
    ("kind", "typename"),
    [
        ("accounts", "Account"),
        ("sites", "Site"),
        ("people", "Person"),
        ("committees", "Committee"),
        ("influencers", "Influencer"),
        ("members", "Member"),
    ],
)
def test_node_returns_any_kind_by_id_as_its_own_type(
    server: Server, demo: dict[str, Any], kind: str, typename: str
) -> None:
    record = demo[kind][0]
    node = server.data("query($id: ID!) { node(id: $id) { __typename id name kind notes } }", {"id": record["id"]})[
        "node"
    ]
    assert node == {
        "__typename": typename,
        "id": record["id"],
        "name": record["name"],
        "kind": typename.upper(),
        "notes": record.get("notes"),
    }


def test_node_with_an_unknown_id_is_null(server: Server) -> None:
    assert server.data('{ node(id: "nobody") { id } }') == {"node": None}


SEARCH_PAGE = """
query($text: String!, $kind: NodeKind, $first: Int!, $after: String) {
  search(text: $text, kind: $kind, first: $first, after: $after) {
    totalCount edges { cursor node { id name kind } } pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.mark.parametrize(("text", "kind"), [("an", None), ("AN", "PERSON"), ("berg", None), ("Hal", "ACCOUNT")])
def test_search_finds_every_node_whose_name_contains_the_text_ignoring_case(
    server: Server, demo: dict[str, Any], text: str, kind: str | None
) -> None:
    expected = sorted(
        r["id"]
        for name in LISTS
        if kind is None or name == {"PERSON": "people", "ACCOUNT": "accounts"}[kind]
        for r in demo[name]
        if text.lower() in r["name"].lower()
    )
    assert expected
    ids, totals = _walk(server, "search", SEARCH_PAGE, {"text": text, "kind": kind, "first": 7})
    assert ids == expected
    assert set(totals) == {len(expected)}


PEOPLE_PAGE = """
query($account: ID!, $first: Int!, $after: String, $role: BuyingRole, $attitude: Attitude, $name: String) {
  people(accountId: $account, first: $first, after: $after, role: $role, attitude: $attitude, nameContains: $name) {
    totalCount edges { node { id account { id } } } pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.mark.parametrize(
    ("variables", "keep"),
    [
        ({}, lambda p: True),
        ({"role": "DECIDER"}, lambda p: "decider" in p.get("roles", [])),
        ({"attitude": "OPPONENT"}, lambda p: p.get("attitude") == "opponent"),
        (
            {"attitude": "SUPPORTER", "role": "USER"},
            lambda p: p.get("attitude") == "supporter" and "user" in p["roles"],
        ),
        ({"name": "ER"}, lambda p: "er" in p["name"].lower()),
    ],
    ids=["all", "role", "attitude", "attitude-and-role", "name-contains"],
)
def test_people_of_an_account_filtered_and_paged_are_exactly_the_matching_people(
    server: Server, demo: dict[str, Any], variables: dict[str, Any], keep: Any
) -> None:
    expected = sorted(p["id"] for p in demo["people"] if p["account"] == "acc_halvorsen" and keep(p))
    assert expected
    ids, totals = _walk(server, "people", PEOPLE_PAGE, {"account": "acc_halvorsen", "first": 4, **variables})
    assert ids == expected
    assert set(totals) == {len(expected)}


def test_people_of_an_account_field_pages_like_the_root_field(server: Server, demo: dict[str, Any]) -> None:
    query = """query($after: String) { account(id: "acc_castellani") {
      people(first: 5, after: $after, role: INFLUENCER) {
        totalCount edges { node { id } } pageInfo { hasNextPage endCursor }
      }
    } }"""
    ids: list[str] = []
    after = None
    while True:
        page = server.data(query, {"after": after})["account"]["people"]
        ids += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    expected = sorted(
        p["id"] for p in demo["people"] if p["account"] == "acc_castellani" and "influencer" in p.get("roles", [])
    )
    assert ids == expected
    assert page["totalCount"] == len(expected)


# -- analyses ------------------------------------------------------------------------------


def test_influence_paths_are_the_analysts_strongest_paths(server: Server, analyst: Analyst) -> None:
    query = f"""query($a: ID!, $to: ID!, $from: [ID!], $k: Int!, $hops: Int!) {{
      influencePaths(accountId: $a, to: $to, from: $from, k: $k, maxHops: $hops) {{ {PATH} }} }}"""
    seen = 0
    for account in ACCOUNTS:
        for target in analyst.decision_nodes(account)[:3]:
            expected = analyst.paths(account, target, None, 3, 4)
            got = server.data(query, {"a": account, "to": target, "k": 3, "hops": 4})["influencePaths"]
            assert got == [_path(p) for p in expected], (account, target)
            seen += len(expected)
            member = sorted(analyst.influence_graph(account).assigned)[0]
            expected = analyst.paths(account, target, [member], 5, 3)
            got = server.data(query, {"a": account, "to": target, "from": [member], "k": 5, "hops": 3})
            assert got["influencePaths"] == [_path(p) for p in expected], (account, target, member)
            assert all(p["nodeIds"][0] == member for p in got["influencePaths"])
    assert seen > 0, "the demo should have influence paths to its decision nodes"


def test_leverage_ranks_nodes_as_the_analyst_does(server: Server, analyst: Analyst) -> None:
    query = """query($a: ID!, $top: Int!) { leverage(accountId: $a, top: $top) {
      node { id } score contributions { decisionNode { id } best share } } }"""
    for account in ACCOUNTS:
        for top in (1, 10, 500):
            expected = analyst.leverage(account)[:top]
            got = server.data(query, {"a": account, "top": top})["leverage"]
            assert got == [
                {
                    "node": {"id": s.node},
                    "score": pytest.approx(s.score),
                    "contributions": [
                        {
                            "decisionNode": {"id": c.decision_node},
                            "best": pytest.approx(c.best),
                            "share": pytest.approx(c.share),
                        }
                        for c in s.contributions
                    ],
                }
                for s in expected
            ], (account, top)
    default = server.data('{ leverage(accountId: "acc_halvorsen") { score } }')["leverage"]
    assert len(analyst.leverage("acc_halvorsen")) > 10
    assert len(default) == 10, "top defaults to 10"


@pytest.mark.parametrize("accounts", [None, ["acc_lumen", "acc_vantor"]])
def test_portfolio_leverage_is_the_analysts_across_key_accounts(
    server: Server, analyst: Analyst, accounts: list[str] | None
) -> None:
    query = """query($top: Int!, $ids: [ID!]) { portfolioLeverage(top: $top, accountIds: $ids) {
      node { id } score accounts { account { id } score } covered known } }"""
    expected = analyst.portfolio_leverage(accounts)[:15]
    assert expected
    got = server.data(query, {"top": 15, "ids": accounts})["portfolioLeverage"]
    assert got == [
        {
            "node": {"id": p.node},
            "score": pytest.approx(p.score),
            "accounts": [{"account": {"id": a}, "score": pytest.approx(s)} for a, s in p.accounts],
            "covered": p.covered,
            "known": p.known,
        }
        for p in expected
    ]


def test_an_account_named_twice_in_portfolio_leverage_counts_once(server: Server) -> None:
    query = """query($ids: [ID!]) { portfolioLeverage(top: 5, accountIds: $ids) {
      node { id } score accounts { account { id } } } }"""
    once = server.data(query, {"ids": ["acc_lumen", "acc_vantor"]})["portfolioLeverage"]
    twice = server.data(query, {"ids": ["acc_lumen", "acc_vantor", "acc_lumen"]})["portfolioLeverage"]
    assert twice == once


def test_network_metrics_are_the_analysts(server: Server, analyst: Analyst) -> None:
    query = "query($a: ID!) { networkMetrics(accountId: $a) { node { id } inDegree outDegree betweenness pagerank } }"
    for account in ACCOUNTS:
        expected = analyst.network_metrics(account)
        assert expected
        got = server.data(query, {"a": account})["networkMetrics"]
        assert got == [
            {
                "node": {"id": m.node},
                "inDegree": m.in_degree,
                "outDegree": m.out_degree,
                "betweenness": pytest.approx(m.betweenness),
                "pagerank": pytest.approx(m.pagerank),
            }
            for m in expected
        ]


def test_coverage_gaps_are_the_analysts_as_of_the_given_day_and_today_by_default(
    server: Server, analyst: Analyst, today: date
) -> None:
    query = f"query($a: ID!, $asOf: Date) {{ coverageGaps(accountId: $a, asOf: $asOf) {{ {GAP} }} }}"
    total = 0
    for account in ACCOUNTS:
        expected = [_gap(g) for g in analyst.gaps(account, today)]
        total += len(expected)
        assert server.data(query, {"a": account, "asOf": today.isoformat()})["coverageGaps"] == expected
        assert server.data(query, {"a": account})["coverageGaps"] == expected
        later = today + timedelta(days=200)
        expected_later = [_gap(g) for g in analyst.gaps(account, later)]
        assert server.data(query, {"a": account, "asOf": later.isoformat()})["coverageGaps"] == expected_later
    assert total > 0


def test_demo_gaps_tell_the_documented_story(server: Server) -> None:
    """A fixed point besides the Analyst: docs/demo.md's gaps of Lumen, and none for Vantor."""
    query = "query($a: ID!) { coverageGaps(accountId: $a) { kind severity subject { id } role } }"
    lumen = server.data(query, {"a": "acc_lumen"})["coverageGaps"]
    assert [(g["severity"], g["kind"], g["subject"]["id"], g["role"]) for g in lumen] == [
        ("HIGH", "UNCOVERED_DECISION_MAKER", "p_lum_ceo", None),
        ("MEDIUM", "NO_EXECUTIVE_SPONSOR", "acc_lumen", None),
        ("MEDIUM", "STALE_RELATIONSHIP", "p_lum_cfo", None),
        ("MEDIUM", "UNCOVERED_EXTERNAL_INFLUENCER", "inf_kraemer_voss", None),
        ("LOW", "MISSING_BUYING_ROLE", "acc_lumen", "BUYER"),
        ("LOW", "MISSING_BUYING_ROLE", "acc_lumen", "GATEKEEPER"),
    ]
    assert server.data(query, {"a": "acc_vantor"})["coverageGaps"] == []


COVERAGE = """query($m: ID!, $asOf: Date) { coverage(memberId: $m, asOf: $asOf) {
  member { id } staleCount accountIds covers { node { id } effectiveStrength lastContact due } } }"""


@pytest.mark.parametrize("member", ["m_hoffmann", "m_rinaldi", "m_weber", "m_berger"])
def test_coverage_of_a_member_is_the_analysts(server: Server, analyst: Analyst, today: date, member: str) -> None:
    expected = analyst.coverage(member, today)
    got = server.data(COVERAGE, {"m": member, "asOf": today.isoformat()})["coverage"]
    assert got == {
        "member": {"id": member},
        "staleCount": expected.stale,
        "accountIds": list(expected.accounts),
        "covers": [
            {
                "node": {"id": state.node},
                "effectiveStrength": pytest.approx(state.strength),
                "lastContact": state.last_contact.isoformat() if state.last_contact else None,
                "due": state.due.isoformat() if state.due else None,
            }
            for state, _ in expected.covers
        ],
    }
    assert server.data(COVERAGE, {"m": member})["coverage"] == got


def test_covers_in_a_coverage_are_stale_as_of_the_day_the_coverage_was_asked_for(
    server: Server, analyst: Analyst, today: date
) -> None:
    later = today + timedelta(days=400)
    expected = analyst.coverage("m_weber", later)
    assert expected.stale == len(expected.covers) > 0, "a year on, every cover of the demo is stale"
    got = server.data(
        'query($asOf: Date) { coverage(memberId: "m_weber", asOf: $asOf) { staleCount covers { node { id } stale } } }',
        {"asOf": later.isoformat()},
    )["coverage"]
    assert got["staleCount"] == expected.stale
    # The dashboard shows the count and the list side by side: they must agree.
    assert [c["stale"] for c in got["covers"]] == [state.stale for state, _ in expected.covers]


def test_team_coverage_of_a_lead_is_the_analysts(
    server: Server, analyst: Analyst, today: date, demo: dict[str, Any]
) -> None:
    query = """query($lead: ID!, $asOf: Date) { teamCoverage(leadId: $lead, asOf: $asOf) {
      lead { id } members { member { id } staleCount accountIds covers { node { id } } }
      overlaps { node { id } members { id } } load { member { id } covered } } }"""
    for lead in ("m_berger", "m_hoffmann"):
        expected = analyst.team_coverage(lead, today)
        got = server.data(query, {"lead": lead, "asOf": today.isoformat()})["teamCoverage"]
        assert got["lead"] == {"id": lead}
        assert [m["member"]["id"] for m in got["members"]] == [m.member for m in expected.members]
        assert [m["staleCount"] for m in got["members"]] == [m.stale for m in expected.members]
        assert [m["accountIds"] for m in got["members"]] == [list(m.accounts) for m in expected.members]
        assert [[c["node"]["id"] for c in m["covers"]] for m in got["members"]] == [
            [s.node for s, _ in m.covers] for m in expected.members
        ]
        assert {o["node"]["id"]: [m["id"] for m in o["members"]] for o in got["overlaps"]} == {
            n: list(ms) for n, ms in expected.overlaps.items()
        }
        assert {entry["member"]["id"]: entry["covered"] for entry in got["load"]} == dict(expected.load)
    # Everyone but the executive sponsor Berger reports to is on Berger's team.
    members = server.data(query, {"lead": "m_berger"})["teamCoverage"]["members"]
    assert sorted(m["member"]["id"] for m in members) == sorted(m["id"] for m in demo["members"] if m["id"] != "m_lenz")


def test_account_dashboard_fields_are_the_analysts(server: Server, analyst: Analyst, today: date) -> None:
    query = f"""query($asOf: Date) {{ accounts(first: 100) {{ edges {{ node {{ id
      coverageScore(asOf: $asOf) gapCounts(asOf: $asOf) {{ high medium low total }}
      coverageGaps(asOf: $asOf) {{ {GAP} }}
      keyStakeholders {{ id }} decisionNodes {{ id }} }} }} }} }}"""
    for as_of in (today, today + timedelta(days=120)):
        edges = server.data(query, {"asOf": as_of.isoformat()})["accounts"]["edges"]
        assert [e["node"]["id"] for e in edges] == ACCOUNTS
        for edge in edges:
            node = edge["node"]
            account = node["id"]
            gaps = analyst.gaps(account, as_of)
            assert node["coverageScore"] == pytest.approx(analyst.coverage_score(account, as_of).score), account
            severities = [g.severity.name for g in gaps]
            assert node["gapCounts"] == {
                "high": severities.count("HIGH"),
                "medium": severities.count("MEDIUM"),
                "low": severities.count("LOW"),
                "total": len(gaps),
            }
            assert node["coverageGaps"] == [_gap(g) for g in gaps]
            assert [n["id"] for n in node["keyStakeholders"]] == analyst.key_stakeholders(account)
            assert [n["id"] for n in node["decisionNodes"]] == analyst.decision_nodes(account)
    scores = server.data("{ accounts { edges { node { coverageScore } } } }")["accounts"]["edges"]
    assert [e["node"]["coverageScore"] for e in scores] == [
        pytest.approx(analyst.coverage_score(a, today).score) for a in ACCOUNTS
    ]
