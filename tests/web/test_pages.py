"""The browser pages over HTTP (no browser): status, headers, numbers against the analyses, errors, escaping.

A real ``graphsvc serve`` over the demo portfolio plus hostile names, on each store (``pages_server``); tests
that need a server of their own (``--no-auth``, an empty store, a store that breaks) run one on a SQLite file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests

from graphsvc.analysis import Severity
from graphsvc.analyst import Analyst
from graphsvc.demo import demo_document
from tests.api.support import Server, cli, running_server
from tests.neo4j_server import Neo4jServer, server
from tests.web.pages_support import (
    HOSTILE,
    HOSTILE_TEXTS,
    neo4j_web_pages,
    pages_analyst,
    pages_server,
    parse,
    serving,
)

__all__ = ["neo4j_web_pages", "pages_analyst", "pages_server"]  # fixtures used here

AS_OF = date.today()
PAGES = [
    "/",
    f"/?asOf={AS_OF.isoformat()}",
    "/team/m_berger",
    "/accounts/acc_vantor/map",
    "/accounts/acc_halvorsen/map?to=p_hal_ceo",
    "/accounts/no_such_account/map",
    "/team/no_such_member",
    "/?asOf=yesterday",
    "/no/such/page",
]


def get(server: Server, path: str, **kwargs: object) -> requests.Response:
    """GET ``path`` with the server's admin token."""
    headers = {"Authorization": f"Bearer {server.token}"}
    return server.request("GET", path, headers=headers, allow_redirects=False, **kwargs)  # type: ignore[arg-type]


def message(page: str) -> str:
    return parse(page).find("p", class_="message").text


# -- every page -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_html_with_the_security_headers(pages_server: Server, path: str) -> None:
    response = get(pages_server, path)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    document = parse(response.text)
    inline = [s for s in document.find_all("script") if "src" not in s.attrs]
    assert all(s.attrs.get("type") == "application/json" for s in inline)
    assert not [e for e in document.find_all() if "style" in e.attrs or any(a.startswith("on") for a in e.attrs)]
    for script in document.find_all("script"):
        assert script.attrs.get("src", "/static/").startswith("/static/")
    for link in document.find_all("link"):  # stylesheets of graphsvc's own, and no favicon to fetch
        href = link.attrs["href"]
        assert href.startswith("/static/") or (link.attrs["rel"], href) == ("icon", "data:,")


def test_pages_show_who_is_signed_in(pages_server: Server) -> None:
    page = parse(get(pages_server, "/").text)
    session = page.find(id="session")
    assert "Thomas Berger" in session.text
    assert "admin" in session.text


# -- portfolio --------------------------------------------------------------------------------------------------------


def test_portfolio_shows_every_account_with_the_analyses_numbers(pages_server: Server, pages_analyst: Analyst) -> None:
    page = parse(get(pages_server, f"/?asOf={AS_OF.isoformat()}").text)
    rows = [r for r in page.find("table", id="portfolio").find_all("tr") if "data-account" in r.attrs]
    expected_ids = sorted([a["id"] for a in demo_document()["accounts"]] + ["acc_xss"])
    assert [r.attrs["data-account"] for r in rows] == expected_ids
    for row in rows:
        account = row.attrs["data-account"]
        score = pages_analyst.coverage_score(account, AS_OF).score
        assert row.find("td", class_="score num").text == f"{score:.1f}"
        gaps = pages_analyst.gaps(account, AS_OF)
        for severity in Severity:
            cell = row.find("td", data_severity=severity.value)
            assert "gaps" in cell.classes()
            assert int(cell.text) == sum(1 for g in gaps if g.severity == severity), (account, severity)
        assert [a.attrs["href"] for a in row.find_all("a")] == [f"/accounts/{account}/map"] * 2


def test_portfolio_numbers_move_with_as_of(pages_server: Server, pages_analyst: Analyst) -> None:
    """A year on, every cover of the demo is stale: the page shows the analyses' figures for that day, not today's."""
    later = date(AS_OF.year + 1, 1, 1)
    page = parse(get(pages_server, f"/?asOf={later.isoformat()}").text)
    row = page.find("tr", data_account="acc_halvorsen")
    shown = row.find("td", class_="score num").text
    assert shown == f"{pages_analyst.coverage_score('acc_halvorsen', later).score:.1f}"
    assert shown != f"{pages_analyst.coverage_score('acc_halvorsen', AS_OF).score:.1f}"
    day = later.isoformat()
    assert row.find("a").attrs["href"] == f"/accounts/acc_halvorsen/map?asOf={day}"  # the day carries on
    assert page.find("li", data_lead="m_berger").find("a").attrs["href"] == f"/team/m_berger?asOf={day}"


def test_portfolio_links_to_each_team_leads_team_page(pages_server: Server) -> None:
    teams = parse(get(pages_server, "/").text).find("section", id="teams")
    links = {a.attrs["href"]: a.text for a in teams.find_all("a")}
    assert links["/team/m_berger"] == "Thomas Berger"
    assert links["/team/m_hoffmann"] == "Sabine Hoffmann"
    assert links["/team/m_lenz"] == "Dr. Katharina Lenz"
    assert "/team/m_weber" not in links  # nobody reports to a kam
    assert links["/team/m_xss_lead"] == f"Lead {HOSTILE_TEXTS[0]}"


def test_an_empty_store_shows_how_to_load_the_demo(tmp_path: Path) -> None:
    with serving(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}") as live:
        response = live.get("/")
    assert response.status_code == 200
    empty = parse(response.text).find("section", id="empty")
    assert "graphsvc demo" in empty.text
    assert not parse(response.text).find_all("table", id="portfolio")


# -- team -------------------------------------------------------------------------------------------------------------


def test_team_heatmap_cells_are_the_team_coverage(pages_server: Server, pages_analyst: Analyst) -> None:
    page = parse(get(pages_server, f"/team/m_berger?asOf={AS_OF.isoformat()}").text)
    coverage = pages_analyst.team_coverage("m_berger", AS_OF)
    covers = {(mc.member, c.node): c for mc in coverage.members for c, _ in mc.covers}
    tables = page.find_all("table", class_="heatmap")
    assert {t.attrs["data-account"] for t in tables} == {"acc_castellani", "acc_halvorsen", "acc_lumen", "acc_vantor"}
    shown = 0
    for table in tables:
        account = table.attrs["data-account"]
        columns = [th.attrs["data-stakeholder"] for th in table.find_all("th") if "data-stakeholder" in th.attrs]
        assert columns == pages_analyst.key_stakeholders(account)
        for row in table.find_all("tr"):
            member = row.attrs.get("data-member")
            if member is None:
                continue
            assert member in pages_analyst.team("m_berger")
            cells = row.find_all("td")
            assert [c.attrs["data-stakeholder"] for c in cells] == columns
            for cell in cells:
                cover = covers.get((member, cell.attrs["data-stakeholder"]))
                if cover is None:
                    assert "data-strength" not in cell.attrs
                    assert cell.text == ""
                    continue
                shown += 1
                assert float(cell.attrs["data-strength"]) == cover.strength
                assert ("stale" in cell.classes()) == cover.stale
                assert cell.text.startswith(f"{cover.strength:.1f}")
    assert shown > 10


def test_team_page_shows_names_overlaps_and_load(pages_server: Server, pages_analyst: Analyst) -> None:
    page = parse(get(pages_server, f"/team/m_berger?asOf={AS_OF.isoformat()}").text)
    coverage = pages_analyst.team_coverage("m_berger", AS_OF)
    names = {
        n["id"]: n["name"] for kind in ("people", "committees", "influencers", "members") for n in demo_document()[kind]
    }
    overlaps = page.find("section", id="overlaps").find_all("li")
    assert [li.attrs["data-node"] for li in overlaps] == list(coverage.overlaps)
    assert coverage.overlaps, "the demo has overlapping covers"
    for li in overlaps:
        assert names[li.attrs["data-node"]] in li.text
        for member in coverage.overlaps[li.attrs["data-node"]]:
            assert names[member] in li.text
    load = page.find("section", id="load").find_all("li")
    assert {li.attrs["data-member"]: int(li.attrs["data-load"]) for li in load} == dict(coverage.load)
    for li in load:
        assert names[li.attrs["data-member"]] in li.text
    first_row = page.find("tr", data_member="m_rinaldi")
    assert "Marco Rinaldi" in first_row.text


@pytest.mark.parametrize(
    ("path", "status", "named"),
    [
        ("/team/m_nobody", 404, "'m_nobody'"),
        ("/team/p_hal_ceo", 404, "'p_hal_ceo'"),
        ("/team/m_berger?asOf=2026-13-01", 400, "asOf"),
        ("/team/m_berger?asOf=20260101", 400, "asOf"),
    ],
)
def test_team_page_errors_name_what_is_wrong(pages_server: Server, path: str, status: int, named: str) -> None:
    response = get(pages_server, path)
    assert response.status_code == status
    assert named in message(response.text)


# -- map route --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "named"),
    [
        ("/accounts/acc_nowhere/map", 404, "'acc_nowhere'"),
        ("/accounts/p_hal_ceo/map", 404, "'p_hal_ceo'"),
        ("/accounts/acc_vantor/map?to=p_nobody", 400, "to:"),
        ("/accounts/acc_vantor/map?to=p_hal_ceo&from=p_hal_cfo", 400, "from"),
        ("/accounts/acc_vantor/map?asOf=31.12.2026", 400, "asOf"),
    ],
)
def test_map_page_errors_name_what_is_wrong(pages_server: Server, path: str, status: int, named: str) -> None:
    response = get(pages_server, path)
    assert response.status_code == status
    assert named in message(response.text)


def test_map_page_is_served_with_its_data_island(pages_server: Server) -> None:
    page = parse(get(pages_server, "/accounts/acc_vantor/map").text)
    assert page.find("div", id="map")
    assert page.find("script", id="map-data").attrs["type"] == "application/json"
    sources = [s.attrs["src"] for s in page.find_all("script") if "src" in s.attrs]
    assert sources.index("/static/vis-network.min.js") < sources.index("/static/map.js")


def test_an_unknown_address_is_a_404_page(pages_server: Server) -> None:
    response = get(pages_server, "/accounts")
    assert response.status_code == 404
    assert "/accounts" in message(response.text)


# -- static files -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "starts"),
    [
        ("vis-network.min.js", "text/javascript; charset=utf-8", b"/**"),
        ("vis-network.css", "text/css; charset=utf-8", b""),
        ("pages.css", "text/css; charset=utf-8", b"/* graphsvc pages"),
        ("map.js", "text/javascript; charset=utf-8", b""),
    ],
)
def test_static_files_are_served_with_type_caching_and_etag(
    pages_server: Server, name: str, content_type: str, starts: bytes
) -> None:
    response = pages_server.request("GET", f"/static/{name}")  # no token: static files are public
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.content.startswith(starts)
    assert len(response.content) > 100
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert response.headers["x-content-type-options"] == "nosniff"
    again = pages_server.request("GET", f"/static/{name}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "name", ["nope.js", "..%2Frender.py", "%2E%2E%2F%2E%2E%2Fapi%2Fapp.py", "routes.py", "base.html"]
)
def test_only_whitelisted_static_files_are_served(pages_server: Server, name: str) -> None:
    response = pages_server.request("GET", f"/static/{name}")
    assert response.status_code == 404
    assert "import" not in response.text


# -- hostile names ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/team/m_xss_lead", "/team/m_berger", "/accounts/acc_xss/map"])
def test_hostile_names_are_shown_as_text_never_as_markup(pages_server: Server, path: str) -> None:
    body = get(pages_server, path).text
    for text in HOSTILE_TEXTS:
        assert text not in body
    assert "<img" not in body
    page = parse(body)
    assert all(s.attrs.get("type") == "application/json" or "src" in s.attrs for s in page.find_all("script"))
    if path != "/team/m_berger":  # the hostile names are on the page, as text
        shown = page.find("main").text + " ".join(e.attrs["title"] for e in page.find_all() if "title" in e.attrs)
        assert any(text in shown for text in HOSTILE_TEXTS)


def test_hostile_team_shows_the_names_verbatim_in_the_heatmap(pages_server: Server) -> None:
    page = parse(get(pages_server, f"/team/m_xss_lead?asOf={AS_OF.isoformat()}").text)
    kam_name = next(m["name"] for m in HOSTILE["members"] if m["id"] == "m_xss_kam")
    ceo = next(p for p in HOSTILE["people"] if p["id"] == "p_xss_ceo")
    table = page.find("table", data_account="acc_xss")
    assert kam_name in table.find("tr", data_member="m_xss_kam").text
    header = table.find("th", data_stakeholder="p_xss_ceo")
    assert header.text == ceo["name"]
    assert header.attrs["title"] == ceo["title"]
    assert page.find("li", data_node="p_xss_ceo")
    stale = table.find("tr", data_member="m_xss_kam").find("td", data_stakeholder="p_xss_ceo")
    assert "stale" in stale.classes()


def test_an_error_page_shows_a_hostile_address_as_text(pages_server: Server) -> None:
    response = get(pages_server, "/accounts/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/map")
    assert response.status_code == 404
    assert "<img" not in response.text
    assert "'<img src=x onerror=alert(1)>'" in message(response.text)


# -- servers of their own ---------------------------------------------------------------------------------------------


def test_no_auth_serves_pages_without_sign_in(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert cli(store_url, "demo").returncode == 0
    with serving(tmp_path, store_url) as live:
        home = live.get("/")
        signin = live.get("/signin?next=/team/m_berger")
        banner = live.banner()
    assert home.status_code == 200
    session = parse(home.text).find(id="session")
    assert "Authentication off" in session.text
    assert not session.find_all("form")
    assert signin.status_code == 303
    assert signin.headers["location"] == "/team/m_berger"
    port = live.base.rsplit(":", 1)[1]
    assert f"Open http://127.0.0.1:{port}/ in your browser" in banner
    assert "token create" not in banner.split("GraphQL")[0]


def test_serve_tells_how_to_sign_in_when_auth_is_on(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert cli(store_url, "demo").returncode == 0
    with serving(tmp_path, store_url, no_auth=False) as live:
        banner = live.banner()
    port = live.base.rsplit(":", 1)[1]
    lines = banner.splitlines()
    opened = next(i for i, line in enumerate(lines) if "in your browser" in line)
    assert f"http://127.0.0.1:{port}/ " in lines[opened]
    assert "graphsvc token create --member" in lines[opened + 1]


@pytest.fixture
def outage() -> Iterator[Neo4jServer]:
    """A Neo4j server of its own, which the test stops."""
    s = server("web-outage")
    s.ensure()
    try:
        s.wipe()
        yield s
    finally:
        if s.started_here:
            s.stop()
        elif s.script("status").returncode != 0:
            s.start()  # a developer's server: leave it running, as found


@pytest.mark.neo4j
@pytest.mark.slow
def test_pages_answer_503_while_the_store_is_down(tmp_path: Path, outage: Neo4jServer) -> None:
    """Signed in (the token check meets the outage) and with --no-auth (the page itself does): a 503 page."""
    with running_server(tmp_path / "auth", store_url=outage.url) as api, serving(tmp_path, outage.url) as open_:
        signed = {"Authorization": f"Bearer {api.token}"}
        assert api.request("GET", "/team/m_berger", headers=signed).status_code == 200
        assert open_.get("/team/m_berger").status_code == 200
        outage.stop()
        answers = [
            api.request("GET", "/team/m_berger", headers=signed, allow_redirects=False),
            open_.get("/team/m_berger"),
            open_.get("/"),
            open_.get("/accounts/acc_vantor/map"),
        ]
    for response in answers:
        assert response.status_code == 503, response.url
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert "unavailable" in message(response.text)
        assert outage.uri.split("://", 1)[1] not in response.text
        assert not re.search(r"Traceback|neo4j\.|Neo\.", response.text)


def test_team_page_for_a_lead_without_a_team(pages_server: Server) -> None:
    response = get(pages_server, "/team/m_weber")
    assert response.status_code == 200
    page = parse(response.text)
    assert [li.attrs["data-member"] for li in page.find("section", id="load").find_all("li")] == ["m_weber"]
