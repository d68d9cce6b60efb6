"""Who covers whom, freshness of covers, and the coverage score (DESIGN.md section 3).

* A node is **covered** when some member has a ``COVERS`` to it of strength
  >= 0.3 (0.5 when left out).
* A cover is **stale** when ``last_contact + cadence_days`` (90 when left
  out) is before ``as_of``; due exactly on ``as_of`` is still fresh. A cover
  with no ``last_contact`` is stale.
* The **coverage score** of an account, 0-100, is the weighted share of its
  key stakeholders with a fresh cover, each weighted 0.1 + its leverage:
  every key stakeholder counts, the ones that sway the decision count most.
  Covers never change leverage or the key stakeholders, so adding a cover
  never lowers the score. No key stakeholder: score 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from graphsvc.analysis.graph import COVERED_MIN, DEFAULT_CADENCE_DAYS, InfluenceGraph, strength
from graphsvc.analysis.leverage import key_stakeholders, leverage
from graphsvc.model import Node, Relation

__all__ = [
    "COVERED_MIN",
    "AccountCoverage",
    "CoverState",
    "CoverageScore",
    "MemberCoverage",
    "TeamCoverage",
    "account_coverage",
    "cover_state",
    "coverage_score",
    "covers_by_target",
    "is_covered",
    "member_coverage",
    "remembered_score",
    "strength",
    "team_coverage",
]

SCORE_BASE_WEIGHT = 0.1


@dataclass(frozen=True, slots=True)
class CoverState:
    """One ``COVERS`` as a team lead reads it."""

    member: str
    node: str
    strength: float
    last_contact: date | None
    due: date | None
    """The day the next contact is due (last contact + cadence); None without a last contact."""
    stale: bool
    counts: bool
    """Strength >= 0.3: the cover makes the node covered."""


def _plus_days(day: date, days: int) -> date:
    """``day + days``, saturating at the last representable day (a contact date far in the future)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def cover_state(rel: Relation, as_of: date) -> CoverState:
    raw = rel.props.get("last_contact")
    last = date.fromisoformat(raw) if isinstance(raw, str) else None
    cadence = int(rel.props.get("cadence_days", DEFAULT_CADENCE_DAYS))
    due = _plus_days(last, cadence) if last else None
    s = strength(rel)
    return CoverState(rel.source, rel.target, s, last, due, due is None or due < as_of, s >= COVERED_MIN)


def covers_by_target(ig: InfluenceGraph, as_of: date) -> dict[str, list[CoverState]]:
    out: dict[str, list[CoverState]] = {}
    for rel in ig.covers:
        out.setdefault(rel.target, []).append(cover_state(rel, as_of))
    return out


def is_covered(ig: InfluenceGraph, node_id: str) -> bool:
    return any(r.target == node_id and strength(r) >= COVERED_MIN for r in ig.covers)


@dataclass(frozen=True, slots=True)
class AccountCoverage:
    """Members x key stakeholders of one account: ``cells[(member, node)]`` for every cover."""

    account: str
    members: tuple[str, ...]
    stakeholders: tuple[str, ...]
    cells: Mapping[tuple[str, str], CoverState]


def account_coverage(ig: InfluenceGraph, as_of: date, max_hops: int = 4) -> AccountCoverage:
    """The account's members (assigned or covering a key stakeholder) against its key stakeholders."""
    keys = key_stakeholders(ig, max_hops)
    wanted = set(keys)
    cells = {(c.member, c.node): c for rel in ig.covers if rel.target in wanted for c in [cover_state(rel, as_of)]}
    members = sorted(set(ig.assigned) | {m for m, _ in cells})
    return AccountCoverage(ig.account_id, tuple(members), tuple(keys), cells)


@dataclass(frozen=True, slots=True)
class CoverageScore:
    score: float
    """0-100."""
    weights: Mapping[str, float]
    """Each key stakeholder's weight (0.1 + leverage)."""
    fresh: tuple[str, ...]
    """Key stakeholders with a fresh cover of strength >= 0.3."""


def coverage_score(ig: InfluenceGraph, as_of: date, max_hops: int = 4) -> CoverageScore:
    """The leverage-weighted share of key stakeholders with a fresh cover, 0-100 (see module doc).

    Remembered on the graph per ``as_of``."""
    memo_key = ("score", as_of, max_hops)
    if memo_key in ig.memo:
        return ig.memo[memo_key]  # type: ignore[no-any-return]
    keys = key_stakeholders(ig, max_hops)
    lev = {s.node: s.score for s in leverage(ig, max_hops)}
    weights = {k: SCORE_BASE_WEIGHT + lev.get(k, 0.0) for k in keys}
    states = covers_by_target(ig, as_of)
    fresh = tuple(k for k in keys if any(c.counts and not c.stale for c in states.get(k, ())))
    total = sum(weights.values())
    score = 100.0 * sum(weights[k] for k in fresh) / total if total else 0.0
    result = CoverageScore(round(score, 1), weights, fresh)
    ig.memo[memo_key] = result
    return result


def remembered_score(ig: InfluenceGraph, as_of: date, max_hops: int = 4) -> CoverageScore | None:
    """The score ``coverage_score`` already computed for this graph and day, or None (nothing is computed)."""
    found: CoverageScore | None = ig.memo.get(("score", as_of, max_hops))
    return found


@dataclass(frozen=True, slots=True)
class MemberCoverage:
    """What one member covers across the portfolio."""

    member: str
    covers: tuple[tuple[CoverState, Node], ...]
    """Each cover with the covered node, by node id."""

    @property
    def stale(self) -> int:
        return sum(1 for c, _ in self.covers if c.stale)

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(sorted({n.account for _, n in self.covers if n.account}))


def member_coverage(member: str, covers: Iterable[tuple[Relation, Node]], as_of: date) -> MemberCoverage:
    """A member's covers (each ``COVERS`` relation with its target node), as of a date."""
    items = sorted(((cover_state(r, as_of), n) for r, n in covers if r.source == member), key=lambda x: x[1].id)
    return MemberCoverage(member, tuple(items))


@dataclass(frozen=True, slots=True)
class TeamCoverage:
    """A team lead's roll-up over the lead and everyone reporting to them, directly or not."""

    lead: str
    members: tuple[MemberCoverage, ...]
    overlaps: Mapping[str, tuple[str, ...]]
    """Node id -> the team members covering it (strength >= 0.3), for nodes covered by two or more."""
    load: Mapping[str, int]
    """Member id -> number of nodes they cover with strength >= 0.3."""


def team_coverage(lead: str, team: Sequence[MemberCoverage]) -> TeamCoverage:
    """Roll up the coverage of ``team`` (the lead first, then everyone below them)."""
    by_node: dict[str, list[str]] = {}
    load: dict[str, int] = {}
    for mc in team:
        counted = [c for c, _ in mc.covers if c.counts]
        load[mc.member] = len(counted)
        for c in counted:
            by_node.setdefault(c.node, []).append(mc.member)
    overlaps = {node: tuple(sorted(ms)) for node, ms in sorted(by_node.items()) if len(ms) > 1}
    return TeamCoverage(lead, tuple(team), overlaps, load)
