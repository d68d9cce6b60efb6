"""Access control: roles, what each caller may see and change, and the guard every request goes through.

``Scopes.get(member, role)`` works out a caller's ``Scope``; ``GuardedStore(store,
scope, actor)`` is the store as that caller may use it. See docs/security.md.
"""

from graphsvc.access.guard import GuardedStore, write_target
from graphsvc.access.roles import WRITE_RULES, Role, rules_table
from graphsvc.access.scope import ADMIN_SCOPE, Scope, Scopes, scope_for

__all__ = [
    "ADMIN_SCOPE",
    "WRITE_RULES",
    "GuardedStore",
    "Role",
    "Scope",
    "Scopes",
    "rules_table",
    "scope_for",
    "write_target",
]
