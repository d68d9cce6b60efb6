"""``graphsvc token create|list|revoke``: API tokens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import click

from graphsvc.access import Role
from graphsvc.cli.base import cli, emit, json_option, opened_store, store_option

ROLES = [r.value for r in Role]
"""The token roles, in the order of docs/security.md; a token's role is chosen on purpose, never by default."""


@cli.group("token")
def token() -> None:
    """API tokens: each belongs to a member of our team and has a role."""


@token.command("create")
@click.option("--member", "member_id", required=True, help="The member the token belongs to.")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="What the token may do: admin everything; lead their team's accounts; kam their own accounts; "
    "viewer read their own accounts (docs/security.md).",
)
@click.option("--expires-days", type=click.IntRange(1, 3650), help="Days until the token expires (default: never).")
@store_option
def token_create(member_id: str, role: str, expires_days: int | None, store_url: str | None) -> None:
    """Create a token for a member with a role and print it once: it is stored only hashed."""
    expires = datetime.now(UTC) + timedelta(days=expires_days) if expires_days else None
    with opened_store(store_url) as store:
        info, secret = store.create_token(member_id, role, expires=expires)
    click.echo(f"token {info.id} for {info.member} ({info.role}); shown once, keep it safe:", err=True)
    click.echo(secret)


@token.command("list")
@json_option
@store_option
def token_list(as_json: bool, store_url: str | None) -> None:
    """List tokens with role, state, expiry and last use (never their secrets)."""
    with opened_store(store_url) as store:
        tokens = store.list_tokens()
    data = [
        {
            "id": t.id,
            "member": t.member,
            "role": t.role,
            "created": t.created.isoformat(),
            "expires": t.expires.isoformat() if t.expires else None,
            "revoked": t.revoked.isoformat() if t.revoked else None,
            "last_used": t.last_used.isoformat() if t.last_used else None,
        }
        for t in tokens
    ]

    def lines() -> Iterator[str]:
        now = datetime.now(UTC).isoformat()
        for t in data:
            state = (
                f"revoked {t['revoked']}"
                if t["revoked"]
                else "expired"
                if t["expires"] and t["expires"] <= now
                else "live"
            )
            yield (
                f"{t['id']}  {t['member']}  {t['role']}  {state}  created {t['created']}"
                f"  expires {t['expires'] or 'never'}  last used {t['last_used'] or 'never'}"
            )

    emit(data, as_json, lines)


@token.command("revoke")
@click.argument("token_id")
@store_option
def token_revoke(token_id: str, store_url: str | None) -> None:
    """Revoke a token at once."""
    with opened_store(store_url) as store:
        info = store.revoke_token(token_id)
    click.echo(f"token {info.id} of {info.member} revoked")
