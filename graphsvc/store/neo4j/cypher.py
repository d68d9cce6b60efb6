"""The Neo4j store's Cypher: every statement is a named file under ``queries/cypher/``, loaded here once.

Statements take parameters only; no Cypher is ever built from values.
``schema/neo4j.cypher`` holds the constraints and indexes, applied by
``Neo4jStore.migrate``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import LiteralString

__all__ = ["NODE_LABELS", "QUERIES_DIR", "SCHEMA_FILE", "query", "query_names", "schema_statements", "schema_version"]

_ROOT = Path(__file__).resolve().parents[3]
QUERIES_DIR = _ROOT / "queries" / "cypher"
SCHEMA_FILE = _ROOT / "schema" / "neo4j.cypher"


@cache
def _all() -> dict[str, str]:
    if not QUERIES_DIR.is_dir():  # pragma: no cover - a broken installation
        raise RuntimeError(
            f"the Cypher statements are missing: {QUERIES_DIR} does not exist "
            "(install graphsvc from its source tree, e.g. pip install -e .)"
        )
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES_DIR.glob("*.cypher"))}


NODE_LABELS = frozenset({"Account", "Site", "Person", "Committee", "Influencer", "Member"})
"""The labels a statement may be narrowed to (``NAME:Label``): fixed here, never taken from a value."""
_ANY_NODE = "(n:Entity)"


def query(name: str) -> LiteralString:
    """The statement ``queries/cypher/NAME.cypher`` (``KeyError`` for an unknown name).

    ``NAME:Label`` (a label of ``NODE_LABELS``) is that statement matching ``(n:Label)`` where the file matches
    ``(n:Entity)``, once: in Neo4j 5.26 a label cannot be a parameter that an index serves (``$label IN labels(n)``
    reads every node, and a dynamic label ``n:$(...)`` every node of the store), so the listing of one kind
    names its label, from this fixed set.
    """
    base, _, label = name.partition(":")
    text = _all()[base]
    if not label:
        return text
    if label not in NODE_LABELS or text.count(_ANY_NODE) != 1:
        raise KeyError(name)
    return _labelled(base, label)


@cache
def _labelled(base: str, label: str) -> LiteralString:
    return _all()[base].replace(_ANY_NODE, f"(n:{label})")  # label: one of NODE_LABELS, checked by query()


def query_names() -> list[str]:
    return list(_all())


@cache
def _schema_text() -> str:
    return SCHEMA_FILE.read_text(encoding="utf-8")


def schema_version() -> int:
    """The ``SCHEMA_VERSION: N`` line of schema/neo4j.cypher."""
    found = re.search(r"SCHEMA_VERSION:\s*(\d+)", _schema_text())
    if found is None:  # pragma: no cover - a broken installation
        raise RuntimeError(f"{SCHEMA_FILE} names no SCHEMA_VERSION")
    return int(found.group(1))


def schema_statements() -> list[LiteralString]:
    """The statements of schema/neo4j.cypher, comments left out, in file order."""
    lines = [line for line in _schema_text().splitlines() if not line.lstrip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
