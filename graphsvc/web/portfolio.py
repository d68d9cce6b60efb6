"""The portfolio overview page (``/``): every account the viewer may see, its coverage score and gaps.

Each row links to the account's map; below the table, each team lead links to their
team page. The analyst works through the caller's guarded store, so
``visible_accounts`` lists only the accounts the token may see (docs/security.md),
and every score and gap count is computed on what they may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graphsvc.analysis import Severity
from graphsvc.analyst import Analyst
from graphsvc.model import Node, NodeKind, RelationType
from graphsvc.web.auth import Viewer
from graphsvc.web.render import render

__all__ = ["PAGE_SIZE", "AccountRow", "TeamLead", "portfolio_page", "team_leads", "visible_accounts"]

PAGE_SIZE = 100
"""Accounts per page of the overview (each costs its score and gaps)."""


@dataclass(frozen=True, slots=True)
class AccountRow:
    account: Node
    score: float
    gaps: dict[str, int]
    """Gap count per severity (``HIGH``, ``MEDIUM``, ``LOW``)."""


@dataclass(frozen=True, slots=True)
class TeamLead:
    member: Node
    reports: int
    """Members reporting to them directly."""


def visible_accounts(
    analyst: Analyst, viewer: Viewer | None, *, after: str | None = None
) -> tuple[list[Node], str | None]:
    """One page of the accounts ``viewer`` may see, by id, and the cursor of the next page (None: last page).

    ``analyst.store`` is the caller's guarded store: it lists only the accounts their role lets them see
    (``viewer`` names them in the page header; the listing itself needs nothing from it).
    """
    page = analyst.store.list_nodes(NodeKind.ACCOUNT, after=after, limit=PAGE_SIZE)
    return list(page.items), page.next_after


def account_rows(analyst: Analyst, accounts: list[Node], as_of: date) -> list[AccountRow]:
    """Each account's coverage score and gap counts by severity, as of ``as_of``.

    The figures the API's dashboard uses (``Analyst.figures_many``: one store read for the page's remembered ones).
    """
    figures = analyst.figures_many([(a.id, as_of) for a in accounts])
    rows = []
    for account, (score, gaps) in zip(accounts, figures, strict=True):
        counts = {s.value: sum(1 for g in gaps if g.severity == s) for s in Severity}
        rows.append(AccountRow(account, score.score, counts))
    return rows


def team_leads(analyst: Analyst) -> list[TeamLead]:
    """Members someone of our team reports to, and members with the role ``team_lead``, by name."""
    store = analyst.store
    members: list[Node] = []
    after = None
    while True:
        page = store.list_nodes(NodeKind.MEMBER, after=after, limit=1000)
        members.extend(page.items)
        if page.next_after is None:
            break
        after = page.next_after
    ids = {m.id for m in members}
    reports: dict[str, int] = {}
    for rel in store.relations_at(ids, RelationType.REPORTS_TO, side="target"):
        if rel.source in ids:
            reports[rel.target] = reports.get(rel.target, 0) + 1
    leads = [
        TeamLead(m, reports.get(m.id, 0)) for m in members if m.id in reports or m.props.get("role") == "team_lead"
    ]
    return sorted(leads, key=lambda t: (t.member.name.casefold(), t.member.id))


def portfolio_page(analyst: Analyst, viewer: Viewer | None, as_of: date, *, after: str | None = None) -> str:
    """The whole overview page as HTML."""
    accounts, next_after = visible_accounts(analyst, viewer, after=after)
    return render(
        "portfolio.html",
        as_of=as_of.isoformat(),
        today=as_of == date.today(),
        rows=account_rows(analyst, accounts, as_of),
        severities=[s.value for s in Severity],
        leads=team_leads(analyst) if after is None else [],
        first_page=after is None,
        restricted=viewer is not None and viewer.role != "admin",
        role=viewer.role if viewer else "admin",
        next_after=next_after,
    )
