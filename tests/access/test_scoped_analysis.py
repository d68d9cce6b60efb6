"""Scoped analyses: a caller's paths, gaps, leverage and explanations never name a node of an account they
cannot see, and are computed without those nodes; the graph cache is shared and filtered graphs are built once.

In the fixture ``p_c_x`` of ``acc_c`` sways ``acc_a``'s decider strongly and ``m_kam`` covers them, so the
strongest path to ``p_a_dec`` runs through ``acc_c``: an admin is shown it, ``acc_a``'s kam must not be.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from graphsvc.access import scope_for
from graphsvc.analyst import Analyst
from graphsvc.errors import NotFound
from graphsvc.store import GraphStore
from tests.access.conftest import C_IDS, Guard

DAY = date(2026, 11, 1)


def _named(result: Any) -> set[str]:
    """Every record id of the fixture a result's text mentions."""
    return set(re.findall(r"\b(?:acc|site|p|com|inf|m)_[a-z_]+\b", repr(result)))


def _leverage_text(scores: list[Any]) -> list[Any]:
    return [(s.node, s.score, s.contributions) for s in scores]


@pytest.fixture
def parent(access_store: GraphStore) -> Analyst:
    """The app's one analyst over the real store."""
    return Analyst(access_store)


def _scoped(parent: Analyst, guard: Guard, name: str) -> Analyst:
    g = guard(name)
    return parent.scoped(g, g.scope.visible)


def test_admin_path_runs_through_the_other_account_and_the_kams_does_not(parent: Analyst, guard: Guard) -> None:
    admin = parent.paths("acc_a", "p_a_dec")
    assert admin[0].nodes == ("m_kam", "p_c_x", "p_a_dec")
    kam = _scoped(parent, guard, "kam").paths("acc_a", "p_a_dec")
    assert kam[0].nodes == ("m_kam", "p_a_buy", "p_a_dec")
    assert kam[0].strength == pytest.approx(0.6 * 0.5)
    assert not _named(kam) & C_IDS


def test_path_to_or_from_an_invisible_node_answers_like_a_missing_one(parent: Analyst, guard: Guard) -> None:
    kam = _scoped(parent, guard, "kam")
    with pytest.raises(NotFound) as invisible:
        kam.paths("acc_a", "p_c_x")
    with pytest.raises(NotFound) as missing:
        kam.paths("acc_a", "p_zz")
    assert str(invisible.value) == str(missing.value).replace("p_zz", "p_c_x")
    with pytest.raises(NotFound, match=r"^no node has the id 'p_c_x'$"):
        kam.paths("acc_a", "p_a_dec", ["p_c_x"])


def test_gap_suggestions_never_name_the_invisible_account(parent: Analyst, guard: Guard) -> None:
    admin = parent.gaps("acc_a", DAY)
    assert "p_c_x" in _named(admin)  # the suggested path to the uncovered decider runs through acc_c
    for name in ("kam", "lead", "viewer"):
        gaps = _scoped(parent, guard, name).gaps("acc_a", DAY)
        decider = next(g for g in gaps if g.subject == "p_a_dec")
        assert decider.suggested_path is not None
        assert decider.suggested_path.nodes == ("m_kam", "p_a_buy", "p_a_dec")
        assert not _named(gaps) & C_IDS


def test_leverage_and_explanations_leave_the_invisible_account_out(parent: Analyst, guard: Guard) -> None:
    assert "p_c_x" in {s.node for s in parent.leverage("acc_a")}
    kam = _scoped(parent, guard, "kam")
    scores = kam.leverage("acc_a")
    assert {s.node for s in scores} == {"p_a_dec", "p_a_buy", "com_a", "inf_shared", "inf_a"}
    assert not _named(_leverage_text(scores)) & C_IDS
    for s in scores:
        assert not _named(kam.explain("acc_a", s.node)) & C_IDS
    with pytest.raises(NotFound):
        kam.explain("acc_a", "p_c_x")
    assert not _named(kam.key_stakeholders("acc_a")) & C_IDS
    assert not _named(kam.network_metrics("acc_a")) & C_IDS
    assert "p_c_x" in _named(parent.network_metrics("acc_a"))


def test_scoped_graph_never_holds_an_invisible_accounts_node(parent: Analyst, guard: Guard) -> None:
    for name in ("kam", "lead", "viewer"):
        ig = _scoped(parent, guard, name).influence_graph("acc_a")
        assert not set(ig.nodes) & C_IDS
        assert not set(ig.graph.nodes) & C_IDS
        assert "m_kam" in ig.nodes
    assert "p_c_x" in parent.influence_graph("acc_a").nodes


def test_invisible_account_answers_like_a_missing_one(parent: Analyst, guard: Guard) -> None:
    kam = _scoped(parent, guard, "kam")
    with pytest.raises(NotFound, match=r"^no account has the id 'acc_c'$"):
        kam.gaps("acc_c", DAY)
    with pytest.raises(NotFound, match=r"^no account has the id 'acc_zz'$"):
        kam.gaps("acc_zz", DAY)


def test_coverage_counts_only_visible_covered_nodes(parent: Analyst, guard: Guard) -> None:
    assert [n.id for _, n in parent.coverage("m_kam", DAY).covers] == ["p_a_buy", "p_c_x"]
    kam = _scoped(parent, guard, "kam")
    assert [n.id for _, n in kam.coverage("m_kam", DAY).covers] == ["p_a_buy"]
    lead = _scoped(parent, guard, "lead").team_coverage("m_lead", DAY)
    assert lead.load == {"m_lead": 0, "m_kam": 1, "m_sub": 0}
    assert not _named(lead) & C_IDS


def test_portfolio_leverage_covers_only_visible_key_accounts(parent: Analyst, guard: Guard) -> None:
    assert "p_c_x" in {lever.node for lever in parent.portfolio_leverage()}
    levers = _scoped(parent, guard, "kam").portfolio_leverage()
    assert {a for lever in levers for a, _ in lever.accounts} == {"acc_a"}
    assert not _named(levers) & C_IDS


def test_filtered_graph_is_built_once_and_shared_by_callers_with_the_same_blind_spot(
    parent: Analyst, guard: Guard
) -> None:
    _scoped(parent, guard, "kam").paths("acc_a", "p_a_dec")
    assert parent.builds == 2  # the whole graph, then the one without acc_c
    _scoped(parent, guard, "kam").paths("acc_a", "p_a_dec")  # another request of the same caller
    _scoped(parent, guard, "lead").leverage("acc_a")  # sees acc_b too, but acc_a's graph has none of it
    assert parent.builds == 2
    full = parent.influence_graph("acc_a")
    assert "p_c_x" in full.nodes
    assert parent.builds == 2


def test_unrestricted_view_of_an_account_costs_nothing_extra(parent: Analyst, guard: Guard) -> None:
    other = guard(member="m_other", role="kam")
    scoped = parent.scoped(other, other.scope.visible)
    assert scoped.influence_graph("acc_c") is parent.influence_graph("acc_c")
    assert parent.builds == 1


def test_write_rebuilds_the_filtered_graph_too(parent: Analyst, guard: Guard) -> None:
    kam = _scoped(parent, guard, "kam")
    kam.leverage("acc_a")
    guard("kam").update_node("p_a_buy", {"power": 0.8})
    assert kam.influence_graph("acc_a").nodes["p_a_buy"].props["power"] == 0.8
    assert parent.builds == 4


def test_warm_figures_of_a_scoped_analyst_are_its_own(parent: Analyst, guard: Guard) -> None:
    kam = _scoped(parent, guard, "kam")
    assert kam.warm_figures("acc_a", DAY) is None
    gaps = kam.gaps("acc_a", DAY)
    score = kam.coverage_score("acc_a", DAY)
    warm = kam.warm_figures("acc_a", DAY)
    assert warm is not None
    assert warm[0] == score
    assert warm[1] == gaps
    assert parent.warm_figures("acc_a", DAY) is None  # the whole graph's figures were never computed
    assert kam.warm_figures("acc_c", DAY) is None


def test_a_page_of_warm_figures_costs_one_store_read_and_a_write_turns_its_account_cold(
    access_store: GraphStore, guard: Guard
) -> None:
    reads: list[list[str]] = []
    revisions = access_store.account_revisions

    class Counted:  # the real store; only its batch revision read is counted
        def __getattr__(self, name: str) -> Any:
            return getattr(access_store, name)

        def account_revisions(self, ids: Any) -> dict[str, int]:
            reads.append(list(ids))
            return revisions(ids)

    parent = Analyst(Counted())  # type: ignore[arg-type]
    kam = _scoped(parent, guard, "kam")
    keys: list[tuple[str, date | None]] = [("acc_a", DAY), ("acc_b", DAY), ("acc_c", DAY), ("acc_a", None)]
    assert kam.warm_figures_many(keys) == [None] * 4
    figures = kam.figures("acc_a", DAY)
    reads.clear()
    assert kam.warm_figures_many(keys) == [figures, None, None, None]  # acc_b, acc_c hidden; today not computed
    assert reads == [["acc_a", "acc_a"]]  # one read, of the visible accounts only
    cover = {"type": "COVERS", "from": "m_kam", "to": "p_a_dec", "strength": 0.9, "last_contact": "2026-10-20"}
    guard("kam").create_relation(cover)
    assert kam.warm_figures_many(keys)[0] is None
    uncovered = [(g.kind.value, g.subject) for g in figures[1]]
    assert ("UNCOVERED_DECISION_MAKER", "p_a_dec") in uncovered
    now = kam.figures("acc_a", DAY)
    assert ("UNCOVERED_DECISION_MAKER", "p_a_dec") not in [(g.kind.value, g.subject) for g in now[1]]
    assert kam.warm_figures_many(keys)[0] == now


def test_admin_scope_analyses_the_whole_graph(parent: Analyst, access_store: GraphStore, guard: Guard) -> None:
    admin = guard("admin")
    assert admin.scope == scope_for(access_store, None, "admin")
    scoped = parent.scoped(admin, None)
    assert scoped.paths("acc_a", "p_a_dec")[0].nodes == ("m_kam", "p_c_x", "p_a_dec")
    assert scoped.influence_graph("acc_a") is parent.influence_graph("acc_a")
