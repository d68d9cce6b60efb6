"""Analyses over a store: the one place that loads records for the pure ``analysis`` layer.

``Analyst`` builds each account's influence graph from the store and keeps it
in a bounded cache keyed by the account's revision, so a graph is rebuilt only
after a write that touches the account, and results memoised on the graph
(leverage, key stakeholders, metrics) go with it. The API, the web pages and
the CLI all ask an ``Analyst``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from datetime import date

from graphsvc.analysis import (
    AccountCoverage,
    Contribution,
    CoverageGap,
    CoverageScore,
    InfluenceGraph,
    InfluencePath,
    LeverageScore,
    MemberCoverage,
    NodeMetrics,
    PortfolioLever,
    TeamCoverage,
    account_coverage,
    build_influence_graph,
    coverage_gaps,
    coverage_score,
    decision_nodes,
    explain_leverage,
    key_stakeholders,
    leverage,
    member_coverage,
    network_metrics,
    portfolio_leverage,
    remembered_gaps,
    remembered_score,
    strongest_paths,
    team_coverage,
)
from graphsvc.errors import InvalidInput, NotFound
from graphsvc.interchange import paused_gc
from graphsvc.model import AccountStatus, Node, NodeKind, Relation, RelationType
from graphsvc.model.schema import with_article
from graphsvc.store import AccountRecords, GraphStore

__all__ = ["Analyst"]

_Key = str | tuple[str, frozenset[str]]
"""A cached graph: an account's whole influence graph, or (account, hidden accounts) for one without them."""


_FiguresKey = tuple[str, frozenset[str] | None, date]
"""Remembered dashboard figures: (account, the caller's visible accounts or None for all, as_of)."""


class _SharedCache:
    """The influence graphs of one store, shared by an analyst and every ``scoped`` analyst made from it.

    ``figures`` keeps each account's dashboard figures (score and gaps) per
    revision apart from the graphs: they are a few kB where a graph is
    hundreds, so a portfolio larger than the graph cache still pages warm.
    """

    def __init__(self, size: int, figures_size: int) -> None:
        self.graphs: OrderedDict[_Key, InfluenceGraph] = OrderedDict()
        self.size = size
        self.figures: OrderedDict[_FiguresKey, tuple[int, CoverageScore, list[CoverageGap]]] = OrderedDict()
        self.figures_size = figures_size
        self.lock = threading.Lock()
        self.builds = 0
        self.confirmed: dict[str, int] = {}
        """Account revisions read while the store's revision was ``confirmed_at`` (``Analyst.trust_revision``)."""
        self.confirmed_at: int | None = None

    def get(self, key: _Key, revision: int) -> InfluenceGraph | None:
        with self.lock:
            cached = self.graphs.get(key)
            if cached is not None and cached.revision == revision:
                self.graphs.move_to_end(key)
                return cached
        return None

    def put(self, key: _Key, ig: InfluenceGraph) -> None:
        with self.lock:
            self.builds += 1
            current = self.graphs.get(key)
            if current is None or current.revision <= ig.revision:
                self.graphs[key] = ig
                self.graphs.move_to_end(key)
            while len(self.graphs) > self.size:
                self.graphs.popitem(last=False)

    def confirmed_revisions(self, accounts: Iterable[str], store_revision: int) -> dict[str, int]:
        """The account revisions read at ``store_revision`` or later, of those of ``accounts`` that were."""
        with self.lock:
            if self.confirmed_at != store_revision:
                return {}
            return {a: self.confirmed[a] for a in accounts if a in self.confirmed}

    def confirm(self, revisions: dict[str, int], store_revision: int) -> None:
        """Remember ``revisions``, read after the store's revision was seen to be ``store_revision``.

        They hold for every request that saw that store revision: a write after it moves the store's revision,
        so a request that saw this one started before any write the readings might lack. Only the newest store
        revision's readings are kept, so the map holds at most one revision per account.
        """
        with self.lock:
            if self.confirmed_at is None or store_revision > self.confirmed_at:
                self.confirmed.clear()
                self.confirmed_at = store_revision
            if store_revision == self.confirmed_at:
                self.confirmed.update(revisions)

    def peek(self, key: _Key) -> InfluenceGraph | None:
        with self.lock:
            return self.graphs.get(key)

    def figures_of(self, key: _FiguresKey) -> tuple[int, CoverageScore, list[CoverageGap]] | None:
        with self.lock:
            found = self.figures.get(key)
            if found is not None:
                self.figures.move_to_end(key)
            return found

    def remember_figures(self, key: _FiguresKey, revision: int, score: CoverageScore, gaps: list[CoverageGap]) -> None:
        with self.lock:
            current = self.figures.get(key)
            if current is None or current[0] <= revision:
                self.figures[key] = (revision, score, gaps)
                self.figures.move_to_end(key)
            while len(self.figures) > self.figures_size:
                self.figures.popitem(last=False)


class Analyst:
    """Answers for key account teams, computed from a store, cached per account revision.

    ``scoped`` gives an analyst for one caller: it reads through the caller's
    (guarded) store and runs each analysis on the account's influence graph
    without the nodes of accounts the caller cannot see.
    """

    def __init__(self, store: GraphStore, cache_size: int = 256, figures_size: int = 8192) -> None:
        self.store = store
        self._source = store
        """Where influence graphs are built from: the real store (``store`` may be a caller's guarded view)."""
        self._visible: frozenset[str] | None = None
        self._shared = _SharedCache(cache_size, figures_size)
        self._store_revision: int | None = None

    @property
    def builds(self) -> int:
        """How many influence graphs were built (cache misses), for tests and metrics; shared with scoped analysts."""
        return self._shared.builds

    def scoped(self, store: GraphStore, visible: frozenset[str] | None) -> Analyst:
        """An analyst for a caller who reads through ``store`` and sees the accounts ``visible`` (None: all).

        It shares this analyst's graph cache. Graphs are built from the real
        store; where an account's graph holds nodes of accounts the caller
        cannot see, a graph without them is built once and cached under
        (account, those accounts), so callers who see everything there cost nothing extra.
        """
        child = Analyst.__new__(Analyst)
        child.store = store
        child._source = self._source
        if visible is not None and self._visible is not None:
            visible = visible & self._visible
        child._visible = visible if visible is not None else self._visible
        child._shared = self._shared
        child._store_revision = None
        return child

    def trust_revision(self, store_revision: int | None) -> None:
        """Take ``store_revision`` as the store's current revision for this analyst's reads (None: stop).

        For one request that only reads, with the revision read with its token: an account revision already
        read at that store revision (by any request) is taken as current without asking the store again, so a
        cached analysis costs no round trip to Neo4j. Results are never older than any write accepted before
        the revision was read. Not for a request that writes: what it wrote would not show.
        """
        self._store_revision = store_revision

    def _account_revisions(self, account_ids: Sequence[str]) -> dict[str, int]:
        """The current revision of each account: confirmed at the trusted store revision, else read (in one call)."""
        trusted = self._store_revision
        found = {} if trusted is None else self._shared.confirmed_revisions(account_ids, trusted)
        missing = [a for a in account_ids if a not in found]
        if len(missing) == 1:
            read = {missing[0]: self._source.account_revision(missing[0])}
        else:
            read = self._source.account_revisions(missing) if missing else {}
        if trusted is not None and read:
            self._shared.confirm(read, trusted)
        found.update(read)
        return found

    def influence_graph(self, account_id: str) -> InfluenceGraph:
        """The account's influence graph as the caller may see it, rebuilt only when its revision moved."""
        if self._visible is not None and account_id not in self._visible:
            raise NotFound(f"no account has the id '{account_id}'")
        full, records = self._full_graph(account_id)
        hidden = self._hidden(full)
        return full if not hidden else self._filtered_graph(full, hidden, records)

    def _full_graph(self, account_id: str) -> tuple[InfluenceGraph, AccountRecords | None]:
        """The whole graph, from the cache or built (then with the records it was built from)."""
        revision = self._account_revisions([account_id])[account_id]
        cached = self._shared.get(account_id, revision)
        if cached is not None:
            return cached, None
        with paused_gc():  # tens of thousands of small records, no cycles among them
            records = self._source.account_records(account_id)
            ig = build_influence_graph(records.account, records.nodes, records.relations, records.revision)
        self._shared.put(account_id, ig)
        return ig, records

    def _hidden(self, full: InfluenceGraph) -> frozenset[str]:
        """The accounts whose nodes are in ``full`` but that the caller cannot see."""
        if self._visible is None:
            return frozenset()
        accounts: frozenset[str] | None = full.structure.get("accounts")
        if accounts is None:
            accounts = frozenset(n.account for n in full.nodes.values() if n.account is not None)
            full.structure["accounts"] = accounts
        return accounts - self._visible

    def _filtered_graph(
        self, full: InfluenceGraph, hidden: frozenset[str], records: AccountRecords | None
    ) -> InfluenceGraph:
        """``full`` without every node of the ``hidden`` accounts and each relation at one (cached).

        Built from ``records`` when ``full`` was just built from them, else from a fresh read of the real store.
        """
        key = (full.account_id, hidden)
        cached = self._shared.get(key, full.revision)
        if cached is not None:
            return cached
        visible = self._visible or frozenset()

        def seen(node: Node) -> bool:
            if node.kind == NodeKind.ACCOUNT:
                return node.id in visible
            return node.account is None or node.account in visible

        with paused_gc():
            if records is None:
                records = self._source.account_records(full.account_id)
            nodes = [n for n in records.nodes if seen(n)]
            kept = {n.id for n in nodes} | {full.account_id}
            relations = [r for r in records.relations if r.source in kept and r.target in kept]
            ig = build_influence_graph(records.account, nodes, relations, records.revision)
        self._shared.put(key, ig)
        return ig

    # -- per account ----------------------------------------------------------------

    def warm_figures(
        self, account_id: str, as_of: date | None = None
    ) -> tuple[CoverageScore, list[CoverageGap]] | None:
        """The account's score and gaps when both are already remembered for its current revision, else None."""
        return self.warm_figures_many([(account_id, as_of)])[0]

    def warm_figures_many(
        self, keys: Sequence[tuple[str, date | None]]
    ) -> list[tuple[CoverageScore, list[CoverageGap]] | None]:
        """``warm_figures`` of each (account, as_of) in ``keys``, in order, checked in one store read.

        Every account's current revision comes from one ``account_revisions`` call (one round trip to Neo4j
        for a dashboard page, where one read per account made 100), so figures are never older than the last
        accepted write; the rest is memory. O(len(keys)).
        """
        visible = [a for a, _ in keys if self._visible is None or a in self._visible]
        revisions = self._account_revisions(visible) if visible else {}
        out: list[tuple[CoverageScore, list[CoverageGap]] | None] = []
        for account_id, as_of in keys:
            revision = revisions.get(account_id)
            out.append(None if revision is None else self._remembered(account_id, revision, as_of or date.today()))
        return out

    def _remembered(self, account_id: str, revision: int, day: date) -> tuple[CoverageScore, list[CoverageGap]] | None:
        """The figures remembered, or memoised on a cached graph, for the account at ``revision``; else None."""
        remembered = self._shared.figures_of((account_id, self._visible, day))
        if remembered is not None and remembered[0] == revision:
            return remembered[1], remembered[2]
        full = self._shared.peek(account_id)
        if full is None or full.revision != revision:
            return None
        ig = full
        hidden = self._hidden(full)
        if hidden:
            filtered = self._shared.peek((account_id, hidden))
            if filtered is None or filtered.revision != full.revision:
                return None
            ig = filtered
        score, gaps = remembered_score(ig, day), remembered_gaps(ig, day)
        return None if score is None or gaps is None else (score, gaps)

    def figures_many(self, keys: Sequence[tuple[str, date | None]]) -> list[tuple[CoverageScore, list[CoverageGap]]]:
        """The dashboard figures of each (account, as_of) in ``keys``, in order: the remembered ones checked with
        one revision read for all (``warm_figures_many``), only the others computed (``figures``)."""
        warm = self.warm_figures_many(keys)
        return [w if w is not None else self.figures(a, d) for (a, d), w in zip(keys, warm, strict=True)]

    def figures(self, account_id: str, as_of: date | None = None) -> tuple[CoverageScore, list[CoverageGap]]:
        """The account's dashboard figures, coverage score and gaps, remembered for ``warm_figures``."""
        day = as_of or date.today()
        ig = self.influence_graph(account_id)
        gaps = coverage_gaps(ig, day)
        score = coverage_score(ig, day)
        self._shared.remember_figures((account_id, self._visible, day), ig.revision, score, gaps)
        return score, gaps

    def paths(
        self,
        account_id: str,
        target: str,
        sources: Collection[str] | None = None,
        k: int = 3,
        max_hops: int = 4,
    ) -> list[InfluencePath]:
        return self.paths_with_graph(account_id, target, sources, k, max_hops)[0]

    def paths_with_graph(
        self,
        account_id: str,
        target: str,
        sources: Collection[str] | None = None,
        k: int = 3,
        max_hops: int = 4,
    ) -> tuple[list[InfluencePath], InfluenceGraph]:
        """``paths`` and the influence graph they were found in: one revision read for both (a resolver that
        primes its node loader from the graph needs it; on Neo4j each read is a round trip)."""
        ig = self.influence_graph(account_id)
        unknown = [s for s in sources or () if s not in ig.nodes]
        if unknown:
            found = self.store.nodes_by_id(unknown)
            missing = [s for s in unknown if s not in found]
            if missing:
                raise NotFound(f"no node has the id '{missing[0]}'")
            wrong = [n for n in found.values() if n.kind != NodeKind.MEMBER]
            if wrong:
                raise InvalidInput(
                    f"'{wrong[0].id}' is {with_article(wrong[0].kind)}; influence paths start at a member of our team"
                )
        return strongest_paths(ig, target, sources, k, max_hops), ig

    def leverage(self, account_id: str, max_hops: int = 4) -> list[LeverageScore]:
        return leverage(self.influence_graph(account_id), max_hops)

    def explain(self, account_id: str, node_id: str, max_hops: int = 4) -> list[Contribution]:
        return explain_leverage(self.influence_graph(account_id), node_id, max_hops)

    def decision_nodes(self, account_id: str) -> list[str]:
        return decision_nodes(self.influence_graph(account_id))

    def key_stakeholders(self, account_id: str, max_hops: int = 4) -> list[str]:
        return key_stakeholders(self.influence_graph(account_id), max_hops)

    def gaps(self, account_id: str, as_of: date | None = None, max_hops: int = 4) -> list[CoverageGap]:
        return self.gaps_with_graph(account_id, as_of, max_hops)[0]

    def gaps_with_graph(
        self, account_id: str, as_of: date | None = None, max_hops: int = 4
    ) -> tuple[list[CoverageGap], InfluenceGraph]:
        """``gaps`` and the influence graph they were found in, with one revision read (see ``paths_with_graph``)."""
        ig = self.influence_graph(account_id)
        return coverage_gaps(ig, as_of or date.today(), max_hops), ig

    def network_metrics(self, account_id: str) -> list[NodeMetrics]:
        return network_metrics(self.influence_graph(account_id))

    def account_coverage(self, account_id: str, as_of: date | None = None) -> AccountCoverage:
        return account_coverage(self.influence_graph(account_id), as_of or date.today())

    def coverage_score(self, account_id: str, as_of: date | None = None) -> CoverageScore:
        return coverage_score(self.influence_graph(account_id), as_of or date.today())

    # -- across accounts --------------------------------------------------------------

    def key_accounts(self) -> list[str]:
        """Ids of every account with status ``key``."""
        out: list[str] = []
        after = None
        while True:
            page = self.store.list_nodes(
                NodeKind.ACCOUNT, where={"status": AccountStatus.KEY.value}, after=after, limit=500
            )
            out.extend(n.id for n in page.items)
            if page.next_after is None:
                return out
            after = page.next_after

    def portfolio_leverage(self, accounts: Iterable[str] | None = None, max_hops: int = 4) -> list[PortfolioLever]:
        """The nodes with the greatest lever on the portfolio (default: every ``key`` account)."""
        ids = self.key_accounts() if accounts is None else list(dict.fromkeys(accounts))
        return portfolio_leverage((self.influence_graph(a) for a in ids), max_hops)

    def coverage(self, member_id: str, as_of: date | None = None) -> MemberCoverage:
        """What one member covers, across every account."""
        member = self._member(member_id)
        return member_coverage(member.id, self._covers_of(member.id), as_of or date.today())

    def team(self, lead_id: str) -> list[str]:
        """The lead and everyone reporting to them, directly or not (breadth first, then by id)."""
        self._member(lead_id)
        order, seen, frontier = [lead_id], {lead_id}, [lead_id]
        while frontier:
            below: list[str] = []
            for boss in frontier:
                for rel in self._all_relations(RelationType.REPORTS_TO, target=boss):
                    if rel.source not in seen:
                        seen.add(rel.source)
                        below.append(rel.source)
            below.sort()
            order.extend(below)
            frontier = below
        return order

    def team_coverage(self, lead_id: str, as_of: date | None = None) -> TeamCoverage:
        day = as_of or date.today()
        team = [member_coverage(m, self._covers_of(m), day) for m in self.team(lead_id)]
        return team_coverage(lead_id, team)

    # -- helpers ------------------------------------------------------------------------

    def _member(self, member_id: str) -> Node:
        node = self.store.get_node(member_id)
        if node.kind != NodeKind.MEMBER:
            raise InvalidInput(f"'{member_id}' is {with_article(node.kind)}, not a member of our team")
        return node

    def _all_relations(
        self, rtype: RelationType, source: str | None = None, target: str | None = None
    ) -> list[Relation]:
        out: list[Relation] = []
        after = None
        while True:
            page = self.store.list_relations(rtype, source=source, target=target, after=after, limit=1000)
            out.extend(page.items)
            if page.next_after is None:
                return out
            after = page.next_after

    def _covers_of(self, member_id: str) -> list[tuple[Relation, Node]]:
        covers = self._all_relations(RelationType.COVERS, source=member_id)
        nodes = self.store.nodes_by_id([r.target for r in covers])
        return [(r, nodes[r.target]) for r in covers if r.target in nodes]
