"""API tokens in the embedded store: stored as SHA-256 hashes, never as secrets."""

from __future__ import annotations

import secrets
import sqlite3
from datetime import UTC, datetime

from graphsvc.audit import Actor, AuditOperation
from graphsvc.errors import InvalidInput, NotFound
from graphsvc.model import (
    NodeKind,
)
from graphsvc.model.schema import with_article
from graphsvc.store.base import TokenInfo, secret_hash, token_role
from graphsvc.store.entries import token_entry
from graphsvc.store.sqlite.audit import Audit
from graphsvc.store.sqlite.reads import Reads
from graphsvc.store.sqlite.sql import STORE_REVISION, TOKEN_COLUMNS, row_token


class Tokens(Audit, Reads):
    """Create, find, list and revoke tokens; creating and revoking one is recorded in the audit log."""

    def create_token(
        self, member_id: str, role: str, *, expires: datetime | None = None, actor: Actor | None = None
    ) -> tuple[TokenInfo, str]:
        role = token_role(role)
        member = self.get_node(member_id)
        if member.kind != NodeKind.MEMBER:
            raise InvalidInput(f"'{member_id}' is {with_article(member.kind)}; tokens belong to members of our team")
        token_id = secrets.token_hex(6)
        secret = f"gsv_{token_id}_{secrets.token_urlsafe(32)}"
        now = datetime.now(UTC)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO tokens (id, hash, member, role, created, expires) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    token_id,
                    secret_hash(secret),
                    member_id,
                    role,
                    now.isoformat(),
                    expires.isoformat() if expires else None,
                ),
            )
            self._record(conn, token_entry(AuditOperation.CREATE_TOKEN, actor, token_id, member_id, role, expires))
        return TokenInfo(token_id, member_id, role, now, expires), secret

    def token_by_secret(self, secret: str) -> TokenInfo | None:
        return self.token_and_revision(secret)[0]

    def token_and_revision(self, secret: str) -> tuple[TokenInfo | None, int]:
        with self._read() as conn:
            row = conn.execute(TOKEN_COLUMNS + " WHERE hash = ?", (secret_hash(secret),)).fetchone()
            member = (
                row is not None
                and conn.execute("SELECT 1 FROM nodes WHERE id = ? AND kind = 'member'", (row[1],)).fetchone()
            )
            revision = int(conn.execute(STORE_REVISION).fetchone()[0])
        if row is None or not member:  # a deleted member's tokens die with them
            return None, revision
        token = row_token(row)
        now = datetime.now(UTC)
        if token.revoked is not None or (token.expires is not None and token.expires <= now):
            return None, revision
        if token.last_used is None or (now - token.last_used).total_seconds() > 60:
            self._note_use(token.id, now)
        return token, revision

    def _note_use(self, token_id: str, now: datetime) -> None:
        """Record ``last_used`` (at most once a minute per token) without ever waiting behind a long write."""
        conn = self._conn()
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("UPDATE tokens SET last_used = ? WHERE id = ?", (now.isoformat(), token_id))
        except sqlite3.OperationalError:
            pass  # the store is busy (an import): the next request records it
        finally:
            conn.execute("PRAGMA busy_timeout = 30000")

    def list_tokens(self) -> list[TokenInfo]:
        with self._read() as conn:
            return [row_token(r) for r in conn.execute(TOKEN_COLUMNS + " ORDER BY created, id")]

    def revoke_token(self, token_id: str, *, actor: Actor | None = None) -> TokenInfo:
        with self._write() as conn:
            row = conn.execute(TOKEN_COLUMNS + " WHERE id = ?", (token_id,)).fetchone()
            if row is None:
                raise NotFound(f"no token has the id '{token_id}'")
            was = row_token(row)
            if was.revoked is None:
                conn.execute("UPDATE tokens SET revoked = ? WHERE id = ?", (datetime.now(UTC).isoformat(), token_id))
            token = row_token(conn.execute(TOKEN_COLUMNS + " WHERE id = ?", (token_id,)).fetchone())
            assert token.revoked is not None
            self._record(
                conn,
                token_entry(
                    AuditOperation.REVOKE_TOKEN,
                    actor,
                    token.id,
                    token.member,
                    token.role,
                    token.expires,
                    revoked=(was.revoked, token.revoked),
                ),
            )
        return token
