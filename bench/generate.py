"""Deterministic generator of realistic graphsvc/1 portfolios for the benchmarks.

``portfolio(nodes, relations, accounts, seed=...)`` returns a decoded
graphsvc/1 document with exactly that many nodes and relations; the same
arguments always give the same document (one seeded ``random.Random``, no
global state). Named sizes: ``PORTFOLIO_SIZES`` (``S``, ``M``, ``L`` of
issue 8 and ``import`` of issue 2) and ``ACCOUNT_SIZES`` (one ``typical`` or
``huge`` account of issue 3, with its team and influencers).

Shape, so that costs measured on it mean something:

* Account sizes are log-normal around the typical account, with ~3 % of
  accounts 6x larger and ~0.5 % (at least one from 10 accounts on) 40x.
* Each account has sites in its region's countries, committees, and people
  in a reporting tree (spans 3-9, no cycles by construction: everybody
  reports to someone listed earlier) with departments, titles by level,
  attitudes, powers and buying roles; every buying role occurs in every
  account, ``decider`` / ``approver`` only on its decision persons. Decision
  nodes (deciders, approvers, committees with power >= 0.5) grow with the
  square root of the account.
* External influencers (planners, associations, end customers, ...) have a
  Zipf popularity: a few reach a large share of the accounts.
* Teams of 5-15 members (a team lead, 1-3 KAMs, sales, specialists, an
  executive sponsor in most teams) report to their lead, leads to a head of
  KAM; each account has its team assigned, covers (most with a last contact,
  some with a cadence, some stale) leaning to senior people, and ``KNOWS``.
* The relation budget left after that structure is filled with ``INFLUENCES``
  inside accounts (mostly between colleagues and upwards), and ~0.4 % of the
  relations influence people of another account of the same industry.

At most one relation per (type, from, to). Every document passes
``graphsvc.interchange.check_document`` (``--check`` verifies).

Command line::

    python -m bench.generate --size M -o m.json
    python -m bench.generate --nodes 20000 --relations 120000 --accounts 200 -o custom.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from bench._builder import Builder, Size

__all__ = [
    "ACCOUNT_SIZES",
    "AS_OF",
    "PORTFOLIO_SIZES",
    "Size",
    "account_document",
    "describe",
    "portfolio",
    "sized",
    "write_document",
]

AS_OF = date(2026, 11, 15)
"""The day the generated contact dates are relative to; pass it as ``as_of`` to the analyses."""


PORTFOLIO_SIZES = {
    "S": Size(nodes=5_000, relations=30_000, accounts=50),
    "M": Size(nodes=50_000, relations=300_000, accounts=500),
    "L": Size(nodes=200_000, relations=1_000_000, accounts=2_000),
    "import": Size(nodes=100_000, relations=500_000, accounts=1_000),
}
ACCOUNT_SIZES = {
    "typical": Size(nodes=300, relations=2_000, accounts=1, members=8, influencers=10),
    "huge": Size(nodes=5_000, relations=50_000, accounts=1, members=15, influencers=60, decision_nodes=50),
}


def portfolio(
    nodes: int,
    relations: int,
    accounts: int,
    *,
    seed: int = 0,
    members: int | None = None,
    influencers: int | None = None,
    decision_nodes: int | None = None,
    as_of: date = AS_OF,
) -> dict[str, Any]:
    """A graphsvc/1 document with exactly ``nodes`` nodes and ``relations`` relations over ``accounts`` accounts.

    ``decision_nodes`` fixes the decision nodes of every account (default:
    ~0.7 sqrt(people)). Raises ``ValueError`` when the counts cannot hold
    the structure (fewer than ~2 relations per node, or too few nodes).
    """
    spec = Size(nodes, relations, accounts, members, influencers, decision_nodes)
    return Builder(spec, seed, as_of).build()


def sized(name: str, seed: int = 0) -> dict[str, Any]:
    """A document of a named size: a key of ``PORTFOLIO_SIZES`` or ``ACCOUNT_SIZES``."""
    spec = PORTFOLIO_SIZES.get(name) or ACCOUNT_SIZES.get(name)
    if spec is None:
        raise ValueError(f"unknown size {name!r}; choose one of {', '.join([*PORTFOLIO_SIZES, *ACCOUNT_SIZES])}")
    return Builder(spec, seed, AS_OF).build()


def account_document(size: str | Size = "typical", seed: int = 0) -> dict[str, Any]:
    """One account (``typical``, ``huge`` or a ``Size`` with ``accounts=1``) with its team and influencers.

    The node count includes the team members and influencers; the account is
    ``doc["accounts"][0]["id"]``.
    """
    spec = ACCOUNT_SIZES[size] if isinstance(size, str) else size
    if spec.accounts != 1:
        raise ValueError("account_document makes one account; use portfolio() for more")
    return Builder(spec, seed, AS_OF).build()


def describe(doc: dict[str, Any]) -> dict[str, Any]:
    """Counts of a document: nodes and relations by kind, and the spread of account sizes (nodes each)."""
    per_account = Counter(r["account"] for name in ("sites", "people", "committees") for r in doc.get(name, ()))
    sizes = sorted(per_account[a["id"]] + 1 for a in doc.get("accounts", ()))
    lists = {name: len(doc.get(name, ())) for name in ("accounts", "sites", "people", "committees")}
    lists |= {name: len(doc.get(name, ())) for name in ("influencers", "members")}
    out: dict[str, Any] = {
        "nodes": sum(lists.values()),
        "relations": len(doc.get("relations", ())),
        "by_list": lists,
        "by_relation": dict(sorted(Counter(r["type"] for r in doc.get("relations", ())).items())),
    }
    if sizes:
        out["account_nodes"] = {
            "min": sizes[0],
            "median": int(statistics.median(sizes)),
            "p95": sizes[min(len(sizes) - 1, int(len(sizes) * 0.95))],
            "max": sizes[-1],
        }
    return out


def write_document(doc: dict[str, Any], path: str | Path) -> int:
    """Write ``doc`` as JSON, one record per line (as ``graphsvc export`` does); return the bytes written."""
    with open(path, "w", encoding="utf-8") as fp:
        fp.write('{\n  "format": "graphsvc/1"')
        for name, items in doc.items():
            if name == "format":
                continue
            fp.write(f',\n  "{name}": [')
            fp.write(",".join("\n    " + json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) for r in items))
            fp.write("\n  ]" if items else "]")
        fp.write("\n}\n")
        return fp.tell()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=[*PORTFOLIO_SIZES, *ACCOUNT_SIZES], help="a named size")
    parser.add_argument("--nodes", type=int, help="node count (instead of --size)")
    parser.add_argument("--relations", type=int, help="relation count (with --nodes)")
    parser.add_argument("--accounts", type=int, help="account count (with --nodes; default nodes / 100)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="validate with graphsvc.interchange.check_document")
    parser.add_argument("-o", "--output", required=True, help="the JSON file to write")
    args = parser.parse_args(argv)
    if args.size:
        doc = sized(args.size, args.seed)
    elif args.nodes and args.relations:
        doc = portfolio(args.nodes, args.relations, args.accounts or max(1, args.nodes // 100), seed=args.seed)
    else:
        parser.error("give --size, or --nodes and --relations")
    if args.check:
        from graphsvc.interchange import check_document

        check_document(doc)
    written = write_document(doc, args.output)
    print(json.dumps({"file": args.output, "bytes": written, **describe(doc)}, indent=2), file=sys.stderr)


if __name__ == "__main__":
    main()
