"""GuardedStore reads: a caller sees only their accounts' records, and an invisible one answers like a missing one."""

from __future__ import annotations

import io
import json

import pytest

from graphsvc.audit import AuditOperation, AuditOutcome, AuditQuery
from graphsvc.errors import Forbidden, NotFound
from graphsvc.interchange import check_document
from graphsvc.model import NodeKind, RelationType
from graphsvc.store import GraphStore
from tests.access.conftest import C_IDS, Guard
from tests.conftest import export_text


def _message(exc: pytest.ExceptionInfo[BaseException]) -> str:
    return str(exc.value)


def test_invisible_node_answers_exactly_like_a_missing_one(guard: Guard) -> None:
    kam = guard("kam")
    with pytest.raises(NotFound) as invisible:
        kam.get_node("p_c_x")
    with pytest.raises(NotFound) as missing:
        kam.get_node("p_zz")
    assert _message(invisible) == "no node has the id 'p_c_x'"
    assert _message(missing) == "no node has the id 'p_zz'"
    assert kam.get_node("p_a_dec").name == "Ada Decider"


def test_nodes_by_id_leaves_out_invisible_nodes(guard: Guard) -> None:
    found = guard("kam").nodes_by_id(["p_a_dec", "p_c_x", "acc_c", "site_c", "m_other", "inf_shared", "inf_c"])
    assert set(found) == {"p_a_dec", "m_other", "inf_shared"}


def test_influencers_are_visible_through_any_visible_account_or_when_unlinked(guard: Guard) -> None:
    ids = ["inf_shared", "inf_a", "inf_c", "inf_free"]
    assert set(guard("kam").nodes_by_id(ids)) == {"inf_shared", "inf_a", "inf_free"}
    assert set(guard(member="m_other", role="kam").nodes_by_id(ids)) == {"inf_shared", "inf_c", "inf_free"}
    assert set(guard(member="m_free", role="kam").nodes_by_id(ids)) == {"inf_free"}
    assert set(guard("admin").nodes_by_id(ids)) == set(ids)


def test_member_without_assignment_sees_members_and_unlinked_influencers_only(guard: Guard) -> None:
    free = guard(member="m_free", role="kam")
    listed = {n.id for n in free.list_nodes(limit=1000).items}
    assert listed == {"m_lead", "m_kam", "m_sub", "m_view", "m_other", "m_free", "inf_free"}
    assert free.count_nodes() == len(listed)


def test_listings_and_counts_hold_only_visible_nodes(guard: Guard) -> None:
    kam = guard("kam")
    people = [n.id for n in kam.list_nodes(NodeKind.PERSON).items]
    assert people == ["p_a_buy", "p_a_dec"]
    assert kam.count_nodes(NodeKind.PERSON) == 2
    assert [n.id for n in kam.list_nodes(NodeKind.ACCOUNT).items] == ["acc_a"]
    lead = guard("lead")
    assert [n.id for n in lead.list_nodes(NodeKind.ACCOUNT).items] == ["acc_a", "acc_b"]
    assert lead.count_nodes(NodeKind.ACCOUNT) == 2


def test_listing_an_invisible_account_is_empty_like_a_missing_one(guard: Guard) -> None:
    kam = guard("kam")
    assert kam.list_nodes(account="acc_c").items == []
    assert kam.count_nodes(account="acc_c") == 0
    assert kam.count_nodes(account="acc_zz") == 0
    assert kam.count_nodes(NodeKind.PERSON, name_contains="charlie") == 0
    assert guard("admin").count_nodes(NodeKind.PERSON, name_contains="charlie") == 1


def test_listings_page_through_visible_nodes(guard: Guard) -> None:
    kam = guard("kam")
    seen, after = [], None
    while True:
        page = kam.list_nodes(after=after, limit=2)
        seen += [n.id for n in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == sorted(n.id for n in kam.list_nodes(limit=1000).items)
    assert not C_IDS & set(seen)


def test_relation_of_an_invisible_end_answers_like_a_missing_one(guard: Guard) -> None:
    kam = guard("kam")
    with pytest.raises(NotFound) as invisible:
        kam.get_relation("COVERS", "m_kam", "p_c_x")
    with pytest.raises(NotFound) as missing:
        kam.get_relation("COVERS", "m_kam", "p_zz")
    assert _message(invisible) == "no COVERS relation from 'm_kam' to 'p_c_x'"
    assert _message(missing) == "no COVERS relation from 'm_kam' to 'p_zz'"
    assert kam.get_relation(RelationType.COVERS, "m_kam", "p_a_buy").props["strength"] == 0.6


def test_shared_influencer_shows_only_its_relations_into_visible_accounts(guard: Guard) -> None:
    kam = guard("kam")
    out = kam.relations_at(["inf_shared"], RelationType.INFLUENCES)
    assert [(r.source, r.target) for r in out] == [("inf_shared", "p_a_buy")]
    covers = kam.relations_at(["m_kam"], RelationType.COVERS)
    assert [r.target for r in covers] == ["p_a_buy"]
    assert len(guard("admin").relations_at(["m_kam"], RelationType.COVERS)) == 2


def test_filtered_relation_listing_fills_every_page(guard: Guard, access_store: GraphStore) -> None:
    kam = guard("kam")
    pages, after = [], None
    while True:
        page = kam.list_relations(after=after, limit=2)
        pages.append([r.label() for r in page.items])
        if page.next_after is None:
            break
        after = page.next_after
    every = [r.label() for r in kam.list_relations(limit=1000).items]
    assert [label for page in pages for label in page] == every
    assert all(len(page) == 2 for page in pages[:-1])
    assert not any(i in label.split() for label in every for i in C_IDS)
    hidden = access_store.list_relations(limit=1000).items
    assert len(every) < len(hidden)


def test_relations_of_one_member_hide_invisible_targets(guard: Guard) -> None:
    covers = guard("kam").list_relations(RelationType.COVERS, source="m_kam").items
    assert [r.target for r in covers] == ["p_a_buy"]
    assert guard("kam").list_relations(RelationType.COVERS, source="m_other").items == []


def test_owned_records_and_sites_of_invisible_accounts_are_empty(guard: Guard) -> None:
    kam = guard("kam")
    assert {n.account for n in kam.owned_by(["acc_a", "acc_c"])} == {"acc_a"}
    assert kam.people_at_sites(["site_c"]) == []
    assert [p.id for p in kam.people_at_sites(["site_a"])] == ["p_a_dec"]


def test_invisible_account_has_no_records_and_no_revision(guard: Guard, access_store: GraphStore) -> None:
    kam = guard("kam")
    with pytest.raises(NotFound, match=r"^no account has the id 'acc_c'$"):
        kam.account_records("acc_c")
    assert kam.account_revision("acc_c") == 0
    assert access_store.account_revision("acc_c") > 0
    assert kam.account_revision("acc_a") == access_store.account_revision("acc_a")


@pytest.mark.parametrize("name", ["kam", "lead", "admin"])
def test_revisions_of_many_accounts_answer_like_account_revision_for_each(
    guard: Guard, access_store: GraphStore, name: str
) -> None:
    caller = guard(name)
    ids = ["acc_a", "acc_b", "acc_c", "acc_zz"]
    revisions = caller.account_revisions(ids)
    assert revisions == {a: caller.account_revision(a) for a in ids}
    hidden = {"kam": {"acc_b", "acc_c"}, "lead": {"acc_c"}, "admin": set()}[name]
    assert {a for a in ids if revisions[a] == 0} == hidden | {"acc_zz"}  # invisible like missing
    real = access_store.account_revisions(ids)
    assert all(revisions[a] == real[a] > 0 for a in ids if a not in hidden | {"acc_zz"})


def test_account_records_leave_out_other_accounts_nodes(guard: Guard) -> None:
    records = guard("kam").account_records("acc_a")
    ids = {n.id for n in records.nodes}
    assert {"p_a_dec", "p_a_buy", "inf_shared", "m_kam"} <= ids
    assert not ids & C_IDS
    assert all(r.source not in C_IDS and r.target not in C_IDS for r in records.relations)


def test_export_is_the_visible_graph_as_a_valid_document(guard: Guard) -> None:
    buf = io.StringIO()
    count = guard("kam").export_to(buf)
    doc = json.loads(buf.getvalue())
    parsed = check_document(doc)  # valid on its own: every reference inside it
    ids = {n.id for n in parsed.nodes}
    assert ids == {
        "acc_a", "site_a", "p_a_dec", "p_a_buy", "com_a", "inf_shared", "inf_a", "inf_free",
        "m_lead", "m_kam", "m_sub", "m_view", "m_other", "m_free",
    }  # fmt: skip
    assert count == len(parsed)
    labels = {r.label() for r in parsed.relations}
    assert "INFLUENCES inf_shared -> p_a_buy" in labels
    assert not any(i in label.split() for label in labels for i in C_IDS)
    assert "ASSIGNED_TO m_sub -> acc_b" not in labels


def test_admin_export_is_the_stores_export(guard: Guard, access_store: GraphStore) -> None:
    buf = io.StringIO()
    guard("admin").export_to(buf)
    assert buf.getvalue() == export_text(access_store)


def test_audit_log_is_refused_to_non_admins_and_the_attempt_logged(guard: Guard, access_store: GraphStore) -> None:
    with pytest.raises(Forbidden, match=r"your role \(lead\) may not read the audit log"):
        guard("lead").audit_log()
    refused = access_store.audit_log(AuditQuery(outcome=AuditOutcome.REFUSED)).items
    assert [(e.operation, e.actor.member, e.actor.role) for e in refused] == [(AuditOperation.READ, "m_lead", "lead")]
    assert guard("admin").audit_log().items


def test_tokens_are_refused_to_non_admins(guard: Guard) -> None:
    with pytest.raises(Forbidden, match=r"your role \(kam\) may not list tokens"):
        guard("kam").list_tokens()
