"""Every environment variable graphsvc reads, in one table.

The CLI, the stores, ``compose.yaml``, the ``Dockerfile`` and
docs/operations.md agree with this table (a test checks them).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SETTINGS", "Setting"]


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str | None
    doc: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "GRAPHSVC_STORE",
            None,
            "Store URL: sqlite:///path.db, or neo4j://[user:password@]host:7687[/database] (also bolt://, "
            "neo4j+s://, bolt+s://). Unset: NEO4J_URI if that is set, else graphsvc.db in the user data directory.",
        ),
        Setting("GRAPHSVC_HOST", "127.0.0.1", "Address `graphsvc serve` listens on (same as --host)."),
        Setting("GRAPHSVC_PORT", "8000", "Port `graphsvc serve` listens on (same as --port)."),
        Setting("NEO4J_URI", None, "Neo4j to use when GRAPHSVC_STORE is unset, e.g. neo4j://db.example.com:7687."),
        Setting("NEO4J_USER", "neo4j", "Neo4j user, when the store URL names none."),
        Setting("NEO4J_PASSWORD", None, "Neo4j password, when the store URL names none."),
        Setting("NEO4J_DATABASE", "neo4j", "Neo4j database, when the store URL names none."),
    )
}
