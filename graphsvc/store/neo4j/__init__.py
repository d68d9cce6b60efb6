"""The Neo4j store: the production store, on a Neo4j 5 server, cluster or Aura.

Selected by a store URL ``neo4j://[user:password@]host:7687[/database]``
(or ``bolt://``, ``neo4j+s://``, ...), or by ``NEO4J_URI`` when
``GRAPHSVC_STORE`` is unset. The data is a plain Neo4j graph: labels
``Account``, ``Site``, ``Person``, ``Committee``, ``Influencer``, ``Member``
(each also ``Entity``), relationship types as in DESIGN.md. Bookkeeping lives
in ``GraphsvcMeta``, ``GraphsvcRevision`` and ``GraphsvcToken`` nodes; the
audit log in ``AuditEntry`` nodes (no ``Entity`` label, no relationships;
docs/audit.md).
Constraints and indexes: schema/neo4j.cypher; statements: queries/cypher/.
"""

from __future__ import annotations

from graphsvc.store.neo4j.connections import Neo4jTarget, is_neo4j_url, parse_url
from graphsvc.store.neo4j.tokens import Tokens
from graphsvc.store.neo4j.writes import Writes

__all__ = ["Neo4jStore", "Neo4jTarget", "is_neo4j_url", "parse_url"]


class Neo4jStore(Writes, Tokens):
    """The ``GraphStore`` on Neo4j."""
