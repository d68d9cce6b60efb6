"""``Analyst.trust_revision``: a request that read the store's revision with its token asks no more revisions of
the store while that revision holds, and never gets an answer older than it. Real stores, counted calls."""

from __future__ import annotations

from datetime import date
from typing import Any

from graphsvc.analyst import Analyst
from graphsvc.store import GraphStore
from tests.conftest import CountingStore

DAY = date(2026, 11, 1)


def _request(parent: Analyst, store: GraphStore, revision: int) -> Analyst:
    """One request's analyst, as the API makes it: scoped, then trusting the revision read with the token."""
    analyst = parent.scoped(store, None)
    analyst.trust_revision(revision)
    return analyst


def _counted(store: GraphStore, doc: dict[str, Any]) -> tuple[CountingStore, GraphStore, Analyst]:
    """``doc`` in ``store``; the store wrapped to count its calls (also as a ``GraphStore``), and the app's analyst
    over it."""
    store.import_document(doc)
    counting = CountingStore(store)
    real: GraphStore = counting  # type: ignore[assignment]
    return counting, real, Analyst(real)


def _uncovered(analyst: Analyst, account: str) -> set[str]:
    return {g.subject for g in analyst.gaps(account, DAY) if g.kind == "UNCOVERED_DECISION_MAKER"}


def test_requests_at_one_store_revision_read_each_account_s_revision_once(
    store: GraphStore, small_doc: dict[str, Any]
) -> None:
    counting, real, parent = _counted(store, small_doc)
    revision = store.revision()

    first = _request(parent, real, revision)
    assert _uncovered(first, "acc_acme") == {"p_ceo"}
    assert counting.names.count("account_revision") == 1
    counting.names.clear()

    for _ in range(3):
        later = _request(parent, real, revision)
        assert _uncovered(later, "acc_acme") == {"p_ceo"}
        assert later.figures_many([("acc_acme", DAY), ("acc_bolt", DAY)])[0] == first.figures("acc_acme", DAY)
    revision_reads = [n for n in counting.names if "revision" in n]
    assert revision_reads == ["account_revision"], "acc_bolt's revision, once; acc_acme's was confirmed"


def test_a_request_that_saw_a_newer_revision_sees_the_write_behind_it(
    store: GraphStore, small_doc: dict[str, Any]
) -> None:
    store.import_document(small_doc)
    parent = Analyst(store)
    before = store.revision()
    assert _uncovered(_request(parent, store, before), "acc_acme") == {"p_ceo"}
    assert _uncovered(_request(parent, store, before), "acc_acme") == {"p_ceo"}  # cached and confirmed

    store.create_relation({"type": "COVERS", "from": "m_kam", "to": "p_ceo", "last_contact": "2026-10-20"})
    after = store.revision()
    assert after > before
    assert _uncovered(_request(parent, store, after), "acc_acme") == set()
    # An older request's revision is no longer the newest confirmed: it reads again, and sees the write too.
    assert _uncovered(_request(parent, store, before), "acc_acme") == set()


def test_an_analyst_that_trusts_no_revision_reads_one_per_account_each_time(
    store: GraphStore, small_doc: dict[str, Any]
) -> None:
    counting, real, parent = _counted(store, small_doc)
    for _ in range(3):
        _request(parent, real, store.revision()).gaps("acc_acme", DAY)  # confirmed at this revision...
    counting.names.clear()
    untrusting = parent.scoped(real, None)  # ...but a writing request, or the command line, trusts none
    for _ in range(2):
        untrusting.gaps("acc_acme", DAY)
    assert counting.names == ["account_revision", "account_revision"]
