"""``token_and_revision``: the API's authentication reads the token and the store's revision together.

The revision is what a request's scope and cached analyses then trust (``Analyst.trust_revision``), so it must be
the store's own, moved by every write, and read even when the token is refused. Run on every store via ``store``.
"""

from __future__ import annotations

from typing import Any

from graphsvc.store import GraphStore


def test_a_live_token_comes_with_the_store_s_revision(store: GraphStore, small_doc: dict[str, Any]) -> None:
    store.import_document(small_doc)
    info, secret = store.create_token("m_kam", "kam")

    token, revision = store.token_and_revision(secret)
    assert token is not None
    assert (token.id, token.member, token.role) == (info.id, "m_kam", "kam")
    assert revision == store.revision() > 0


def test_the_revision_moves_with_every_write_and_not_with_token_bookkeeping(
    store: GraphStore, small_doc: dict[str, Any]
) -> None:
    store.import_document(small_doc)
    _, secret = store.create_token("m_kam", "kam")
    before = store.token_and_revision(secret)[1]

    store.update_node("p_buyer", {"attitude": "champion"})
    assert store.token_and_revision(secret)[1] == store.revision() == before + 1
    store.create_token("m_lead", "lead")
    assert store.token_and_revision(secret)[1] == before + 1


def test_a_refused_token_still_comes_with_the_revision(store: GraphStore, small_doc: dict[str, Any]) -> None:
    store.import_document(small_doc)
    revoked, revoked_secret = store.create_token("m_kam", "kam")
    store.revoke_token(revoked.id)
    _, orphan_secret = store.create_token("m_lead", "lead")
    store.delete_node("m_lead", cascade=True)  # a deleted member's tokens die with them
    revision = store.revision()

    for secret in ("gsv_000000000000_unknown", revoked_secret, orphan_secret):
        assert store.token_and_revision(secret) == (None, revision), secret
        assert store.token_by_secret(secret) is None
