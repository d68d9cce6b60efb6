"""The embedded store: one SQLite file (stdlib ``sqlite3``), WAL, one transaction per write.

Layout: ``nodes(id, kind, account, name, props)`` and
``relations(type, source, target, props)`` with the properties as canonical
JSON; ``revisions(account, revision)``; ``meta``; ``tokens``; the audit log in
``audit`` and ``audit_accounts`` (docs/audit.md). Writes take the write lock
first (``BEGIN IMMEDIATE``) and validate inside the transaction, so two
processes writing the same file can never both pass a check the other breaks.
Every SQL statement of graphsvc lives in this package.
"""

from graphsvc.store.sqlite.sql import SCHEMA_VERSION
from graphsvc.store.sqlite.tokens import Tokens
from graphsvc.store.sqlite.writes import Writes

__all__ = ["SCHEMA_VERSION", "SqliteStore"]


class SqliteStore(Writes, Tokens):
    """The embedded ``GraphStore`` on one SQLite file; safe to share between threads and processes."""
