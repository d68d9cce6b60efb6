"""The team coverage page in a real browser: heatmaps of covers, overlaps and load, as the analyses compute them."""

from __future__ import annotations

from datetime import date

import pytest

from graphsvc.analyst import Analyst
from tests.web.browser.expected import all_accounts
from tests.web.browser.watch import Watch

pytestmark = pytest.mark.browser

READ_TEAM_PAGE = """() => ({
  tables: [...document.querySelectorAll('table.heatmap')].map(t => ({
    account: t.dataset.account,
    columns: [...t.querySelectorAll('thead [data-stakeholder]')].map(th => th.dataset.stakeholder),
    rows: [...t.querySelectorAll('tbody tr[data-member]')].map(tr => ({
      member: tr.dataset.member,
      cells: [...tr.querySelectorAll('td[data-stakeholder]')].map(td => ({
        stakeholder: td.dataset.stakeholder,
        strength: td.hasAttribute('data-strength') ? td.dataset.strength : null,
        stale: td.classList.contains('stale'),
      })),
    })),
  })),
  overlaps: [...document.querySelectorAll('section#overlaps li[data-node]')].map(li => li.dataset.node),
  load: Object.fromEntries([...document.querySelectorAll('section#load li[data-member]')]
    .map(li => [li.dataset.member, Number(li.dataset.load)])),
})"""


@pytest.mark.parametrize("lead", ["m_berger", "m_lenz"])
def test_the_team_page_shows_the_teams_covers_overlaps_and_load(
    page: Watch, analyst: Analyst, today: date, lead: str
) -> None:
    page.visit(f"/team/{lead}?asOf={today.isoformat()}")
    shown = page.eval(READ_TEAM_PAGE)
    team = analyst.team(lead)
    coverage = analyst.team_coverage(lead, today)
    covers = {(mc.member, state.node): state for mc in coverage.members for state, _ in mc.covers}
    assert any(state.stale for state in covers.values()), "the demo team has stale covers to show"

    expected_tables = set()
    for account in all_accounts(analyst):
        keys = set(analyst.key_stakeholders(account))
        if any(m in analyst.influence_graph(account).assigned or any((m, k) in covers for k in keys) for m in team):
            expected_tables.add(account)
    assert {t["account"] for t in shown["tables"]} == expected_tables

    cells = 0
    for table in shown["tables"]:
        account = table["account"]
        keys = analyst.key_stakeholders(account)
        assert sorted(table["columns"]) == sorted(keys), f"{account}: columns are its key stakeholders"
        rows = {r["member"]: r for r in table["rows"]}
        assigned = analyst.influence_graph(account).assigned
        wanted = {m for m in team if m in assigned or any((m, k) in covers for k in keys)}
        assert set(rows) == wanted, f"{account}: one row per team member assigned to it or covering a key stakeholder"
        for member, row in rows.items():
            assert sorted(c["stakeholder"] for c in row["cells"]) == sorted(keys)
            for cell in row["cells"]:
                state = covers.get((member, cell["stakeholder"]))
                where = f"{account}: {member} x {cell['stakeholder']}"
                if state is None:
                    assert cell["strength"] is None, f"{where} shows a cover that does not exist"
                    continue
                cells += 1
                assert cell["strength"] is not None, f"{where}: the cover is missing"
                assert float(cell["strength"]) == pytest.approx(state.strength), where
                assert cell["stale"] == state.stale, f"{where}: stale is {state.stale}"
    assert cells, "the heatmaps show covers"

    assert sorted(shown["overlaps"]) == sorted(coverage.overlaps)
    assert shown["load"] == {m: coverage.load.get(m, 0) for m in team}
