"""API tokens in the Neo4j store: ``GraphsvcToken`` nodes holding SHA-256 hashes, never secrets."""

from __future__ import annotations

import contextlib
import secrets
from datetime import UTC, datetime

from graphsvc.errors import GraphsvcError, InvalidInput, NotFound
from graphsvc.model import NodeKind
from graphsvc.model.schema import with_article
from graphsvc.store.base import TokenInfo, secret_hash
from graphsvc.store.neo4j.convert import to_token
from graphsvc.store.neo4j.reads import Reads


class Tokens(Reads):
    """Create, find, list and revoke tokens."""

    def create_token(self, member_id: str, role: str, *, expires: datetime | None = None) -> tuple[TokenInfo, str]:
        member = self.get_node(member_id)
        if member.kind != NodeKind.MEMBER:
            raise InvalidInput(f"'{member_id}' is {with_article(member.kind)}; tokens belong to members of our team")
        token_id = secrets.token_hex(6)
        secret = f"gsv_{token_id}_{secrets.token_urlsafe(32)}"
        now = datetime.now(UTC)
        self._write(
            lambda: self._run(
                "token_create",
                id=token_id,
                hash=secret_hash(secret),
                member=member_id,
                role=role,
                created=now.isoformat(),
                expires=expires.isoformat() if expires else None,
            )
        )
        return TokenInfo(token_id, member_id, role, now, expires), secret

    def token_by_secret(self, secret: str) -> TokenInfo | None:
        rows = self._run("token_by_hash", hash=secret_hash(secret))
        if not rows or not rows[0]["member"]:  # a deleted member's tokens die with them
            return None
        token = to_token(rows[0]["token"])
        now = datetime.now(UTC)
        if token.revoked is not None or (token.expires is not None and token.expires <= now):
            return None
        if token.last_used is None or (now - token.last_used).total_seconds() > 60:
            # at most once a minute per token; a busy or lost store must not refuse the request
            with contextlib.suppress(GraphsvcError):
                self._run_write("token_used", id=token.id, now=now.isoformat())
        return token

    def list_tokens(self) -> list[TokenInfo]:
        return [to_token(r[0]) for r in self._run("token_list")]

    def revoke_token(self, token_id: str) -> TokenInfo:
        rows = self._write(lambda: self._run("token_revoke", id=token_id, now=datetime.now(UTC).isoformat()))
        if not rows:
            raise NotFound(f"no token has the id '{token_id}'")
        return to_token(rows[0][0])
