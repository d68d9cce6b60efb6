"""The audit log of every store: one entry per accepted write, in the write's transaction, and its queries.

Each write kind records exactly who, what, which records and accounts, and
the record before and after (in interchange form); a refused write records
nothing; entries are numbered in commit order, filtered and paged; and the
log stays apart from the graph (exports, counts, imports with replace).
"""

from __future__ import annotations

import copy
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from graphsvc.audit import Actor, AuditEntry, AuditOperation, AuditOutcome, AuditQuery
from graphsvc.errors import Conflict, InvalidInput, NotFound
from graphsvc.store import GraphStore, open_store
from graphsvc.store.base import secret_hash
from tests.conftest import export_text

KAM = Actor(member="m_kam", role="kam", token="tok1", via="api", request_id="req-1")
LEAD = Actor(member="m_lead", role="lead", token="tok2", via="page", request_id="req-2")
HOSTILE = "<script>alert('x')</script> '); DROP TABLE audit; -- \" } MATCH (n) DETACH DELETE n // \u202e\U0001f600"


@pytest.fixture
def loaded(store: GraphStore, small_doc: dict[str, Any]) -> GraphStore:
    store.import_document(small_doc)
    return store


def entries(store: GraphStore, query: AuditQuery | None = None) -> list[AuditEntry]:
    """Every entry matching ``query``, oldest first, read through pages of 2 (so paging is exercised too)."""
    out: list[AuditEntry] = []
    after = None
    while True:
        page = store.audit_log(query, after=after, limit=2)
        out += page.items
        if page.next_after is None:
            return out
        after = page.next_after


def last(store: GraphStore) -> AuditEntry:
    return store.audit_log(descending=True, limit=1).items[0]


def exported_record(store: GraphStore, list_name: str, record_id: str) -> dict[str, Any]:
    doc = json.loads(export_text(store))
    return next(r for r in doc[list_name] if r["id"] == record_id)


def exported_relation(store: GraphStore, rtype: str, source: str, target: str) -> dict[str, Any]:
    doc = json.loads(export_text(store))
    return next(r for r in doc["relations"] if (r["type"], r["from"], r["to"]) == (rtype, source, target))


# -- one entry per write kind ---------------------------------------------------------------------------------------


def test_an_import_records_one_entry_with_mode_counts_and_the_touched_accounts(
    store: GraphStore, small_doc: dict[str, Any]
) -> None:
    store.import_document(small_doc, actor=KAM)
    (entry,) = entries(store)
    assert entry.operation == AuditOperation.IMPORT
    assert entry.outcome == AuditOutcome.ACCEPTED
    assert entry.actor == KAM
    assert entry.accounts == ("acc_acme", "acc_bolt")
    assert entry.ids == ()
    assert (entry.before, entry.after) == (None, None)
    assert entry.detail == "merge: 17 created, 0 updated, 0 unchanged, 0 deleted"
    small_doc["people"][1]["title"] = "Head of purchasing"
    store.import_document(small_doc, "merge")
    entry = last(store)
    assert entry.detail == "merge: 0 created, 1 updated, 16 unchanged, 0 deleted"
    assert entry.accounts == ("acc_acme",)
    store.import_document(small_doc, "merge")
    assert (last(store).detail, last(store).accounts) == ("merge: 0 created, 0 updated, 17 unchanged, 0 deleted", ())
    assert len(entries(store)) == 3


def test_creating_a_node_records_it_as_exported_with_the_actor_and_its_account(loaded: GraphStore) -> None:
    record = {"id": "p_new", "account": "acc_bolt", "name": "Nina New", "roles": ["buyer"], "notes": HOSTILE}
    loaded.create_node("person", record, actor=KAM)
    entry = last(loaded)
    assert entry.operation == AuditOperation.CREATE_NODE
    assert entry.actor == KAM
    assert (entry.accounts, entry.ids) == (("acc_bolt",), ("p_new",))
    assert entry.before is None
    assert entry.after == exported_record(loaded, "people", "p_new") == record
    assert entry.detail is None
    assert entry.at is not None
    assert abs(entry.at - datetime.now(UTC)) < timedelta(minutes=1)


def test_updating_a_node_records_before_and_after_and_every_account_it_touched(loaded: GraphStore) -> None:
    before = exported_record(loaded, "people", "p_bolt")
    loaded.update_node("p_bolt", {"account": "acc_acme", "title": "Engineer"}, actor=LEAD)
    entry = last(loaded)
    assert entry.operation == AuditOperation.UPDATE_NODE
    assert entry.actor == LEAD
    assert entry.ids == ("p_bolt",)
    assert entry.accounts == ("acc_acme", "acc_bolt")  # moved: the old account and the new one
    assert entry.before == before
    assert entry.after == exported_record(loaded, "people", "p_bolt")
    assert entry.after["title"] == "Engineer"
    assert entry.after["account"] == "acc_acme"
    assert entry.detail is None


def test_an_update_that_changes_nothing_is_still_recorded_as_unchanged(loaded: GraphStore) -> None:
    revision = loaded.revision()
    loaded.update_node("p_ceo", {"title": "CEO"}, actor=KAM)
    entry = last(loaded)
    assert (entry.operation, entry.outcome, entry.detail) == (
        AuditOperation.UPDATE_NODE,
        AuditOutcome.ACCEPTED,
        "unchanged",
    )
    assert entry.before == entry.after == exported_record(loaded, "people", "p_ceo")
    assert entry.accounts == ("acc_acme",)
    assert loaded.revision() == revision
    loaded.update_relation("COVERS", "m_kam", "p_buyer", {"strength": 0.7}, actor=KAM)
    entry = last(loaded)
    assert (entry.operation, entry.detail, entry.ids) == (
        AuditOperation.UPDATE_RELATION,
        "unchanged",
        ("COVERS m_kam -> p_buyer",),
    )
    assert loaded.revision() == revision


def test_deleting_a_node_records_it_and_its_relations_count(loaded: GraphStore) -> None:
    before = exported_record(loaded, "influencers", "inf_planner")
    result = loaded.delete_node("inf_planner", actor=KAM)
    entry = last(loaded)
    assert entry.operation == AuditOperation.DELETE_NODE
    assert entry.ids == ("inf_planner",)
    assert entry.before == before
    assert entry.after is None
    assert entry.accounts == result.accounts == ("acc_acme",)
    assert entry.detail == "2 relation(s) deleted with it"


def test_a_cascade_delete_of_an_account_names_every_deleted_record(loaded: GraphStore) -> None:
    before = exported_record(loaded, "accounts", "acc_acme")
    loaded.delete_node("acc_acme", cascade=True)
    entry = last(loaded)
    assert entry.actor == Actor.cli()
    assert entry.actor.via == "cli"
    assert entry.actor.role == "admin"
    assert entry.actor.member is None
    assert entry.before == before
    assert set(entry.ids) == {"acc_acme", "site_acme_de", "p_ceo", "p_buyer", "com_acme_buy"}
    assert entry.ids[0] == "acc_acme"
    assert entry.accounts == ("acc_acme",)
    assert entry.detail == ("cascade: 4 record(s) of account 'acc_acme' deleted with it; 5 relation(s) deleted with it")


def test_a_cascade_delete_of_a_site_names_the_people_who_lost_it(loaded: GraphStore) -> None:
    loaded.delete_node("site_acme_de", cascade=True, actor=KAM)
    entry = last(loaded)
    assert entry.ids == ("site_acme_de",)
    assert entry.detail == "cascade: 1 person(s) lost their site (p_ceo); 0 relation(s) deleted with it"


def test_relation_writes_record_the_relation_in_interchange_form(loaded: GraphStore) -> None:
    loaded.create_relation(
        {"type": "COVERS", "from": "m_lead", "to": "p_ceo", "strength": 0.6, "notes": HOSTILE}, actor=LEAD
    )
    created = last(loaded)
    assert created.operation == AuditOperation.CREATE_RELATION
    assert created.ids == ("COVERS m_lead -> p_ceo",)
    assert created.accounts == ("acc_acme",)
    assert created.before is None
    assert created.after == exported_relation(loaded, "COVERS", "m_lead", "p_ceo")
    assert created.after == {"type": "COVERS", "from": "m_lead", "to": "p_ceo", "strength": 0.6, "notes": HOSTILE}
    loaded.update_relation("COVERS", "m_lead", "p_ceo", {"strength": 0.9, "notes": None}, actor=LEAD)
    updated = last(loaded)
    assert updated.operation == AuditOperation.UPDATE_RELATION
    assert updated.before == created.after
    assert updated.after == {"type": "COVERS", "from": "m_lead", "to": "p_ceo", "strength": 0.9}
    assert updated.detail is None
    loaded.delete_relation("COVERS", "m_lead", "p_ceo", actor=LEAD)
    deleted = last(loaded)
    assert deleted.operation == AuditOperation.DELETE_RELATION
    assert (deleted.before, deleted.after) == (updated.after, None)
    assert deleted.ids == ("COVERS m_lead -> p_ceo",)
    assert deleted.accounts == ("acc_acme",)
    assert [e.seq for e in (created, updated, deleted)] == sorted({created.seq, updated.seq, deleted.seq})


def test_token_entries_name_the_member_role_and_expiry_never_the_secret(loaded: GraphStore) -> None:
    expires = datetime(2027, 1, 1, tzinfo=UTC)
    info, secret = loaded.create_token("m_kam", "kam", expires=expires)
    created = last(loaded)
    assert created.operation == AuditOperation.CREATE_TOKEN
    assert created.ids == (info.id,)
    assert created.accounts == ()
    assert created.after == {"member": "m_kam", "role": "kam", "expires": expires.isoformat()}
    revoked = loaded.revoke_token(info.id, actor=Actor(member="m_lead", role="admin", via="api"))
    entry = last(loaded)
    assert entry.operation == AuditOperation.REVOKE_TOKEN
    assert entry.actor.member == "m_lead"
    assert entry.before == {**created.after, "revoked": None}
    assert revoked.revoked is not None
    assert entry.after == {**created.after, "revoked": revoked.revoked.isoformat()}
    assert entry.detail is None
    loaded.revoke_token(info.id)
    assert last(loaded).detail == "unchanged"
    assert last(loaded).before == last(loaded).after == entry.after
    logged = json.dumps([e.to_dict() for e in entries(loaded)])
    assert secret not in logged
    assert secret_hash(secret) not in logged
    assert secret.split("_")[-1] not in logged


# -- atomic: a refused write records nothing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("write", "error"),
    [
        (lambda s: s.create_node("person", {"id": "p_x", "account": "acc_nowhere", "name": "X"}), InvalidInput),
        (lambda s: s.create_node("person", {"id": "p_ceo", "account": "acc_acme", "name": "Twin"}), Conflict),
        (
            lambda s: s.create_node("person", {"id": "p_x", "account": "acc_acme", "name": "X", "stength": 1}),
            InvalidInput,
        ),
        (lambda s: s.update_node("p_nobody", {"title": "X"}), NotFound),
        (lambda s: s.update_node("p_ceo", {"power": 7}), InvalidInput),
        (lambda s: s.delete_node("acc_acme"), Conflict),
        (lambda s: s.delete_node("p_nobody"), NotFound),
        (lambda s: s.create_relation({"type": "REPORTS_TO", "from": "p_ceo", "to": "p_buyer"}), InvalidInput),
        (lambda s: s.create_relation({"type": "COVERS", "from": "m_kam", "to": "p_buyer"}), Conflict),
        (lambda s: s.update_relation("COVERS", "m_kam", "p_ceo", {"strength": 0.2}), NotFound),
        (lambda s: s.update_relation("COVERS", "m_kam", "p_buyer", {"strength": 2}), InvalidInput),
        (lambda s: s.delete_relation("KNOWS", "m_lead", "p_ceo"), NotFound),
        (lambda s: s.create_token("p_ceo", "admin"), InvalidInput),
        (lambda s: s.create_token("m_nobody", "admin"), NotFound),
        (lambda s: s.create_token("m_kam", "superuser"), InvalidInput),
        (lambda s: s.revoke_token("no_such_token"), NotFound),
    ],
    ids=[
        "unknown-account",
        "taken-id",
        "unknown-property",
        "update-missing",
        "update-invalid",
        "delete-owning-account",
        "delete-missing",
        "reports-to-cycle",
        "relation-exists",
        "update-missing-relation",
        "update-relation-invalid",
        "delete-missing-relation",
        "token-for-a-person",
        "token-for-nobody",
        "token-with-unknown-role",
        "revoke-missing-token",
    ],
)
def test_a_refused_write_records_no_entry(loaded: GraphStore, write: Any, error: type[Exception]) -> None:
    before = entries(loaded), loaded.list_tokens()
    with pytest.raises(error):
        write(loaded)
    assert (entries(loaded), loaded.list_tokens()) == before


@pytest.mark.parametrize("mode", ["merge", "replace"])
def test_an_import_refused_for_a_dangling_id_or_a_cycle_records_no_entry(
    loaded: GraphStore, small_doc: dict[str, Any], mode: str
) -> None:
    before = entries(loaded), export_text(loaded)
    dangling = copy.deepcopy(small_doc)
    dangling["people"].append({"id": "p_new", "account": "acc_acme", "name": "New"})
    dangling["relations"].append({"type": "COVERS", "from": "m_kam", "to": "p_ghost"})
    with pytest.raises(InvalidInput, match="p_ghost"):
        loaded.import_document(dangling, mode, actor=KAM)
    cycle = copy.deepcopy(small_doc)
    cycle["relations"].append({"type": "REPORTS_TO", "from": "p_ceo", "to": "p_buyer"})
    with pytest.raises(InvalidInput, match="cycle"):
        loaded.import_document(cycle, mode, actor=KAM)
    assert (entries(loaded), export_text(loaded)) == before


# -- order, refusals, filters, paging ---------------------------------------------------------------------------------


def test_seq_increases_with_every_entry_and_append_audit_sets_seq_and_time(loaded: GraphStore) -> None:
    loaded.update_node("p_ceo", {"title": "Chief"}, actor=KAM)
    refused = AuditEntry(
        AuditOperation.DELETE_NODE,
        AuditOutcome.REFUSED,
        KAM,
        accounts=("acc_bolt",),
        ids=("p_bolt",),
        detail="your role (kam) may not change person 'p_bolt' of account 'acc_bolt'",
    )
    appended = loaded.append_audit(refused)
    assert appended.at is not None
    assert appended.seq > 0
    assert appended == AuditEntry(**{**_fields(refused), "seq": appended.seq, "at": appended.at})
    loaded.create_node("influencer", {"id": "inf_x", "name": "X", "kind": "other"})
    log = entries(loaded)
    seqs = [e.seq for e in log]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs) == 4
    assert log[2] == appended
    assert [e.at for e in log] == sorted(e.at for e in log if e.at is not None)
    assert loaded.audit_log(descending=True).items == list(reversed(log))


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in AuditEntry.__slots__}


def _seed_log(store: GraphStore, doc: dict[str, Any]) -> list[AuditEntry]:
    store.import_document(doc)  # 1: cli, both accounts
    store.update_node("p_bolt", {"title": "Ops"}, actor=KAM)  # 2: kam, acc_bolt
    store.update_node("p_ceo", {"title": "Boss"}, actor=LEAD)  # 3: lead, acc_acme
    store.append_audit(
        AuditEntry(AuditOperation.READ, AuditOutcome.REFUSED, KAM, detail="the audit log is for admins")
    )  # 4: kam, refused, no account
    store.create_relation({"type": "COVERS", "from": "m_kam", "to": "p_bolt"}, actor=KAM)  # 5: kam, both
    log = entries(store)
    assert len(log) == 5
    return log


def test_each_filter_keeps_exactly_the_matching_entries(store: GraphStore, small_doc: dict[str, Any]) -> None:
    log = _seed_log(store, small_doc)

    def seqs(**query: Any) -> list[int]:
        return [e.seq for e in entries(store, AuditQuery(**query))]

    all_seqs = [e.seq for e in log]
    assert seqs() == all_seqs
    assert seqs(account="acc_bolt") == [all_seqs[0], all_seqs[1], all_seqs[4]]
    assert seqs(account="acc_acme") == [all_seqs[0], all_seqs[2], all_seqs[4]]
    assert seqs(account="acc_none") == []
    assert seqs(member="m_kam") == [all_seqs[1], all_seqs[3], all_seqs[4]]
    assert seqs(member="m_lead") == [all_seqs[2]]
    assert seqs(since=log[1].at) == all_seqs[1:]  # inclusive
    assert seqs(until=log[2].at) == all_seqs[:2]  # exclusive
    assert seqs(since=log[1].at, until=log[3].at) == all_seqs[1:3]
    assert log[1].at is not None
    naive = log[1].at.astimezone(UTC).replace(tzinfo=None)  # a naive time is UTC
    assert seqs(since=naive) == all_seqs[1:]
    assert seqs(operations=(AuditOperation.UPDATE_NODE,)) == all_seqs[1:3]
    assert seqs(operations=(AuditOperation.IMPORT, AuditOperation.CREATE_RELATION)) == [all_seqs[0], all_seqs[4]]
    assert seqs(outcome=AuditOutcome.REFUSED) == [all_seqs[3]]
    assert seqs(outcome=AuditOutcome.ACCEPTED, member="m_kam") == [all_seqs[1], all_seqs[4]]
    assert seqs(account="acc_acme", member="m_kam", operations=(AuditOperation.CREATE_RELATION,)) == [all_seqs[4]]


def test_pages_by_seq_in_both_directions(store: GraphStore, small_doc: dict[str, Any]) -> None:
    log = _seed_log(store, small_doc)
    first = store.audit_log(limit=2)
    assert first.items == log[:2]
    assert first.next_after == log[1].seq
    second = store.audit_log(after=first.next_after, limit=2)
    assert second.items == log[2:4]
    assert second.next_after == log[3].seq
    third = store.audit_log(after=second.next_after, limit=2)
    assert third.items == log[4:]
    assert third.next_after is None
    newest = store.audit_log(limit=3, descending=True)
    assert newest.items == log[::-1][:3]
    assert newest.next_after == log[2].seq
    older = store.audit_log(after=newest.next_after, limit=3, descending=True)
    assert older.items == log[1::-1]
    assert older.next_after is None
    assert store.audit_log(AuditQuery(member="m_kam"), after=log[1].seq, limit=1).items == [log[3]]


@pytest.mark.parametrize(("after", "limit"), [(None, 0), (None, -1), ("3", 10), (None, True)])
def test_a_bad_page_is_refused_with_a_clear_error(loaded: GraphStore, after: Any, limit: Any) -> None:
    with pytest.raises(InvalidInput, match="audit log"):
        loaded.audit_log(after=after, limit=limit)


# -- the log stays apart from the graph --------------------------------------------------------------------------------


def test_the_log_is_never_part_of_exports_counts_listings_or_health(
    loaded: GraphStore, small_doc: dict[str, Any]
) -> None:
    for i in range(3):
        loaded.update_node("p_ceo", {"title": f"CEO {i}"})
    loaded.append_audit(AuditEntry(AuditOperation.READ, AuditOutcome.REFUSED, KAM, detail="refused"))
    text = export_text(loaded)
    assert "audit" not in text.lower()
    assert "CEO 0" not in text
    assert json.loads(text).keys() == {
        "format",
        "accounts",
        "sites",
        "people",
        "committees",
        "influencers",
        "members",
        "relations",
    }
    assert loaded.count_nodes() == 10
    assert len(loaded.list_nodes(limit=1000).items) == 10
    health = loaded.health()
    assert (health["nodes"], health["relations"]) == (10, 7)


def test_an_import_with_replace_and_a_cascade_delete_keep_the_whole_log(
    loaded: GraphStore, small_doc: dict[str, Any]
) -> None:
    loaded.update_node("p_ceo", {"title": "Chief"}, actor=KAM)
    before = entries(loaded)
    loaded.delete_node("acc_acme", cascade=True)
    replacement = {"format": "graphsvc/1", "members": [{"id": "m_solo", "name": "Solo", "role": "kam"}]}
    result = loaded.import_document(replacement, "replace", actor=LEAD)
    log = entries(loaded)
    assert log[: len(before)] == before
    assert len(log) == len(before) + 2
    assert log[-1].operation == AuditOperation.IMPORT
    assert log[-1].actor == LEAD
    assert log[-1].detail == f"replace: 1 created, 0 updated, 0 unchanged, {result.deleted} deleted"
    assert loaded.count_nodes() == 1


def test_hostile_text_is_stored_and_returned_verbatim(loaded: GraphStore) -> None:
    actor = Actor(member=HOSTILE, role="kam", token=HOSTILE, via="api", request_id=HOSTILE, user=HOSTILE)
    loaded.update_node("p_ceo", {"notes": HOSTILE, "title": HOSTILE}, actor=actor)
    entry = last(loaded)
    assert entry.actor == actor
    assert entry.after["notes"] == entry.after["title"] == HOSTILE
    refused = loaded.append_audit(
        AuditEntry(AuditOperation.READ, AuditOutcome.REFUSED, actor, (HOSTILE,), (HOSTILE,), detail=HOSTILE)
    )
    assert entries(loaded, AuditQuery(account=HOSTILE, member=HOSTILE)) == [refused]
    assert refused.detail == HOSTILE
    assert refused.ids == (HOSTILE,)
    assert json.loads(json.dumps(refused.to_dict(), ensure_ascii=False))["detail"] == HOSTILE
    assert loaded.count_nodes() == 10  # nothing was dropped or injected


def test_a_role_given_as_an_enum_is_stored_as_its_plain_value(loaded: GraphStore) -> None:
    class Role(StrEnum):
        KAM = "kam"

    loaded.update_node("p_ceo", {"title": "Chief"}, actor=Actor(member="m_kam", role=Role.KAM, via="api"))
    stored = last(loaded)
    assert type(stored.actor.role) is str
    assert stored.to_dict()["role"] == "kam"
    assert entries(loaded, AuditQuery(member="m_kam")) == [stored]


# -- store specifics -------------------------------------------------------------------------------------------------


def test_an_older_sqlite_store_gains_the_audit_log_when_opened(tmp_path: Path, small_doc: dict[str, Any]) -> None:
    path = tmp_path / "old.db"
    with open_store(f"sqlite:///{path}") as store:
        store.import_document(small_doc)
        text = export_text(store)
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE audit; DROP TABLE audit_accounts; PRAGMA user_version = 2;")
    conn.close()
    with open_store(f"sqlite:///{path}") as store:
        assert export_text(store) == text
        assert store.audit_log().items == []
        store.update_node("p_ceo", {"title": "Chief"}, actor=KAM)
        assert [e.operation for e in entries(store)] == [AuditOperation.UPDATE_NODE]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()
