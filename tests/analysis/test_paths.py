"""Influence paths (DESIGN.md section 3) and the edges of the influence graph they walk (section 2).

Each test builds a small account where the answer can be worked out by hand:
the k strongest simple paths from our team, strength = product of the edge
weights, at most ``max_hops`` edges, through no other member; ordered by
strength, then fewer hops, then the node-id sequence.
"""

from __future__ import annotations

import pytest

from graphsvc.analysis import InfluenceGraph, strongest_paths
from graphsvc.errors import InvalidInput, NotFound
from tests.analysis.builders import ACC, Doc, hop_view, path_view


def views(ig: InfluenceGraph, target: str, **kwargs: object) -> list[tuple[float, tuple[str, ...]]]:
    return [path_view(p) for p in strongest_paths(ig, target, **kwargs)]  # type: ignore[arg-type, misc]


def team(*members: str) -> Doc:
    doc = Doc()
    for m in members:
        doc.member(m).assigned(m)
    return doc


# -- order and tie-breaks --------------------------------------------------------------------


def fan() -> Doc:
    """m_kam reaches p_t directly (0.25) and through p_a, p_b, p_c (each 0.25 in total) and p_d (0.27)."""
    return (
        team("m_kam")
        .person("p_t")
        .person("p_a")
        .person("p_b")
        .person("p_c")
        .person("p_d")
        .covers("m_kam", "p_t", 0.25)
        .covers("m_kam", "p_c", 1.0)
        .covers("m_kam", "p_b", 0.5)
        .covers("m_kam", "p_a", 0.5)
        .covers("m_kam", "p_d", 0.9)
        .influences("p_c", "p_t", 0.25)
        .influences("p_b", "p_t", 0.5)
        .influences("p_a", "p_t", 0.5)
        .influences("p_d", "p_t", 0.3)
    )


def test_paths_are_ordered_by_strength_then_fewer_hops_then_node_ids() -> None:
    assert views(fan().graph(), "p_t", k=5) == [
        (0.27, ("m_kam", "p_d", "p_t")),
        (0.25, ("m_kam", "p_t")),
        (0.25, ("m_kam", "p_a", "p_t")),
        (0.25, ("m_kam", "p_b", "p_t")),
        (0.25, ("m_kam", "p_c", "p_t")),
    ]


def test_k_keeps_only_the_strongest_paths() -> None:
    assert views(fan().graph(), "p_t", k=3) == [
        (0.27, ("m_kam", "p_d", "p_t")),
        (0.25, ("m_kam", "p_t")),
        (0.25, ("m_kam", "p_a", "p_t")),
    ]


def test_default_k_is_three() -> None:
    assert len(strongest_paths(fan().graph(), "p_t")) == 3


def test_each_hop_reports_from_to_relation_type_and_weight() -> None:
    first = strongest_paths(fan().graph(), "p_t", k=1)[0]
    assert hop_view(first) == [("m_kam", "p_d", "COVERS", 0.9), ("p_d", "p_t", "INFLUENCES", 0.3)]
    assert first.strength == pytest.approx(0.27)


def test_equal_paths_from_two_members_are_ordered_by_the_source_id() -> None:
    doc = team("m_zoe", "m_abe").person("p_t").covers("m_zoe", "p_t", 0.5).covers("m_abe", "p_t", 0.5)
    assert views(doc.graph(), "p_t") == [(0.5, ("m_abe", "p_t")), (0.5, ("m_zoe", "p_t"))]


def test_strengths_equal_up_to_rounding_count_as_equal() -> None:
    # 0.2 * 0.9 (two hops) is 0.18000000000000002 as a float, a hair above 0.18 (one hop): a tie, fewer hops win.
    assert 0.2 * 0.9 > 0.18
    doc = (
        team("m_kam")
        .person("p_t")
        .person("p_a")
        .covers("m_kam", "p_a", 0.2)
        .influences("p_a", "p_t", 0.9)
        .covers("m_kam", "p_t", 0.18)
    )
    assert [p.nodes for p in strongest_paths(doc.graph(), "p_t")] == [("m_kam", "p_t"), ("m_kam", "p_a", "p_t")]


# -- hop limit ---------------------------------------------------------------------------------


def chain() -> Doc:
    """m_kam -> p_1 -> p_2 -> p_3 -> p_t, every edge 1.0 (4 hops), and a direct weak cover of 0.1."""
    doc = team("m_kam").person("p_t").person("p_1").person("p_2").person("p_3")
    doc.covers("m_kam", "p_1", 1.0).influences("p_1", "p_2", 1.0).influences("p_2", "p_3", 1.0)
    return doc.influences("p_3", "p_t", 1.0).covers("m_kam", "p_t", 0.1)


def test_path_of_exactly_max_hops_edges_is_found() -> None:
    assert views(chain().graph(), "p_t", max_hops=4) == [
        (1.0, ("m_kam", "p_1", "p_2", "p_3", "p_t")),
        (0.1, ("m_kam", "p_t")),
    ]


def test_path_longer_than_max_hops_is_left_out() -> None:
    assert views(chain().graph(), "p_t", max_hops=3) == [(0.1, ("m_kam", "p_t"))]


def test_default_max_hops_is_four() -> None:
    doc = chain().person("p_4").drop_rel("INFLUENCES", "p_3", "p_t").influences("p_3", "p_4", 1.0)
    doc.influences("p_4", "p_t", 1.0)
    assert views(doc.graph(), "p_t") == [(0.1, ("m_kam", "p_t"))]
    assert views(doc.graph(), "p_t", max_hops=5)[0] == (1.0, ("m_kam", "p_1", "p_2", "p_3", "p_4", "p_t"))


def test_one_hop_limit_keeps_only_direct_relationships() -> None:
    assert views(chain().graph(), "p_2", max_hops=1) == []
    assert views(chain().graph(), "p_1", max_hops=1) == [(1.0, ("m_kam", "p_1"))]


@pytest.mark.parametrize(
    ("k", "max_hops", "word"), [(0, 4, "k"), (-1, 4, "k"), (3, 0, "max_hops"), (3, -2, "max_hops")]
)
def test_k_or_max_hops_below_one_is_rejected(k: int, max_hops: int, word: str) -> None:
    with pytest.raises(InvalidInput, match=word):
        strongest_paths(chain().graph(), "p_t", k=k, max_hops=max_hops)


# -- members ---------------------------------------------------------------------------------


def relay() -> Doc:
    """m_kam -> p_a (0.9); m_two knows p_a (0.9, so p_a -> m_two) and covers p_t (0.9); m_kam covers p_t (0.1)."""
    return (
        team("m_kam", "m_two")
        .person("p_a")
        .person("p_t")
        .covers("m_kam", "p_a", 0.9)
        .knows("m_two", "p_a", 0.9)
        .covers("m_two", "p_t", 0.9)
        .covers("m_kam", "p_t", 0.1)
    )


def test_path_never_passes_through_another_member() -> None:
    assert views(relay().graph(), "p_t", sources=["m_kam"]) == [(0.1, ("m_kam", "p_t"))]


def test_paths_start_at_every_assigned_member_by_default() -> None:
    assert views(relay().graph(), "p_t") == [(0.9, ("m_two", "p_t")), (0.1, ("m_kam", "p_t"))]


def test_default_sources_are_only_the_members_assigned_to_the_account() -> None:
    doc = team("m_kam").person("p_t").member("m_out").covers("m_out", "p_t", 0.9).covers("m_kam", "p_t", 0.2)
    assert views(doc.graph(), "p_t") == [(0.2, ("m_kam", "p_t"))]
    assert views(doc.graph(), "p_t", sources=["m_out"]) == [(0.9, ("m_out", "p_t"))]


def test_team_member_sitting_on_a_committee_starts_a_path_with_member_of() -> None:
    doc = team("m_kam").committee("c_t").member_of("m_kam", "c_t", "advisor")
    [path] = strongest_paths(doc.graph(), "c_t")
    assert hop_view(path) == [("m_kam", "c_t", "MEMBER_OF", 0.4)]


def test_source_that_is_not_a_member_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="p_a"):
        strongest_paths(relay().graph(), "p_t", sources=["p_a"])


# -- cross-account influence -------------------------------------------------------------------


def cross_account() -> Doc:
    """Account A (p_dec) and B (p_ceo_b). The planner i_plan sways p_ceo_b, who sways p_dec.

    i_plan belongs to A's graph (it also influences p_dec weakly); i_far only sways p_ceo_b, so it does not.
    """
    return (
        team("m_kam")
        .account("acc_b")
        .person("p_dec", roles=["decider"])
        .person("p_ceo_b", account="acc_b")
        .influencer("i_plan")
        .influencer("i_far")
        .knows("m_kam", "i_plan", 0.8)
        .influences("i_plan", "p_ceo_b", 0.9)
        .influences("i_plan", "p_dec", 0.1)
        .influences("p_ceo_b", "p_dec", 0.7)
        .knows("m_kam", "i_far", 1.0)
        .influences("i_far", "p_ceo_b", 1.0)
    )


def test_path_runs_through_an_external_influencer_and_a_person_of_another_account() -> None:
    assert views(cross_account().graph(), "p_dec") == [
        (0.504, ("m_kam", "i_plan", "p_ceo_b", "p_dec")),
        (0.08, ("m_kam", "i_plan", "p_dec")),
    ]


def test_person_of_another_account_in_the_graph_can_be_a_target() -> None:
    assert views(cross_account().graph(), "p_ceo_b") == [(0.72, ("m_kam", "i_plan", "p_ceo_b"))]


def test_influencer_without_a_relation_into_the_account_is_not_in_its_graph() -> None:
    with pytest.raises(NotFound, match="i_far"):
        strongest_paths(cross_account().graph(), "i_far")


def test_member_covering_someone_of_another_account_who_sways_this_one_reaches_it() -> None:
    doc = cross_account().member("m_b").covers("m_b", "p_ceo_b", 1.0)
    assert views(doc.graph(), "p_dec", sources=["m_b"]) == [(0.7, ("m_b", "p_ceo_b", "p_dec"))]


# -- derived REPORTS_TO edges -----------------------------------------------------------------


def hierarchy(strength: float | None = None) -> Doc:
    """p_low reports to p_boss; m_kam covers each of them (1.0) so paths expose the derived edges."""
    doc = team("m_kam").person("p_low").person("p_boss").reports_to("p_low", "p_boss", strength)
    return doc.covers("m_kam", "p_low", 1.0).covers("m_kam", "p_boss", 1.0)


def hops_to(doc: Doc, target: str, via: str) -> list[tuple[str, str, str, float]]:
    path = next(p for p in strongest_paths(doc.graph(), target, k=5) if via in p.nodes)
    return hop_view(path)[1:]


def test_reports_to_without_strength_derives_an_upward_edge_of_0_5() -> None:
    assert hops_to(hierarchy(), "p_boss", "p_low") == [("p_low", "p_boss", "REPORTS_TO", 0.5)]


def test_reports_to_with_strength_derives_an_upward_edge_of_that_strength() -> None:
    assert hops_to(hierarchy(0.8), "p_boss", "p_low") == [("p_low", "p_boss", "REPORTS_TO", 0.8)]


@pytest.mark.parametrize("strength", [None, 0.2])
def test_reports_to_derives_a_downward_edge_of_0_7_whatever_its_strength(strength: float | None) -> None:
    assert hops_to(hierarchy(strength), "p_low", "p_boss") == [("p_boss", "p_low", "REPORTS_TO", 0.7)]


def test_explicit_upward_influence_replaces_the_derived_edge_even_when_weaker() -> None:
    doc = hierarchy(0.8).influences("p_low", "p_boss", 0.2)
    assert hops_to(doc, "p_boss", "p_low") == [("p_low", "p_boss", "INFLUENCES", 0.2)]
    assert hops_to(doc, "p_low", "p_boss") == [("p_boss", "p_low", "REPORTS_TO", 0.7)]


def test_explicit_downward_influence_replaces_the_derived_downward_edge() -> None:
    doc = hierarchy().influences("p_boss", "p_low", 0.1)
    assert hops_to(doc, "p_low", "p_boss") == [("p_boss", "p_low", "INFLUENCES", 0.1)]
    assert hops_to(doc, "p_boss", "p_low") == [("p_low", "p_boss", "REPORTS_TO", 0.5)]


def test_reports_to_between_team_members_is_no_influence_edge() -> None:
    doc = team("m_kam", "m_lead").reports_to("m_kam", "m_lead").person("p_t").covers("m_kam", "p_t", 0.5)
    ig = doc.graph()
    assert not ig.graph.has_edge("m_kam", "m_lead")
    assert not ig.graph.has_edge("m_lead", "m_kam")
    assert views(ig, "p_t") == [(0.5, ("m_kam", "p_t"))]


# -- MEMBER_OF weights and parallel edges -------------------------------------------------------


def test_member_of_weighs_0_9_for_a_chair_0_6_for_a_member_and_0_4_for_an_advisor() -> None:
    doc = team("m_kam").committee("c_t")
    for role in ("chair", "member", "advisor"):
        doc.person(f"p_{role}").member_of(f"p_{role}", "c_t", role).covers("m_kam", f"p_{role}", 1.0)
    assert views(doc.graph(), "c_t") == [
        (0.9, ("m_kam", "p_chair", "c_t")),
        (0.6, ("m_kam", "p_member", "c_t")),
        (0.4, ("m_kam", "p_advisor", "c_t")),
    ]


def test_member_of_with_a_strength_uses_it_instead_of_the_role_weight() -> None:
    doc = team("m_kam").committee("c_t").person("p_c").member_of("p_c", "c_t", "chair", 0.3)
    doc.covers("m_kam", "p_c", 1.0)
    assert views(doc.graph(), "c_t") == [(0.3, ("m_kam", "p_c", "c_t"))]


def test_strongest_edge_wins_between_covers_and_knows() -> None:
    doc = team("m_kam").person("p_t").covers("m_kam", "p_t", 0.4).knows("m_kam", "p_t", 0.6)
    [path] = strongest_paths(doc.graph(), "p_t")
    assert hop_view(path) == [("m_kam", "p_t", "KNOWS", 0.6)]


@pytest.mark.parametrize(
    ("influence", "expected"), [(0.8, ("INFLUENCES", 0.8)), (0.3, ("MEMBER_OF", 0.6))], ids=["influences", "member_of"]
)
def test_strongest_edge_wins_between_member_of_and_influences(influence: float, expected: tuple[str, float]) -> None:
    doc = team("m_kam").committee("c_t").person("p_a").covers("m_kam", "p_a", 1.0)
    doc.member_of("p_a", "c_t", "member").influences("p_a", "c_t", influence)
    [path] = strongest_paths(doc.graph(), "c_t")
    assert hop_view(path)[1][2:] == expected


def test_missing_strengths_on_covers_knows_and_influences_mean_0_5() -> None:
    doc = team("m_kam").person("p_a").person("p_t").influencer("i_x")
    doc.covers("m_kam", "p_a").knows("m_kam", "i_x").influences("p_a", "p_t").influences("i_x", "p_t")
    assert [hop_view(p) for p in strongest_paths(doc.graph(), "p_t")] == [
        [("m_kam", "i_x", "KNOWS", 0.5), ("i_x", "p_t", "INFLUENCES", 0.5)],
        [("m_kam", "p_a", "COVERS", 0.5), ("p_a", "p_t", "INFLUENCES", 0.5)],
    ]


# -- no path, unknown target --------------------------------------------------------------------


def test_unreachable_target_gives_an_empty_answer_not_an_error() -> None:
    doc = team("m_kam").person("p_t").person("p_a").covers("m_kam", "p_a", 0.9).influences("p_t", "p_a", 0.9)
    assert strongest_paths(doc.graph(), "p_t") == []


def test_account_without_a_team_gives_an_empty_answer() -> None:
    assert strongest_paths(Doc().person("p_t").graph(), "p_t") == []


def test_unknown_target_is_not_found_with_a_message_naming_it_and_the_account() -> None:
    with pytest.raises(NotFound) as info:
        strongest_paths(fan().graph(), "p_nobody")
    assert "p_nobody" in str(info.value)
    assert ACC in str(info.value)


@pytest.mark.parametrize("target", ["m_kam", "s_main"])
def test_target_that_is_a_member_or_a_site_is_rejected(target: str) -> None:
    ig = fan().site("s_main").graph()
    with pytest.raises(InvalidInput, match=target):
        strongest_paths(ig, target)
