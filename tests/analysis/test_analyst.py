"""The ``Analyst``: analyses over each real store, the influence graph cached per account revision,
and portfolio leverage across key accounts (DESIGN.md sections 3 and 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from graphsvc.analyst import Analyst
from graphsvc.errors import InvalidInput, NotFound
from graphsvc.store import GraphStore
from tests.analysis.builders import ACC, AS_OF, FRESH, Doc, healthy

B = "acc_b"


def two_accounts() -> Doc:
    """healthy() acc_a with m_kam's cover of p_dec at 0.29 (an uncovered decision maker), and key account acc_b:
    p_bd (decider, power 1.0). The planner i_shared sways p_dec (0.5) and p_bd (0.8); m_kam knows it (0.3).
    acc_c (candidate) has p_cd (decider), swayed by i_shared (1.0)."""
    return (
        healthy()
        .update_rel("COVERS", "m_kam", "p_dec", strength=0.29)
        .account(B)
        .person("p_bd", account=B, roles=["decider"], power=1.0)
        .account("acc_c", status="candidate")
        .person("p_cd", account="acc_c", roles=["decider"], power=1.0)
        .influencer("i_shared", "planner")
        .influences("i_shared", "p_dec", 0.5)
        .influences("i_shared", "p_bd", 0.8)
        .influences("i_shared", "p_cd", 1.0)
        .knows("m_kam", "i_shared", 0.3)
    )


def loaded(store: GraphStore, doc: Doc) -> Analyst:
    store.import_document(doc.dict())
    return Analyst(store)


def gap_subjects(analyst: Analyst, account: str = ACC) -> list[tuple[str, str]]:
    return [(g.kind.value, g.subject) for g in analyst.gaps(account, AS_OF)]


# -- the cache -----------------------------------------------------------------------------------


def test_second_question_about_an_unchanged_account_does_not_rebuild_its_graph(store: GraphStore) -> None:
    analyst = loaded(store, two_accounts())
    first = analyst.gaps(ACC, AS_OF)
    assert analyst.builds == 1
    assert analyst.gaps(ACC, AS_OF) == first
    analyst.leverage(ACC)
    analyst.paths(ACC, "p_dec")
    analyst.coverage_score(ACC, AS_OF)
    assert analyst.builds == 1


def test_new_cover_is_visible_at_once_and_rebuilds_the_account(store: GraphStore) -> None:
    analyst = loaded(store, two_accounts())
    assert gap_subjects(analyst) == [("UNCOVERED_DECISION_MAKER", "p_dec")]
    store.create_relation({"type": "COVERS", "from": "m_fs", "to": "p_dec", "strength": 0.3, "last_contact": FRESH})
    assert gap_subjects(analyst) == []
    assert analyst.builds == 2


def test_deleted_cover_is_visible_at_once(store: GraphStore) -> None:
    analyst = loaded(store, two_accounts())
    analyst.gaps(ACC, AS_OF)
    store.delete_relation("COVERS", "m_fs", "p_buy")
    assert ("UNCOVERED_KEY_STAKEHOLDER", "p_buy") in gap_subjects(analyst)


def test_changed_attitude_of_a_stakeholder_is_visible_at_once(store: GraphStore) -> None:
    analyst = loaded(store, two_accounts())
    analyst.gaps(ACC, AS_OF)
    store.update_node("p_dec", {"attitude": "neutral"})
    assert ("NO_CHAMPION", ACC) in gap_subjects(analyst)


def test_write_to_another_account_does_not_rebuild_this_one(store: GraphStore) -> None:
    analyst = loaded(store, two_accounts())
    analyst.gaps(ACC, AS_OF)
    analyst.gaps(B, AS_OF)
    assert analyst.builds == 2
    store.create_node("person", {"id": "p_b2", "account": B, "name": "Bea", "roles": ["buyer"]})
    store.create_relation({"type": "REPORTS_TO", "from": "p_b2", "to": "p_bd"})
    analyst.gaps(ACC, AS_OF)
    assert analyst.builds == 2
    analyst.gaps(B, AS_OF)
    assert analyst.builds == 3


def test_dashboard_figures_stay_warm_for_more_accounts_than_the_graph_cache_until_a_write(store: GraphStore) -> None:
    analyst = Analyst(store, cache_size=1)
    store.import_document(two_accounts().dict())
    score_a, gaps_a = analyst.figures(ACC, AS_OF)
    analyst.figures(B, AS_OF)  # evicts acc_a's graph
    assert analyst.warm_figures(ACC, AS_OF) == (score_a, gaps_a)
    assert analyst.warm_figures(ACC, AS_OF + timedelta(days=1)) is None  # another day is not remembered
    store.create_relation({"type": "COVERS", "from": "m_fs", "to": "p_dec", "strength": 0.3, "last_contact": FRESH})
    assert analyst.warm_figures(ACC, AS_OF) is None
    assert [g.subject for g in analyst.figures(ACC, AS_OF)[1]] == []
    assert analyst.builds == 3


def test_change_to_an_influencer_shared_by_two_accounts_rebuilds_both(store: GraphStore) -> None:
    analyst = loaded(store, two_accounts())
    analyst.gaps(ACC, AS_OF)
    analyst.gaps(B, AS_OF)
    store.update_relation("INFLUENCES", "i_shared", "p_bd", {"strength": 0.4})
    assert {s.node: s.score for s in analyst.leverage(B)}["i_shared"] == pytest.approx(0.4)
    assert analyst.builds == 3
    store.update_node("i_shared", {"name": "Krämer & Voss"})
    analyst.gaps(ACC, AS_OF)
    analyst.gaps(B, AS_OF)
    assert analyst.builds == 5


def test_new_acquaintance_with_an_influencer_of_the_account_is_visible_at_once(store: GraphStore) -> None:
    doc = two_accounts().drop_rel("KNOWS", "m_kam", "i_shared").member("m_new")
    analyst = loaded(store, doc)
    assert ("UNCOVERED_EXTERNAL_INFLUENCER", "i_shared") in gap_subjects(analyst)
    store.create_relation({"type": "KNOWS", "from": "m_new", "to": "i_shared", "strength": 0.3})
    assert ("UNCOVERED_EXTERNAL_INFLUENCER", "i_shared") not in gap_subjects(analyst)


def test_change_to_a_person_of_another_account_who_sways_this_one_is_visible_here(store: GraphStore) -> None:
    doc = two_accounts().influences("p_bd", "p_buy", 0.5)
    analyst = loaded(store, doc)
    assert ("UNCOVERED_KEY_STAKEHOLDER", "p_bd") in gap_subjects(analyst)
    store.update_node("p_bd", {"attitude": "opponent"})
    assert ("UNMANAGED_OPPONENT", "p_bd") in gap_subjects(analyst)


def test_unknown_account_is_not_found(store: GraphStore) -> None:
    analyst = loaded(store, two_accounts())
    with pytest.raises(NotFound, match="acc_nope"):
        analyst.gaps("acc_nope", AS_OF)


# -- portfolio leverage ---------------------------------------------------------------------------


def test_portfolio_leverage_sums_leverage_over_the_key_accounts(store: GraphStore) -> None:
    # acc_a: D = p_dec (0.8), c_buy (1.0); i_shared: (0.8 * 0.5 + 1.0 * 0.5 * 0.9) / 1.8 = 0.4722.
    # acc_b: D = p_bd (1.0); i_shared: 0.8. acc_c is a candidate and left out.
    analyst = loaded(store, two_accounts())
    levers = analyst.portfolio_leverage()
    assert [(p.node, round(p.score, 4)) for p in levers] == [
        ("i_shared", round(0.8 + 0.85 / 1.8, 4)),
        ("p_bd", 1.0),
        ("p_dec", round(17 / 18, 4)),
        ("c_buy", round(10 / 18, 4)),
        ("p_buy", round(10 / 18, 4)),
    ]
    per_account = {a: {s.node: s.score for s in analyst.leverage(a)} for a in (ACC, B)}
    shared = levers[0]
    assert shared.score == pytest.approx(per_account[ACC]["i_shared"] + per_account[B]["i_shared"])


def test_node_shared_by_two_accounts_lists_both_with_its_leverage_in_each(store: GraphStore) -> None:
    shared = loaded(store, two_accounts()).portfolio_leverage()[0]
    assert shared.node == "i_shared"
    assert [(a, round(v, 4)) for a, v in shared.accounts] == [(B, 0.8), (ACC, round(0.85 / 1.8, 4))]


def test_portfolio_leverage_flags_nodes_our_team_covers_or_knows(store: GraphStore) -> None:
    flags = {p.node: (p.covered, p.known) for p in loaded(store, two_accounts()).portfolio_leverage()}
    assert flags == {
        "i_shared": (False, True),  # known at 0.3
        "p_bd": (False, False),
        "p_dec": (False, False),  # covered only at 0.29
        "c_buy": (True, False),
        "p_buy": (True, False),
    }


def test_portfolio_leverage_over_chosen_accounts_includes_a_candidate(store: GraphStore) -> None:
    levers = loaded(store, two_accounts()).portfolio_leverage(["acc_c", B])
    assert [(p.node, round(p.score, 4), [a for a, _ in p.accounts]) for p in levers] == [
        ("i_shared", 1.8, ["acc_c", B]),
        ("p_bd", 1.0, [B]),
        ("p_cd", 1.0, ["acc_c"]),
    ]


# -- paths through the analyst ---------------------------------------------------------------------


def test_paths_from_an_unknown_source_are_not_found(store: GraphStore) -> None:
    analyst = loaded(store, two_accounts())
    with pytest.raises(NotFound, match="m_ghost"):
        analyst.paths(ACC, "p_dec", sources=["m_ghost"])


def test_paths_from_a_person_outside_the_account_are_refused(store: GraphStore) -> None:
    analyst = loaded(store, two_accounts())
    with pytest.raises(InvalidInput, match="p_cd"):
        analyst.paths(ACC, "p_dec", sources=["p_cd"])


def test_paths_from_a_member_outside_the_account_are_empty(store: GraphStore) -> None:
    analyst = loaded(store, two_accounts().member("m_far"))
    assert analyst.paths(ACC, "p_dec", sources=["m_far"]) == []
