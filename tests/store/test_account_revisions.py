"""``account_revisions``: many accounts' revisions in one read, each what ``account_revision`` answers (both stores).

The dashboard checks a page of 100 accounts with it before answering from remembered figures, so it must agree
with ``account_revision`` for every id (missing, never written, not an account, hostile text) and move with
every write.
"""

from __future__ import annotations

import pytest

from graphsvc.store import GraphStore

A, B = "acc_acme", "acc_bolt"
ODD_IDS = ("acc_never", "p_ceo", "", "acc'); DROP TABLE revisions; --", '"}) DETACH DELETE n //', "Ünïcødé ✓")
"""Ids that name no account: never written, a person, empty, SQL- and Cypher-looking, non-ASCII."""


@pytest.fixture
def loaded(store: GraphStore, small_doc: dict[str, object]) -> GraphStore:
    store.import_document(small_doc)
    return store


def test_each_id_gets_what_account_revision_answers_for_it(loaded: GraphStore) -> None:
    ids = [A, B, *ODD_IDS, A]
    nodes, store_revision = loaded.count_nodes(), loaded.revision()
    revisions = loaded.account_revisions(ids)
    assert revisions == {a: loaded.account_revision(a) for a in ids}
    assert min(revisions[A], revisions[B]) > 0
    assert {revisions[a] for a in ODD_IDS} == {0}
    assert (loaded.count_nodes(), loaded.revision()) == (nodes, store_revision)  # looked up, never run


def test_no_ids_answer_an_empty_mapping(store: GraphStore) -> None:
    assert store.account_revisions([]) == {}


def test_a_write_moves_the_revision_of_its_account_only(loaded: GraphStore) -> None:
    before = loaded.account_revisions([A, B])
    loaded.update_node("p_ceo", {"title": "Chief Executive"})
    after = loaded.account_revisions([A, B])
    assert after[A] > before[A]
    assert after[B] == before[B]
    assert after == {A: loaded.account_revision(A), B: loaded.account_revision(B)}


def test_tens_of_thousands_of_ids_are_one_read(loaded: GraphStore) -> None:
    """More ids than SQLite takes parameters in one statement (32,766): the read must not depend on that."""
    ids = [f"acc_{i:05d}" for i in range(40_000)] + [B, A]
    revisions = loaded.account_revisions(ids)
    assert len(revisions) == len(ids)
    assert (revisions[A], revisions[B]) == (loaded.account_revision(A), loaded.account_revision(B))
    assert sum(revisions.values()) == revisions[A] + revisions[B]
