"""Concurrent writers on one account through the API, on both stores: nothing lost, nothing stale, audited once.

``WRITERS`` threads (admins, and a KAM of ``acc_halvorsen``, each thread with
its own connection) write to the demo's ``acc_halvorsen`` at once through a real
``graphsvc serve``: each creates a decision maker and a cover of them, then
in every round changes that cover's strength across the 0.3 line, creates a
person, and overwrites the notes of one person all of them share. Each
write carries an ``X-Request-ID`` of its own. Right after each cover change
the writer asks for the influence path and the coverage gaps (answers that
come from the analyst's cache) and the account's revision. Afterwards:

* every accepted write is in the store (the admin's ``/export``), and the
  shared person's notes are those of the last accepted write in the audit log;
* the account revisions each writer saw never go back, and grow with each of
  its writes;
* the audit log holds exactly one accepted entry for each accepted write;
* no read right after a write showed an older value (path strength, gaps).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import requests

from tests.api.support import Server, create_token, running_server

ACCOUNT = "acc_halvorsen"
SHARED = "p_hal_wro_dir"
COVERING = "m_hoffmann"
WRITERS = 4
ROUNDS = 3
KAM = "m_hoffmann"
"""The KAM token's member; every other writer uses it (a `graphsvc token create` on Neo4j takes seconds)."""

COVER = """
mutation ($id: ID!, $member: ID!, $strength: Float!) {
  createPerson(
    input: {id: $id, account: "acc_halvorsen", name: "Decider written concurrently", roles: [DECIDER], power: 0.9}
  ) { id account { revision } }
  createCovers(input: {from: $member, to: $id, strength: $strength}) { strength }
}"""
STRENGTH = """
mutation ($member: ID!, $id: ID!, $strength: Float!) {
  updateCovers(from: $member, to: $id, input: {strength: $strength}) {
    strength node { ... on Person { account { revision } } }
  }
}"""
CREATE = """
mutation ($id: ID!, $notes: String!) {
  createPerson(input: {id: $id, account: "acc_halvorsen", name: "Written concurrently", notes: $notes}) {
    id account { revision }
  }
}"""
NOTES = """
mutation ($id: ID!, $notes: String!) {
  updatePerson(id: $id, input: {notes: $notes}) { notes account { revision } }
}"""
AFTER = """
query ($id: ID!, $member: ID!) {
  influencePaths(accountId: "acc_halvorsen", to: $id, from: [$member], k: 1, maxHops: 1) { strength }
  coverageGaps(accountId: "acc_halvorsen") { kind subject { id } }
  account(id: "acc_halvorsen") { revision }
}"""
AUDIT = """
query ($after: String) {
  auditLog(outcome: ACCEPTED, first: 100, after: $after) {
    edges { node { seq operation requestId ids after } }
    pageInfo { hasNextPage endCursor }
  }
}"""


class Writer(threading.Thread):
    """One client: its own connection and token; records what it wrote and every revision it saw."""

    def __init__(self, server: Server, index: int, token: str, store: str) -> None:
        super().__init__(name=f"writer-{index}")
        self.server, self.index, self.token, self.store = server, index, token, store
        self.http = requests.Session()
        self.person = f"p_cw_{index}"
        self.accepted: list[str] = []
        """Request ids of this writer's accepted writes."""
        self.write_revisions: list[int] = []
        self.seen_revisions: list[int] = []
        self.created: list[str] = []
        self.strength = 0.0
        self.problems: list[str] = []
        self.failure: BaseException | None = None

    def post(self, query: str, variables: dict[str, Any], request_id: str | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if request_id:
            headers["X-Request-ID"] = request_id
        answer = self.http.post(
            f"{self.server.base}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=60
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert not body.get("errors"), body["errors"]
        return dict(body["data"])

    def write(self, query: str, variables: dict[str, Any], revision_of: Any) -> dict[str, Any]:
        request_id = f"cw-{self.store}-{self.index}-{len(self.accepted)}"
        data = self.post(query, variables, request_id)
        self.accepted.append(request_id)
        revision = int(revision_of(data))
        self.write_revisions.append(revision)
        self.seen_revisions.append(revision)
        return data

    def check_fresh(self, strength: float) -> None:
        """Right after this writer's cover change, the cached analyses show that strength, never an older one."""
        data = self.post(AFTER, {"id": self.person, "member": COVERING})
        self.seen_revisions.append(data["account"]["revision"])
        paths = [round(p["strength"], 6) for p in data["influencePaths"]]
        if paths != [round(strength, 6)]:
            self.problems.append(f"path strength {paths} right after writing {strength}")
        uncovered = any(
            g["kind"] == "UNCOVERED_DECISION_MAKER" and g["subject"]["id"] == self.person for g in data["coverageGaps"]
        )
        if uncovered != (strength < 0.3):
            self.problems.append(f"UNCOVERED_DECISION_MAKER shown={uncovered} right after a cover of {strength}")

    def run(self) -> None:
        try:
            self.write(
                COVER,
                {"id": self.person, "member": COVERING, "strength": 0.8},
                lambda d: d["createPerson"]["account"]["revision"],
            )
            self.accepted.append(self.accepted[-1])  # the request made two writes: one audit entry each
            self.created.append(self.person)
            for r in range(ROUNDS):
                strength = (0.2 if r % 2 == 0 else 0.8) + self.index / 1000
                self.write(
                    STRENGTH,
                    {"member": COVERING, "id": self.person, "strength": strength},
                    lambda d: d["updateCovers"]["node"]["account"]["revision"],
                )
                self.strength = strength
                self.check_fresh(strength)
                new = f"p_cw_{self.index}_{r}"
                self.write(CREATE, {"id": new, "notes": f"made by writer {self.index}"}, self._revision("createPerson"))
                self.created.append(new)
                self.write(
                    NOTES, {"id": SHARED, "notes": f"writer {self.index} round {r}"}, self._revision("updatePerson")
                )
        except BaseException as exc:  # reported by the test in the main thread
            self.failure = exc
        finally:
            self.http.close()

    @staticmethod
    def _revision(field: str) -> Any:
        return lambda d: d[field]["account"]["revision"]


def _accepted_audit(server: Server) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    after = None
    while True:
        page = server.data(AUDIT, {"after": after})["auditLog"]
        entries += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return entries
        after = page["pageInfo"]["endCursor"]


def test_concurrent_writers_lose_nothing_and_never_read_stale(store_url: str, tmp_path: Path) -> None:
    store = "neo4j" if store_url.startswith("neo4j") else "sqlite"
    with running_server(tmp_path / "served", store_url=store_url) as server:
        kam = create_token(store_url, KAM, "kam")
        tokens = [server.token if i % 2 == 0 else kam for i in range(WRITERS)]
        writers = [Writer(server, i, tokens[i], store) for i in range(WRITERS)]
        for w in writers:
            w.start()
        for w in writers:
            w.join(timeout=240)
        for w in writers:
            assert not w.is_alive(), f"{w.name} did not finish"
            if w.failure is not None:
                raise AssertionError(f"{w.name} failed: {w.failure}") from w.failure
        assert [p for w in writers for p in w.problems] == []

        for w in writers:
            assert w.write_revisions == sorted(set(w.write_revisions)), (w.name, w.write_revisions)
            assert w.seen_revisions == sorted(w.seen_revisions), (w.name, w.seen_revisions)

        audit = [e for e in _accepted_audit(server) if (e["requestId"] or "").startswith(f"cw-{store}-")]
        by_request: dict[str, int] = {}
        for e in audit:
            by_request[e["requestId"]] = by_request.get(e["requestId"], 0) + 1
        expected: dict[str, int] = {}
        for w in writers:
            for request_id in w.accepted:
                expected[request_id] = expected.get(request_id, 0) + 1
        assert by_request == expected

        exported = server.request("GET", "/export", headers=server.headers()).json()
        people = {p["id"]: p for p in exported["people"]}
        covers = {(r["from"], r["to"]): r for r in exported["relations"] if r["type"] == "COVERS"}
        for w in writers:
            for person in w.created:
                assert person in people, f"{person}, created by {w.name}, is not in the export"
            assert covers[(COVERING, w.person)]["strength"] == w.strength
        last_notes = max(
            (e for e in audit if e["operation"] == "UPDATE_NODE" and SHARED in e["ids"]), key=lambda e: e["seq"]
        )
        assert people[SHARED]["notes"] == last_notes["after"]["notes"]
