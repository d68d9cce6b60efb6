"""Analyses over an account's influence graph: pure functions, no I/O (DESIGN.md section 3).

Build an ``InfluenceGraph`` with ``build_influence_graph`` from the records a
store supplies, then ask it for paths, leverage, gaps, coverage and metrics.
"""

from graphsvc.analysis.coverage import (
    AccountCoverage,
    CoverageScore,
    CoverState,
    MemberCoverage,
    TeamCoverage,
    account_coverage,
    cover_state,
    coverage_score,
    is_covered,
    member_coverage,
    remembered_score,
    team_coverage,
)
from graphsvc.analysis.gaps import CoverageGap, GapKind, Severity, coverage_gaps, remembered_gaps
from graphsvc.analysis.graph import Hop, InfluenceGraph, build_influence_graph
from graphsvc.analysis.leverage import (
    Contribution,
    LeverageScore,
    PortfolioLever,
    decision_nodes,
    explain_leverage,
    key_stakeholders,
    leverage,
    portfolio_leverage,
)
from graphsvc.analysis.metrics import NodeMetrics, network_metrics
from graphsvc.analysis.paths import InfluencePath, best_from, strongest_paths, strongest_paths_from

__all__ = [
    "AccountCoverage",
    "Contribution",
    "CoverState",
    "CoverageGap",
    "CoverageScore",
    "GapKind",
    "Hop",
    "InfluenceGraph",
    "InfluencePath",
    "LeverageScore",
    "MemberCoverage",
    "NodeMetrics",
    "PortfolioLever",
    "Severity",
    "TeamCoverage",
    "account_coverage",
    "best_from",
    "build_influence_graph",
    "cover_state",
    "coverage_gaps",
    "coverage_score",
    "decision_nodes",
    "explain_leverage",
    "is_covered",
    "key_stakeholders",
    "leverage",
    "member_coverage",
    "network_metrics",
    "portfolio_leverage",
    "remembered_gaps",
    "remembered_score",
    "strongest_paths",
    "strongest_paths_from",
    "team_coverage",
]
