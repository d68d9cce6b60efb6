"""Roles and the write rules, as data: which role may do which write, and how far (docs/security.md).

``WRITE_RULES`` is the role x operation table of docs/security.md (rendered
from here by ``rules_table``; a test keeps the document in step). ``reach``
tells the guard whether a role may do an operation everywhere, nowhere, or
within its scope; the guard then checks the scoped rows against the records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["WRITE_RULES", "Operation", "Reach", "Role", "WriteRule", "parse_role", "reach", "rules_table"]


class Role(StrEnum):
    """The role a token carries (independent of the member's team role)."""

    ADMIN = "admin"
    LEAD = "lead"
    KAM = "kam"
    VIEWER = "viewer"


class Reach(StrEnum):
    """How far a role's permission for one operation reaches."""

    ALL = "all"
    SCOPED = "scoped"
    """Within the role's writable accounts (and, for assignments, its team); the row says exactly."""
    NONE = "none"


class Operation(StrEnum):
    """The rows of the table: kinds of write (and reads that are admin-only)."""

    ACCOUNT_CREATE_DELETE = "account_create_delete"
    ACCOUNT_UPDATE = "account_update"
    OWNED_WRITE = "owned_write"
    RELATION_WRITE = "relation_write"
    INFLUENCER_CREATE = "influencer_create"
    INFLUENCER_CHANGE = "influencer_change"
    MEMBER_WRITE = "member_write"
    ASSIGNMENT = "assignment"
    IMPORT_MERGE = "import_merge"
    IMPORT_REPLACE = "import_replace"
    TOKENS = "tokens"
    AUDIT_READ = "audit_read"


@dataclass(frozen=True, slots=True)
class WriteRule:
    """One row: the operation, how the table names it, and each role's reach with the cell's wording."""

    operation: Operation
    what: str
    reach: Mapping[Role, Reach]
    scoped: Mapping[Role, str]
    """The cell text of each role whose reach is ``SCOPED``."""

    def cell(self, role: Role) -> str:
        r = self.reach[role]
        if r == Reach.SCOPED:
            return self.scoped[role]
        return "yes" if r == Reach.ALL else "no"


def _rule(operation: Operation, what: str, lead: str | None, kam: str | None, viewer: bool = False) -> WriteRule:
    """A row where admin may do everything; ``lead``/``kam``: ``yes``, ``no`` or the scoped condition."""
    reach = {Role.ADMIN: Reach.ALL, Role.VIEWER: Reach.ALL if viewer else Reach.NONE}
    scoped: dict[Role, str] = {}
    for role, text in ((Role.LEAD, lead), (Role.KAM, kam)):
        if text is None or text == "no":
            reach[role] = Reach.NONE
        elif text == "yes":
            reach[role] = Reach.ALL
        else:
            reach[role] = Reach.SCOPED
            scoped[role] = text
    return WriteRule(operation, what, reach, scoped)


WRITE_RULES: tuple[WriteRule, ...] = (
    _rule(Operation.ACCOUNT_CREATE_DELETE, "create / delete an account", "no", "no"),
    _rule(Operation.ACCOUNT_UPDATE, "update an account", "team accounts", "own accounts"),
    _rule(
        Operation.OWNED_WRITE,
        "create / update / delete a site, person or committee",
        "in team accounts",
        "in own accounts",
    ),
    _rule(
        Operation.RELATION_WRITE,
        "relations other than ASSIGNED_TO and member -> member REPORTS_TO",
        "every site, person or committee endpoint in a team account; influencer endpoints visible; any member",
        "same, in own accounts",
    ),
    _rule(Operation.INFLUENCER_CREATE, "create an influencer", "yes", "yes"),
    _rule(
        Operation.INFLUENCER_CHANGE,
        "update / delete an influencer",
        "when every account it is linked to is a team account (unlinked: yes)",
        "same, own accounts",
    ),
    _rule(Operation.MEMBER_WRITE, "create / update / delete a member; REPORTS_TO between members", "no", "no"),
    _rule(Operation.ASSIGNMENT, "ASSIGNED_TO member -> account", "member in their team and a team account", "no"),
    _rule(
        Operation.IMPORT_MERGE,
        "importGraph MERGE",
        "when every record passes the rules above (as a create or an update)",
        "same",
    ),
    _rule(Operation.IMPORT_REPLACE, "importGraph REPLACE", "no", "no"),
    _rule(Operation.TOKENS, "tokens (create, list, revoke)", "no", "no"),
    _rule(Operation.AUDIT_READ, "audit log (read, export)", "no", "no"),
)
"""The role x operation table (docs/security.md). Viewers may write nothing; admins everything."""

_BY_OPERATION = {rule.operation: rule for rule in WRITE_RULES}


def parse_role(role: str | Role) -> Role:
    """The role named ``role``; ``ValueError`` naming the choices for anything else."""
    try:
        return Role(role)
    except ValueError:
        raise ValueError(f"role must be one of {', '.join(Role)}, not {role!r}") from None


def reach(role: Role, operation: Operation) -> Reach:
    """How far ``role`` may do ``operation``."""
    return _BY_OPERATION[operation].reach[role]


def rules_table() -> str:
    """The table as Markdown, as docs/security.md shows it."""
    roles = list(Role)
    lines = [
        "| operation | " + " | ".join(roles) + " |",
        "| --- |" + " --- |" * len(roles),
    ]
    for rule in WRITE_RULES:
        lines.append(f"| {rule.what} | " + " | ".join(rule.cell(r) for r in roles) + " |")
    return "\n".join(lines) + "\n"
