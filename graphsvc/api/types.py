"""GraphQL types of the graph: every node kind behind the ``Node`` interface, and the relations between them.

Each type wraps a model ``Node`` (or ``Relation``) and reads its properties;
neighbours come through the request's DataLoaders, so nested queries batch.
Absent optional properties are ``null``; ``effective…`` fields apply the
analysis defaults.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from strawberry import Private
from strawberry.types import Info

from graphsvc.analysis.coverage import cover_state
from graphsvc.analysis.graph import COMMITTEE_POWER, DEFAULT_STRENGTH, PERSON_POWER
from graphsvc.api import enums as _enums  # noqa: F401 - registers the GraphQL enums first
from graphsvc.api.args import AfterArg, AsOfArg, AttitudeArg, FirstArg, NameArg, RoleArg
from graphsvc.api.context import Context, call
from graphsvc.api.pagination import Connection, page_in_memory
from graphsvc.model import (
    AccountStatus,
    Approach,
    AssignmentRole,
    Attitude,
    BuyingRole,
    CommitteeKind,
    CommitteeRole,
    InfluenceKind,
    InfluencerKind,
    Node,
    NodeKind,
    Relation,
    RelationType,
    TeamRole,
)

if TYPE_CHECKING:
    from graphsvc.api.results import CoverageGap, GapCounts

__all__ = [
    "NODE_TYPES",
    "Account",
    "Cover",
    "Member",
    "NodeInterface",
    "Stakeholder",
    "as_gql",
    "as_member",
    "known_node",
    "load_node_as",
    "node_as",
    "people_page",
]


GInfo = Info[Context, None]
W = TypeVar("W")
GapCountsRef = Annotated["GapCounts", strawberry.lazy("graphsvc.api.results")]
CoverageGapRef = Annotated["CoverageGap", strawberry.lazy("graphsvc.api.results")]


def _p(record: Node | Relation, name: str) -> Any:
    return record.props.get(name)


def _enum(cls: Any, value: Any) -> Any:
    return None if value is None else cls(value)


async def _neighbours(info: GInfo, rels: list[Relation], side: str) -> list[NodeInterface]:
    ids = [r.target if side == "target" else r.source for r in rels]
    return [as_gql(n) for n in await info.context.loaders.nodes(ids)]


def known_node(info: GInfo, node_id: str) -> tuple[bool, Node | None]:
    """(True, node) when the request's node loader already holds the node (loaded before, or primed)."""
    known = info.context.loaders.node.cache_map.get(node_id)
    if known is None or not known.done() or known.cancelled() or known.exception() is not None:
        return False, None
    return True, known.result()


def node_as(info: GInfo, node_id: str, wrap: Callable[[Node], W]) -> W | Awaitable[W | None] | None:
    """``wrap`` of the node: at once when the loader holds it, else awaited (None: no such node for the caller).

    Answering at once spares graphql-core a task per field: an account map names a few nodes per person (site,
    committees, who covers and who sways them), a gap list a node in every subject and hop, and the loader holds
    most of them already (the account's own nodes are primed as they are read, the team's as it is loaded).
    """
    ready, node = known_node(info, node_id)
    if ready:
        return wrap(node) if node else None
    return load_node_as(info, node_id, wrap)


async def load_node_as(info: GInfo, node_id: str, wrap: Callable[[Node], W]) -> W | None:
    """``wrap`` of the node, through the request's node loader (None: no such node for the caller)."""
    node = await info.context.loaders.node.load(node_id)
    return wrap(node) if node else None


def _as_account(node: Node) -> Account:
    return Account(_node=node)


def _as_site(node: Node) -> Site:
    return Site(_node=node)


def _as_committee(node: Node) -> Committee:
    return Committee(_node=node)


def as_member(node: Node) -> Member:
    return Member(_node=node)


@strawberry.interface(name="Node", description="Anything in the graph: an account, site, person, committee, ...")
class NodeInterface:
    _node: Private[Node]

    @strawberry.field(description="Stable id, unique across all kinds.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self._node.id)

    @strawberry.field(description="Display name.")
    def name(self) -> str:
        return self._node.name

    @strawberry.field(description="What kind of node this is.")
    def kind(self) -> NodeKind:
        return self._node.kind

    @strawberry.field(description="Free text notes; shown as typed, never interpreted.")
    def notes(self) -> str | None:
        return _p(self._node, "notes")


async def _rels(info: GInfo, node_id: str, rtype: RelationType, side: str) -> list[Relation]:
    loader = info.context.loaders.out if side == "source" else info.context.loaders.into
    return await loader.load((node_id, rtype))


@strawberry.interface(description="A person, committee or influencer: someone our team covers and who sways decisions.")
class Stakeholder(NodeInterface):
    @strawberry.field(description="Members covering this node, with strength and freshness.")
    async def covered_by(self, info: GInfo) -> list[Cover]:
        return [Cover(_rel=r) for r in await _rels(info, self._node.id, RelationType.COVERS, "target")]

    @strawberry.field(description="Who this node influences.")
    async def influences(self, info: GInfo) -> list[Influence]:
        return [Influence(_rel=r) for r in await _rels(info, self._node.id, RelationType.INFLUENCES, "source")]

    @strawberry.field(description="Who influences this node (committees and people only).")
    async def influenced_by(self, info: GInfo) -> list[Influence]:
        return [Influence(_rel=r) for r in await _rels(info, self._node.id, RelationType.INFLUENCES, "target")]


@strawberry.type(description="A key account (or a candidate for the list).")
class Account(NodeInterface):
    @strawberry.field(description="Place on the key account list.")
    def status(self) -> AccountStatus:
        return AccountStatus(_p(self._node, "status"))

    @strawberry.field(description="How the account is managed.")
    def approach(self) -> Approach | None:
        return _enum(Approach, _p(self._node, "approach"))

    @strawberry.field(description="Industry.")
    def industry(self) -> str | None:
        return _p(self._node, "industry")

    @strawberry.field(description="Region.")
    def region(self) -> str | None:
        return _p(self._node, "region")

    @strawberry.field(description="Countries the customer buys in.")
    def countries(self) -> list[str]:
        return list(_p(self._node, "countries") or [])

    @strawberry.field(description="Locations of the customer, by id.")
    async def sites(self, info: GInfo) -> list[Site]:
        return [Site(_node=n) for n in await info.context.loaders.owned_of_kind(self._node.id, NodeKind.SITE)]

    @strawberry.field(description="Committees of the customer, by id.")
    async def committees(self, info: GInfo) -> list[Committee]:
        nodes = await info.context.loaders.owned_of_kind(self._node.id, NodeKind.COMMITTEE)
        return [Committee(_node=n) for n in nodes]

    @strawberry.field(description="Members assigned to the account team.")
    async def team(self, info: GInfo) -> list[Assignment]:
        return [Assignment(_rel=r) for r in await _rels(info, self._node.id, RelationType.ASSIGNED_TO, "target")]

    @strawberry.field(description="People of the account by id, filtered, a page at a time (at most 100).")
    async def people(
        self,
        info: GInfo,
        first: FirstArg = 20,
        after: AfterArg = None,
        role: RoleArg = None,
        attitude: AttitudeArg = None,
        name_contains: NameArg = None,
    ) -> Connection[Person]:
        return await people_page(info, self._node.id, first, after, role, attitude, name_contains)

    @strawberry.field(description="Revision of the account's data: moves on every write that touches it.")
    async def revision(self, info: GInfo) -> int:
        return await call(info.context.store.account_revision, self._node.id)

    @strawberry.field(description="Leverage-weighted share of key stakeholders with a fresh cover, 0-100.")
    async def coverage_score(self, info: GInfo, as_of: AsOfArg = None) -> float:
        return (await info.context.loaders.figures.load((self._node.id, as_of))).score

    @strawberry.field(description="Number of coverage gaps by severity, for dashboards.")
    async def gap_counts(self, info: GInfo, as_of: AsOfArg = None) -> GapCountsRef:
        from graphsvc.api.results import gap_counts

        return gap_counts((await info.context.loaders.figures.load((self._node.id, as_of))).gaps)

    @strawberry.field(description="The account's coverage gaps, by severity, kind and subject.")
    async def coverage_gaps(self, info: GInfo, as_of: AsOfArg = None) -> list[CoverageGapRef]:
        from graphsvc.api.results import CoverageGap

        return [CoverageGap(_gap=g) for g in (await info.context.loaders.figures.load((self._node.id, as_of))).gaps]

    @strawberry.field(description="Decision nodes: deciders and approvers, committees with power >= 0.5.")
    async def decision_nodes(self, info: GInfo) -> list[NodeInterface]:
        ids = await call(info.context.analyst.decision_nodes, self._node.id)
        return [as_gql(n) for n in await info.context.loaders.nodes(ids)]

    @strawberry.field(description="Key stakeholders: decision nodes, people with power >= 0.7, top 5 by leverage.")
    async def key_stakeholders(self, info: GInfo) -> list[NodeInterface]:
        ids = await call(info.context.analyst.key_stakeholders, self._node.id)
        return [as_gql(n) for n in await info.context.loaders.nodes(ids)]


@strawberry.type(description="A location of a multi-site customer.")
class Site(NodeInterface):
    @strawberry.field(description="The account the site belongs to.", graphql_type=Account | None)
    def account(self, info: GInfo) -> Account | Awaitable[Account | None] | None:
        return node_as(info, str(self._node.account), _as_account)

    @strawberry.field(description="Country (ISO code).")
    def country(self) -> str | None:
        return _p(self._node, "country")

    @strawberry.field(description="City.")
    def city(self) -> str | None:
        return _p(self._node, "city")

    @strawberry.field(description="People working at the site, by id.")
    async def people(self, info: GInfo) -> list[Person]:
        owned = await info.context.loaders.owned_of_kind(str(self._node.account), NodeKind.PERSON)
        return [Person(_node=n) for n in owned if _p(n, "site") == self._node.id]


@strawberry.type(description="A person of a customer, with buying-center roles, attitude and formal power.")
class Person(Stakeholder):
    @strawberry.field(description="The account the person works for.", graphql_type=Account | None)
    def account(self, info: GInfo) -> Account | Awaitable[Account | None] | None:
        return node_as(info, str(self._node.account), _as_account)

    @strawberry.field(description="The site the person works at.", graphql_type=Site | None)
    def site(self, info: GInfo) -> Site | Awaitable[Site | None] | None:
        site = _p(self._node, "site")
        return node_as(info, site, _as_site) if site else None

    @strawberry.field(description="Job title.")
    def title(self) -> str | None:
        return _p(self._node, "title")

    @strawberry.field(description="Department.")
    def department(self) -> str | None:
        return _p(self._node, "department")

    @strawberry.field(description="Buying-center roles.")
    def roles(self) -> list[BuyingRole]:
        return [BuyingRole(r) for r in _p(self._node, "roles") or []]

    @strawberry.field(description="Attitude towards us as stored (null: unknown).")
    def attitude(self) -> Attitude | None:
        return _enum(Attitude, _p(self._node, "attitude"))

    @strawberry.field(description="Formal decision power as stored, 0-1 (null: not given).")
    def power(self) -> float | None:
        return _p(self._node, "power")

    @strawberry.field(description="Formal decision power with the default of 0.5 applied.")
    def effective_power(self) -> float:
        value = _p(self._node, "power")
        return PERSON_POWER if value is None else float(value)

    @strawberry.field(description="Whom the person reports to.")
    async def reports_to(self, info: GInfo) -> list[Person]:
        rels = await _rels(info, self._node.id, RelationType.REPORTS_TO, "source")
        return [Person(_node=n) for n in await info.context.loaders.nodes([r.target for r in rels])]

    @strawberry.field(description="Who reports to the person directly.")
    async def direct_reports(self, info: GInfo) -> list[Person]:
        rels = await _rels(info, self._node.id, RelationType.REPORTS_TO, "target")
        return [Person(_node=n) for n in await info.context.loaders.nodes([r.source for r in rels])]

    @strawberry.field(description="Committee seats of the person.")
    async def committees(self, info: GInfo) -> list[CommitteeSeat]:
        return [CommitteeSeat(_rel=r) for r in await _rels(info, self._node.id, RelationType.MEMBER_OF, "source")]

    @strawberry.field(description="Members who know the person.")
    async def known_by(self, info: GInfo) -> list[Acquaintance]:
        return [Acquaintance(_rel=r) for r in await _rels(info, self._node.id, RelationType.KNOWS, "target")]


@strawberry.type(description="A committee of a customer where decisions are taken (often international).")
class Committee(Stakeholder):
    @strawberry.field(description="The account the committee belongs to.", graphql_type=Account | None)
    def account(self, info: GInfo) -> Account | Awaitable[Account | None] | None:
        return node_as(info, str(self._node.account), _as_account)

    @strawberry.field(name="committeeKind", description="The kind of committee.")
    def committee_kind(self) -> CommitteeKind:
        return CommitteeKind(_p(self._node, "kind"))

    @strawberry.field(description="Decision power as stored, 0-1 (null: not given).")
    def power(self) -> float | None:
        return _p(self._node, "power")

    @strawberry.field(description="Decision power with the default of 1.0 applied.")
    def effective_power(self) -> float:
        value = _p(self._node, "power")
        return COMMITTEE_POWER if value is None else float(value)

    @strawberry.field(description="Who sits on the committee.")
    async def seats(self, info: GInfo) -> list[CommitteeSeat]:
        return [CommitteeSeat(_rel=r) for r in await _rels(info, self._node.id, RelationType.MEMBER_OF, "target")]


@strawberry.type(description="An outside market participant: planner, association, end customer, ...")
class Influencer(Stakeholder):
    @strawberry.field(name="influencerKind", description="The kind of market participant.")
    def influencer_kind(self) -> InfluencerKind:
        return InfluencerKind(_p(self._node, "kind"))

    @strawberry.field(description="Organization.")
    def organization(self) -> str | None:
        return _p(self._node, "organization")

    @strawberry.field(description="Country.")
    def country(self) -> str | None:
        return _p(self._node, "country")

    @strawberry.field(description="Committee seats of the influencer.")
    async def committees(self, info: GInfo) -> list[CommitteeSeat]:
        return [CommitteeSeat(_rel=r) for r in await _rels(info, self._node.id, RelationType.MEMBER_OF, "source")]

    @strawberry.field(description="Members who know the influencer.")
    async def known_by(self, info: GInfo) -> list[Acquaintance]:
        return [Acquaintance(_rel=r) for r in await _rels(info, self._node.id, RelationType.KNOWS, "target")]


@strawberry.type(description="A member of our own team.")
class Member(NodeInterface):
    @strawberry.field(description="Role in our team.")
    def role(self) -> TeamRole:
        return TeamRole(_p(self._node, "role"))

    @strawberry.field(description="E-mail address.")
    def email(self) -> str | None:
        return _p(self._node, "email")

    @strawberry.field(description="Whom the member reports to.")
    async def reports_to(self, info: GInfo) -> list[Member]:
        rels = await _rels(info, self._node.id, RelationType.REPORTS_TO, "source")
        return [Member(_node=n) for n in await info.context.loaders.nodes([r.target for r in rels])]

    @strawberry.field(description="Who reports to the member directly.")
    async def direct_reports(self, info: GInfo) -> list[Member]:
        rels = await _rels(info, self._node.id, RelationType.REPORTS_TO, "target")
        return [Member(_node=n) for n in await info.context.loaders.nodes([r.source for r in rels])]

    @strawberry.field(description="What the member covers.")
    async def covers(self, info: GInfo) -> list[Cover]:
        return [Cover(_rel=r) for r in await _rels(info, self._node.id, RelationType.COVERS, "source")]

    @strawberry.field(description="Whom the member knows.")
    async def knows(self, info: GInfo) -> list[Acquaintance]:
        return [Acquaintance(_rel=r) for r in await _rels(info, self._node.id, RelationType.KNOWS, "source")]

    @strawberry.field(description="Account teams the member is on.")
    async def assignments(self, info: GInfo) -> list[Assignment]:
        return [Assignment(_rel=r) for r in await _rels(info, self._node.id, RelationType.ASSIGNED_TO, "source")]


@strawberry.type(description="How a member covers a person, committee or influencer (a COVERS relation).")
class Cover:
    _rel: Private[Relation]
    _as_of: Private[date | None] = None

    @strawberry.field(description="The member of our team.", graphql_type=Member | None)
    def member(self, info: GInfo) -> Member | Awaitable[Member | None] | None:
        return node_as(info, self._rel.source, as_member)

    @strawberry.field(description="The node covered.", graphql_type=NodeInterface | None)
    def node(self, info: GInfo) -> NodeInterface | Awaitable[NodeInterface | None] | None:
        return node_as(info, self._rel.target, as_gql)

    @strawberry.field(description="Strength as stored (null: not given; analyses use 0.5).")
    def strength(self) -> float | None:
        return _p(self._rel, "strength")

    @strawberry.field(description="Strength with the default of 0.5 applied.")
    def effective_strength(self) -> float:
        value = _p(self._rel, "strength")
        return DEFAULT_STRENGTH if value is None else float(value)

    @strawberry.field(description="Day of the last real contact.")
    def last_contact(self) -> date | None:
        value = _p(self._rel, "last_contact")
        return date.fromisoformat(value) if value else None

    @strawberry.field(description="Days between contacts before the cover is stale (null: 90).")
    def cadence_days(self) -> int | None:
        return _p(self._rel, "cadence_days")

    @strawberry.field(description="Day the next contact is due (last contact + cadence); null without a last contact.")
    def due(self) -> date | None:
        return cover_state(self._rel, date.today()).due  # the analyses' rule, defaults and all

    @strawberry.field(description="Whether the cover is stale as of a day (default today): due before that day.")
    def stale(
        self,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="Day to judge freshness on (default: the query's asOf, else today)."),
        ] = None,
    ) -> bool:
        due = self.due()
        return due is None or due < (as_of or self._as_of or date.today())

    @strawberry.field(description="Free text notes.")
    def notes(self) -> str | None:
        return _p(self._rel, "notes")


@strawberry.type(description="A member who knows a person or influencer (a KNOWS relation).")
class Acquaintance:
    _rel: Private[Relation]

    @strawberry.field(description="The member of our team.", graphql_type=Member | None)
    def member(self, info: GInfo) -> Member | Awaitable[Member | None] | None:
        return node_as(info, self._rel.source, as_member)

    @strawberry.field(description="The person or influencer known.", graphql_type=NodeInterface | None)
    def node(self, info: GInfo) -> NodeInterface | Awaitable[NodeInterface | None] | None:
        return node_as(info, self._rel.target, as_gql)

    @strawberry.field(description="Strength as stored (null: 0.5).")
    def strength(self) -> float | None:
        return _p(self._rel, "strength")

    @strawberry.field(description="Free text notes.")
    def notes(self) -> str | None:
        return _p(self._rel, "notes")


@strawberry.type(description="An INFLUENCES relation: one node sways another.")
class Influence:
    _rel: Private[Relation]

    @strawberry.field(name="from", description="Who influences.", graphql_type=NodeInterface | None)
    def source(self, info: GInfo) -> NodeInterface | Awaitable[NodeInterface | None] | None:
        return node_as(info, self._rel.source, as_gql)

    @strawberry.field(name="to", description="Who is influenced.", graphql_type=NodeInterface | None)
    def target(self, info: GInfo) -> NodeInterface | Awaitable[NodeInterface | None] | None:
        return node_as(info, self._rel.target, as_gql)

    @strawberry.field(description="Strength as stored (null: 0.5).")
    def strength(self) -> float | None:
        return _p(self._rel, "strength")

    @strawberry.field(description="The nature of the influence.")
    def kind(self) -> InfluenceKind | None:
        return _enum(InfluenceKind, _p(self._rel, "kind"))

    @strawberry.field(description="Free text notes.")
    def notes(self) -> str | None:
        return _p(self._rel, "notes")


@strawberry.type(description="A seat on a committee (a MEMBER_OF relation).")
class CommitteeSeat:
    _rel: Private[Relation]

    @strawberry.field(
        description="Who sits on the committee: a person, influencer or member.", graphql_type=NodeInterface | None
    )
    def holder(self, info: GInfo) -> NodeInterface | Awaitable[NodeInterface | None] | None:
        return node_as(info, self._rel.source, as_gql)

    @strawberry.field(description="The committee.", graphql_type=Committee | None)
    def committee(self, info: GInfo) -> Committee | Awaitable[Committee | None] | None:
        return node_as(info, self._rel.target, _as_committee)

    @strawberry.field(description="Chair, member or advisor.")
    def role(self) -> CommitteeRole:
        return CommitteeRole(_p(self._rel, "role"))

    @strawberry.field(description="Strength as stored (null: by role, chair 0.9 / member 0.6 / advisor 0.4).")
    def strength(self) -> float | None:
        return _p(self._rel, "strength")

    @strawberry.field(description="Free text notes.")
    def notes(self) -> str | None:
        return _p(self._rel, "notes")


@strawberry.type(description="A member assigned to an account team (an ASSIGNED_TO relation).")
class Assignment:
    _rel: Private[Relation]

    @strawberry.field(description="The member.", graphql_type=Member | None)
    def member(self, info: GInfo) -> Member | Awaitable[Member | None] | None:
        return node_as(info, self._rel.source, as_member)

    @strawberry.field(description="The account.", graphql_type=Account | None)
    def account(self, info: GInfo) -> Account | Awaitable[Account | None] | None:
        return node_as(info, self._rel.target, _as_account)

    @strawberry.field(description="Lead or member of the account team.")
    def role(self) -> AssignmentRole:
        return AssignmentRole(_p(self._rel, "role"))

    @strawberry.field(description="Free text notes.")
    def notes(self) -> str | None:
        return _p(self._rel, "notes")


async def people_page(
    info: GInfo,
    account_id: str,
    first: int,
    after: str | None,
    role: BuyingRole | None,
    attitude: Attitude | None,
    name_contains: str | None,
) -> Connection[Person]:
    """A page of an account's people, filtered; batched through the request's loader (no N+1)."""
    people = await info.context.loaders.owned_of_kind(account_id, NodeKind.PERSON)
    needle = name_contains.casefold() if name_contains else None
    chosen = [
        p
        for p in people
        if (role is None or role.value in (_p(p, "roles") or ()))
        and (attitude is None or (_p(p, "attitude") or Attitude.UNKNOWN.value) == attitude.value)
        and (needle is None or needle in p.name.casefold())
    ]
    return page_in_memory([Person(_node=p) for p in chosen], [p.id for p in chosen], first, after)


NODE_TYPES: dict[NodeKind, type[NodeInterface]] = {
    NodeKind.ACCOUNT: Account,
    NodeKind.SITE: Site,
    NodeKind.PERSON: Person,
    NodeKind.COMMITTEE: Committee,
    NodeKind.INFLUENCER: Influencer,
    NodeKind.MEMBER: Member,
}


def as_gql(node: Node) -> NodeInterface:
    """The GraphQL object of a model node."""
    return NODE_TYPES[node.kind](_node=node)
