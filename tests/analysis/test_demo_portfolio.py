"""The shipped demo portfolio tells the story docs/demo.md tells (as of ``DEMO_AS_OF``).

The gap lists below are copied from docs/demo.md ("Deliberate gaps, by
account"); one test checks that the page still lists exactly these, another
that ``coverage_gaps`` finds exactly these, in this order. Every analysis runs
on each store (a SQLite file, a Neo4j server): the results must not differ.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from graphsvc.analyst import Analyst
from graphsvc.demo import DEMO_AS_OF, demo_document
from graphsvc.store import GraphStore

DEMO_MD = Path(__file__).resolve().parents[2] / "docs" / "demo.md"

Row = tuple[str, str, str, str | None]

EXPECTED: dict[str, list[Row]] = {
    "acc_halvorsen": [
        ("HIGH", "UNCOVERED_DECISION_MAKER", "p_hal_wro_dir", None),
        ("HIGH", "UNMANAGED_OPPONENT", "p_hal_sourcing", None),
        ("MEDIUM", "STALE_RELATIONSHIP", "p_hal_lyon_dir", None),
        ("MEDIUM", "UNCOVERED_EXTERNAL_INFLUENCER", "inf_brightline", None),
        ("MEDIUM", "UNCOVERED_EXTERNAL_INFLUENCER", "inf_kraemer_voss", None),
        ("MEDIUM", "UNCOVERED_SITE", "site_hal_wroclaw", None),
    ],
    "acc_castellani": [
        ("HIGH", "SINGLE_THREADED", "acc_castellani", None),
        ("HIGH", "UNCOVERED_COMMITTEE", "com_cas_capex", None),
        ("HIGH", "UNCOVERED_DECISION_MAKER", "p_cas_cfo", None),
        ("HIGH", "UNMANAGED_OPPONENT", "p_cas_cfo", None),
        ("MEDIUM", "NO_CHAMPION", "acc_castellani", None),
        ("MEDIUM", "NO_EXECUTIVE_SPONSOR", "acc_castellani", None),
        ("MEDIUM", "STALE_RELATIONSHIP", "p_cas_plant_verona", None),
        ("MEDIUM", "UNCOVERED_EXTERNAL_INFLUENCER", "inf_brightline", None),
        ("MEDIUM", "UNCOVERED_EXTERNAL_INFLUENCER", "inf_kraemer_voss", None),
        ("MEDIUM", "UNCOVERED_KEY_STAKEHOLDER", "p_cas_controlling", None),
    ],
    "acc_lumen": [
        ("HIGH", "UNCOVERED_DECISION_MAKER", "p_lum_ceo", None),
        ("MEDIUM", "NO_EXECUTIVE_SPONSOR", "acc_lumen", None),
        ("MEDIUM", "STALE_RELATIONSHIP", "p_lum_cfo", None),
        ("MEDIUM", "UNCOVERED_EXTERNAL_INFLUENCER", "inf_kraemer_voss", None),
        ("LOW", "MISSING_BUYING_ROLE", "acc_lumen", "buyer"),
        ("LOW", "MISSING_BUYING_ROLE", "acc_lumen", "gatekeeper"),
    ],
    "acc_vantor": [],
}


@pytest.fixture
def demo(store: GraphStore) -> Analyst:
    """The demo portfolio in each real store, read by an Analyst.

    Loaded per test (the Neo4j store is the contract tests' server, wiped for
    each test): importing the demo costs less than a Neo4j server of its own.
    """
    store.import_document(demo_document())
    return Analyst(store)


def rows(analyst: Analyst, account: str, as_of: date = DEMO_AS_OF) -> list[Row]:
    return [(g.severity.value, g.kind.value, g.subject, g.role) for g in analyst.gaps(account, as_of)]


def documented_gaps() -> dict[str, list[Row]]:
    """The gap lists of docs/demo.md, section "Deliberate gaps, by account"."""
    text = DEMO_MD.read_text(encoding="utf-8")
    section = text.split("## Deliberate gaps", 1)[1].split("\n## ", 1)[0]
    out: dict[str, list[Row]] = {}
    account = ""
    for line in section.splitlines():
        header = re.match(r"^\w[\w ]* \(`(acc_\w+)`\):", line)
        if header:
            account = header.group(1)
            out[account] = []
        elif line.startswith("- "):
            for sev, kind, subject, role in re.findall(
                r"(HIGH|MEDIUM|LOW) `([A-Z_]+)`(?: `([\w.-]+)`| ([a-z]+))?", line
            ):
                out[account].append((sev, kind, subject or account, role or None))
    return out


def test_docs_demo_page_lists_the_gaps_this_test_checks() -> None:
    assert documented_gaps() == EXPECTED


@pytest.mark.parametrize("account", sorted(EXPECTED))
def test_demo_account_has_exactly_the_documented_gaps(demo: Analyst, account: str) -> None:
    assert rows(demo, account) == EXPECTED[account]


@pytest.mark.parametrize("account", sorted(EXPECTED))
def test_demo_moved_to_another_day_shows_the_same_gaps_that_day(store: GraphStore, account: str) -> None:
    later = DEMO_AS_OF + timedelta(days=137)
    store.import_document(demo_document(later))
    assert rows(Analyst(store), account, later) == EXPECTED[account]


@pytest.mark.parametrize(
    ("account", "subject", "path"),
    [
        ("acc_halvorsen", "p_hal_wro_dir", ("m_hoffmann", "p_hal_coo", "p_hal_wro_dir")),  # Sabine -> COO -> him
        ("acc_lumen", "p_lum_ceo", ("m_kowalczyk", "p_lum_cto", "p_lum_ceo")),  # Anna -> CTO -> CEO
    ],
)
def test_demo_uncovered_decision_maker_suggests_the_documented_way_in(
    demo: Analyst, account: str, subject: str, path: tuple[str, ...]
) -> None:
    [gap] = [g for g in demo.gaps(account, DEMO_AS_OF) if g.subject == subject]
    assert gap.suggested_path is not None
    assert gap.suggested_path.nodes == path
    assert demo.paths(account, subject, k=1)[0].nodes == path


def test_demo_look_alike_gaps_are_no_gaps(demo: Analyst) -> None:
    halvorsen = {(c.member, c.node): c for c in demo.account_coverage("acc_halvorsen", DEMO_AS_OF).cells.values()}
    # Thomas's cover of the CPO has no last contact (stale); Sabine's is current.
    assert halvorsen[("m_berger", "p_hal_cpo")].stale
    assert not halvorsen[("m_hoffmann", "p_hal_cpo")].stale
    deniz = {node.id: c for c, node in demo.coverage("m_yilmaz", DEMO_AS_OF).covers}
    assert deniz["p_hal_assistant"].due == DEMO_AS_OF
    assert not deniz["p_hal_assistant"].stale
    erik = {node.id: c for c, node in demo.coverage("m_jansen", DEMO_AS_OF).covers}
    assert erik["p_hal_zar_maint"].stale
    assert "p_hal_zar_maint" not in demo.key_stakeholders("acc_halvorsen")
    marco = {node.id: c for c, node in demo.coverage("m_rinaldi", DEMO_AS_OF).covers}
    assert marco["p_cas_quality"].strength == 0.3
    assert marco["p_cas_quality"].counts
    assert "p_cas_quality" not in demo.key_stakeholders("acc_castellani")


def test_demo_strongest_external_levers_are_nordfrost_kraemer_voss_and_brightline(demo: Analyst) -> None:
    external = [p for p in demo.portfolio_leverage() if p.node.startswith("inf_")]
    assert [p.node for p in external[:3]] == ["inf_nordfrost", "inf_kraemer_voss", "inf_brightline"]
    assert [(p.covered, p.known) for p in external[1:3]] == [(False, False), (False, False)]


def test_demo_whole_team_view_shows_the_documented_overlaps(demo: Analyst) -> None:
    team = demo.team_coverage("m_lenz", DEMO_AS_OF)
    assert len(team.members) == 10
    assert {"p_hal_eng_dir", "p_van_cto", "p_van_ceo", "p_lum_cto"} <= set(team.overlaps)
