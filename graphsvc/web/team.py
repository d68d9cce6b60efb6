"""The team coverage page (``/team/{leadId}``): who on a lead's team covers which key stakeholders.

Per account the team works on, a heatmap of team members (rows) against the
account's key stakeholders (columns): each cell is a ``COVERS`` with its strength
(colour intensity and number) and whether it is stale. Below: the overlaps (a
node several team members cover: coordinate for one consistent message) and
each member's load. The covers come from ``Analyst.team_coverage``, the
columns from ``Analyst.account_coverage``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from graphsvc.analysis import CoverState
from graphsvc.analyst import Analyst
from graphsvc.errors import NotFound
from graphsvc.model import Node, NodeKind, RelationType
from graphsvc.web.render import render

__all__ = ["HeatRow", "Heatmap", "TeamView", "team_page", "team_view"]


@dataclass(frozen=True, slots=True)
class HeatRow:
    member: Node
    cells: tuple[tuple[Node, CoverState | None], ...]
    """One per key stakeholder of the account, in column order; None: no cover."""


@dataclass(frozen=True, slots=True)
class Heatmap:
    account: Node
    stakeholders: tuple[Node, ...]
    rows: tuple[HeatRow, ...]


@dataclass(frozen=True, slots=True)
class TeamView:
    lead: Node
    as_of: date
    team: tuple[Node, ...]
    """The lead, then everyone reporting to them (directly or not)."""
    heatmaps: tuple[Heatmap, ...]
    overlaps: tuple[tuple[Node, tuple[Node, ...]], ...]
    load: tuple[tuple[Node, int, int], ...]
    """Each member with the number of nodes they cover (strength >= 0.3) and how many of their covers are stale."""
    names: Mapping[str, Node]


def team_view(analyst: Analyst, lead_id: str, as_of: date) -> TeamView:
    """The team of ``lead_id`` as the page shows it; ``NotFound`` when no member has that id.

    Accounts shown: those a team member is assigned to or covers a person, committee or
    site of (a covered influencer counts in overlaps and load, and shows in the heatmap of
    those accounts where it is a key stakeholder). ``analyst`` is the caller's: accounts, covers and
    stakeholders they may not see are left out, and the counts count only what they may see.
    Cost: one account coverage per account.
    """
    store = analyst.store
    lead = store.nodes_by_id([lead_id]).get(lead_id)
    if lead is None or lead.kind != NodeKind.MEMBER:
        raise NotFound(f"no member of our team has the id '{lead_id}'")
    team_ids = analyst.team(lead_id)
    coverage = analyst.team_coverage(lead_id, as_of)
    in_team = set(team_ids)

    account_ids = {n.account for mc in coverage.members for _, n in mc.covers if n.account}
    account_ids |= {r.target for r in store.relations_at(team_ids, RelationType.ASSIGNED_TO, side="source")}

    tables = []
    for account_id in sorted(account_ids):
        ac = analyst.account_coverage(account_id, as_of)
        if any(m in in_team for m in ac.members):
            tables.append(ac)

    wanted = set(team_ids) | set(coverage.overlaps) | {a.account for a in tables}
    for ac in tables:
        wanted.update(ac.stakeholders)
    names = dict(store.nodes_by_id(wanted))

    def node(node_id: str) -> Node:
        return names.get(node_id) or Node(NodeKind.MEMBER, node_id, {"name": node_id})

    heatmaps = []
    for ac in tables:
        columns = tuple(node(s) for s in ac.stakeholders)
        rows = tuple(
            HeatRow(node(m), tuple((c, ac.cells.get((m, c.id))) for c in columns)) for m in ac.members if m in in_team
        )
        heatmaps.append(Heatmap(node(ac.account), columns, rows))

    overlaps = tuple((node(n), tuple(node(m) for m in ms)) for n, ms in coverage.overlaps.items())
    stale = {mc.member: mc.stale for mc in coverage.members}
    load = tuple((node(m), coverage.load.get(m, 0), stale.get(m, 0)) for m in team_ids)
    return TeamView(node(lead_id), as_of, tuple(node(m) for m in team_ids), tuple(heatmaps), overlaps, load, names)


def strength_class(state: CoverState) -> str:
    """The CSS class of a cell's colour intensity: ``s0`` .. ``s10`` (strength in tenths)."""
    return f"s{round(state.strength * 10)}"


def team_page(analyst: Analyst, lead_id: str, as_of: date) -> str:
    """The whole team page as HTML."""
    view = team_view(analyst, lead_id, as_of)
    return render(
        "team.html",
        view=view,
        as_of=as_of.isoformat(),
        today=as_of == date.today(),
        strength_class=strength_class,
    )
