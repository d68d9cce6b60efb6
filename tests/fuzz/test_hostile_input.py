"""Hostile requests over HTTP on each store: each gets a clear error naming what is wrong, and the store is unchanged.

Deep nesting and aliases, huge strings and lists, numbers no JSON parser
should let through (NaN, Infinity) and numbers out of range, unicode and
control characters, and a 100 MB body. tests/api/test_limits.py holds the
limits at their exact bounds, tests/api/test_hostile_text.py markup that comes
back verbatim; this module pushes far past them. Text with SQL and Cypher in
every field, and broken import documents, are in test_hostile_records.py.
"""

from __future__ import annotations

import json
import re
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.api.support import Server, cli, code
from tests.fuzz.conftest import export
from tests.fuzz.live import CODES, INTERNALS, peak_rss_mib, serve_pid

IMPORT = "mutation($d: JSON!, $m: ImportMode) { importGraph(document: $d, mode: $m) { created } }"
CREATE_MEMBER = "mutation($i: MemberInput!) { createMember(input: $i) { id name notes } }"


def _raw(server: Server, body: str | bytes, method: str = "POST", **kwargs: Any) -> requests.Response:
    """A request with a body exactly as given (JSON a client library would refuse to write: NaN, lone surrogates)."""
    response = server.http.request(
        method, server.graphql_url, data=body, headers=server.headers(), timeout=60, **kwargs
    )
    for word in INTERNALS:
        assert word not in response.text, f"the answer shows {word!r}: {response.text[:2000]}"
    return response


def _error(response: requests.Response) -> dict[str, Any]:
    """The one error of a GraphQL answer that must fail: 200, nothing written, a documented code."""
    assert response.status_code == 200, response.text[:2000]
    body = response.json()
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert code(error) in CODES, error
    return dict(error)


# -- nesting and aliases ----------------------------------------------------------------------


def _deep_list(depth: int) -> str:
    return "[" * depth + "]" * depth


DEEP_BODIES = {
    "variables": '{"query": "{ __typename }", "variables": {"v": ' + _deep_list(100_000) + "}}",
    "extensions": '{"query": "{ __typename }", "extensions": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}",
    "body": _deep_list(100_000),
}


def test_json_nested_far_too_deep_is_400_saying_so(fuzz_server: Server, unchanged: None) -> None:
    for name, body in DEEP_BODIES.items():
        response = _raw(fuzz_server, body)
        assert (response.status_code, response.text) == (400, "the request body is JSON nested too deeply"), name
    params = {"query": "query($v: JSON) { __typename }", "variables": '{"v": ' + _deep_list(5000) + "}"}
    response = fuzz_server.http.get(fuzz_server.graphql_url, params=params, headers=fuzz_server.headers(), timeout=60)
    assert (response.status_code, response.text) == (400, "the request holds JSON nested too deeply"), "GET"


def test_an_import_document_nested_950_deep_is_bad_user_input_naming_the_field(
    fuzz_server: Server, unchanged: None
) -> None:
    account = '{"id": "acc_deep", "name": "Deep", "status": "key", "notes": ' + _deep_list(950) + "}"
    document = '{"format": "graphsvc/1", "accounts": [' + account + "]}"
    error = _error(
        _raw(fuzz_server, '{"query": "' + IMPORT.replace('"', '\\"') + '", "variables": {"d": ' + document + "}}")
    )
    assert code(error) == "BAD_USER_INPUT"
    assert "accounts[0] (acc_deep): notes must be a string" in error["message"]


@pytest.mark.slow
def test_graphsvc_import_of_a_file_nested_100000_deep_is_one_line_and_no_traceback(
    fuzz_server: Server, unchanged: None, tmp_path: Path
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(_deep_list(100_000))
    result = cli(fuzz_server.store_url, "import", str(deep))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        result.stderr.strip()
        == f"graphsvc: error: {deep}: is JSON nested too deeply (lists or objects about 1000 levels deep)"
    )


DEEP_DOCUMENTS = {
    "literal-300-deep": ("{ node(id: " + _deep_list(300) + ") { id } }", "GRAPHQL_PARSE_FAILED", "nested too deeply"),
    "selection-1500-deep": ("{ __typename " + "{ " * 1500 + "} " * 1500 + "}", "GRAPHQL_PARSE_FAILED", "Syntax Error"),
    "selection-60-deep": (
        '{ node(id: "m_yilmaz") { ... on Member { ' + "reportsTo { " * 60 + "id" + " }" * 60 + " } } }",
        "QUERY_TOO_COMPLEX",
        "depth of 10",
    ),
    "aliases-in-a-fragment": (
        "{ ...F } fragment F on Query { "
        + " ".join(f'a{i}: account(id: "acc_lumen") {{ id }}' for i in range(31))
        + " }",
        "QUERY_TOO_COMPLEX",
        "31 aliases",
    ),
    "fragment-cycle": (
        '{ account(id: "acc_lumen") { ...A } } fragment A on Account { ...B } fragment B on Account { ...A }',
        "GRAPHQL_VALIDATION_FAILED",
        "within itself",
    ),
}


def test_deep_or_alias_heavy_documents_are_refused_before_anything_runs(fuzz_server: Server, unchanged: None) -> None:
    for name, (query, expected_code, words) in DEEP_DOCUMENTS.items():
        error = _error(_raw(fuzz_server, json.dumps({"query": query})))
        assert code(error) == expected_code, (name, error)
        assert words in error["message"], (name, error["message"])


@pytest.mark.slow
def test_30_aliases_of_the_heaviest_analyses_answer_in_time(fuzz_server: Server, unchanged: None) -> None:
    fields = [
        f'a{i}: influencePaths(accountId: "acc_halvorsen", to: "p_hal_ceo", k: 20, maxHops: 6) {{ strength }}'
        for i in range(27)
    ] + [f"b{i}: portfolioLeverage(top: {500 - i}) {{ score node {{ id }} }}" for i in range(3)]
    # Warm first: a cold Neo4j takes seconds for the first analyses on a busy machine; the aliases are under test here.
    assert _raw(fuzz_server, json.dumps({"query": "{ " + fields[0] + " " + fields[-1] + " }"})).status_code == 200
    started = time.monotonic()
    response = _raw(fuzz_server, json.dumps({"query": "{ " + " ".join(fields) + " }"}))
    assert response.status_code == 200
    data = response.json()["data"]
    assert len(data) == 30
    assert data["a26"]
    assert data["b2"]
    assert time.monotonic() - started < 30, "the client's timeout for a hang"


# -- huge strings and lists ---------------------------------------------------------------------


def _create_member(server: Server, member: dict[str, Any]) -> dict[str, Any]:
    return _error(_raw(server, json.dumps({"query": CREATE_MEMBER, "variables": {"i": member}})))


def test_a_huge_string_is_bad_user_input_naming_the_field_and_its_limit(fuzz_server: Server, unchanged: None) -> None:
    error = _create_member(fuzz_server, {"id": "m_huge", "name": "x" * 7_000_000, "role": "KAM"})
    assert error["message"] == "member 'm_huge' (m_huge): name is 7000000 characters long; at most 500 are allowed"
    error = _create_member(fuzz_server, {"id": "m_huge", "name": "Huge", "role": "KAM", "notes": "n" * 1_000_000})
    assert error["message"] == "member 'm_huge' (m_huge): notes is 1000000 characters long; at most 10000 are allowed"


@pytest.mark.slow
def test_a_huge_id_is_quoted_shortened_and_the_message_still_names_the_field(
    fuzz_server: Server, unchanged: None, tmp_path: Path
) -> None:
    huge = "m_" + "i" * 200_000
    error = _create_member(fuzz_server, {"id": huge, "name": "Huge", "role": "KAM"})
    assert code(error) == "BAD_USER_INPUT"
    assert error["message"].startswith("member 'm_iii"), error["message"][:300]
    assert "characters left out" in error["message"]
    assert error["message"].endswith(
        "is not a valid id: 1-128 letters, digits or _ . : @ -, starting with a letter or digit"
    )
    assert len(error["message"]) < 3000
    error = _error(
        _raw(
            fuzz_server,
            json.dumps({"query": "query($a: ID!) { leverage(accountId: $a) { score } }", "variables": {"a": huge}}),
        )
    )
    assert code(error) == "NOT_FOUND"
    assert error["message"].startswith("no account has the id 'm_iii"), error["message"][:300]
    assert len(error["message"]) < 3000
    document = tmp_path / "huge-id.json"
    document.write_text(json.dumps({"format": "graphsvc/1", "members": [{"id": huge, "name": "Huge", "role": "kam"}]}))
    result = cli(fuzz_server.store_url, "import", str(document))
    assert result.returncode == 1
    assert "members[0]" in result.stderr
    assert "is not a valid id" in result.stderr
    assert len(result.stderr) < 3000


@pytest.mark.slow
def test_huge_lists_get_a_clear_error_or_an_ordinary_answer(fuzz_server: Server, unchanged: None) -> None:
    account = {"id": "acc_huge", "name": "Huge", "status": "KEY", "countries": [f"C{i}" for i in range(100_000)]}
    query = "mutation($i: AccountInput!) { createAccount(input: $i) { id } }"
    error = _error(_raw(fuzz_server, json.dumps({"query": query, "variables": {"i": account}})))
    assert code(error) == "BAD_USER_INPUT"
    assert "countries has 100000 entries; at most 100 are allowed" in error["message"]
    query = "query($ids: [ID!]) { portfolioLeverage(top: 3, accountIds: $ids) { score } }"
    ids = ["acc_halvorsen", "acc_lumen"] * 50_000
    body = _raw(fuzz_server, json.dumps({"query": query, "variables": {"ids": ids}})).json()
    assert "errors" not in body, body
    assert len(body["data"]["portfolioLeverage"]) == 3


@pytest.mark.slow
def test_an_import_of_20000_members_with_the_last_one_broken_writes_none(fuzz_server: Server, unchanged: None) -> None:
    members = [{"id": f"m_bulk{i}", "name": f"Bulk {i}", "role": "kam"} for i in range(20_000)]
    members[-1]["role"] = "boss"
    document = {"format": "graphsvc/1", "members": members}
    error = _error(_raw(fuzz_server, json.dumps({"query": IMPORT, "variables": {"d": document, "m": "MERGE"}})))
    assert code(error) == "BAD_USER_INPUT"
    assert error["message"].startswith("members[19999] (m_bulk19999): role"), error["message"][:500]


# -- numbers and enums --------------------------------------------------------------------------

NUMBERS = ("NaN", "Infinity", "-Infinity", "-0.1", "1.0000001", "2", "-1e400", "1e400", '"0.5"', "true", "[0.5]")
"""Not numbers in [0, 1]: JSON's NaN and Infinity (Python's decoder takes them), out of range, overflow, wrong type."""
PERSON = '{"id": "p_num", "account": "acc_halvorsen", "name": "Num", "power": NUMBER}'
CASES = {
    "createPerson": ("mutation($v: PersonInput!) { createPerson(input: $v) { id } }", PERSON, "power"),
    "createCovers": (
        "mutation($v: CoversInput!) { createCovers(input: $v) { strength } }",
        '{"from": "m_hoffmann", "to": "p_hal_ceo", "strength": NUMBER}',
        "strength",
    ),
    "import": (
        IMPORT.replace("$m: ImportMode", "$m: ImportMode = REPLACE").replace("$d", "$v"),
        '{"format": "graphsvc/1", "people": [' + PERSON + "]}",
        "power",
    ),
}


@pytest.mark.parametrize("where", list(CASES))
def test_a_strength_or_power_that_is_not_a_number_in_0_1_is_bad_user_input_naming_it(
    fuzz_server: Server, unchanged: None, where: str
) -> None:
    query, variable, name = CASES[where]
    for number in NUMBERS:
        body = '{"query": ' + json.dumps(query) + ', "variables": {"v": ' + variable.replace("NUMBER", number) + "}}"
        error = _error(_raw(fuzz_server, body))
        assert code(error) == "BAD_USER_INPUT", (number, error)
        assert name in error["message"], (number, error["message"])


def test_an_enum_value_that_does_not_exist_is_bad_user_input_naming_the_field(
    fuzz_server: Server, unchanged: None
) -> None:
    query = json.dumps("mutation($i: PersonInput!) { createPerson(input: $i) { attitude } }")
    for value in ('"champion"', '"FRIEND"', "3", "0.5", '["CHAMPION"]', '"CHAMPION; DROP"', '{"a": 1}'):
        person = '{"id": "p_enum", "account": "acc_halvorsen", "name": "Enum", "attitude": ' + value + "}"
        error = _error(_raw(fuzz_server, '{"query": ' + query + ', "variables": {"i": ' + person + "}}"))
        assert code(error) == "BAD_USER_INPUT", (value, error)
        assert "attitude" in error["message"], (value, error["message"])


# -- unicode and control characters --------------------------------------------------------------

CONTROL = [
    ("name", "a\u0000b"),
    ("name", "bell\u0007"),
    ("name", "esc\u001b[31m"),
    ("name", "line\u2028separator"),
    ("name", "new\nline"),
    ("notes", "nul \u0000 in a note"),
    ("notes", "del \u007f"),
]


def test_a_control_character_is_bad_user_input_naming_the_field(fuzz_server: Server, unchanged: None) -> None:
    for field, text in CONTROL:
        error = _create_member(fuzz_server, {"id": "m_ctrl", "name": "Ctrl", "role": "KAM", field: text})
        expected = f"member 'm_ctrl' (m_ctrl): {field} contains a control character or invalid Unicode"
        assert error["message"] == expected, (text, error)


LONE = {
    "name": '{"id": "m_lone", "name": "a\\ud800b", "role": "KAM"}',
    "notes": '{"id": "m_lone", "name": "ok", "role": "KAM", "notes": "\\udfff"}',
    "id": '{"id": "m_\\ud83d", "name": "ok", "role": "KAM"}',
}


def test_a_lone_surrogate_in_json_is_bad_user_input_naming_the_field(fuzz_server: Server, unchanged: None) -> None:
    for field, member in LONE.items():
        error = _error(
            _raw(fuzz_server, '{"query": ' + json.dumps(CREATE_MEMBER) + ', "variables": {"i": ' + member + "}}")
        )
        assert code(error) == "BAD_USER_INPUT", (field, error)
        assert f"{field} " in error["message"], (field, error["message"])


def test_a_body_that_is_not_utf8_is_400(fuzz_server: Server, unchanged: None) -> None:
    response = _raw(fuzz_server, b'{"query": "{ node(id: \\"\xff\xfe\\") { id } }"}')
    assert response.status_code == 400
    assert response.text == "the request body is not valid JSON"


def test_bidi_overrides_zero_width_and_astral_text_is_stored_and_returned_verbatim(fuzz_server: Server) -> None:
    name = "\u202eevil.exe\u202c \u200b\u200d\ufeff Ĳssel \U0001d518\U0001d52b\U0001d526 👩‍👩‍👧 e\u0301"
    notes = "tab\tand\r\nCRLF \u0085 \U0010fffd"
    created = fuzz_server.data(CREATE_MEMBER, {"i": {"id": "m_bidi", "name": name, "role": "KAM", "notes": notes}})
    assert created == {"createMember": {"id": "m_bidi", "name": name, "notes": notes}}
    [stored] = [m for m in export(fuzz_server)["members"] if m["id"] == "m_bidi"]
    assert (stored["name"], stored["notes"]) == (name, notes)


# -- a 100 MB body ------------------------------------------------------------------------------


def _send_and_read(server: Server, head: bytes, chunks: int, chunk: bytes, framed: bool) -> tuple[int, bytes]:
    """Send ``head``, then ``chunks`` chunks (chunked or raw), and read the answer; the server may stop reading."""
    address = urlsplit(server.base)
    with socket.create_connection((address.hostname, address.port), timeout=60) as sock:
        sock.sendall(head)
        try:
            for _ in range(chunks):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if framed else chunk)
            if framed:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: what it said is in the socket's buffer
        data = b""
        while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < _length(data):
            part = sock.recv(65536)
            assert part, f"the connection closed before a whole answer: {data[:300]!r}"
            data += part
    head_part, _, rest = data.partition(b"\r\n\r\n")
    return int(head_part.split(b" ", 2)[1]), rest


def _length(data: bytes) -> int:
    found = re.search(rb"(?im)^content-length:\s*(\d+)", data.partition(b"\r\n\r\n")[0])
    return int(found.group(1)) if found else 1 << 30


@pytest.mark.slow
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_100_mb_body_is_refused_with_413_without_the_server_holding_it(
    fuzz_server: Server, unchanged: None, framing: str
) -> None:
    pid = serve_pid(fuzz_server)
    peak_before = peak_rss_mib(pid)
    size, chunk = 100 * 1024 * 1024, b" " * (1024 * 1024)
    auth = f"Authorization: Bearer {fuzz_server.token}\r\nContent-Type: application/json\r\n"
    length = f"Content-Length: {size}\r\n" if framing == "content-length" else "Transfer-Encoding: chunked\r\n"
    head = f"POST /graphql HTTP/1.1\r\nHost: {urlsplit(fuzz_server.base).netloc}\r\n{auth}{length}\r\n".encode()
    status, body = _send_and_read(fuzz_server, head, size // len(chunk), chunk, framing == "chunked")
    assert status == 413
    [error] = json.loads(body)["errors"]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "larger than 8388608 bytes" in error["message"]
    peak_after = peak_rss_mib(pid)
    assert peak_before is not None
    assert peak_after is not None
    assert peak_after - peak_before < 50, f"the server's peak memory grew from {peak_before} to {peak_after} MiB"
