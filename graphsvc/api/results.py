"""GraphQL types of the analyses: paths, leverage, gaps, coverage, metrics (docs/semantics.md)."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date

import strawberry
from strawberry.types import Info

from graphsvc import analysis
from graphsvc.analysis import GapKind, Severity
from graphsvc.api.context import Context
from graphsvc.api.types import Account, Cover, Member, NodeInterface, as_gql, as_member, load_node_as, node_as
from graphsvc.model import BuyingRole, Relation

__all__ = [
    "AccountLeverage",
    "CoverageGap",
    "GapCounts",
    "Hop",
    "InfluencePath",
    "Leverage",
    "LeverageContribution",
    "MemberCoverage",
    "MemberLoad",
    "NodeMetrics",
    "Overlap",
    "PortfolioLever",
    "TeamCoverage",
]


GInfo = Info[Context, None]


@strawberry.type(description="One step of an influence path.")
class Hop:
    _hop: strawberry.Private[analysis.Hop]

    @strawberry.field(name="from", description="Where the step starts.", graphql_type=NodeInterface | None)
    def source(self, info: GInfo) -> NodeInterface | Awaitable[NodeInterface | None] | None:
        return node_as(info, self._hop.source, as_gql)

    @strawberry.field(name="to", description="Where the step ends.", graphql_type=NodeInterface | None)
    def target(self, info: GInfo) -> NodeInterface | Awaitable[NodeInterface | None] | None:
        return node_as(info, self._hop.target, as_gql)

    @strawberry.field(description="The relation walked: COVERS, KNOWS, INFLUENCES, MEMBER_OF or REPORTS_TO.")
    def relation(self) -> str:
        return self._hop.relation

    @strawberry.field(description="Weight of the step in [0, 1].")
    def weight(self) -> float:
        return self._hop.weight

    @strawberry.field(description="True when walked against the relation (a manager's pull down a REPORTS_TO).")
    def inverse(self) -> bool:
        return self._hop.inverse


@strawberry.type(description="A chain of influence; its strength is the product of its hop weights.")
class InfluencePath:
    _path: strawberry.Private[analysis.InfluencePath]

    @strawberry.field(description="Product of the hop weights, in [0, 1].")
    def strength(self) -> float:
        return self._path.strength

    @strawberry.field(description="The steps, from the first node to the last.")
    def hops(self) -> list[Hop]:
        return [Hop(_hop=h) for h in self._path.hops]

    @strawberry.field(description="Ids of the nodes along the path, in order.")
    def node_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(n) for n in self._path.nodes]


def path_or_none(path: analysis.InfluencePath | None) -> InfluencePath | None:
    return InfluencePath(_path=path) if path else None


@strawberry.type(description="Part of a node's leverage that comes through one decision node.")
class LeverageContribution:
    _c: strawberry.Private[analysis.Contribution]

    @strawberry.field(description="The decision node.")
    async def decision_node(self, info: GInfo) -> NodeInterface | None:
        return await load_node_as(info, self._c.decision_node, as_gql)

    @strawberry.field(description="Strongest path strength to the decision node.")
    def best(self) -> float:
        return self._c.best

    @strawberry.field(description="power(d) x best / sum of powers: this decision node's part of the score.")
    def share(self) -> float:
        return self._c.share


@strawberry.type(description="How strongly a node can sway the account's decision, 0-1.")
class Leverage:
    _score: strawberry.Private[analysis.LeverageScore]

    @strawberry.field(description="The node.")
    async def node(self, info: GInfo) -> NodeInterface | None:
        return await load_node_as(info, self._score.node, as_gql)

    @strawberry.field(description="Leverage, 0-1.")
    def score(self) -> float:
        return self._score.score

    @strawberry.field(description="The largest contributions, at most three.")
    def contributions(self) -> list[LeverageContribution]:
        return [LeverageContribution(_c=c) for c in self._score.contributions]


@strawberry.type(description="A node's leverage in one account.")
class AccountLeverage:
    account_id: strawberry.Private[str]
    score: float = strawberry.field(description="Leverage in that account.")

    @strawberry.field(description="The account.")
    async def account(self, info: GInfo) -> Account | None:
        node = await info.context.loaders.node.load(self.account_id)
        return Account(_node=node) if node else None


@strawberry.type(description="A node's leverage summed over the portfolio's key accounts.")
class PortfolioLever:
    _lever: strawberry.Private[analysis.PortfolioLever]

    @strawberry.field(description="The node.")
    async def node(self, info: GInfo) -> NodeInterface | None:
        return await load_node_as(info, self._lever.node, as_gql)

    @strawberry.field(description="Sum of its leverage over the accounts.")
    def score(self) -> float:
        return self._lever.score

    @strawberry.field(description="The accounts it reaches, largest leverage first.")
    def accounts(self) -> list[AccountLeverage]:
        return [AccountLeverage(account_id=a, score=s) for a, s in self._lever.accounts]

    @strawberry.field(description="Some member covers it (strength >= 0.3).")
    def covered(self) -> bool:
        return self._lever.covered

    @strawberry.field(description="Some member knows it (KNOWS strength >= 0.3).")
    def known(self) -> bool:
        return self._lever.known


@strawberry.type(description="Classic social-network measures of a node's informal power (members left out).")
class NodeMetrics:
    _m: strawberry.Private[analysis.NodeMetrics]

    @strawberry.field(description="The node.")
    async def node(self, info: GInfo) -> NodeInterface | None:
        return await load_node_as(info, self._m.node, as_gql)

    @strawberry.field(description="Distinct influence edges into the node.")
    def in_degree(self) -> int:
        return self._m.in_degree

    @strawberry.field(description="Distinct influence edges out of the node.")
    def out_degree(self) -> int:
        return self._m.out_degree

    @strawberry.field(description="Directed, unweighted betweenness, normalised by (n-1)(n-2).")
    def betweenness(self) -> float:
        return self._m.betweenness

    @strawberry.field(description="PageRank (damping 0.85, weighted) on the reversed influence graph.")
    def pagerank(self) -> float:
        return self._m.pagerank


@strawberry.type(description="Where the account team is blind, with a suggestion to close the gap.")
class CoverageGap:
    _gap: strawberry.Private[analysis.CoverageGap]

    @strawberry.field(description="What kind of gap.")
    def kind(self) -> GapKind:
        return self._gap.kind

    @strawberry.field(description="HIGH, MEDIUM or LOW.")
    def severity(self) -> Severity:
        return self._gap.severity

    @strawberry.field(
        description="The node concerned; the account for account-wide kinds.", graphql_type=NodeInterface | None
    )
    def subject(self, info: GInfo) -> NodeInterface | Awaitable[NodeInterface | None] | None:
        return node_as(info, self._gap.subject, as_gql)

    @strawberry.field(description="A sentence for a key account manager.")
    def message(self) -> str:
        return self._gap.message

    @strawberry.field(description="The missing buying-center role (MISSING_BUYING_ROLE only).")
    def role(self) -> BuyingRole | None:
        return BuyingRole(self._gap.role) if self._gap.role else None

    @strawberry.field(
        description="The member best placed to close the gap, where one exists.", graphql_type=Member | None
    )
    def suggested_member(self, info: GInfo) -> Member | Awaitable[Member | None] | None:
        member = self._gap.suggested_member
        if member is None:
            return None
        return node_as(info, member, as_member)

    @strawberry.field(description="That member's strongest influence path towards the subject.")
    def suggested_path(self) -> InfluencePath | None:
        return path_or_none(self._gap.suggested_path)


@strawberry.type(description="Number of coverage gaps by severity, for dashboards.")
class GapCounts:
    high: int = strawberry.field(description="HIGH gaps.")
    medium: int = strawberry.field(description="MEDIUM gaps.")
    low: int = strawberry.field(description="LOW gaps.")
    total: int = strawberry.field(description="All gaps.")


def gap_counts(gaps: list[analysis.CoverageGap]) -> GapCounts:
    count = {s: sum(1 for g in gaps if g.severity == s) for s in Severity}
    return GapCounts(high=count[Severity.HIGH], medium=count[Severity.MEDIUM], low=count[Severity.LOW], total=len(gaps))


@strawberry.type(description="What one member covers across the portfolio.")
class MemberCoverage:
    _mc: strawberry.Private[analysis.MemberCoverage]
    _relations: strawberry.Private[dict[str, Relation]]
    _as_of: strawberry.Private[date | None] = None

    @strawberry.field(description="The member.")
    async def member(self, info: GInfo) -> Member | None:
        node = await info.context.loaders.node.load(self._mc.member)
        return Member(_node=node) if node else None

    @strawberry.field(description="Each cover, by node id.")
    def covers(self) -> list[Cover]:
        return [Cover(_rel=self._relations[state.node], _as_of=self._as_of) for state, _ in self._mc.covers]

    @strawberry.field(description="How many of the covers are stale.")
    def stale_count(self) -> int:
        return self._mc.stale

    @strawberry.field(description="Ids of the accounts the covered nodes belong to.")
    def account_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(a) for a in self._mc.accounts]


@strawberry.type(description="A stakeholder covered by several members of the team: coordinate one message.")
class Overlap:
    node_id: strawberry.Private[str]
    member_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="The stakeholder.")
    async def node(self, info: GInfo) -> NodeInterface | None:
        return await load_node_as(info, self.node_id, as_gql)

    @strawberry.field(description="The members covering it (strength >= 0.3).")
    async def members(self, info: GInfo) -> list[Member]:
        return [Member(_node=n) for n in await info.context.loaders.nodes(list(self.member_ids))]


@strawberry.type(description="How many nodes a member covers (strength >= 0.3).")
class MemberLoad:
    member_id: strawberry.Private[str]
    covered: int = strawberry.field(description="Nodes covered with strength >= 0.3.")

    @strawberry.field(description="The member.")
    async def member(self, info: GInfo) -> Member | None:
        node = await info.context.loaders.node.load(self.member_id)
        return Member(_node=node) if node else None


@strawberry.type(description="A team lead's view: everyone reporting to the lead, directly or not, and the lead.")
class TeamCoverage:
    lead_id: strawberry.Private[str]
    members: list[MemberCoverage] = strawberry.field(description="Coverage per member, the lead first.")
    overlaps: list[Overlap] = strawberry.field(description="Stakeholders covered by two or more team members.")
    load: list[MemberLoad] = strawberry.field(description="Covered nodes per member.")

    @strawberry.field(description="The team lead.")
    async def lead(self, info: GInfo) -> Member | None:
        node = await info.context.loaders.node.load(self.lead_id)
        return Member(_node=node) if node else None
