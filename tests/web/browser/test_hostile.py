"""Stored text is shown, never run: an account whose names, titles and notes are script, on every page.

Each payload of ``hostile.py`` sets ``window.__pwned`` or opens a dialog if
it ever runs, and ``<img src=x>`` would request ``x``; the page watch fails
the test on a dialog or any failed or unexpected request.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.web.browser import hostile
from tests.web.browser.live import LiveServer
from tests.web.browser.mappage import drawn, hover, map_data
from tests.web.browser.watch import Watch

pytestmark = pytest.mark.browser

INJECTED = """() => ({
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  handlers: document.querySelectorAll('[onerror], [onload], [onmouseover]').length,
  foreign: document.querySelectorAll(
    'main img, main svg, main script:not([src]):not([type="application/json"])').length,
})"""


def assert_nothing_ran(page: Watch) -> None:
    found = page.eval(INJECTED)
    assert found == {"pwned": None, "handlers": 0, "foreign": 0}, f"stored text became markup on {page.page.url}"


def test_hostile_names_show_as_text_on_the_portfolio(page: Watch) -> None:
    page.visit("/")
    assert_nothing_ran(page)
    row = page.page.locator(f"tr[data-account={hostile.ACCOUNT}]")
    assert hostile.SCRIPT in row.inner_text()
    lead = page.page.locator(f"li[data-lead={hostile.LEAD}]")
    if lead.count():
        assert hostile.SCRIPT in lead.inner_text()


def test_hostile_names_show_as_text_on_the_map_its_tooltips_and_gaps(page: Watch) -> None:
    page.visit(f"/accounts/{hostile.ACCOUNT}/map", ready=True)
    assert_nothing_ran(page)
    island = map_data(page)
    names = {n["id"]: n["label"] for n in island["nodes"]}
    assert hostile.IMG in names[hostile.DECIDER]
    assert hostile.SCRIPT in page.page.locator("h1").first.inner_text()

    tip = hover(page, hostile.DECIDER)
    page.shot("decider-tooltip")
    assert hostile.IMG in tip, "the tooltip shows the name as typed"
    assert hostile.SCRIPT in tip, "the tooltip shows the title as typed"
    assert hostile.SVG in tip, "the tooltip shows the department as typed"
    assert page.page.locator("div.vis-tooltip img, div.vis-tooltip svg, div.vis-tooltip script").count() == 0
    assert_nothing_ran(page)

    tip = hover(page, hostile.BUYER)
    assert hostile.SVG in tip
    assert hostile.IMG in tip, "the tooltip of the buyer shows the covering member's name as typed"
    assert_nothing_ran(page)

    gap = page.page.locator(f"aside#gaps li.gap[data-subject={hostile.DECIDER}]").first
    assert hostile.IMG in gap.inner_text(), "the gap names its subject as typed"
    gap.locator("button").click()
    page.shot("decider-gap")
    assert hostile.DECIDER in drawn(page)["highlighted"]["nodes"]
    assert gap.get_attribute("aria-current") == "true"
    assert_nothing_ran(page)


def test_hostile_names_show_as_text_in_the_path_view(page: Watch) -> None:
    page.visit(f"/accounts/{hostile.ACCOUNT}/map?to={hostile.DECIDER}&from={hostile.KAM}", ready=True)
    assert_nothing_ran(page)
    assert hostile.DECIDER in drawn(page)["highlighted"]["nodes"]
    options = page.page.locator("select[name=to] option").all_inner_texts()
    assert hostile.IMG in options


def test_hostile_names_show_as_text_on_the_team_page(page: Watch) -> None:
    page.visit(f"/team/{hostile.LEAD}")
    assert_nothing_ran(page)
    assert hostile.SCRIPT in page.page.locator("h1").inner_text()
    assert hostile.SVG in page.page.locator(f"table.heatmap[data-account={hostile.ACCOUNT}]").inner_text()
    assert hostile.IMG in page.page.locator(f"section#load li[data-member={hostile.KAM}]").inner_text()
    assert hostile.SVG in page.page.locator(f"section#overlaps li[data-node={hostile.BUYER}]").inner_text()


def test_hostile_text_in_a_url_shows_as_text_on_error_pages(page: Watch) -> None:
    for payload in (hostile.IMG, hostile.SCRIPT, hostile.SVG):
        page.expect_status(404, "/accounts/")
        response = page.visit(f"/accounts/{quote(payload, safe='')}/map")
        assert response is not None
        assert response.status == 404
        assert_nothing_ran(page)
        assert payload in page.page.locator("main").inner_text(), "the 404 page names the id as typed"

        page.expect_status(400, "/map?to=")
        response = page.visit(f"/accounts/{hostile.ACCOUNT}/map?to={quote(payload, safe='')}")
        assert response is not None
        assert response.status == 400
        assert_nothing_ran(page)
        assert "to" in page.page.locator("main").inner_text()


def test_a_hostile_next_on_the_sign_in_page_stays_text(anon_page: Watch, site: LiveServer) -> None:
    assert site.token
    for payload in (hostile.SVG, hostile.SCRIPT, "javascript:window.__pwned=1"):
        anon_page.visit(f"/signin?next={quote(payload, safe='')}")
        assert_nothing_ran(anon_page)
        anon_page.page.fill("#signin input[name=token]", site.token)
        with anon_page.page.expect_navigation():
            anon_page.page.click("#signin button[type=submit]")
        assert anon_page.page.url.startswith(site.base + "/")
        assert_nothing_ran(anon_page)
        anon_page.page.context.clear_cookies()
