"""Hostile records over HTTP on each store: SQL and Cypher in every text field, and broken import documents.

Text that looks like SQL or Cypher is data: every text field of every node
kind and the notes of every relation type take it, it comes back verbatim
through the API and the admin's export, searches treat it as plain text
(``%``, ``_``, ``.*`` match only themselves), and nothing else in the store
moves. An import document with a cycle, a dangling id, a duplicate or a
value of the wrong type is refused whole, in either mode, with an error that
names the record and the field, and the store is unchanged.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from graphsvc.model import LIST_NAMES, NODE_FIELDS, NodeKind
from tests.api.support import Server, code
from tests.conftest import SMALL_DOC
from tests.fuzz.conftest import export
from tests.fuzz.live import INTERNALS

PAYLOADS = (
    "'; DROP TABLE nodes; --",
    "x' OR '1'='1' --",
    "%' OR name LIKE '%",
    "_%_",
    "') RETURN 1; MATCH (n) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n WITH 1 AS x RETURN x //',
    "$name {name: 'x'} ${id} .* (?i)^.*$ \\",
    "Robert'); DELETE FROM relations;-- <script>alert(1)</script>",
)
"""SQL and Cypher injections, LIKE and regex wildcards, parameter look-alikes, a backslash and markup."""

_GQL = {"account": "Account", "site": "Site", "person": "Person", "committee": "Committee"}
_GQL |= {"influencer": "Influencer", "member": "Member"}
_CAMEL = {"cadence_days": "cadenceDays", "last_contact": "lastContact"}
_TEXT_TYPES = ("text", "note", "text_list")


def _records(i: int, payload: str) -> tuple[dict[NodeKind, dict[str, Any]], list[dict[str, Any]]]:
    """One node of each kind with ``payload`` in every text field, and one relation of each type with it in notes."""
    ids = {kind: f"inj{i}_{kind.value}" for kind in NodeKind}
    nodes: dict[NodeKind, dict[str, Any]] = {}
    for kind, fields in NODE_FIELDS.items():
        record: dict[str, Any] = {"id": ids[kind]}
        for field in fields:
            if field.type in ("text", "note"):
                record[field.name] = payload
            elif field.type == "text_list":
                record[field.name] = [payload, payload + " 2"]
            elif field.type == "ref":
                record[field.name] = ids[field.ref] if field.ref else None
            elif field.required and field.choices is not None:
                record[field.name] = next(iter(field.choices)).value
        nodes[kind] = record
    p, c, inf, m = ids[NodeKind.PERSON], ids[NodeKind.COMMITTEE], ids[NodeKind.INFLUENCER], ids[NodeKind.MEMBER]
    relations = [
        {"type": "REPORTS_TO", "from": p, "to": "p_hal_ceo"},
        {"type": "MEMBER_OF", "from": p, "to": c, "role": "chair"},
        {"type": "INFLUENCES", "from": inf, "to": p, "strength": 0.7},
        {"type": "COVERS", "from": m, "to": p, "strength": 0.6},
        {"type": "KNOWS", "from": m, "to": inf, "strength": 0.4},
        {"type": "ASSIGNED_TO", "from": m, "to": ids[NodeKind.ACCOUNT], "role": "lead"},
    ]
    for relation in relations:
        relation["notes"] = payload
    return nodes, relations


def _data(server: Server, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """``data`` of a request that must succeed. Not ``Server.data``: its leak check takes the SQL and Cypher
    stored here on purpose for leaked internals; this one looks for stack traces and drivers only."""
    response = server.http.post(
        server.graphql_url,
        data=json.dumps({"query": query, "variables": variables}),
        headers=server.headers(),
        timeout=60,
    )
    for word in INTERNALS:
        assert word not in response.text, response.text[:2000]
    body = response.json()
    assert "errors" not in body, body["errors"]
    return dict(body["data"])


def _gql_input(record: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in record.items():
        if key == "type":
            continue
        name = _CAMEL.get(key, key)
        out[name] = value.upper() if key in ("status", "kind", "role") and isinstance(value, str) else value
    return out


MUTATED = (0, 4)
"""Payloads written through the create mutations (one SQL, one Cypher); the rest go in through one importGraph."""


def test_sql_and_cypher_in_every_text_field_are_stored_and_returned_verbatim_and_never_run(
    fuzz_server: Server,
) -> None:
    before = export(fuzz_server)
    created: dict[str, dict[str, Any]] = {}
    notes: dict[tuple[str, str, str], str] = {}
    document: dict[str, Any] = {"format": "graphsvc/1", "relations": []}
    lists = {kind: name for name, kind in LIST_NAMES.items()}
    for i, payload in enumerate(PAYLOADS):
        nodes, relations = _records(i, payload)
        created |= {record["id"]: record for record in nodes.values()}
        notes |= {(r["type"], r["from"], r["to"]): payload for r in relations}
        if i not in MUTATED:
            for kind, record in nodes.items():
                document.setdefault(lists[kind], []).append(record)
            document["relations"] += relations
            continue
        for kind, record in nodes.items():
            name = _GQL[kind.value]
            query = f"mutation($i: {name}Input!) {{ create{name}(input: $i) {{ id }} }}"
            assert _data(fuzz_server, query, {"i": _gql_input(record)}) == {f"create{name}": {"id": record["id"]}}
        for relation in relations:
            name = "".join(part.capitalize() for part in relation["type"].split("_"))
            query = f"mutation($i: {name}Input!) {{ create{name}(input: $i) {{ notes }} }}"
            assert _data(fuzz_server, query, {"i": _gql_input(relation)}) == {f"create{name}": {"notes": payload}}
    query = "mutation($d: JSON!) { importGraph(document: $d) { created } }"
    assert _data(fuzz_server, query, {"d": document})["importGraph"]["created"] == len(created) - 12 + len(notes) - 12

    # Through the API: every text field of every record as typed (24 aliases a request).
    fields = " ".join(
        f"... on {_GQL[kind.value]} {{ {' '.join(f.name for f in kind_fields if f.type in _TEXT_TYPES)} }}"
        for kind, kind_fields in NODE_FIELDS.items()
    )
    ids = sorted(created)
    for start in range(0, len(ids), 24):
        batch = ids[start : start + 24]
        aliases = " ".join(f'n{j}: node(id: "{node_id}") {{ id {fields} }}' for j, node_id in enumerate(batch))
        answer = _data(fuzz_server, f"{{ {aliases} }}")
        for j, node_id in enumerate(batch):
            node = answer[f"n{j}"]
            assert node == {k: v for k, v in created[node_id].items() if k == "id" or k in node}, node_id

    # In the store: the records exactly as typed, and everything that was there before untouched.
    after = export(fuzz_server)
    for name, rows in after.items():
        if name == "format":
            continue
        if name == "relations":
            kept = [r for r in rows if (r["type"], r["from"], r["to"]) not in notes]
            stored = {
                (r["type"], r["from"], r["to"]): r["notes"] for r in rows if (r["type"], r["from"], r["to"]) in notes
            }
            assert stored == notes
        else:
            kept = [r for r in rows if r["id"] not in created]
            assert [r for r in rows if r["id"] in created] == sorted(
                (r for r in created.values() if lists[NodeKind(r["id"].split("_", 1)[1])] == name),
                key=lambda r: r["id"],
            )
        assert kept == before.get(name, []), f"{name} changed"

    # Searches take the text literally: wildcards and patterns match only themselves.
    everything = [row for name, rows in after.items() if name not in ("format", "relations") for row in rows]
    for payload in PAYLOADS:
        hits = _data(
            fuzz_server,
            "query($t: String!) { search(text: $t, first: 100) { edges { node { id } } } "
            "accounts(nameContains: $t) { edges { node { id } } } }",
            {"t": payload},
        )
        named = sorted(r["id"] for r in everything if payload.lower() in r["name"].lower())
        assert sorted(e["node"]["id"] for e in hits["search"]["edges"]) == named, payload
        accounts = [r for r in named if r in {a["id"] for a in after["accounts"]}]
        assert sorted(e["node"]["id"] for e in hits["accounts"]["edges"]) == accounts, payload


# -- import documents -------------------------------------------------------------------------------


def _doc(change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(SMALL_DOC)
    change(doc)
    return doc


def _rel(doc: dict[str, Any], **relation: Any) -> None:
    doc["relations"].append(relation)


def _set(doc: dict[str, Any], list_name: str, index: int, **values: Any) -> None:
    doc[list_name][index].update(values)


BROKEN: dict[str, tuple[Any, tuple[str, ...]]] = {
    "reporting-cycle": (
        lambda d: _rel(d, type="REPORTS_TO", **{"from": "p_ceo", "to": "p_buyer"}),
        ("REPORTS_TO", "cycle"),
    ),
    "cycle-through-the-store": (
        lambda d: _rel(d, type="REPORTS_TO", **{"from": "m_berger", "to": "m_hoffmann"}),
        ("REPORTS_TO", "m_berger", "cycle"),
    ),
    "self-loop": (lambda d: _rel(d, type="KNOWS", strength=0.5, **{"from": "m_kam", "to": "m_kam"}), ("m_kam",)),
    "dangling-target": (
        lambda d: _rel(d, type="COVERS", strength=0.5, **{"from": "m_kam", "to": "p_nobody"}),
        ("relations[7] (COVERS m_kam -> p_nobody)", "p_nobody"),
    ),
    "dangling-account": (lambda d: _set(d, "people", 1, account="acc_nowhere"), ("people[1] (p_buyer)", "account")),
    "site-of-another-account": (lambda d: _set(d, "people", 2, site="site_acme_de"), ("people[2] (p_bolt)", "site")),
    "duplicate-id": (lambda d: d["people"].append(dict(d["people"][0])), ("p_ceo",)),
    "id-in-two-lists": (lambda d: d["members"].append({"id": "p_ceo", "name": "X", "role": "kam"}), ("p_ceo",)),
    "id-taken-in-the-store-by-another-kind": (
        lambda d: d["members"].append({"id": "acc_halvorsen", "name": "X", "role": "kam"}),
        ("acc_halvorsen",),
    ),
    "duplicate-relation": (lambda d: d["relations"].append(dict(d["relations"][4])), ("COVERS m_kam -> p_buyer",)),
    "name-a-number": (lambda d: _set(d, "accounts", 0, name=5), ("accounts[0] (acc_acme)", "name")),
    "roles-a-string": (lambda d: _set(d, "people", 0, roles="decider"), ("people[0] (p_ceo)", "roles")),
    "power-a-string": (lambda d: _set(d, "people", 0, power="0.9"), ("people[0] (p_ceo)", "power")),
    "power-a-boolean": (lambda d: _set(d, "people", 0, power=True), ("people[0] (p_ceo)", "power")),
    "power-above-1": (lambda d: _set(d, "people", 0, power=1.5), ("people[0] (p_ceo)", "power")),
    "strength-negative": (lambda d: _set(d, "relations", 3, strength=-0.2), ("relations[3]", "strength")),
    "countries-a-string": (lambda d: _set(d, "accounts", 0, countries="DE"), ("accounts[0] (acc_acme)", "countries")),
    "cadence-a-fraction": (lambda d: _set(d, "relations", 4, cadence_days=1.5), ("relations[4]", "cadence_days")),
    "date-impossible": (lambda d: _set(d, "relations", 4, last_contact="2026-13-45"), ("relations[4]", "last_contact")),
    "enum-unknown": (lambda d: _set(d, "accounts", 1, status="vip"), ("accounts[1] (acc_bolt)", "status")),
    "property-misspelt": (lambda d: _set(d, "relations", 3, stength=0.5), ("relations[3]", "stength")),
    "list-an-object": (lambda d: d.update(people={"p_x": {}}), ("people",)),
    "record-a-string": (lambda d: d["people"].append("p_x"), ("people[3]",)),
    "format-missing": (lambda d: d.pop("format"), ("format",)),
    "format-wrong": (lambda d: d.update(format="graphsvc/2"), ("format",)),
    "top-level-unknown": (lambda d: d.update(nodes=[]), ("nodes",)),
}


AGAINST_THE_STORE = ("cycle-through-the-store", "id-taken-in-the-store-by-another-kind")


@pytest.mark.parametrize("mode", ["MERGE", "REPLACE"])
def test_a_broken_import_document_is_refused_whole_naming_record_and_field(fuzz_server: Server, mode: str) -> None:
    before = export(fuzz_server)
    query = "mutation($d: JSON!, $m: ImportMode) { importGraph(document: $d, mode: $m) { created } }"
    for name, (change, words) in BROKEN.items():
        if mode == "REPLACE" and name in AGAINST_THE_STORE:
            continue  # replaced, the store's records are gone: these documents would be valid
        body = fuzz_server.post(query, {"d": _doc(change), "m": mode}).json()
        assert body.get("data") is None, (name, body)
        [error] = body["errors"]
        assert code(error) == "BAD_USER_INPUT", (name, error)
        for word in words:
            assert word in error["message"], (name, error["message"])
    assert export(fuzz_server) == before, "a refused import changed the store"
