"""Text typed by users comes back exactly as typed, JSON-escaped, and never breaks a response."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.support import Server

SCRIPT = "<script>alert(1)</script>"
NOTES = (
    "He said \"yes\" -- then 'no'.\n"
    'Backslash \\ and a JSON look-alike {"a": [1, 2]} and </script><b>bold</b> & &amp;\n'
    "Tab\there, unicode Y\u0131lmaz, Ünsal, 北京, emoji \U0001f680, line separator \u2028 end"
)


@pytest.fixture(scope="module")
def hostile(writable: Server) -> dict[str, Any]:
    """An account with a person named like a script tag, a committee and notes full of quotes."""
    doc = {
        "format": "graphsvc/1",
        "accounts": [{"id": "acc_hostile", "name": 'Acme "Quotes" & <Tags>', "status": "key", "notes": NOTES}],
        "people": [
            {"id": "p_script", "account": "acc_hostile", "name": SCRIPT, "roles": ["decider"], "notes": NOTES},
            {"id": "p_plain", "account": "acc_hostile", "name": "Plain Person", "roles": ["buyer"]},
        ],
        "members": [{"id": "m_hostile", "name": "Mia </b>", "role": "kam"}],
        "relations": [
            {"type": "COVERS", "from": "m_hostile", "to": "p_plain", "strength": 0.8, "notes": NOTES},
            {"type": "INFLUENCES", "from": "p_plain", "to": "p_script", "strength": 0.6, "notes": NOTES},
        ],
    }
    writable.data("mutation($d: JSON!) { importGraph(document: $d) { created } }", {"d": doc})
    return doc


def test_a_person_named_like_a_script_tag_comes_back_verbatim_everywhere(writable: Server, hostile: Any) -> None:
    query = """query($text: String!) {
      node(id: "p_script") { name notes }
      search(text: $text) { edges { node { id name } } }
      people(accountId: "acc_hostile", nameContains: "<script") { edges { node { name } } }
      account(id: "acc_hostile") { name notes people { edges { node { name } } } }
    }"""
    response = writable.post(query, {"text": "alert(1)"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()["data"]
    assert data["node"] == {"name": SCRIPT, "notes": NOTES}
    assert data["search"]["edges"] == [{"node": {"id": "p_script", "name": SCRIPT}}]
    assert data["people"]["edges"] == [{"node": {"name": SCRIPT}}]
    assert data["account"]["name"] == 'Acme "Quotes" & <Tags>'
    assert data["account"]["notes"] == NOTES
    assert {e["node"]["name"] for e in data["account"]["people"]["edges"]} == {SCRIPT, "Plain Person"}
    # JSON escaping, not HTML escaping: the quotes are escaped for JSON, the tags are left as typed.
    assert '\\"yes\\"' in response.text
    assert "&lt;script" not in response.text


def test_notes_on_relations_come_back_verbatim(writable: Server, hostile: Any) -> None:
    data = writable.data(
        """{ node(id: "p_script") { ... on Person { influencedBy { notes from { name } } } }
             cover: node(id: "p_plain") { ... on Person { coveredBy { notes member { name } } } } }"""
    )
    assert data["node"]["influencedBy"] == [{"notes": NOTES, "from": {"name": "Plain Person"}}]
    assert data["cover"]["coveredBy"] == [{"notes": NOTES, "member": {"name": "Mia </b>"}}]


def test_hostile_names_do_not_break_the_analyses_that_mention_them(writable: Server, hostile: Any) -> None:
    gaps = writable.data('{ coverageGaps(accountId: "acc_hostile") { kind subject { id name } message } }')
    uncovered = [g for g in gaps["coverageGaps"] if g["subject"]["id"] == "p_script"]
    assert uncovered, gaps
    assert all(g["subject"]["name"] == SCRIPT for g in uncovered)
    leverage = writable.data('{ leverage(accountId: "acc_hostile") { node { name } score } }')["leverage"]
    assert SCRIPT in {entry["node"]["name"] for entry in leverage}


def test_a_string_with_escapes_written_inline_in_the_query_is_stored_as_meant(writable: Server, hostile: Any) -> None:
    created = writable.data(
        'mutation { createMember(input: {id: "m_inline", name: "Quote \\"Q\\" \\\\ \\u00e9", role: OTHER}) { name } }'
    )
    assert created == {"createMember": {"name": 'Quote "Q" \\ é'}}
    again = writable.post('{ node(id: "m_inline") { name } }')
    assert json.loads(again.text) == {"data": {"node": {"name": 'Quote "Q" \\ é'}}}
