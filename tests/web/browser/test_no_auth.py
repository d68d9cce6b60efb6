"""A server started with ``--no-auth`` (loopback only) shows every page without signing in."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from graphsvc.analyst import Analyst
from tests.web.browser.conftest import COOKIE
from tests.web.browser.expected import all_accounts
from tests.web.browser.watch import Watch

pytestmark = pytest.mark.browser


def test_without_auth_the_pages_open_without_signing_in(open_page: Watch, open_analyst: Analyst) -> None:
    open_page.visit("/")
    assert urlsplit(open_page.page.url).path == "/"
    rows = open_page.page.locator("table#portfolio tr[data-account]").evaluate_all(
        "rs => rs.map(r => r.dataset.account)"
    )
    assert sorted(rows) == all_accounts(open_analyst)
    assert open_page.page.locator("form#signout").count() == 0, "nobody is signed in, so nobody signs out"

    open_page.visit("/accounts/acc_vantor/map", ready=True)
    assert urlsplit(open_page.page.url).path == "/accounts/acc_vantor/map"
    open_page.visit("/team/m_berger")
    assert open_page.page.locator("table.heatmap").count() >= 1
    assert not [c for c in open_page.page.context.cookies() if c["name"] == COOKIE]


def test_without_auth_there_is_no_sign_in(open_page: Watch) -> None:
    open_page.visit("/signin?next=/team/m_berger")
    assert urlsplit(open_page.page.url).path == "/team/m_berger", "the sign-in page goes straight on"
    assert open_page.page.locator("form#signin").count() == 0
