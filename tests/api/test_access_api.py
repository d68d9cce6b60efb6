"""Roles over real HTTP (issue 7): what a token sees through ``viewer``, lists, pages and ``/export``, what it may
change, and the audit log. The demo's reporting lines: m_fontaine and m_yilmaz report to m_hoffmann, who is
assigned to acc_halvorsen only; m_yilmaz also to acc_castellani and acc_vantor. The exhaustive role x field matrix
is tests/access; these tests follow one token of each role through the served app.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from graphsvc.errors import InvalidInput
from graphsvc.store import open_store
from graphsvc.store.base import secret_hash
from tests.api.support import Server, cli, code, create_token

ALL = ["acc_castellani", "acc_halvorsen", "acc_lumen", "acc_vantor"]
KAM_SEES = ["acc_halvorsen"]
LEAD_SEES = ["acc_castellani", "acc_halvorsen", "acc_vantor"]
VIEWER_Q = "{ viewer { memberId role accountIds canWrite } }"
ACCOUNTS_Q = "{ accounts(first: 100) { totalCount edges { node { id } } } }"


@pytest.fixture(scope="module")
def kam(server: Server) -> str:
    return create_token(server.store_url, "m_hoffmann", "kam")


def _ids(connection: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in connection["edges"]]


def _page(server: Server, path: str, token: str) -> Any:
    return server.request("GET", path, headers={"Authorization": f"Bearer {token}", "Accept": "text/html"})


def _assert_back_to_signin(server: Server, secret: str) -> None:
    """A browser signed in with ``secret`` is sent back to sign-in (a bearer header would get 401)."""
    page = server.request("GET", "/", headers={"Cookie": f"graphsvc_token={secret}"}, allow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/signin")


# -- what a token sees ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {"memberId": "m_hoffmann", "role": "ADMIN", "accountIds": None, "canWrite": True}),
        ("lead", {"memberId": "m_hoffmann", "role": "LEAD", "accountIds": LEAD_SEES, "canWrite": True}),
        ("kam", {"memberId": "m_hoffmann", "role": "KAM", "accountIds": KAM_SEES, "canWrite": True}),
        ("viewer", {"memberId": "m_hoffmann", "role": "VIEWER", "accountIds": KAM_SEES, "canWrite": False}),
    ],
)
def test_viewer_names_the_tokens_member_role_and_visible_accounts(
    server: Server, role: str, expected: dict[str, Any]
) -> None:
    token = create_token(server.store_url, "m_hoffmann", role)
    assert server.data(VIEWER_Q, token=token)["viewer"] == expected
    accounts = server.data(ACCOUNTS_Q, token=token)["accounts"]
    assert _ids(accounts) == (expected["accountIds"] or ALL)
    assert accounts["totalCount"] == len(expected["accountIds"] or ALL)


def test_a_kam_finds_only_people_of_their_accounts_and_others_are_missing(
    server: Server, kam: str, demo: dict[str, Any]
) -> None:
    search = '{ search(text: "o", kind: PERSON, first: 100) { totalCount edges { node { id } } } }'
    everyone = server.data(search)["search"]
    mine = server.data(search, token=kam)["search"]
    halvorsen = {p["id"] for p in demo["people"] if p["account"] == "acc_halvorsen"}
    assert set(_ids(everyone)) - halvorsen, "the admin's search finds people of other accounts too"
    assert _ids(mine) == [i for i in _ids(everyone) if i in halvorsen]
    assert mine["totalCount"] == len(_ids(mine))

    hidden = server.data(
        '{ account(id: "acc_vantor") { id } node(id: "p_van_ceo") { id } missing: node(id: "p_nope") { id } }',
        token=kam,
    )
    assert hidden == {"account": None, "node": None, "missing": None}
    invisible = server.error('{ leverage(accountId: "acc_vantor") { score } }', token=kam)
    missing = server.error('{ leverage(accountId: "acc_nope") { score } }', token=kam)
    assert (code(invisible), code(missing)) == ("NOT_FOUND", "NOT_FOUND")
    assert invisible["message"] == missing["message"].replace("acc_nope", "acc_vantor")


def test_a_kams_pages_show_only_their_accounts_and_a_hidden_map_is_the_missing_404(server: Server, kam: str) -> None:
    home = _page(server, "/", kam)
    assert home.status_code == 200
    assert re.findall(r'<tr data-account="([^"]+)"', home.text) == KAM_SEES
    assert "(kam)" in home.text  # the header names the role
    admin_home = _page(server, "/", server.token)
    assert re.findall(r'<tr data-account="([^"]+)"', admin_home.text) == ALL

    hidden, missing = _page(server, "/accounts/acc_vantor/map", kam), _page(server, "/accounts/acc_nope/map", kam)
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.text == missing.text.replace("acc_nope", "acc_vantor")
    assert _page(server, "/accounts/acc_halvorsen/map", kam).status_code == 200

    team = _page(server, "/team/m_berger", kam)
    assert team.status_code == 200
    assert set(re.findall(r'<table class="heatmap" data-account="([^"]+)"', team.text)) <= set(KAM_SEES)
    assert "p_van_" not in team.text
    assert "p_cas_" not in team.text


# -- tokens -----------------------------------------------------------------------------------------------


def test_an_expired_token_is_refused_on_the_next_request(server: Server) -> None:
    store = open_store(server.store_url, create=False)
    try:
        _, secret = store.create_token("m_weber", "kam", expires=datetime.now(UTC) + timedelta(seconds=3))
    finally:
        store.close()
    assert server.data(VIEWER_Q, token=secret)["viewer"]["accountIds"] == ["acc_vantor"]
    time.sleep(3.5)
    response = server.post(VIEWER_Q, token=secret)
    assert response.status_code == 401
    assert code(response.json()["errors"][0]) == "UNAUTHENTICATED"
    _assert_back_to_signin(server, secret)


def test_a_revoked_kam_token_is_refused_at_once_on_api_pages_and_export(server: Server) -> None:
    secret = create_token(server.store_url, "m_rinaldi", "kam")
    assert server.data(VIEWER_Q, token=secret)["viewer"]["accountIds"] == ["acc_castellani", "acc_lumen"]
    token_id = secret.split("_")[1]
    assert cli(server.store_url, "token", "revoke", token_id).returncode == 0
    assert server.post(VIEWER_Q, token=secret).status_code == 401
    assert server.request("GET", "/export", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    _assert_back_to_signin(server, secret)


def test_token_list_shows_role_state_expiry_and_last_use(server: Server) -> None:
    secret = create_token(server.store_url, "m_weber", "viewer")
    server.data(VIEWER_Q, token=secret)
    deadline = time.monotonic() + 15  # the Neo4j store writes last_used in the background, after the answer
    while True:
        listed = cli(server.store_url, "token", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        [mine] = [t for t in json.loads(listed.stdout) if t["id"] == secret.split("_")[1]]
        if mine["last_used"] is not None or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert (mine["member"], mine["role"], mine["expires"], mine["revoked"]) == ("m_weber", "viewer", None, None)
    assert mine["last_used"] is not None
    text = cli(server.store_url, "token", "list").stdout
    assert re.search(rf"{mine['id']}\s+m_weber\s+viewer\s+live\b", text), text


# -- /export ----------------------------------------------------------------------------------------------


def _export(server: Server, token: str | None, **headers: str) -> Any:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return server.request("GET", "/export", headers=headers)


def test_export_gives_an_admin_the_whole_graph_as_a_download(server: Server, tmp_path: Any) -> None:
    response = _export(server, server.token)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith('attachment; filename="graphsvc-export-')
    assert response.headers["cache-control"] == "no-store"
    target = tmp_path / "all.json"
    assert cli(server.store_url, "export", str(target)).returncode == 0
    assert response.json() == json.loads(target.read_text())


@pytest.mark.parametrize(
    ("role", "member", "expected"),
    [("kam", "m_hoffmann", KAM_SEES), ("viewer", "m_weber", ["acc_vantor"]), ("lead", "m_hoffmann", LEAD_SEES)],
)
def test_export_gives_other_roles_only_what_they_see(
    server: Server, role: str, member: str, expected: list[str]
) -> None:
    response = _export(server, create_token(server.store_url, member, role))
    assert response.status_code == 200
    doc = response.json()
    assert doc["format"] == "graphsvc/1"
    assert sorted(a["id"] for a in doc["accounts"]) == expected
    owned = [r for kind in ("sites", "people", "committees") for r in doc.get(kind, [])]
    assert owned
    assert {r["account"] for r in owned} == set(expected)
    ids = {
        r["id"]
        for kind in ("accounts", "sites", "people", "committees", "influencers", "members")
        for r in doc.get(kind, [])
    }
    assert all(r["from"] in ids and r["to"] in ids for r in doc["relations"])
    hidden = [a.split("_", 1)[1][:3] for a in ALL if a not in expected]
    assert not any(f'"p_{h}_' in response.text or f'"com_{h}_' in response.text for h in hidden)


def test_export_without_a_token_is_401_and_a_cross_site_cookie_export_is_refused(server: Server, kam: str) -> None:
    anonymous = _export(server, None)
    assert anonymous.status_code == 401
    assert code(anonymous.json()["errors"][0]) == "UNAUTHENTICATED"
    cookie = {"Cookie": f"graphsvc_token={kam}"}
    assert _export(server, None, **cookie, **{"Sec-Fetch-Site": "same-origin"}).status_code == 200
    refused = _export(server, None, **cookie, **{"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert code(refused.json()["errors"][0]) == "FORBIDDEN"


# -- writes and the audit log -----------------------------------------------------------------------------

UPDATE = "mutation($id: ID!, $notes: String) { updatePerson(id: $id, input: {notes: $notes}) { id notes } }"
AUDIT = """query($member: ID, $outcome: AuditOutcome) {
  auditLog(memberId: $member, outcome: $outcome, first: 20) {
    edges { node { seq at operation outcome memberId role tokenId via requestId accountIds ids before after detail } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def _entry(writable: Server, request_id: str, **variables: Any) -> dict[str, Any]:
    log = writable.data(AUDIT, variables)["auditLog"]
    seqs = [e["node"]["seq"] for e in log["edges"]]
    assert seqs == sorted(seqs, reverse=True), "newest first"
    [entry] = [e["node"] for e in log["edges"] if e["node"]["requestId"] == request_id]
    return dict(entry)


def test_a_viewers_change_is_forbidden_logged_as_refused_and_changes_nothing(writable: Server) -> None:
    token = create_token(writable.store_url, "m_hoffmann", "viewer")
    before = writable.data('{ node(id: "p_hal_ceo") { ... on Person { notes } } }')
    response = writable.post(
        UPDATE,
        {"id": "p_hal_ceo", "notes": "viewer was here"},
        token=token,
        headers={"X-Request-ID": "wiring-viewer-1"},
    )
    [error] = response.json()["errors"]
    assert code(error) == "FORBIDDEN"
    assert "p_hal_ceo" in error["message"]
    assert "viewer" in error["message"]
    assert writable.data('{ node(id: "p_hal_ceo") { ... on Person { notes } } }') == before

    hidden = writable.error(UPDATE, {"id": "p_van_ceo", "notes": "x"}, token=token)
    missing = writable.error(UPDATE, {"id": "p_nope", "notes": "x"}, token=token)
    assert (code(hidden), hidden["message"]) == (code(missing), missing["message"].replace("p_nope", "p_van_ceo"))

    entry = _entry(writable, "wiring-viewer-1", member="m_hoffmann", outcome="REFUSED")
    assert (entry["operation"], entry["outcome"], entry["role"], entry["via"]) == (
        "UPDATE_NODE",
        "REFUSED",
        "VIEWER",
        "api",
    )
    assert entry["ids"] == ["p_hal_ceo"]
    assert entry["detail"]


def test_a_kams_change_is_in_the_audit_log_with_who_when_and_before_after(writable: Server) -> None:
    token = create_token(writable.store_url, "m_hoffmann", "kam")
    started = datetime.now(UTC) - timedelta(seconds=5)
    changed = writable.data(
        UPDATE, {"id": "p_hal_cfo", "notes": "met at the fair"}, token=token, headers={"X-Request-ID": "wiring-kam-1"}
    )
    assert changed["updatePerson"] == {"id": "p_hal_cfo", "notes": "met at the fair"}
    entry = _entry(writable, "wiring-kam-1", member="m_hoffmann", outcome="ACCEPTED")
    assert (entry["operation"], entry["memberId"], entry["role"], entry["tokenId"]) == (
        "UPDATE_NODE",
        "m_hoffmann",
        "KAM",
        token.split("_")[1],
    )
    assert entry["accountIds"] == ["acc_halvorsen"]
    assert entry["ids"] == ["p_hal_cfo"]
    assert entry["after"]["notes"] == "met at the fair"
    assert entry["before"].get("notes") != "met at the fair"
    assert datetime.fromisoformat(entry["at"]) >= started


def test_the_audit_log_is_for_admins_only(writable: Server) -> None:
    for role in ("lead", "kam", "viewer"):
        error = writable.error(AUDIT, {}, token=create_token(writable.store_url, "m_hoffmann", role))
        assert code(error) == "FORBIDDEN", role
    first = writable.data("{ auditLog(first: 1) { edges { node { seq } } pageInfo { hasNextPage endCursor } } }")
    log = first["auditLog"]
    assert log["pageInfo"]["hasNextPage"]
    after = log["pageInfo"]["endCursor"]
    second = writable.data(
        "query($after: String) { auditLog(first: 1, after: $after) { edges { node { seq } } } }", {"after": after}
    )
    assert second["auditLog"]["edges"][0]["node"]["seq"] < log["edges"][0]["node"]["seq"]


def test_a_token_with_a_role_graphsvc_does_not_know_is_refused_not_a_crash(server: Server) -> None:
    store = open_store(server.store_url, create=False)
    try:
        with pytest.raises(InvalidInput, match=r"^role must be one of admin, lead, kam, viewer, not 'superuser'$"):
            store.create_token("m_weber", "superuser")
        _, secret = store.create_token("m_weber", "viewer")
    finally:
        store.close()
    if not server.store_url.startswith("sqlite:///"):
        return  # the store refuses such a role; only a hand edit of the file can still make one (below)
    with sqlite3.connect(server.store_url.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE tokens SET role = 'superuser' WHERE hash = ?", (secret_hash(secret),))
    response = server.post(VIEWER_Q, token=secret)
    assert response.status_code == 403
    [error] = response.json()["errors"]
    assert code(error) == "FORBIDDEN"
    assert "superuser" in error["message"]
    assert _export(server, secret).status_code == 400


def test_a_kam_without_accounts_is_told_so_on_the_portfolio_not_that_the_store_is_empty(writable: Server) -> None:
    created = writable.data('mutation { createMember(input: {id: "m_wiring_new", name: "Neu", role: KAM}) { id } }')
    assert created == {"createMember": {"id": "m_wiring_new"}}
    token = create_token(writable.store_url, "m_wiring_new", "kam")
    assert _accounts_of(writable, token) == []
    home = _page(writable, "/", token)
    assert home.status_code == 200
    assert "No accounts for you" in home.text
    assert "Ask an admin to assign you" in home.text
    assert "The store holds no account" not in home.text


def _accounts_of(server: Server, token: str) -> list[str]:
    return _ids(server.data(ACCOUNTS_Q, token=token)["accounts"])
