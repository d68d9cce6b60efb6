"""Coverage gaps: where an account team is blind (DESIGN.md section 3, the gap table).

Gaps come ordered by severity (HIGH, MEDIUM, LOW), then kind (alphabetical),
then subject id, then role. Where one exists, a gap names the member best
placed to close it and that member's strongest influence path (the first
answer of ``strongest_paths`` from the account's team).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from graphsvc.analysis.coverage import CoverState, covers_by_target
from graphsvc.analysis.graph import COVERED_MIN, Hop, InfluenceGraph, member_of_weight, strength
from graphsvc.analysis.leverage import decision_nodes, key_stakeholders, leverage
from graphsvc.analysis.paths import InfluencePath, best_from
from graphsvc.model import Attitude, BuyingRole, Node, NodeKind, TeamRole
from graphsvc.model.schema import with_article

__all__ = ["CoverageGap", "GapKind", "Severity", "coverage_gaps", "remembered_gaps"]


class Severity(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class GapKind(StrEnum):
    UNCOVERED_DECISION_MAKER = "UNCOVERED_DECISION_MAKER"
    UNCOVERED_COMMITTEE = "UNCOVERED_COMMITTEE"
    SINGLE_THREADED = "SINGLE_THREADED"
    UNMANAGED_OPPONENT = "UNMANAGED_OPPONENT"
    UNCOVERED_KEY_STAKEHOLDER = "UNCOVERED_KEY_STAKEHOLDER"
    UNCOVERED_EXTERNAL_INFLUENCER = "UNCOVERED_EXTERNAL_INFLUENCER"
    STALE_RELATIONSHIP = "STALE_RELATIONSHIP"
    UNCOVERED_SITE = "UNCOVERED_SITE"
    NO_CHAMPION = "NO_CHAMPION"
    NO_EXECUTIVE_SPONSOR = "NO_EXECUTIVE_SPONSOR"
    MISSING_BUYING_ROLE = "MISSING_BUYING_ROLE"


_SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
_REQUIRED_ROLES = (BuyingRole.DECIDER, BuyingRole.BUYER, BuyingRole.USER, BuyingRole.INFLUENCER, BuyingRole.GATEKEEPER)
MANAGED_MIN = 0.5
INFLUENCER_STRONG_MIN = 0.5


@dataclass(frozen=True, slots=True)
class CoverageGap:
    kind: GapKind
    severity: Severity
    subject: str
    """The node concerned; the account for account-wide kinds."""
    message: str
    role: str | None = None
    """The missing buying-center role (``MISSING_BUYING_ROLE`` only)."""
    suggested_member: str | None = None
    suggested_path: InfluencePath | None = None


def _label(node: Node) -> str:
    title = node.props.get("title")
    return f"{node.name}, {title}," if title else node.name


def coverage_gaps(ig: InfluenceGraph, as_of: date, max_hops: int = 4) -> list[CoverageGap]:
    """Every coverage gap of the account as of ``as_of``.

    Cost: the leverage computation, one forward path programme from the team
    (O(max_hops * E)) and a pass over the covers; remembered on the graph per
    ``as_of`` (a dashboard asks for today's gaps of every account again and again).
    """
    key = ("gaps", as_of, max_hops)
    if key in ig.memo:
        return list(ig.memo[key])
    gaps = _coverage_gaps(ig, as_of, max_hops)
    ig.memo[key] = tuple(gaps)
    return gaps


def remembered_gaps(ig: InfluenceGraph, as_of: date, max_hops: int = 4) -> list[CoverageGap] | None:
    """The gaps ``coverage_gaps`` already computed for this graph and day, or None (nothing is computed)."""
    found = ig.memo.get(("gaps", as_of, max_hops))
    return None if found is None else list(found)


def _coverage_gaps(ig: InfluenceGraph, as_of: date, max_hops: int) -> list[CoverageGap]:
    gaps: list[CoverageGap] = []
    decisions = set(decision_nodes(ig))
    keys = key_stakeholders(ig, max_hops)
    key_set = set(keys)
    states = covers_by_target(ig, as_of)
    counting: dict[str, list[CoverState]] = {n: [c for c in cs if c.counts] for n, cs in states.items()}
    covered = {n for n, cs in counting.items() if cs}
    team_paths = best_from(ig, ig.assigned, max_hops)
    nodes = ig.nodes
    account = ig.account
    lev = {s.node: s.score for s in leverage(ig, max_hops)}

    def add(
        kind: GapKind,
        severity: Severity,
        subject: str,
        message: str,
        *,
        role: str | None = None,
        path: InfluencePath | None = None,
    ) -> None:
        gaps.append(CoverageGap(kind, severity, subject, message, role, path.source if path else None, path))

    def strongest(paths: list[InfluencePath]) -> InfluencePath | None:
        return min(paths, key=lambda p: (-round(p.strength, 12), len(p.hops), p.nodes), default=None)

    for node in ig.owned(NodeKind.PERSON):
        if node.id in decisions and node.id not in covered:
            add(
                GapKind.UNCOVERED_DECISION_MAKER,
                Severity.HIGH,
                node.id,
                f"Decision maker {_label(node)} is not covered by anyone in the team.",
                path=team_paths.get(node.id),
            )

    seats: dict[str, list[str]] = {}
    for rel in ig.member_of:
        seats.setdefault(rel.target, []).append(rel.source)
    for committee in ig.owned(NodeKind.COMMITTEE):
        if committee.id not in covered and not covered.intersection(seats.get(committee.id, ())):
            add(
                GapKind.UNCOVERED_COMMITTEE,
                Severity.HIGH,
                committee.id,
                f"Nobody in the team covers the committee {committee.name} or any of its members.",
                path=team_paths.get(committee.id),
            )

    threads = {c.member for k in keys for c in counting.get(k, ())}
    if len(threads) < 2:
        spare = [m for m in sorted(ig.assigned) if m not in threads]
        spare_paths = best_from(ig, spare, max_hops) if spare else {}
        targets = [k for k in keys if k not in covered] or keys
        who = f"only {nodes[next(iter(threads))].name} covers" if threads else "nobody covers"
        add(
            GapKind.SINGLE_THREADED,
            Severity.HIGH,
            account.id,
            f"Single-threaded: {who} the key stakeholders of {account.name}; one departure loses the account.",
            path=strongest([spare_paths[k] for k in targets if k in spare_paths]),
        )

    for k in keys:
        node = nodes[k]
        opposed = node.props.get("attitude") in (Attitude.SKEPTIC.value, Attitude.OPPONENT.value)
        if opposed and not any(c.strength >= MANAGED_MIN for c in states.get(k, ())):
            add(
                GapKind.UNMANAGED_OPPONENT,
                Severity.HIGH,
                k,
                f"{_label(node)} is {with_article(str(node.props['attitude']))} with a say in the decision "
                "and nobody manages the relationship (no cover of strength 0.5 or more).",
                path=team_paths.get(k),
            )

    for k in keys:
        node = nodes[k]
        if node.kind == NodeKind.PERSON and k not in decisions and k not in covered:
            add(
                GapKind.UNCOVERED_KEY_STAKEHOLDER,
                Severity.MEDIUM,
                k,
                f"Key stakeholder {_label(node)} is not covered by anyone in the team.",
                path=team_paths.get(k),
            )

    owned_ids = {n.id for n in ig.owned()}
    influencers = {n.id for n in ig.of_kind(NodeKind.INFLUENCER)}
    strong_into: set[str] = set()
    for rel in ig.influences:
        if rel.source in influencers and rel.target in owned_ids and strength(rel) >= INFLUENCER_STRONG_MIN:
            strong_into.add(rel.source)
    for rel in ig.member_of:
        if rel.source in influencers and rel.target in owned_ids and member_of_weight(rel) >= INFLUENCER_STRONG_MIN:
            strong_into.add(rel.source)
    known = {r.target for r in ig.knows if strength(r) >= COVERED_MIN}
    for node in ig.of_kind(NodeKind.INFLUENCER):
        if (node.id in key_set or node.id in strong_into) and node.id not in covered and node.id not in known:
            org = node.props.get("organization")
            add(
                GapKind.UNCOVERED_EXTERNAL_INFLUENCER,
                Severity.MEDIUM,
                node.id,
                f"External {str(node.props['kind']).replace('_', ' ')} {node.name}"
                + (f" ({org})" if org and org != node.name else "")
                + f" sways {account.name}, and nobody in the team covers or knows them.",
                path=team_paths.get(node.id),
            )

    for k in keys:
        live = counting.get(k, [])
        if live and all(c.stale for c in live):
            renew = min(live, key=lambda c: (-c.strength, -(c.last_contact or date.min).toordinal(), c.member))
            last = renew.last_contact.isoformat() if renew.last_contact else "never"
            # The suggestion is to renew that very cover: the path is its COVERS hop.
            hop_path = InfluencePath(renew.strength, (Hop(renew.member, k, "COVERS", renew.strength),))
            gaps.append(
                CoverageGap(
                    GapKind.STALE_RELATIONSHIP,
                    Severity.MEDIUM,
                    k,
                    f"The relationship with {_label(nodes[k])} has gone stale (last contact: {last}).",
                    None,
                    renew.member,
                    hop_path,
                )
            )

    people_at: dict[str, list[Node]] = {}
    for person in ig.owned(NodeKind.PERSON):
        site = person.props.get("site")
        if site:
            people_at.setdefault(str(site), []).append(person)
    for site in ig.owned(NodeKind.SITE):
        here = people_at.get(site.id, [])
        site_keys = [p.id for p in here if p.id in key_set]
        if site_keys and not any(p.id in covered for p in here):
            where = ", ".join(str(x) for x in (site.props.get("city"), site.props.get("country")) if x)
            add(
                GapKind.UNCOVERED_SITE,
                Severity.MEDIUM,
                site.id,
                f"Site {site.name}"
                + (f" ({where})" if where else "")
                + " has key stakeholders and nobody there is covered.",
                path=strongest([team_paths[k] for k in site_keys if k in team_paths]),
            )

    people = ig.owned(NodeKind.PERSON)
    if not any(p.props.get("attitude") == Attitude.CHAMPION.value for p in people):
        supporters = sorted(
            (p for p in people if p.props.get("attitude") == Attitude.SUPPORTER.value and p.id in team_paths),
            key=lambda p: (-round(lev.get(p.id, 0.0), 12), p.id),
        )
        add(
            GapKind.NO_CHAMPION,
            Severity.MEDIUM,
            account.id,
            f"Nobody at {account.name} is a champion of ours.",
            path=team_paths[supporters[0].id] if supporters else None,
        )

    sponsors = [m for m in ig.of_kind(NodeKind.MEMBER) if m.props.get("role") == TeamRole.EXECUTIVE_SPONSOR.value]
    sponsor_ids = {m.id for m in sponsors}
    has_sponsor = bool(sponsor_ids.intersection(ig.assigned)) or any(
        c.member in sponsor_ids for d in decisions for c in counting.get(d, ())
    )
    if not has_sponsor:
        sponsor_paths = best_from(ig, sponsor_ids, max_hops) if sponsor_ids else {}
        add(
            GapKind.NO_EXECUTIVE_SPONSOR,
            Severity.MEDIUM,
            account.id,
            f"No executive sponsor is assigned to {account.name} or covers one of its decision makers.",
            path=strongest([sponsor_paths[d] for d in sorted(decisions) if d in sponsor_paths]),
        )

    held = {role for p in people for role in p.props.get("roles", ())}
    for role in _REQUIRED_ROLES:
        if role.value not in held:
            severity = Severity.HIGH if role == BuyingRole.DECIDER else Severity.LOW
            add(
                GapKind.MISSING_BUYING_ROLE,
                severity,
                account.id,
                f"No one at {account.name} is known to hold the buying-center role '{role.value}'.",
                role=role.value,
            )

    gaps.sort(key=lambda g: (_SEVERITY_ORDER[g.severity], g.kind.value, g.subject, g.role or ""))
    return gaps
