"""Coverage gaps (DESIGN.md section 3, the gap table), each kind on a small hand-computed account.

Every test starts from ``builders.healthy()`` (no gap at all), changes one
thing and checks the exact list of gaps: (kind, severity, subject, role), in
the documented order, plus the suggested member and path where one exists.
Thresholds are probed exactly at the boundary: covered at 0.3, managed
opponent and strong influencer at 0.5, key person at power 0.7, decision
committee at power 0.5, fresh on the due date.
"""

from __future__ import annotations

import math

import pytest

from graphsvc.analysis import (
    CoverageGap,
    InfluenceGraph,
    coverage_gaps,
    decision_nodes,
    key_stakeholders,
    strongest_paths,
)
from tests.analysis.builders import ACC, AS_OF, Doc, days_before, healthy, hop_view, path_view

HIGH, MEDIUM, LOW = "HIGH", "MEDIUM", "LOW"


def gaps(doc: Doc) -> list[CoverageGap]:
    return coverage_gaps(doc.graph(), AS_OF)


def rows(doc: Doc) -> list[tuple[str, str, str, str | None]]:
    return [(g.kind.value, g.severity.value, g.subject, g.role) for g in gaps(doc)]


def only(doc: Doc, kind: str) -> CoverageGap:
    found = [g for g in gaps(doc) if g.kind.value == kind]
    assert len(found) == 1, found
    return found[0]


def assert_suggests_strongest_team_path(ig: InfluenceGraph, gap: CoverageGap) -> None:
    """The suggestion is the first answer of strongest_paths from the account's team, or nothing."""
    expected = strongest_paths(ig, gap.subject, k=1)
    if not expected:
        assert gap.suggested_member is None
        assert gap.suggested_path is None
        return
    assert gap.suggested_path is not None
    assert gap.suggested_member == expected[0].source
    assert path_view(gap.suggested_path) == path_view(expected[0])
    assert hop_view(gap.suggested_path) == hop_view(expected[0])


def test_healthy_account_has_no_gaps_and_initiator_and_approver_are_not_required() -> None:
    assert rows(healthy()) == []


def test_gap_messages_name_the_subject_for_a_key_account_manager() -> None:
    doc = healthy().update("p_dec", name="Clara Ceo", title="CEO").update_rel("COVERS", "m_kam", "p_dec", strength=0.1)
    gap = only(doc, "UNCOVERED_DECISION_MAKER")
    assert "Clara Ceo" in gap.message
    assert "CEO" in gap.message


# -- UNCOVERED_DECISION_MAKER ---------------------------------------------------------------


def test_decider_covered_only_at_0_29_is_an_uncovered_decision_maker_reached_best_through_a_colleague() -> None:
    doc = healthy().update_rel("COVERS", "m_kam", "p_dec", strength=0.29)
    assert rows(doc) == [("UNCOVERED_DECISION_MAKER", HIGH, "p_dec", None)]
    gap = only(doc, "UNCOVERED_DECISION_MAKER")
    # m_fs -> p_buy (0.6) -> p_dec (REPORTS_TO up, 0.5) = 0.3 beats m_kam's own weak cover of 0.29.
    assert gap.suggested_member == "m_fs"
    assert path_view(gap.suggested_path) == (0.3, ("m_fs", "p_buy", "p_dec"))
    assert_suggests_strongest_team_path(doc.graph(), gap)


def test_decider_covered_at_exactly_0_3_is_covered() -> None:
    doc = healthy().update_rel("COVERS", "m_kam", "p_dec", strength=0.3)
    assert rows(doc) == []


def test_approver_nobody_covers_is_an_uncovered_decision_maker() -> None:
    doc = healthy().person("p_app", roles=["approver"])
    assert rows(doc) == [("UNCOVERED_DECISION_MAKER", HIGH, "p_app", None)]
    gap = only(doc, "UNCOVERED_DECISION_MAKER")
    assert gap.suggested_member is None
    assert gap.suggested_path is None


def test_two_uncovered_decision_makers_are_listed_by_subject_id() -> None:
    doc = healthy().person("p_zed", roles=["approver"]).person("p_abe", roles=["decider"])
    assert rows(doc) == [
        ("UNCOVERED_DECISION_MAKER", HIGH, "p_abe", None),
        ("UNCOVERED_DECISION_MAKER", HIGH, "p_zed", None),
    ]


# -- UNCOVERED_COMMITTEE --------------------------------------------------------------------


def with_technical_committee() -> Doc:
    """healthy() + c_tech (power 0.4, no decision node) whose only member p_x is swayed by p_dec (0.5).

    Neither c_tech nor p_x reaches a decision node, so neither is a key stakeholder.
    """
    return (
        healthy()
        .committee("c_tech", kind="technical", power=0.4)
        .person("p_x", power=0.2)
        .member_of("p_x", "c_tech", "member")
        .influences("p_dec", "p_x", 0.5)
    )


def test_committee_nobody_covers_nor_any_of_its_members_is_an_uncovered_committee() -> None:
    doc = with_technical_committee()
    assert rows(doc) == [("UNCOVERED_COMMITTEE", HIGH, "c_tech", None)]
    gap = only(doc, "UNCOVERED_COMMITTEE")
    # m_kam -> p_dec 0.8 -> p_x 0.5 -> c_tech 0.6 (MEMBER_OF member) = 0.24
    assert gap.suggested_member == "m_kam"
    assert path_view(gap.suggested_path) == (0.24, ("m_kam", "p_dec", "p_x", "c_tech"))
    assert_suggests_strongest_team_path(doc.graph(), gap)


def test_committee_covered_at_0_3_is_no_gap_but_at_0_29_is() -> None:
    assert rows(with_technical_committee().covers("m_fs", "c_tech", 0.3)) == []
    assert rows(with_technical_committee().covers("m_fs", "c_tech", 0.29)) == [
        ("UNCOVERED_COMMITTEE", HIGH, "c_tech", None)
    ]


def test_committee_with_a_member_covered_at_0_3_is_no_gap_but_at_0_29_is() -> None:
    assert rows(with_technical_committee().covers("m_fs", "p_x", 0.3)) == []
    assert rows(with_technical_committee().covers("m_fs", "p_x", 0.29)) == [
        ("UNCOVERED_COMMITTEE", HIGH, "c_tech", None)
    ]


def test_uncovered_committee_of_another_account_is_no_gap_of_this_account() -> None:
    # c_other sways p_dec: it is in the graph and even a key stakeholder (leverage > 0), but not a committee of A.
    doc = healthy().account("acc_b").committee("c_other", account="acc_b").influences("c_other", "p_dec", 0.3)
    ig = doc.graph()
    assert "c_other" in key_stakeholders(ig)
    assert rows(doc) == []


# -- SINGLE_THREADED ------------------------------------------------------------------------


def single_threaded() -> Doc:
    """healthy(), but m_kam also covers p_buy instead of m_fs, who only knows p_buy (0.4)."""
    return healthy().drop_rel("COVERS", "m_fs", "p_buy").covers("m_kam", "p_buy", 0.6).knows("m_fs", "p_buy", 0.4)


def test_one_member_covering_every_key_stakeholder_is_single_threaded() -> None:
    doc = single_threaded()
    assert rows(doc) == [("SINGLE_THREADED", HIGH, ACC, None)]
    gap = only(doc, "SINGLE_THREADED")
    # A second thread must come from someone else: m_fs's strongest path to a key stakeholder, KNOWS p_buy 0.4.
    assert gap.suggested_member == "m_fs"
    assert path_view(gap.suggested_path) == (0.4, ("m_fs", "p_buy"))
    assert hop_view(gap.suggested_path) == [("m_fs", "p_buy", "KNOWS", 0.4)]


def test_second_member_covering_a_key_stakeholder_at_0_3_ends_single_threading() -> None:
    doc = single_threaded().covers("m_fs", "p_dec", 0.3)
    assert rows(doc) == []


def test_second_member_covering_a_key_stakeholder_at_0_29_does_not_count_as_a_thread() -> None:
    doc = single_threaded().covers("m_fs", "p_dec", 0.29)
    assert rows(doc) == [("SINGLE_THREADED", HIGH, ACC, None)]


def test_second_member_covering_only_someone_who_is_not_a_key_stakeholder_leaves_it_single_threaded() -> None:
    doc = single_threaded().person("p_side", power=0.2).covers("m_fs", "p_side", 0.9)
    assert "p_side" not in key_stakeholders(doc.graph())
    assert rows(doc) == [("SINGLE_THREADED", HIGH, ACC, None)]


# -- UNMANAGED_OPPONENT ---------------------------------------------------------------------


@pytest.mark.parametrize("attitude", ["opponent", "skeptic"])
def test_key_opponent_whose_best_cover_is_0_49_is_unmanaged(attitude: str) -> None:
    doc = healthy().update("p_buy", attitude=attitude).update_rel("COVERS", "m_fs", "p_buy", strength=0.49)
    assert rows(doc) == [("UNMANAGED_OPPONENT", HIGH, "p_buy", None)]
    gap = only(doc, "UNMANAGED_OPPONENT")
    # m_kam -> p_dec 0.8 -> p_buy (REPORTS_TO down, 0.7) = 0.56 beats m_fs's cover of 0.49.
    assert gap.suggested_member == "m_kam"
    assert path_view(gap.suggested_path) == (0.56, ("m_kam", "p_dec", "p_buy"))
    assert_suggests_strongest_team_path(doc.graph(), gap)


def test_key_opponent_with_a_cover_of_exactly_0_5_is_managed() -> None:
    doc = healthy().update("p_buy", attitude="opponent").update_rel("COVERS", "m_fs", "p_buy", strength=0.5)
    assert rows(doc) == []


def test_two_weak_covers_of_an_opponent_do_not_add_up_to_managing_him() -> None:
    doc = (
        healthy()
        .update("p_buy", attitude="opponent")
        .update_rel("COVERS", "m_fs", "p_buy", strength=0.49)
        .covers("m_exec", "p_buy", 0.49)
    )
    assert rows(doc) == [("UNMANAGED_OPPONENT", HIGH, "p_buy", None)]


def test_opponent_who_is_not_a_key_stakeholder_is_no_unmanaged_opponent() -> None:
    doc = healthy().person("p_grumpy", attitude="opponent", power=0.5)
    assert "p_grumpy" not in key_stakeholders(doc.graph())
    assert rows(doc) == []


def test_stale_cover_of_0_5_still_manages_an_opponent_but_the_relationship_is_stale() -> None:
    doc = (
        healthy()
        .update("p_buy", attitude="skeptic")
        .update_rel("COVERS", "m_fs", "p_buy", strength=0.5, last_contact=days_before(200))
    )
    assert rows(doc) == [("STALE_RELATIONSHIP", MEDIUM, "p_buy", None)]


# -- UNCOVERED_KEY_STAKEHOLDER --------------------------------------------------------------


def test_person_with_power_0_7_nobody_covers_is_an_uncovered_key_stakeholder_not_a_decision_maker() -> None:
    doc = healthy().person("p_vip", roles=["buyer"], power=0.7)
    assert rows(doc) == [("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_vip", None)]


def test_person_with_power_0_69_and_no_leverage_is_not_a_key_stakeholder() -> None:
    doc = healthy().person("p_vip", roles=["buyer"], power=0.69)
    assert "p_vip" not in key_stakeholders(doc.graph())
    assert rows(doc) == []


def test_person_with_leverage_whom_a_member_only_knows_is_an_uncovered_key_stakeholder() -> None:
    doc = healthy().person("p_adv", power=0.2).influences("p_adv", "p_dec", 0.5).knows("m_fs", "p_adv", 0.25)
    assert rows(doc) == [("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_adv", None)]
    gap = only(doc, "UNCOVERED_KEY_STAKEHOLDER")
    assert path_view(gap.suggested_path) == (0.25, ("m_fs", "p_adv"))
    assert_suggests_strongest_team_path(doc.graph(), gap)


def test_only_the_five_highest_leverage_nodes_are_key_stakeholders_by_leverage() -> None:
    # p_1..p_6 sway p_dec with 0.9..0.4: leverage s * (0.8 + 0.9) / 1.8. Ranked: p_dec .944, p_1 .850,
    # p_2 .756, p_3 .661, p_4 .567, then c_buy and p_buy .556: p_buy drops out, c_buy stays as a decision node.
    doc = healthy()
    for i, s in enumerate([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], start=1):
        doc.person(f"p_{i}", power=0.2).influences(f"p_{i}", "p_dec", s)
    ig = doc.graph()
    assert key_stakeholders(ig) == ["c_buy", "p_1", "p_2", "p_3", "p_4", "p_dec"]
    # m_fs's cover of p_buy no longer covers a key stakeholder, so m_kam is the only thread.
    assert rows(doc) == [
        ("SINGLE_THREADED", HIGH, ACC, None),
        ("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_1", None),
        ("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_2", None),
        ("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_3", None),
        ("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_4", None),
    ]


# -- UNCOVERED_EXTERNAL_INFLUENCER ----------------------------------------------------------


def with_planner(strength: float | None) -> Doc:
    """healthy() + p_user (sways nobody) whom the planner i_plan influences: i_plan has no leverage."""
    return (
        healthy()
        .person("p_user", roles=["user"], power=0.3)
        .influencer("i_plan", "planner", organization="Plan & Co")
        .influences("i_plan", "p_user", strength)
    )


def test_influencer_with_an_influence_of_0_5_into_the_account_nobody_covers_or_knows_is_a_gap() -> None:
    doc = with_planner(0.5)
    assert "i_plan" not in key_stakeholders(doc.graph())
    assert rows(doc) == [("UNCOVERED_EXTERNAL_INFLUENCER", MEDIUM, "i_plan", None)]
    gap = only(doc, "UNCOVERED_EXTERNAL_INFLUENCER")
    assert gap.suggested_path is None
    assert "Plan & Co" in gap.message


def test_influence_without_a_strength_counts_as_0_5_and_makes_the_influencer_strong() -> None:
    assert rows(with_planner(None)) == [("UNCOVERED_EXTERNAL_INFLUENCER", MEDIUM, "i_plan", None)]


def test_influencer_with_only_an_influence_of_0_49_and_no_leverage_is_no_gap() -> None:
    assert rows(with_planner(0.49)) == []


def test_influencer_known_at_0_3_is_no_gap_but_known_at_0_29_is_and_the_acquaintance_is_the_way_in() -> None:
    assert rows(with_planner(0.5).knows("m_fs", "i_plan", 0.3)) == []
    doc = with_planner(0.5).knows("m_fs", "i_plan", 0.29)
    assert rows(doc) == [("UNCOVERED_EXTERNAL_INFLUENCER", MEDIUM, "i_plan", None)]
    gap = only(doc, "UNCOVERED_EXTERNAL_INFLUENCER")
    assert gap.suggested_member == "m_fs"
    assert hop_view(gap.suggested_path) == [("m_fs", "i_plan", "KNOWS", 0.29)]
    assert_suggests_strongest_team_path(doc.graph(), gap)


def test_influencer_covered_at_0_3_is_no_gap_but_covered_at_0_29_is() -> None:
    assert rows(with_planner(0.5).covers("m_fs", "i_plan", 0.3)) == []
    assert rows(with_planner(0.5).covers("m_fs", "i_plan", 0.29)) == [
        ("UNCOVERED_EXTERNAL_INFLUENCER", MEDIUM, "i_plan", None)
    ]


def with_association(role: str, strength: float | None = None) -> Doc:
    """healthy() + committee c_norms (power 0.4, covered) where the association i_assoc sits with ``role``."""
    return (
        healthy()
        .committee("c_norms", kind="technical", power=0.4)
        .covers("m_kam", "c_norms", 0.6)
        .influencer("i_assoc", "association")
        .member_of("i_assoc", "c_norms", role, strength)
    )


def test_association_sitting_on_a_committee_as_member_weighs_0_6_and_is_a_gap() -> None:
    assert rows(with_association("member")) == [("UNCOVERED_EXTERNAL_INFLUENCER", MEDIUM, "i_assoc", None)]


def test_association_sitting_on_a_committee_as_advisor_weighs_0_4_and_is_no_gap() -> None:
    assert rows(with_association("advisor")) == []


def test_association_advising_a_committee_with_an_explicit_strength_of_0_5_is_a_gap() -> None:
    assert rows(with_association("advisor", 0.5)) == [("UNCOVERED_EXTERNAL_INFLUENCER", MEDIUM, "i_assoc", None)]


def test_influencer_with_a_weak_influence_but_leverage_is_a_key_stakeholder_and_a_gap() -> None:
    # i_key -> p_dec 0.3: leverage (0.8 * 0.3 + 1.0 * 0.3 * 0.9) / 1.8 = 0.2833 > 0, in the top five.
    doc = healthy().influencer("i_key", "association").influences("i_key", "p_dec", 0.3)
    assert "i_key" in key_stakeholders(doc.graph())
    assert rows(doc) == [("UNCOVERED_EXTERNAL_INFLUENCER", MEDIUM, "i_key", None)]


def test_influencer_swaying_only_another_account_is_no_gap_here() -> None:
    doc = healthy().account("acc_b").person("p_b", account="acc_b").influencer("i_b").influences("i_b", "p_b", 0.9)
    assert rows(doc) == []


# -- STALE_RELATIONSHIP ---------------------------------------------------------------------


def test_cover_due_exactly_on_the_as_of_date_is_fresh() -> None:
    # last contact 90 days ago + default cadence 90 = due today.
    assert rows(healthy().update_rel("COVERS", "m_kam", "p_dec", last_contact=days_before(90))) == []


def test_cover_due_the_day_before_as_of_is_a_stale_relationship_renewed_by_its_member() -> None:
    doc = healthy().update_rel("COVERS", "m_kam", "p_dec", last_contact=days_before(91))
    assert rows(doc) == [("STALE_RELATIONSHIP", MEDIUM, "p_dec", None)]
    gap = only(doc, "STALE_RELATIONSHIP")
    assert gap.suggested_member == "m_kam"
    assert hop_view(gap.suggested_path) == [("m_kam", "p_dec", "COVERS", 0.8)]
    assert days_before(91) in gap.message


def test_cover_without_a_last_contact_is_stale() -> None:
    doc = healthy().update_rel("COVERS", "m_kam", "p_dec", last_contact=None)
    assert rows(doc) == [("STALE_RELATIONSHIP", MEDIUM, "p_dec", None)]
    assert "never" in only(doc, "STALE_RELATIONSHIP").message


def test_cover_with_a_30_day_cadence_is_fresh_on_day_30_and_stale_on_day_31() -> None:
    fresh = healthy().update_rel("COVERS", "m_kam", "p_dec", last_contact=days_before(30), cadence_days=30)
    stale = healthy().update_rel("COVERS", "m_kam", "p_dec", last_contact=days_before(31), cadence_days=30)
    assert rows(fresh) == []
    assert rows(stale) == [("STALE_RELATIONSHIP", MEDIUM, "p_dec", None)]


def test_stale_cover_of_a_committee_that_is_a_key_stakeholder_is_a_stale_relationship() -> None:
    doc = healthy().update_rel("COVERS", "m_kam", "c_buy", last_contact=days_before(120))
    assert rows(doc) == [("STALE_RELATIONSHIP", MEDIUM, "c_buy", None)]


def test_one_fresh_cover_of_0_3_by_a_colleague_keeps_the_relationship_alive() -> None:
    doc = healthy().update_rel("COVERS", "m_kam", "p_dec", last_contact=days_before(91)).covers("m_fs", "p_dec", 0.3)
    assert rows(doc) == []


def test_fresh_cover_of_0_29_does_not_save_a_stale_relationship() -> None:
    doc = healthy().update_rel("COVERS", "m_kam", "p_dec", last_contact=days_before(91)).covers("m_fs", "p_dec", 0.29)
    assert rows(doc) == [("STALE_RELATIONSHIP", MEDIUM, "p_dec", None)]
    assert only(doc, "STALE_RELATIONSHIP").suggested_member == "m_kam"


def test_stale_cover_of_someone_who_is_not_a_key_stakeholder_is_no_gap() -> None:
    doc = healthy().person("p_side", power=0.2).covers("m_fs", "p_side", 0.9, last_contact=days_before(400))
    assert rows(doc) == []


def test_stale_relationship_suggestion_reports_a_path_whose_strength_is_the_product_of_its_hops() -> None:
    # m_kam also knows p_dec well (0.9): the edge m_kam -> p_dec weighs 0.9 (strongest edge wins).
    doc = healthy().update_rel("COVERS", "m_kam", "p_dec", last_contact=days_before(91)).knows("m_kam", "p_dec", 0.9)
    gap = only(doc, "STALE_RELATIONSHIP")
    assert gap.suggested_path is not None
    assert gap.suggested_path.strength == pytest.approx(math.prod(h.weight for h in gap.suggested_path.hops))


# -- UNCOVERED_SITE -------------------------------------------------------------------------


def with_site() -> Doc:
    """healthy() + site s_b with p_site (power 0.7: key) and p_local reporting to p_site; m_kam knows p_local."""
    return (
        healthy()
        .site("s_b", city="Lyon", country="FR")
        .person("p_site", site="s_b", roles=["initiator"], power=0.7)
        .person("p_local", site="s_b", power=0.2)
        .reports_to("p_local", "p_site")
        .knows("m_kam", "p_local", 0.5)
    )


def test_site_with_a_key_stakeholder_and_nobody_covered_there_is_an_uncovered_site() -> None:
    doc = with_site()
    assert rows(doc) == [
        ("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_site", None),
        ("UNCOVERED_SITE", MEDIUM, "s_b", None),
    ]
    gap = only(doc, "UNCOVERED_SITE")
    # m_kam -> p_local (KNOWS 0.5) -> p_site (REPORTS_TO up 0.5) = 0.25
    assert gap.suggested_member == "m_kam"
    assert path_view(gap.suggested_path) == (0.25, ("m_kam", "p_local", "p_site"))
    assert "Lyon" in gap.message


def test_site_where_someone_is_covered_at_0_3_is_no_uncovered_site() -> None:
    doc = with_site().covers("m_fs", "p_local", 0.3)
    assert rows(doc) == [("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_site", None)]


def test_site_where_someone_is_covered_only_at_0_29_is_an_uncovered_site() -> None:
    doc = with_site().covers("m_fs", "p_local", 0.29)
    assert rows(doc) == [
        ("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_site", None),
        ("UNCOVERED_SITE", MEDIUM, "s_b", None),
    ]


def test_site_without_key_stakeholders_is_no_gap_even_if_nobody_there_is_covered() -> None:
    doc = healthy().site("s_c").person("p_nobody", site="s_c", power=0.2)
    assert rows(doc) == []


# -- NO_CHAMPION ----------------------------------------------------------------------------


def test_account_without_a_champion_gets_no_champion_with_a_path_to_its_strongest_supporter() -> None:
    doc = healthy().update("p_dec", attitude="supporter").update("p_buy", attitude="supporter")
    assert rows(doc) == [("NO_CHAMPION", MEDIUM, ACC, None)]
    gap = only(doc, "NO_CHAMPION")
    # Both support us; p_dec has the higher leverage (0.944 > 0.556).
    assert gap.suggested_member == "m_kam"
    assert path_view(gap.suggested_path) == (0.8, ("m_kam", "p_dec"))


def test_no_champion_suggests_the_strongest_team_path_to_the_supporter() -> None:
    doc = healthy().update("p_dec", attitude="neutral").update("p_buy", attitude="supporter")
    gap = only(doc, "NO_CHAMPION")
    # m_fs -> p_buy 0.6 beats m_kam -> p_dec -> p_buy 0.56.
    assert path_view(gap.suggested_path) == (0.6, ("m_fs", "p_buy"))


def test_champion_of_another_account_does_not_count_as_a_champion_here() -> None:
    doc = (
        healthy()
        .update("p_dec", attitude="neutral")
        .account("acc_b")
        .person("p_b", account="acc_b", attitude="champion")
        .influences("p_b", "p_dec", 0.5)
    )
    assert rows(doc) == [
        ("NO_CHAMPION", MEDIUM, ACC, None),
        ("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_b", None),
    ]
    assert only(doc, "NO_CHAMPION").suggested_path is None


# -- NO_EXECUTIVE_SPONSOR -------------------------------------------------------------------


def test_account_without_an_assigned_executive_sponsor_gets_no_executive_sponsor() -> None:
    doc = healthy().drop_rel("ASSIGNED_TO", "m_exec", ACC)
    assert rows(doc) == [("NO_EXECUTIVE_SPONSOR", MEDIUM, ACC, None)]
    assert only(doc, "NO_EXECUTIVE_SPONSOR").suggested_path is None


def test_executive_sponsor_covering_a_decision_maker_at_0_3_is_enough() -> None:
    doc = healthy().drop_rel("ASSIGNED_TO", "m_exec", ACC).covers("m_exec", "p_dec", 0.3)
    assert rows(doc) == []


def test_executive_sponsor_covering_a_decision_maker_at_0_29_is_not_enough() -> None:
    doc = healthy().drop_rel("ASSIGNED_TO", "m_exec", ACC).covers("m_exec", "p_dec", 0.29)
    assert rows(doc) == [("NO_EXECUTIVE_SPONSOR", MEDIUM, ACC, None)]
    gap = only(doc, "NO_EXECUTIVE_SPONSOR")
    assert gap.suggested_member == "m_exec"
    assert path_view(gap.suggested_path) == (0.29, ("m_exec", "p_dec"))


def test_executive_sponsor_covering_only_a_non_decision_node_is_not_enough() -> None:
    doc = healthy().drop_rel("ASSIGNED_TO", "m_exec", ACC).covers("m_exec", "p_buy", 0.8)
    assert rows(doc) == [("NO_EXECUTIVE_SPONSOR", MEDIUM, ACC, None)]
    # Strongest path from the sponsor to a decision node: m_exec -> p_buy 0.8 -> c_buy 0.6 = 0.48 (p_dec: 0.4).
    assert path_view(only(doc, "NO_EXECUTIVE_SPONSOR").suggested_path) == (0.48, ("m_exec", "p_buy", "c_buy"))


def test_executive_sponsor_covering_a_committee_of_power_0_5_covers_a_decision_node() -> None:
    doc = healthy().update("c_buy", power=0.5).drop_rel("ASSIGNED_TO", "m_exec", ACC).covers("m_exec", "c_buy", 0.8)
    assert rows(doc) == []


def test_executive_sponsor_covering_a_committee_of_power_0_49_covers_no_decision_node() -> None:
    doc = healthy().update("c_buy", power=0.49).drop_rel("ASSIGNED_TO", "m_exec", ACC).covers("m_exec", "c_buy", 0.8)
    assert decision_nodes(doc.graph()) == ["p_dec"]
    assert rows(doc) == [("NO_EXECUTIVE_SPONSOR", MEDIUM, ACC, None)]


# -- MISSING_BUYING_ROLE --------------------------------------------------------------------


def test_no_decider_is_a_high_missing_buying_role_even_with_an_approver() -> None:
    doc = healthy().update("p_dec", roles=["approver"])
    assert decision_nodes(doc.graph()) == ["c_buy", "p_dec"]
    assert rows(doc) == [("MISSING_BUYING_ROLE", HIGH, ACC, "decider")]


def test_no_gatekeeper_is_a_low_missing_buying_role() -> None:
    doc = healthy().update("p_buy", roles=["buyer", "user", "influencer"])
    assert rows(doc) == [("MISSING_BUYING_ROLE", LOW, ACC, "gatekeeper")]


def test_each_missing_buying_role_is_its_own_gap_ordered_by_role() -> None:
    doc = healthy().update("p_buy", roles=None)
    assert rows(doc) == [
        ("MISSING_BUYING_ROLE", LOW, ACC, "buyer"),
        ("MISSING_BUYING_ROLE", LOW, ACC, "gatekeeper"),
        ("MISSING_BUYING_ROLE", LOW, ACC, "influencer"),
        ("MISSING_BUYING_ROLE", LOW, ACC, "user"),
    ]


def test_buying_role_held_only_by_a_person_of_another_account_is_still_missing() -> None:
    doc = (
        healthy()
        .update("p_buy", roles=["buyer", "user", "influencer"])
        .account("acc_b")
        .person("p_gate", account="acc_b", roles=["gatekeeper"])
        .influences("p_gate", "p_buy", 0.5)
    )
    assert rows(doc) == [
        ("UNCOVERED_KEY_STAKEHOLDER", MEDIUM, "p_gate", None),
        ("MISSING_BUYING_ROLE", LOW, ACC, "gatekeeper"),
    ]


# -- order -----------------------------------------------------------------------------------


def test_gaps_are_ordered_by_severity_then_kind_then_subject() -> None:
    # No team at all; p_b (decider, opponent, power 0.9) and p_a (decider): D = K = {p_a, p_b}.
    doc = Doc().person("p_b", roles=["decider"], attitude="opponent", power=0.9).person("p_a", roles=["decider"])
    assert rows(doc) == [
        ("SINGLE_THREADED", HIGH, ACC, None),
        ("UNCOVERED_DECISION_MAKER", HIGH, "p_a", None),
        ("UNCOVERED_DECISION_MAKER", HIGH, "p_b", None),
        ("UNMANAGED_OPPONENT", HIGH, "p_b", None),
        ("NO_CHAMPION", MEDIUM, ACC, None),
        ("NO_EXECUTIVE_SPONSOR", MEDIUM, ACC, None),
        ("MISSING_BUYING_ROLE", LOW, ACC, "buyer"),
        ("MISSING_BUYING_ROLE", LOW, ACC, "gatekeeper"),
        ("MISSING_BUYING_ROLE", LOW, ACC, "influencer"),
        ("MISSING_BUYING_ROLE", LOW, ACC, "user"),
    ]
    assert all(g.suggested_path is None for g in gaps(doc))


def test_every_node_gap_suggests_the_first_strongest_team_path_on_a_busy_account() -> None:
    doc = (
        with_site()
        .update("p_buy", attitude="opponent")
        .update_rel("COVERS", "m_fs", "p_buy", strength=0.49)
        .update_rel("COVERS", "m_kam", "p_dec", strength=0.29)
        .committee("c_tech", kind="technical", power=0.4)
        .person("p_x", power=0.2)
        .member_of("p_x", "c_tech", "member")
        .influences("p_dec", "p_x", 0.5)
        .influencer("i_plan")
        .influences("i_plan", "p_x", 0.5)
        .knows("m_exec", "i_plan", 0.2)
    )
    ig = doc.graph()
    found = coverage_gaps(ig, AS_OF)
    node_kinds = {
        "UNCOVERED_DECISION_MAKER",
        "UNCOVERED_COMMITTEE",
        "UNMANAGED_OPPONENT",
        "UNCOVERED_KEY_STAKEHOLDER",
        "UNCOVERED_EXTERNAL_INFLUENCER",
    }
    checked = [g for g in found if g.kind.value in node_kinds]
    assert {(g.kind.value, g.subject) for g in checked} == {
        ("UNCOVERED_DECISION_MAKER", "p_dec"),
        ("UNCOVERED_COMMITTEE", "c_tech"),
        ("UNMANAGED_OPPONENT", "p_buy"),
        ("UNCOVERED_KEY_STAKEHOLDER", "p_site"),
        ("UNCOVERED_EXTERNAL_INFLUENCER", "i_plan"),
    }
    for gap in checked:
        assert_suggests_strongest_team_path(ig, gap)
