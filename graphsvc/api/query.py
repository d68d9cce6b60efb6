"""The root ``Query``: accounts, nodes, search, every analysis of docs/semantics.md, the viewer and the audit log.

No resolver checks a role: ``info.context.store`` and ``info.context.analyst``
are the caller's guarded store and scoped analyst, which answer only with what
the token may see (docs/security.md).
"""

from __future__ import annotations

from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from graphsvc import analysis
from graphsvc.api.args import (
    AccountArg,
    AccountsArg,
    AfterArg,
    ApproachArg,
    AsOfArg,
    AttitudeArg,
    CountryArg,
    FirstArg,
    HopsArg,
    IdArg,
    KArg,
    KindArg,
    LeadArg,
    MemberArg,
    NameArg,
    RoleArg,
    StatusArg,
    TargetArg,
    TextArg,
    TopArg,
)
from graphsvc.api.auditlog import AuditEntryConnection, audit_log
from graphsvc.api.caller import Viewer
from graphsvc.api.context import Context, call
from graphsvc.api.pagination import MAX_FIRST, Connection, after_id, first_within, page
from graphsvc.api.results import (
    CoverageGap,
    InfluencePath,
    Leverage,
    MemberCoverage,
    MemberLoad,
    NodeMetrics,
    Overlap,
    PortfolioLever,
    TeamCoverage,
)
from graphsvc.api.types import Account, NodeInterface, Person, as_gql, people_page
from graphsvc.errors import InvalidInput, NotFound
from graphsvc.model import Node, NodeKind, RelationType

__all__ = ["LIMITS", "Query"]

GInfo = Info[Context, None]
T = TypeVar("T")


class LIMITS:
    """Caps on arguments that decide how much work one request asks for."""

    first = MAX_FIRST
    k = 20
    max_hops = 6
    top = 500


async def _node_page(
    info: GInfo,
    kind: NodeKind | None,
    where: dict[str, object],
    name_contains: str | None,
    first: int,
    after: str | None,
) -> tuple[list[Node], int, bool]:
    store = info.context.store
    start, limit = after_id(after), first_within(first)

    def fetch() -> tuple[list[Node], int, bool]:
        found = store.list_nodes(kind, where=where or None, name_contains=name_contains, after=start, limit=limit)
        total = store.count_nodes(kind, where=where or None, name_contains=name_contains)
        return found.items, total, found.next_after is not None

    return await call(fetch)  # one worker-thread hop for the page and its count


def _account_id(node: Node | None, account_id: str) -> Node:
    if node is None or node.kind != NodeKind.ACCOUNT:
        raise NotFound(f"no account has the id '{account_id}'")
    return node


def _k(k: int, max_hops: int) -> None:
    if not 1 <= k <= LIMITS.k:
        raise InvalidInput(f"k must be between 1 and {LIMITS.k}, not {k}")
    if not 1 <= max_hops <= LIMITS.max_hops:
        raise InvalidInput(f"maxHops must be between 1 and {LIMITS.max_hops}, not {max_hops}")


def _top(top: int) -> int:
    if not 1 <= top <= LIMITS.top:
        raise InvalidInput(f"top must be between 1 and {LIMITS.top}, not {top}")
    return top


@strawberry.type(description="Everything graphsvc answers. Dates are ISO days; `asOf` defaults to today.")
class Query:
    @strawberry.field(description="Who is asking: the token's member and role, and the accounts they may see.")
    def viewer(self, info: GInfo) -> Viewer:
        return Viewer(_scope=info.context.scope, _member=info.context.principal.member)

    audit_log: AuditEntryConnection = strawberry.field(
        resolver=audit_log,
        description="The audit log, newest first: accepted writes and refused attempts (admins only).",
    )

    @strawberry.field(description="One account by id (null when there is none).")
    async def account(self, info: GInfo, id: IdArg) -> Account | None:
        node = await info.context.loaders.node.load(str(id))
        return Account(_node=node) if node and node.kind == NodeKind.ACCOUNT else None

    @strawberry.field(description="Accounts by id, filtered, a page at a time (at most 100).")
    async def accounts(
        self,
        info: GInfo,
        first: FirstArg = 20,
        after: AfterArg = None,
        status: StatusArg = None,
        approach: ApproachArg = None,
        country: CountryArg = None,
        name_contains: NameArg = None,
    ) -> Connection[Account]:
        where: dict[str, object] = {}
        for name, value in (("status", status), ("approach", approach), ("countries", country)):
            if value is not None:
                where[name] = value.value if hasattr(value, "value") else value
        items, total, more = await _node_page(info, NodeKind.ACCOUNT, where, name_contains, first, after)
        return page([Account(_node=n) for n in items], [n.id for n in items], total, more)

    @strawberry.field(description="Any node by id (null when there is none).")
    async def node(self, info: GInfo, id: IdArg) -> NodeInterface | None:
        node = await info.context.loaders.node.load(str(id))
        return as_gql(node) if node else None

    @strawberry.field(description="Nodes whose name contains the text (case-insensitive), optionally of one kind.")
    async def search(
        self, info: GInfo, text: TextArg, kind: KindArg = None, first: FirstArg = 20, after: AfterArg = None
    ) -> Connection[NodeInterface]:
        if not text.strip():
            raise InvalidInput("text must not be empty")
        items, total, more = await _node_page(info, kind, {}, text, first, after)
        return page([as_gql(n) for n in items], [n.id for n in items], total, more)

    @strawberry.field(description="People of an account, filtered, a page at a time.")
    async def people(
        self,
        info: GInfo,
        account_id: AccountArg,
        first: FirstArg = 20,
        after: AfterArg = None,
        role: RoleArg = None,
        attitude: AttitudeArg = None,
        name_contains: NameArg = None,
    ) -> Connection[Person]:
        _account_id(await info.context.loaders.node.load(str(account_id)), str(account_id))
        return await people_page(info, str(account_id), first, after, role, attitude, name_contains)

    @strawberry.field(description="The k strongest influence paths from the team (or the given members) to a node.")
    async def influence_paths(
        self,
        info: GInfo,
        account_id: AccountArg,
        to: TargetArg,
        from_: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(name="from", description="Members to start from (default: the account team)."),
        ] = None,
        k: KArg = 3,
        max_hops: HopsArg = 4,
    ) -> list[InfluencePath]:
        _k(k, max_hops)
        sources = [str(s) for s in from_] if from_ is not None else None
        analyst = info.context.analyst

        def compute() -> tuple[list[analysis.InfluencePath], dict[str, Node]]:
            found, graph = analyst.paths_with_graph(str(account_id), str(to), sources, k, max_hops)
            return found, {n: graph.nodes[n] for p in found for n in p.nodes}

        paths, nodes = await call(compute)
        info.context.loaders.node.prime_many(nodes)  # the path's nodes are in the cached graph: no store trip
        return [InfluencePath(_path=p) for p in paths]

    @strawberry.field(description="Nodes ranked by leverage on the account's decision.")
    async def leverage(self, info: GInfo, account_id: AccountArg, top: TopArg = 10) -> list[Leverage]:
        scores = await call(info.context.analyst.leverage, str(account_id))
        return [Leverage(_score=s) for s in scores[: _top(top)]]

    @strawberry.field(description="Nodes with the greatest lever on all key accounts (or the given ones).")
    async def portfolio_leverage(
        self, info: GInfo, top: TopArg = 20, account_ids: AccountsArg = None
    ) -> list[PortfolioLever]:
        accounts = [str(a) for a in account_ids] if account_ids is not None else None
        levers = await call(info.context.analyst.portfolio_leverage, accounts)
        return [PortfolioLever(_lever=p) for p in levers[: _top(top)]]

    @strawberry.field(description="In/out degree, betweenness and PageRank of every stakeholder of the account.")
    async def network_metrics(self, info: GInfo, account_id: AccountArg) -> list[NodeMetrics]:
        return [NodeMetrics(_m=m) for m in await call(info.context.analyst.network_metrics, str(account_id))]

    @strawberry.field(description="Coverage gaps of the account, by severity, kind and subject.")
    async def coverage_gaps(self, info: GInfo, account_id: AccountArg, as_of: AsOfArg = None) -> list[CoverageGap]:
        analyst = info.context.analyst

        def compute() -> tuple[list[analysis.CoverageGap], dict[str, Node]]:
            found, graph = analyst.gaps_with_graph(str(account_id), as_of)
            ids = {g.subject for g in found} | {g.suggested_member for g in found if g.suggested_member}
            ids |= {n for g in found if g.suggested_path for n in g.suggested_path.nodes}
            nodes = {i: graph.nodes[i] for i in ids if i in graph.nodes}
            nodes.setdefault(graph.account.id, graph.account)
            return found, nodes

        gaps, nodes = await call(compute)
        info.context.loaders.node.prime_many(nodes)  # every node a gap names is in the cached graph
        return [CoverageGap(_gap=g) for g in gaps]

    @strawberry.field(description="What one member covers, with freshness as of a day.")
    async def coverage(self, info: GInfo, member_id: MemberArg, as_of: AsOfArg = None) -> MemberCoverage:
        analyst = info.context.analyst
        mc = await call(analyst.coverage, str(member_id), as_of)
        rels = await info.context.loaders.out.load((str(member_id), RelationType.COVERS))
        return MemberCoverage(_mc=mc, _relations={r.target: r for r in rels}, _as_of=as_of)

    @strawberry.field(description="A team lead's roll-up: coverage per member, overlaps and load.")
    async def team_coverage(self, info: GInfo, lead_id: LeadArg, as_of: AsOfArg = None) -> TeamCoverage:
        tc = await call(info.context.analyst.team_coverage, str(lead_id), as_of)
        loaders = info.context.loaders
        members = []
        for mc in tc.members:
            rels = await loaders.out.load((mc.member, RelationType.COVERS))
            members.append(MemberCoverage(_mc=mc, _relations={r.target: r for r in rels}, _as_of=as_of))
        return TeamCoverage(
            lead_id=str(lead_id),
            members=members,
            overlaps=[Overlap(node_id=n, member_ids=ms) for n, ms in tc.overlaps.items()],
            load=[MemberLoad(member_id=m, covered=c) for m, c in tc.load.items()],
        )
