"""Leverage, its explanation, decision nodes and key stakeholders on hand-computed accounts (DESIGN.md section 3).

In ``healthy()`` the decision nodes are p_dec (power 0.8) and c_buy (1.0),
and the influence edges are p_dec -> c_buy 0.9 (chair), p_buy -> c_buy 0.6
(member), p_buy -> p_dec 0.5 (reports to, upward), p_dec -> p_buy 0.7
(downward).
"""

from __future__ import annotations

import pytest

from graphsvc.analysis import decision_nodes, explain_leverage, key_stakeholders, leverage
from graphsvc.errors import NotFound
from tests.analysis.builders import Doc, healthy


def scores(doc: Doc, max_hops: int = 4) -> list[tuple[str, float]]:
    return [(s.node, round(s.score, 9)) for s in leverage(doc.graph(), max_hops)]


def test_leverage_is_the_power_weighted_best_path_strength_to_the_decision_nodes_ranked_then_by_id() -> None:
    # p_dec: (0.8 * 1 + 1.0 * 0.9) / 1.8; c_buy: 1.0 / 1.8; p_buy: (0.8 * 0.5 + 1.0 * 0.6) / 1.8 -- a tie with c_buy.
    assert scores(healthy()) == [
        ("p_dec", round(17 / 18, 9)),
        ("c_buy", round(10 / 18, 9)),
        ("p_buy", round(10 / 18, 9)),
    ]


def test_members_get_no_leverage_score() -> None:
    assert {s.node for s in leverage(healthy().graph())} == {"p_dec", "c_buy", "p_buy"}


def test_explanation_names_each_decision_node_with_its_best_path_largest_share_first() -> None:
    explained = explain_leverage(healthy().graph(), "p_buy")
    assert [(c.decision_node, c.best, round(c.share, 9), c.path.nodes if c.path else None) for c in explained] == [
        ("c_buy", 0.6, round(0.6 / 1.8, 9), ("p_buy", "c_buy")),
        ("p_dec", 0.5, round(0.4 / 1.8, 9), ("p_buy", "p_dec")),
    ]


def test_decision_node_explains_its_own_share_without_a_path() -> None:
    explained = explain_leverage(healthy().graph(), "p_dec")
    assert [(c.decision_node, c.best, c.path.nodes if c.path else None) for c in explained] == [
        ("c_buy", 0.9, ("p_dec", "c_buy")),
        ("p_dec", 1.0, None),
    ]


def test_explaining_a_node_outside_the_graph_is_not_found() -> None:
    with pytest.raises(NotFound, match="p_nobody"):
        explain_leverage(healthy().graph(), "p_nobody")


def test_influence_relayed_through_a_team_member_is_no_leverage() -> None:
    # p_x knows m_kam (KNOWS gives p_x -> m_kam) and m_kam covers p_dec: no path through no member.
    doc = healthy().person("p_x").knows("m_kam", "p_x", 1.0)
    assert dict(scores(doc))["p_x"] == 0


def test_leverage_counts_only_paths_within_max_hops() -> None:
    # p_1 -> p_2 -> p_3 -> p_4 -> p_dec, 1.0 each: 4 hops to p_dec, 5 to c_buy (0.9).
    doc = healthy()
    for i in range(1, 5):
        doc.person(f"p_{i}")
    doc.influences("p_1", "p_2", 1.0).influences("p_2", "p_3", 1.0).influences("p_3", "p_4", 1.0)
    doc.influences("p_4", "p_dec", 1.0)
    assert dict(scores(doc, 3))["p_1"] == 0
    assert dict(scores(doc, 4))["p_1"] == round(0.8 / 1.8, 9)
    assert dict(scores(doc, 5))["p_1"] == round(1.7 / 1.8, 9)


def test_account_without_decision_nodes_gives_everyone_leverage_0_and_key_stakeholders_by_power_only() -> None:
    doc = Doc().person("p_big", power=0.7).person("p_small", power=0.69).influences("p_small", "p_big", 1.0)
    ig = doc.graph()
    assert decision_nodes(ig) == []
    assert [(s.node, s.score) for s in leverage(ig)] == [("p_big", 0.0), ("p_small", 0.0)]
    assert key_stakeholders(ig) == ["p_big"]


def test_decision_nodes_of_power_0_give_everyone_leverage_0() -> None:
    doc = Doc().person("p_dec", roles=["decider"], power=0.0).person("p_x").influences("p_x", "p_dec", 1.0)
    ig = doc.graph()
    assert [(s.node, s.score) for s in leverage(ig)] == [("p_dec", 0.0), ("p_x", 0.0)]
    assert key_stakeholders(ig) == ["p_dec"]


@pytest.mark.parametrize(("power", "decides"), [(0.5, True), (0.49, False), (None, True)])
def test_committee_is_a_decision_node_from_power_0_5_and_by_default(power: float | None, decides: bool) -> None:
    ig = Doc().committee("c_x", power=power).graph()
    assert decision_nodes(ig) == (["c_x"] if decides else [])


@pytest.mark.parametrize(("power", "key"), [(0.7, True), (0.69, False)])
def test_person_is_a_key_stakeholder_from_power_0_7(power: float, key: bool) -> None:
    ig = healthy().person("p_x", power=power).graph()
    assert ("p_x" in key_stakeholders(ig)) is key


def test_persons_of_another_account_are_no_decision_nodes_here() -> None:
    doc = healthy().account("acc_b").person("p_b", account="acc_b", roles=["decider"], power=0.9)
    doc.influences("p_b", "p_buy", 0.5)
    assert decision_nodes(doc.graph()) == ["c_buy", "p_dec"]
