"""API tokens in the Neo4j store: ``GraphsvcToken`` nodes holding SHA-256 hashes, never secrets."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from graphsvc.audit import Actor, AuditOperation
from graphsvc.errors import InvalidInput, NotFound
from graphsvc.model import NodeKind
from graphsvc.model.schema import with_article
from graphsvc.store.base import TokenInfo, secret_hash, token_role
from graphsvc.store.entries import token_entry
from graphsvc.store.neo4j.audit import Audit
from graphsvc.store.neo4j.convert import to_token
from graphsvc.store.neo4j.reads import Reads


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

        def work() -> None:
            self._run(
                "token_create",
                id=token_id,
                hash=secret_hash(secret),
                member=member_id,
                role=role,
                created=now.isoformat(),
                expires=expires.isoformat() if expires else None,
            )
            self._record(token_entry(AuditOperation.CREATE_TOKEN, actor, token_id, member_id, role, expires))

        self._write(work)
        return TokenInfo(token_id, member_id, role, now, expires), secret

    def token_by_secret(self, secret: str) -> TokenInfo | None:
        return self.token_and_revision(secret)[0]

    def token_and_revision(self, secret: str) -> tuple[TokenInfo | None, int]:
        row = self._run("token_by_hash", hash=secret_hash(secret))[0]
        revision = int(row["revision"])
        if row["token"] is None or not row["member"]:  # a deleted member's tokens die with them
            return None, revision
        token = to_token(row["token"])
        now = datetime.now(UTC)
        if token.revoked is not None or (token.expires is not None and token.expires <= now):
            return None, revision
        if token.last_used is None or (now - token.last_used).total_seconds() > 60:
            # At most once a minute per token, on the store's bookkeeping thread: the request never waits for
            # it (a write can wait seconds for a lock, or for a Neo4j that is just back), and a failure is dropped.
            self._in_background(
                f"token_used {token.id}", lambda: self._run_write("token_used", id=token.id, now=now.isoformat())
            )
        return token, revision

    def list_tokens(self) -> list[TokenInfo]:
        return [to_token(r[0]) for r in self._run("token_list")]

    def revoke_token(self, token_id: str, *, actor: Actor | None = None) -> TokenInfo:
        def work() -> TokenInfo:
            rows = self._run("token_revoke", id=token_id, now=datetime.now(UTC).isoformat())
            if not rows:
                raise NotFound(f"no token has the id '{token_id}'")
            token = to_token(rows[0]["token"])
            assert token.revoked is not None
            was = datetime.fromisoformat(rows[0]["was"]) if rows[0]["was"] else None
            self._record(
                token_entry(
                    AuditOperation.REVOKE_TOKEN,
                    actor,
                    token.id,
                    token.member,
                    token.role,
                    token.expires,
                    revoked=(was, token.revoked),
                )
            )
            return token

        return self._write(work)
