"""Analyses on the command line: paths, leverage, gaps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from graphsvc.cli.base import cli, emit, json_option, opened_store, store_option
from graphsvc.errors import InvalidInput

if TYPE_CHECKING:
    from graphsvc.analysis import InfluencePath
    from graphsvc.analyst import Analyst
    from graphsvc.store import GraphStore


def analyst_of(store: GraphStore) -> Analyst:
    """An analyst over ``store``, imported when a command needs one: networkx, numpy and the analyses take most of
    the command's start-up (0.73 s of imports before, so ``graphsvc --help`` or ``token create`` waited for them)."""
    from graphsvc.analyst import Analyst

    return Analyst(store)


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"--as-of must be a date written YYYY-MM-DD, not {value!r}") from None


_as_of_option = click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Judge freshness as of this day (default: today)."
)


def _path_json(path: InfluencePath) -> dict[str, Any]:
    return {
        "strength": path.strength,
        "hops": [
            {"from": h.source, "to": h.target, "relation": h.relation, "weight": h.weight, "inverse": h.inverse}
            for h in path.hops
        ],
    }


def _path_text(path: InfluencePath) -> str:
    steps = [path.source]
    for hop in path.hops:
        arrow = f"<-{hop.relation}-" if hop.inverse else f"-{hop.relation}->"
        steps.append(f" {arrow} {hop.target}")
    return f"{path.strength:.3f}  " + "".join(steps)


@cli.command("paths")
@click.argument("account")
@click.argument("target")
@click.option("--from", "sources", multiple=True, help="Start at this member (repeatable; default: the account team).")
@click.option("-k", "k", default=3, show_default=True, type=click.IntRange(1, 50), help="How many paths.")
@click.option("--max-hops", default=4, show_default=True, type=click.IntRange(1, 8), help="Longest path, in hops.")
@json_option
@store_option
def paths(
    account: str, target: str, sources: tuple[str, ...], k: int, max_hops: int, as_json: bool, store_url: str | None
) -> None:
    """The strongest influence paths from the team to TARGET in ACCOUNT."""
    with opened_store(store_url) as store:
        found = analyst_of(store).paths(account, target, sources or None, k, max_hops)
    emit(
        [_path_json(p) for p in found],
        as_json,
        lambda: iter([_path_text(p) for p in found] or [f"no path from the team to {target} within {max_hops} hop(s)"]),
    )


@cli.command("leverage")
@click.argument("account")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 10_000), help="How many nodes.")
@json_option
@store_option
def leverage_(account: str, top: int, as_json: bool, store_url: str | None) -> None:
    """The nodes with the most leverage on ACCOUNT's decision."""
    with opened_store(store_url) as store:
        analyst = analyst_of(store)
        scores = analyst.leverage(account)[:top]
        names = {n.id: n.name for n in store.nodes_by_id([s.node for s in scores]).values()}
    data = [
        {
            "node": s.node,
            "score": s.score,
            "contributions": [
                {"decision_node": c.decision_node, "best": c.best, "share": c.share} for c in s.contributions
            ],
        }
        for s in scores
    ]
    emit(data, as_json, lambda: (f"{s.score:.3f}  {s.node}  {names.get(s.node, '')}" for s in scores))


@cli.command("gaps")
@click.argument("account")
@_as_of_option
@json_option
@store_option
def gaps(account: str, as_of: str | None, as_json: bool, store_url: str | None) -> None:
    """Coverage gaps of ACCOUNT: where the team is blind."""
    day = _as_of(as_of)
    with opened_store(store_url) as store:
        found = analyst_of(store).gaps(account, day)
    data = [
        {
            "kind": g.kind.value,
            "severity": g.severity.value,
            "subject": g.subject,
            "role": g.role,
            "message": g.message,
            "suggested_member": g.suggested_member,
            "suggested_path": _path_json(g.suggested_path) if g.suggested_path else None,
        }
        for g in found
    ]

    def lines() -> Iterator[str]:
        if not found:
            yield f"no coverage gaps in {account} as of {day.isoformat()}"
        for g in found:
            yield f"{g.severity.value:<6}  {g.kind.value:<30}  {g.subject}: {g.message}"
            if g.suggested_path:
                yield f"{'':>8}suggested: {_path_text(g.suggested_path)}"

    emit(data, as_json, lines)
