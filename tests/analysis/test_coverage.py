"""Covered, stale, the coverage score and who covers whom (DESIGN.md section 3).

Per-member and team views go through an ``Analyst`` over each real store;
the account views through the account's influence graph.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.analysis import account_coverage, coverage_score, is_covered, key_stakeholders
from graphsvc.analyst import Analyst
from graphsvc.errors import InvalidInput, NotFound
from graphsvc.store import GraphStore
from tests.analysis.builders import ACC, AS_OF, Doc, days_before, healthy, influence_graph
from tests.analysis.strategies import documents


def analyst_for(store: GraphStore, doc: Doc) -> Analyst:
    store.import_document(doc.dict())
    return Analyst(store)


# -- covered -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("strength", "covered"), [(0.3, True), (0.29, False), (None, True), (0.0, False)])
def test_node_is_covered_from_a_cover_strength_of_0_3_and_a_missing_strength_means_0_5(
    strength: float | None, covered: bool
) -> None:
    ig = Doc().person("p_a").member("m_kam").covers("m_kam", "p_a", strength).graph()
    assert is_covered(ig, "p_a") is covered


def test_knowing_someone_is_not_covering_them() -> None:
    ig = Doc().person("p_a").member("m_kam").knows("m_kam", "p_a", 1.0).graph()
    assert is_covered(ig, "p_a") is False


# -- coverage of a member ------------------------------------------------------------------------


def portfolio() -> Doc:
    """Two accounts; m_kam covers p_dec (fresh), c_buy (30-day cadence, overdue) and p_b of acc_b (never met)."""
    return (
        healthy()
        .account("acc_b")
        .person("p_b", account="acc_b")
        .update_rel("COVERS", "m_kam", "c_buy", last_contact="2026-03-01", cadence_days=30)
        .update_rel("COVERS", "m_kam", "p_dec", last_contact="2026-04-01")
        .covers("m_kam", "p_b", 0.2, last_contact=None)
    )


def test_coverage_of_a_member_lists_each_cover_with_due_date_and_staleness(store: GraphStore) -> None:
    analyst = analyst_for(store, portfolio())
    mine = analyst.coverage("m_kam", as_of=AS_OF)
    assert [
        (node.id, node.account, c.strength, c.last_contact, c.due, c.stale, c.counts) for c, node in mine.covers
    ] == [
        ("c_buy", ACC, 0.6, date(2026, 3, 1), date(2026, 3, 31), True, True),
        ("p_b", "acc_b", 0.2, None, None, True, False),
        ("p_dec", ACC, 0.8, date(2026, 4, 1), date(2026, 6, 30), False, True),
    ]
    assert mine.stale == 2
    assert mine.accounts == (ACC, "acc_b")


def test_coverage_due_date_moves_with_as_of(store: GraphStore) -> None:
    analyst = analyst_for(store, portfolio())
    covers = {node.id: c for c, node in analyst.coverage("m_kam", as_of=date(2026, 7, 1)).covers}
    assert covers["p_dec"].stale is True  # due 2026-06-30, the day before
    covers = {node.id: c for c, node in analyst.coverage("m_kam", as_of=date(2026, 3, 31)).covers}
    assert covers["c_buy"].stale is False  # due that very day


def test_coverage_of_a_non_member_or_unknown_id_is_refused(store: GraphStore) -> None:
    analyst = analyst_for(store, portfolio())
    with pytest.raises(InvalidInput, match="p_dec"):
        analyst.coverage("p_dec", as_of=AS_OF)
    with pytest.raises(NotFound, match="m_ghost"):
        analyst.coverage("m_ghost", as_of=AS_OF)


# -- team coverage --------------------------------------------------------------------------------


def team_doc() -> Doc:
    """m_lead <- m_a <- m_b <- m_c (three levels below the lead); m_other reports to nobody.

    p1: m_lead 0.5, m_a 0.3 (stale) -> overlap; m_other 0.9 is not in the team.
    p2: m_b 0.29 (does not count), m_c 0.5 -> no overlap.
    p3: m_b 0.8, m_c 0.4 -> overlap.
    """
    doc = Doc().person("p1").person("p2").person("p3")
    for m in ("m_lead", "m_a", "m_b", "m_c", "m_other"):
        doc.member(m, "team_lead" if m == "m_lead" else "kam")
    doc.reports_to("m_a", "m_lead").reports_to("m_b", "m_a").reports_to("m_c", "m_b")
    doc.covers("m_lead", "p1", 0.5).covers("m_a", "p1", 0.3, last_contact=days_before(400)).covers("m_other", "p1", 0.9)
    doc.covers("m_b", "p2", 0.29).covers("m_c", "p2", 0.5)
    return doc.covers("m_b", "p3", 0.8).covers("m_c", "p3", 0.4)


def test_team_coverage_rolls_up_everyone_reporting_to_the_lead_directly_or_not(store: GraphStore) -> None:
    team = analyst_for(store, team_doc()).team_coverage("m_lead", as_of=AS_OF)
    assert [mc.member for mc in team.members] == ["m_lead", "m_a", "m_b", "m_c"]
    assert {mc.member: [node.id for _, node in mc.covers] for mc in team.members} == {
        "m_lead": ["p1"],
        "m_a": ["p1"],
        "m_b": ["p2", "p3"],
        "m_c": ["p2", "p3"],
    }


def test_team_coverage_shows_overlaps_where_two_team_members_cover_one_stakeholder(store: GraphStore) -> None:
    team = analyst_for(store, team_doc()).team_coverage("m_lead", as_of=AS_OF)
    assert dict(team.overlaps) == {"p1": ("m_a", "m_lead"), "p3": ("m_b", "m_c")}


def test_team_coverage_load_counts_the_nodes_each_member_covers_at_0_3_or_more(store: GraphStore) -> None:
    team = analyst_for(store, team_doc()).team_coverage("m_lead", as_of=AS_OF)
    assert dict(team.load) == {"m_lead": 1, "m_a": 1, "m_b": 1, "m_c": 2}


def test_team_coverage_of_a_middle_manager_covers_only_their_part_of_the_team(store: GraphStore) -> None:
    team = analyst_for(store, team_doc()).team_coverage("m_b", as_of=AS_OF)
    assert [mc.member for mc in team.members] == ["m_b", "m_c"]
    assert dict(team.overlaps) == {"p3": ("m_b", "m_c")}


# -- account coverage -----------------------------------------------------------------------------


def test_account_coverage_is_a_matrix_of_members_and_key_stakeholders() -> None:
    doc = healthy().member("m_help").covers("m_help", "p_dec", 0.4).person("p_side", power=0.2)
    doc.covers("m_fs", "p_side", 0.9)
    matrix = account_coverage(doc.graph(), AS_OF)
    assert matrix.account == ACC
    assert matrix.members == ("m_exec", "m_fs", "m_help", "m_kam")
    assert matrix.stakeholders == ("c_buy", "p_buy", "p_dec")
    assert {cell: (c.strength, c.stale) for cell, c in matrix.cells.items()} == {
        ("m_kam", "p_dec"): (0.8, False),
        ("m_kam", "c_buy"): (0.6, False),
        ("m_fs", "p_buy"): (0.6, False),
        ("m_help", "p_dec"): (0.4, False),
    }


# -- coverage score -------------------------------------------------------------------------------


def test_account_with_every_key_stakeholder_freshly_covered_scores_100() -> None:
    assert coverage_score(healthy().graph(), AS_OF).score == 100.0


def test_coverage_score_is_the_leverage_weighted_share_of_freshly_covered_key_stakeholders() -> None:
    # Weights 0.1 + leverage: p_dec 0.1 + 17/18, c_buy and p_buy 0.1 + 10/18 each. p_buy's cover is stale:
    # 100 * (0.1 + 17/18 + 0.1 + 10/18) / (0.3 + 37/18) = 72.2
    doc = healthy().update_rel("COVERS", "m_fs", "p_buy", last_contact=days_before(91))
    result = coverage_score(doc.graph(), AS_OF)
    assert result.score == 72.2
    assert result.fresh == ("c_buy", "p_dec")
    assert result.weights == pytest.approx({"c_buy": 0.1 + 10 / 18, "p_buy": 0.1 + 10 / 18, "p_dec": 0.1 + 17 / 18})


def test_cover_below_0_3_does_not_count_for_the_score() -> None:
    doc = healthy().update_rel("COVERS", "m_fs", "p_buy", strength=0.29)
    assert coverage_score(doc.graph(), AS_OF).score == 72.2


def test_account_with_no_key_stakeholder_scores_0_even_when_everyone_is_covered() -> None:
    ig = Doc().person("p_a").member("m_kam").assigned("m_kam").covers("m_kam", "p_a", 1.0).graph()
    assert key_stakeholders(ig) == []
    assert coverage_score(ig, AS_OF).score == 0


def test_account_where_nobody_is_covered_scores_0() -> None:
    ig = Doc().person("p_dec", roles=["decider"]).graph()
    assert coverage_score(ig, AS_OF).score == 0


@pytest.mark.parametrize(("stakeholder", "score"), [("p_dec", 44.3), ("c_buy", 27.8), ("p_buy", 27.8)])
def test_covering_one_key_stakeholder_of_an_uncovered_account_scores_its_weight(stakeholder: str, score: float) -> None:
    # Weights as above, total 0.3 + 37/18: p_dec 100 * (0.1 + 17/18) / total = 44.3, the others 27.8 each.
    bare = healthy().drop_rel("COVERS", "m_kam", "p_dec").drop_rel("COVERS", "m_kam", "c_buy")
    bare.drop_rel("COVERS", "m_fs", "p_buy")
    assert coverage_score(bare.graph(), AS_OF).score == 0
    assert coverage_score(bare.covers("m_fs", stakeholder, 0.3).graph(), AS_OF).score == score


@settings(max_examples=100, deadline=None)
@given(documents(), st.data())
def test_adding_a_cover_never_lowers_the_coverage_score(raw: dict[str, Any], data: st.DataObject) -> None:
    ig = influence_graph(raw)
    before = coverage_score(ig, AS_OF).score
    assert 0 <= before <= 100
    taken = {(r["from"], r["to"]) for r in raw["relations"] if r["type"] == "COVERS"}
    free = [
        (m["id"], n)
        for m in raw["members"]
        for n in sorted(ig.nodes)
        if ig.nodes[n].kind in ("person", "committee", "influencer") and (m["id"], n) not in taken
    ]
    if not free:
        return
    member, node = data.draw(st.sampled_from(free), label="new cover")
    strength = data.draw(st.sampled_from([None, 0.29, 0.3, 0.5, 1.0]), label="strength")
    last = data.draw(st.sampled_from([None, days_before(90), days_before(91), days_before(1)]), label="last contact")
    cover: dict[str, Any] = {"type": "COVERS", "from": member, "to": node}
    if strength is not None:
        cover["strength"] = strength
    if last is not None:
        cover["last_contact"] = last
    raw["relations"].append(cover)
    after = coverage_score(influence_graph(raw), AS_OF).score
    assert 0 <= after <= 100
    assert after >= before
