"""Arguments shared by several fields, each with the description the schema shows."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from graphsvc.api import enums as _enums  # noqa: F401 - registers the GraphQL enums first
from graphsvc.model import AccountStatus, Approach, Attitude, BuyingRole, NodeKind

__all__ = [
    "AccountArg",
    "AccountsArg",
    "AfterArg",
    "ApproachArg",
    "AsOfArg",
    "AttitudeArg",
    "CascadeArg",
    "CountryArg",
    "FirstArg",
    "HopsArg",
    "IdArg",
    "KArg",
    "KindArg",
    "LeadArg",
    "MemberArg",
    "NameArg",
    "NodeIdArg",
    "RoleArg",
    "StatusArg",
    "TargetArg",
    "TextArg",
    "TopArg",
]

IdArg = Annotated[strawberry.ID, strawberry.argument(description="The id.")]
FirstArg = Annotated[int, strawberry.argument(description="How many items, 1 to 100.")]
AfterArg = Annotated[
    str | None, strawberry.argument(description="Cursor after which the page starts (a pageInfo.endCursor).")
]
StatusArg = Annotated[AccountStatus | None, strawberry.argument(description="Only accounts with this status.")]
ApproachArg = Annotated[Approach | None, strawberry.argument(description="Only accounts managed with this approach.")]
CountryArg = Annotated[str | None, strawberry.argument(description="Only accounts that buy in this country.")]
NameArg = Annotated[
    str | None, strawberry.argument(description="Only nodes whose name contains this text (case-insensitive).")
]
TextArg = Annotated[str, strawberry.argument(description="Text the name contains (case-insensitive).")]
KindArg = Annotated[NodeKind | None, strawberry.argument(description="Only nodes of this kind.")]
AccountArg = Annotated[strawberry.ID, strawberry.argument(description="The account.")]
RoleArg = Annotated[BuyingRole | None, strawberry.argument(description="Only people holding this buying-center role.")]
AttitudeArg = Annotated[
    Attitude | None, strawberry.argument(description="Only people with this attitude (UNKNOWN includes none recorded).")
]
TargetArg = Annotated[strawberry.ID, strawberry.argument(description="The person, committee or influencer to reach.")]
KArg = Annotated[int, strawberry.argument(description="How many paths, 1 to 20.")]
HopsArg = Annotated[int, strawberry.argument(description="Longest path in hops, 1 to 6.")]
TopArg = Annotated[int, strawberry.argument(description="How many, 1 to 500.")]
AccountsArg = Annotated[
    list[strawberry.ID] | None,
    strawberry.argument(description="Accounts to sum over (default: every account with status KEY)."),
]
AsOfArg = Annotated[date | None, strawberry.argument(description="Day to judge freshness on (default: today).")]
MemberArg = Annotated[strawberry.ID, strawberry.argument(description="The member of our team.")]
LeadArg = Annotated[
    strawberry.ID,
    strawberry.argument(description="The team lead: the roll-up covers everyone reporting to them, directly or not."),
]
CascadeArg = Annotated[
    bool,
    strawberry.argument(
        description="Also delete an account's sites, people and committees (or clear a site from its people)."
    ),
]
NodeIdArg = Annotated[strawberry.ID, strawberry.argument(description="Id of the node to change or delete.")]
