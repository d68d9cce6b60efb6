"""The portfolio overview in a real browser: every account, its coverage score and gap counts, a link to its map."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest

from graphsvc.analyst import Analyst
from tests.web.browser.expected import SEVERITIES, all_accounts
from tests.web.browser.watch import Watch

pytestmark = pytest.mark.browser


def _rows(page: Watch) -> dict[str, dict[str, str]]:
    """Every row of the portfolio table, following 'next' links: account id -> score and gap counts."""
    out: dict[str, dict[str, str]] = {}
    page.visit("/")
    while True:
        rows = page.eval(
            """() => [...document.querySelectorAll('table#portfolio tr[data-account]')].map(tr => ({
                id: tr.dataset.account,
                score: tr.querySelector('td.score').textContent.trim(),
                HIGH: tr.querySelector('td.gaps[data-severity=HIGH]').textContent.trim(),
                MEDIUM: tr.querySelector('td.gaps[data-severity=MEDIUM]').textContent.trim(),
                LOW: tr.querySelector('td.gaps[data-severity=LOW]').textContent.trim(),
                map: [...tr.querySelectorAll('a')].map(a => a.getAttribute('href')),
            }))"""
        )
        for row in rows:
            assert row["id"] not in out, f"account {row['id']} is listed twice"
            out[row["id"]] = row
        more = page.page.locator("a[rel=next]")
        if more.count() == 0:
            return out
        with page.page.expect_navigation():
            more.first.click()
        page.shot("next-page")


def test_the_portfolio_shows_every_account_with_its_score_and_gaps(page: Watch, analyst: Analyst) -> None:
    rows = _rows(page)
    accounts = all_accounts(analyst)
    assert sorted(rows) == accounts
    for account in accounts:
        row = rows[account]
        score = analyst.coverage_score(account).score
        assert row["score"] == f"{score:.1f}", f"{account}: page shows {row['score']}, the analysis {score:.1f}"
        counts = Counter(g.severity.value for g in analyst.gaps(account))
        shown = {s: int(row[s]) for s in SEVERITIES}
        assert shown == {s: counts.get(s, 0) for s in SEVERITIES}, account
        assert f"/accounts/{account}/map" in row["map"], f"{account}'s row links to its map"


def test_an_account_link_opens_its_map(page: Watch) -> None:
    page.visit("/")
    link = page.page.locator("tr[data-account=acc_vantor] a[href='/accounts/acc_vantor/map']").first
    with page.page.expect_navigation() as nav:
        link.click()
    response = nav.value
    assert response is not None
    assert response.status == 200
    assert urlsplit(page.page.url).path == "/accounts/acc_vantor/map"
    page.page.wait_for_selector("#map", state="attached")
