"""Every example operation in queries/graphql/ runs on the demo portfolio and answers what a dashboard needs.

The operations are executed in process by ``make_schema()``, with a context built the way the ``/graphql`` view
builds one, over each real store (a SQLite file, a Neo4j server) holding the demo portfolio as told (no date
shift, so ``DEMO_AS_OF`` is the day of docs/demo.md and docs/semantics.md). Each file has a case in ``CASES``: its
variables and a check of the answer. A file without a case fails ``test_every_example_file_has_a_case``.
"""

from __future__ import annotations

import asyncio
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse
from starlette.requests import Request

from graphsvc.analyst import Analyst
from graphsvc.api.context import Context, Loaders, Principal
from graphsvc.api.schema import make_schema
from graphsvc.demo import DEMO_AS_OF, demo_document
from graphsvc.store import GraphStore
from tests.analysis.test_demo_portfolio import EXPECTED as DEMO_GAPS

EXAMPLES = Path(__file__).resolve().parents[2] / "queries" / "graphql"
AS_OF = DEMO_AS_OF.isoformat()
DEMO = demo_document()
SCHEMA = make_schema()

Data = dict[str, Any]
Run = Callable[[str, dict[str, Any]], Data]


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES.glob("*.graphql"))


@pytest.fixture
def demo_store(store: GraphStore) -> GraphStore:
    """Each real store with the demo portfolio as told (contact dates as of ``DEMO_AS_OF``)."""
    store.import_document(demo_document())
    return store


@pytest.fixture
def run(demo_store: GraphStore) -> Run:
    """Execute the example ``name`` with ``variables``; fail on any error, return ``data``."""
    analyst = Analyst(demo_store)

    def execute(name: str, variables: dict[str, Any]) -> Data:
        request = Request({"type": "http", "method": "POST", "path": "/graphql", "headers": [], "query_string": b""})
        context = Context(
            request=request,
            response=None,
            store=demo_store,
            analyst=analyst,
            principal=Principal(None, "admin"),
            request_id="test-examples",
            loaders=Loaders(demo_store),
        )
        source = (EXAMPLES / f"{name}.graphql").read_text(encoding="utf-8")
        result = asyncio.run(SCHEMA.execute(source, variable_values=variables, context_value=context))
        assert not result.errors, f"{name}.graphql with {variables}: {[e.formatted for e in result.errors]}"
        assert result.data is not None
        return result.data

    return execute


# Facts of the demo document, for the checks.


def _records(kind: str, account: str | None = None) -> list[dict[str, Any]]:
    return [r for r in DEMO[kind] if account is None or r.get("account") == account]


def _ids(kind: str, account: str | None = None) -> set[str]:
    return {r["id"] for r in _records(kind, account)}


def _gap_rows(gaps: list[Data]) -> list[tuple[str, str, str, str | None]]:
    return [(g["severity"], g["kind"], g["subject"]["id"], (g["role"] or "").lower() or None) for g in gaps]


def _check_path(path: Data, start: str | None = None, end: str | None = None) -> None:
    """A path's hops chain up, its node ids follow them and its strength is the product of the weights."""
    hops = path["hops"]
    assert hops, path
    ids = [hops[0]["from"]["id"]] + [h["to"]["id"] for h in hops]
    assert path["nodeIds"] == ids
    for before, after in itertools.pairwise(hops):
        assert before["to"]["id"] == after["from"]["id"]
    assert path["strength"] == pytest.approx(math.prod(h["weight"] for h in hops))
    if start is not None:
        assert ids[0] == start
    if end is not None:
        assert ids[-1] == end


def _connection_ids(connection: Data) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


# One check per case.


def check_portfolio_overview(data: Data, run: Run) -> None:
    accounts = data["accounts"]
    assert accounts["totalCount"] == 4
    assert accounts["pageInfo"]["hasNextPage"] is False
    rows = {edge["node"]["id"]: edge["node"] for edge in accounts["edges"]}
    assert list(rows) == sorted(_ids("accounts"))
    assert {a: r["coverageScore"] for a, r in rows.items()} == {
        "acc_castellani": 53.1,
        "acc_halvorsen": 85.6,
        "acc_lumen": 33.0,
        "acc_vantor": 100.0,
    }
    for account, row in rows.items():
        expected = [gap[0] for gap in DEMO_GAPS[account]]
        counts = row["gapCounts"]
        assert (counts["high"], counts["medium"], counts["low"], counts["total"]) == (
            expected.count("HIGH"),
            expected.count("MEDIUM"),
            expected.count("LOW"),
            len(expected),
        ), account
    halvorsen = rows["acc_halvorsen"]
    assert (halvorsen["status"], halvorsen["approach"]) == ("KEY", "SALES")
    assert {"role": "LEAD", "member": {"id": "m_hoffmann", "name": "Sabine Hoffmann"}} in halvorsen["team"]
    assert rows["acc_lumen"]["status"] == "CANDIDATE"
    assert rows["acc_lumen"]["approach"] is None


def check_portfolio_overview_in_pages(data: Data, run: Run) -> None:
    seen = []
    page = data["accounts"]
    while True:
        assert len(page["edges"]) <= 3
        assert page["totalCount"] == 4
        seen += _connection_ids(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
        page = run("portfolio_overview", {"first": 3, "after": after, "asOf": AS_OF})["accounts"]
    assert seen == sorted(_ids("accounts"))


def check_portfolio_overview_key_accounts(data: Data, run: Run) -> None:
    assert _connection_ids(data["accounts"]) == ["acc_castellani", "acc_halvorsen", "acc_vantor"]
    assert data["accounts"]["totalCount"] == 3


def check_account_map(data: Data, run: Run) -> None:
    account = data["account"]
    assert account["id"] == "acc_halvorsen"
    assert account["coverageScore"] == 85.6
    assert {s["id"] for s in account["sites"]} == _ids("sites", "acc_halvorsen")
    people = {edge["node"]["id"]: edge["node"] for edge in account["people"]["edges"]}
    assert account["people"]["totalCount"] == len(people) == len(_ids("people", "acc_halvorsen"))
    assert set(people) == _ids("people", "acc_halvorsen")
    committees = {c["id"]: c for c in account["committees"]}
    assert set(committees) == _ids("committees", "acc_halvorsen")
    assert {s["holder"]["id"] for s in committees["com_hal_ipc"]["seats"]} >= {"p_hal_cpo", "p_hal_wro_dir"}

    # Who covers whom, and how fresh: the Lyon director's only cover is Claire's stale one; nobody covers Marek.
    lyon = people["p_hal_lyon_dir"]["coveredBy"]
    assert [(c["member"]["id"], c["lastContact"], c["due"], c["stale"]) for c in lyon] == [
        ("m_fontaine", "2026-05-12", "2026-08-10", True)
    ]
    assert people["p_hal_wro_dir"]["coveredBy"] == []
    assert people["p_hal_wro_dir"]["reportsTo"] == [{"id": "p_hal_coo"}]

    # Influencers reached: every outside influencer with an INFLUENCES relation into the account's people or
    # committees shows up, with its kind.
    stakeholders = set(people) | set(committees)
    expected = {
        r["from"]
        for r in DEMO["relations"]
        if r["type"] == "INFLUENCES" and r["to"] in stakeholders and r["from"] in _ids("influencers")
    }
    reached = {
        i["from"]["id"]: i["from"]
        for node in [*people.values(), *committees.values()]
        for i in node["influencedBy"]
        if i["from"]["kind"] == "INFLUENCER"
    }
    assert set(reached) == expected
    assert {"inf_kraemer_voss", "inf_brightline"} <= set(reached)
    assert reached["inf_kraemer_voss"]["influencerKind"] == "PLANNER"

    key = {n["id"] for n in account["keyStakeholders"]}
    decision = {n["id"] for n in account["decisionNodes"]}
    assert len(decision) == 12
    assert len(key) == 14
    assert key == decision | {"p_hal_sourcing", "p_hal_eng_dir"}


def check_account_gaps(account: str) -> Callable[[Data, Run], None]:
    def check(data: Data, run: Run) -> None:
        gaps = data["coverageGaps"]
        assert _gap_rows(gaps) == DEMO_GAPS[account]
        for gap in gaps:
            assert gap["message"]
            if gap["suggestedPath"] is not None:
                _check_path(gap["suggestedPath"], start=gap["suggestedMember"]["id"])

    return check


def check_account_gaps_halvorsen_suggestions(data: Data, run: Run) -> None:
    check_account_gaps("acc_halvorsen")(data, run)
    suggestions = [
        (g["subject"]["id"], (g["suggestedMember"] or {}).get("id"), (g["suggestedPath"] or {}).get("nodeIds"))
        for g in data["coverageGaps"]
    ]
    assert suggestions == [
        ("p_hal_wro_dir", "m_hoffmann", ["m_hoffmann", "p_hal_coo", "p_hal_wro_dir"]),
        ("p_hal_sourcing", "m_hoffmann", ["m_hoffmann", "p_hal_cpo", "p_hal_sourcing"]),
        ("p_hal_lyon_dir", "m_fontaine", ["m_fontaine", "p_hal_lyon_dir"]),
        ("inf_brightline", None, None),
        ("inf_kraemer_voss", None, None),
        ("site_hal_wroclaw", "m_hoffmann", ["m_hoffmann", "p_hal_coo", "p_hal_wro_dir"]),
    ]
    assert data["coverageGaps"][0]["suggestedPath"]["strength"] == pytest.approx(0.49)


def check_influence_paths(data: Data, run: Run) -> None:
    paths = data["influencePaths"]
    assert [p["nodeIds"] for p in paths] == [
        ["m_hoffmann", "p_hal_coo", "p_hal_wro_dir"],
        ["m_hoffmann", "p_hal_eng_dir", "p_hal_coo", "p_hal_wro_dir"],
        ["m_kowalczyk", "p_hal_eng_dir", "p_hal_coo", "p_hal_wro_dir"],
    ]
    assert [p["strength"] for p in paths] == pytest.approx([0.49, 0.392, 0.343])
    for path in paths:
        _check_path(path, end="p_hal_wro_dir")
    last_hop = paths[0]["hops"][-1]
    assert (last_hop["relation"], last_hop["inverse"]) == ("REPORTS_TO", True)


def check_influence_paths_from_one_member(data: Data, run: Run) -> None:
    paths = data["influencePaths"]
    assert [p["nodeIds"] for p in paths] == [
        ["m_kowalczyk", "p_hal_eng_dir", "p_hal_coo", "p_hal_wro_dir"],
        ["m_kowalczyk", "inf_odra", "p_hal_wro_dir"],
    ]
    assert [p["strength"] for p in paths] == pytest.approx([0.343, 0.3])
    for path in paths:
        _check_path(path, start="m_kowalczyk", end="p_hal_wro_dir")


def check_influence_paths_within_two_hops(data: Data, run: Run) -> None:
    paths = data["influencePaths"]
    assert paths
    assert all(len(p["hops"]) <= 2 for p in paths)
    assert [p["nodeIds"] for p in paths][:2] == [
        ["m_hoffmann", "p_hal_coo", "p_hal_wro_dir"],
        ["m_kowalczyk", "inf_odra", "p_hal_wro_dir"],
    ]


def check_team_coverage(data: Data, run: Run) -> None:
    team = data["teamCoverage"]
    assert team["lead"] == {"id": "m_berger", "name": "Thomas Berger"}
    members = [m["member"]["id"] for m in team["members"]]
    assert members[0] == "m_berger"
    assert set(members) == _ids("members") - {"m_lenz"}
    assert {o["node"]["id"]: sorted(m["id"] for m in o["members"]) for o in team["overlaps"]} == {
        "p_hal_cpo": ["m_berger", "m_hoffmann"],
        "p_hal_eng_dir": ["m_hoffmann", "m_kowalczyk"],
        "p_hal_lyon_maint": ["m_fontaine", "m_jansen"],
        "p_hal_maint_ham": ["m_jansen", "m_schmid"],
        "p_lum_cto": ["m_kowalczyk", "m_rinaldi"],
        "p_van_cto": ["m_kowalczyk", "m_weber"],
        "p_van_sales": ["m_berger", "m_weber"],
        "p_van_software": ["m_kowalczyk", "m_weber"],
    }
    assert {row["member"]["id"]: row["covered"] for row in team["load"]} == {
        "m_kowalczyk": 12,
        "m_rinaldi": 11,
        "m_weber": 9,
        "m_hoffmann": 6,
        "m_jansen": 6,
        "m_yilmaz": 5,
        "m_fontaine": 4,
        "m_berger": 3,
        "m_schmid": 3,
    }
    by_member = {m["member"]["id"]: m for m in team["members"]}
    berger = {c["node"]["id"]: c for c in by_member["m_berger"]["covers"]}
    assert (berger["p_hal_cpo"]["lastContact"], berger["p_hal_cpo"]["stale"]) == (None, True)
    fontaine = {c["node"]["id"]: c for c in by_member["m_fontaine"]["covers"]}
    assert fontaine["p_hal_lyon_dir"]["stale"] is True
    assert by_member["m_fontaine"]["staleCount"] == sum(c["stale"] for c in fontaine.values())


def check_portfolio_leverage(data: Data, run: Run) -> None:
    levers = data["portfolioLeverage"]
    assert len(levers) == 20
    scores = [lever["score"] for lever in levers]
    assert scores == sorted(scores, reverse=True)
    assert [lever["node"]["id"] for lever in levers[:6]] == [
        "p_van_sales",
        "p_van_ceo",
        "p_van_cto",
        "p_hal_eng_dir",
        "p_cas_ceo",
        "inf_nordfrost",
    ]
    external = [lever for lever in levers if lever["node"]["kind"] == "INFLUENCER"]
    assert [(e["node"]["id"], e["covered"], e["known"]) for e in external[:3]] == [
        ("inf_nordfrost", False, True),
        ("inf_kraemer_voss", False, False),
        ("inf_brightline", False, False),
    ]
    assert external[1]["node"]["influencerKind"] == "PLANNER"
    for lever in levers:
        assert lever["score"] == pytest.approx(sum(a["score"] for a in lever["accounts"]))
        assert {a["account"]["id"] for a in lever["accounts"]} <= {"acc_halvorsen", "acc_vantor", "acc_castellani"}


def check_portfolio_leverage_with_lumen(data: Data, run: Run) -> None:
    top = data["portfolioLeverage"][0]
    assert top["node"]["id"] == "inf_nordfrost"
    assert top["score"] == pytest.approx(1.311, abs=5e-4)
    assert [a["account"]["id"] for a in top["accounts"]] == ["acc_lumen", "acc_castellani", "acc_halvorsen"]


def check_account_leverage(data: Data, run: Run) -> None:
    rows = data["leverage"]
    assert [(r["node"]["id"], round(r["score"], 3)) for r in rows] == [
        ("p_hal_coo", 0.669),
        ("p_hal_ceo", 0.661),
        ("p_hal_eng_dir", 0.532),
        ("p_hal_cfo", 0.516),
        ("p_hal_cpo", 0.479),
    ]
    felix = rows[2]["contributions"]
    assert [(c["decisionNode"]["id"], round(c["share"], 3)) for c in felix] == [
        ("p_hal_coo", 0.063),
        ("com_hal_tech", 0.057),
        ("com_hal_ipc", 0.051),
    ]


def check_network_metrics(data: Data, run: Run) -> None:
    rows = {m["node"]["id"]: m for m in data["networkMetrics"]}
    assert len(rows) == 41
    assert all(m["node"]["kind"] != "MEMBER" for m in rows.values())
    assert sum(m["pagerank"] for m in rows.values()) == pytest.approx(1.0)
    top = sorted(rows.values(), key=lambda m: -m["pagerank"])[:4]
    assert [m["node"]["id"] for m in top] == ["p_hal_coo", "p_hal_eng_dir", "p_hal_ceo", "p_hal_lyon_dir"]
    coo = rows["p_hal_coo"]
    assert (coo["inDegree"], coo["outDegree"], round(coo["betweenness"], 2)) == (8, 10, 0.44)


def check_account_people_deciders(data: Data, run: Run) -> None:
    deciders = {p["id"] for p in _records("people", "acc_halvorsen") if "decider" in p.get("roles", [])}
    seen: list[str] = []
    page = data["people"]
    while True:
        assert page["totalCount"] == len(deciders)
        assert len(page["edges"]) <= 2
        assert all("DECIDER" in edge["node"]["roles"] for edge in page["edges"])
        seen += _connection_ids(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        variables = {
            "accountId": "acc_halvorsen",
            "role": "DECIDER",
            "first": 2,
            "after": page["pageInfo"]["endCursor"],
        }
        page = run("account_people", variables)["people"]
    assert len(seen) == len(set(seen))
    assert set(seen) == deciders


def check_account_people_opponents(data: Data, run: Run) -> None:
    opponents = {p["id"] for p in _records("people", "acc_halvorsen") if p.get("attitude") == "opponent"}
    assert opponents
    assert set(_connection_ids(data["people"])) == opponents
    assert all(edge["node"]["attitude"] == "OPPONENT" for edge in data["people"]["edges"])


def check_search_nodes(data: Data, run: Run) -> None:
    assert _connection_ids(data["search"]) == ["inf_kraemer_voss"]
    assert data["search"]["totalCount"] == 1


def check_search_nodes_any_kind(data: Data, run: Run) -> None:
    kinds = ("accounts", "sites", "people", "committees", "influencers", "members")
    expected = {r["id"] for kind in kinds for r in DEMO.get(kind, []) if "vantor" in r["name"].casefold()}
    assert "acc_vantor" in expected
    assert set(_connection_ids(data["search"])) == expected
    assert data["search"]["totalCount"] == len(expected)


def check_member_coverage(data: Data, run: Run) -> None:
    coverage = data["coverage"]
    assert coverage["member"]["id"] == "m_fontaine"
    covers = {c["node"]["id"]: c for c in coverage["covers"]}
    expected = {r["to"] for r in DEMO["relations"] if r["type"] == "COVERS" and r["from"] == "m_fontaine"}
    assert set(covers) == expected
    assert [n for n, c in covers.items() if c["stale"]] == ["p_hal_lyon_dir"]
    assert coverage["staleCount"] == 1
    assert coverage["accountIds"] == ["acc_halvorsen"]


def check_record_contact(data: Data, run: Run) -> None:
    cover = data["updateCovers"]
    assert cover["member"] == {"id": "m_fontaine"}
    assert cover["node"]["id"] == "p_hal_lyon_dir"
    assert cover["lastContact"] == "2026-11-10"
    assert cover["strength"] == 0.7  # left out of the patch, so it stays
    assert (cover["due"], cover["stale"]) == ("2027-02-08", False)
    gaps = run("account_gaps", {"accountId": "acc_halvorsen", "asOf": AS_OF})["coverageGaps"]
    assert _gap_rows(gaps) == [row for row in DEMO_GAPS["acc_halvorsen"] if row[1] != "STALE_RELATIONSHIP"]


@dataclass(frozen=True)
class Case:
    """One run of an example: the variables a dashboard would send, and what the answer must show."""

    id: str
    variables: dict[str, Any]
    check: Callable[[Data, Run], None]


CASES: dict[str, list[Case]] = {
    "portfolio_overview": [
        Case("as-told", {"asOf": AS_OF}, check_portfolio_overview),
        Case("in-pages", {"first": 3, "asOf": AS_OF}, check_portfolio_overview_in_pages),
        Case("key-accounts", {"status": "KEY"}, check_portfolio_overview_key_accounts),
    ],
    "account_map": [Case("halvorsen", {"accountId": "acc_halvorsen", "asOf": AS_OF}, check_account_map)],
    "account_gaps": [
        Case("halvorsen", {"accountId": "acc_halvorsen", "asOf": AS_OF}, check_account_gaps_halvorsen_suggestions),
        *(
            Case(account, {"accountId": account, "asOf": AS_OF}, check_account_gaps(account))
            for account in ("acc_castellani", "acc_lumen", "acc_vantor")
        ),
    ],
    "influence_paths": [
        Case("team", {"accountId": "acc_halvorsen", "to": "p_hal_wro_dir"}, check_influence_paths),
        Case(
            "from-anna",
            {"accountId": "acc_halvorsen", "to": "p_hal_wro_dir", "from": ["m_kowalczyk"], "k": 2},
            check_influence_paths_from_one_member,
        ),
        Case(
            "two-hops",
            {"accountId": "acc_halvorsen", "to": "p_hal_wro_dir", "k": 5, "maxHops": 2},
            check_influence_paths_within_two_hops,
        ),
    ],
    "team_coverage": [Case("berger", {"leadId": "m_berger", "asOf": AS_OF}, check_team_coverage)],
    "portfolio_leverage": [
        Case("key-accounts", {}, check_portfolio_leverage),
        Case(
            "with-lumen",
            {"top": 1, "accountIds": sorted(_ids("accounts"))},
            check_portfolio_leverage_with_lumen,
        ),
    ],
    "account_leverage": [Case("halvorsen", {"accountId": "acc_halvorsen", "top": 5}, check_account_leverage)],
    "network_metrics": [Case("halvorsen", {"accountId": "acc_halvorsen"}, check_network_metrics)],
    "account_people": [
        Case("deciders", {"accountId": "acc_halvorsen", "role": "DECIDER", "first": 2}, check_account_people_deciders),
        Case("opponents", {"accountId": "acc_halvorsen", "attitude": "OPPONENT"}, check_account_people_opponents),
    ],
    "search_nodes": [
        Case("influencer", {"text": "krämer", "kind": "INFLUENCER"}, check_search_nodes),
        Case("any-kind", {"text": "Vantor", "first": 50}, check_search_nodes_any_kind),
    ],
    "member_coverage": [Case("fontaine", {"memberId": "m_fontaine", "asOf": AS_OF}, check_member_coverage)],
    "record_contact": [
        Case(
            "renew-lyon",
            {"memberId": "m_fontaine", "nodeId": "p_hal_lyon_dir", "lastContact": "2026-11-10", "asOf": AS_OF},
            check_record_contact,
        )
    ],
}


def test_every_example_file_has_a_case() -> None:
    names = example_names()
    assert names, f"no example operations in {EXAMPLES}"
    missing = [n for n in names if n not in CASES]
    assert not missing, f"add a case to CASES in {__file__} for: {missing}"
    stale = [n for n in CASES if n not in names]
    assert not stale, f"CASES names examples that no longer exist in {EXAMPLES}: {stale}"


def _pascal(stem: str) -> str:
    return "".join(part.capitalize() for part in stem.split("_"))


@pytest.mark.parametrize("name", example_names())
def test_example_is_one_operation_named_after_its_file(name: str) -> None:
    document = parse((EXAMPLES / f"{name}.graphql").read_text(encoding="utf-8"))
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1, f"{name}.graphql holds {len(operations)} operations; keep one per file"
    assert operations[0].name is not None, f"{name}.graphql: name the operation {_pascal(name)}"
    assert operations[0].name.value == _pascal(name)


@pytest.mark.parametrize(
    ("name", "case"),
    [pytest.param(name, case, id=f"{name}-{case.id}") for name in sorted(CASES) for case in CASES[name]],
)
def test_example_answers_on_the_demo_portfolio(name: str, case: Case, run: Run) -> None:
    case.check(run(name, case.variables), run)


def test_examples_without_as_of_answer_for_today(run: Run) -> None:
    """``asOf`` is optional: left out, the overview answers as of today."""
    data = run("portfolio_overview", {})
    assert data["accounts"]["totalCount"] == 4
    assert all(0.0 <= edge["node"]["coverageScore"] <= 100.0 for edge in data["accounts"]["edges"])
