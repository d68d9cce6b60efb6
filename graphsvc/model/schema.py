"""The vocabulary of the graph: node kinds, relation types, enum values and
the fields each record may carry (DESIGN.md sections 1 and 2).

Everything that validates, stores, exports or documents a record reads these
tables, so a new field is added here once.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = [
    "ID_PATTERN",
    "LIST_NAMES",
    "NODE_FIELDS",
    "OWNED_KINDS",
    "RELATION_ENDPOINTS",
    "RELATION_FIELDS",
    "AccountStatus",
    "Approach",
    "AssignmentRole",
    "Attitude",
    "BuyingRole",
    "CommitteeKind",
    "CommitteeRole",
    "Field",
    "FieldType",
    "InfluenceKind",
    "InfluencerKind",
    "NodeKind",
    "RelationType",
    "TeamRole",
    "with_article",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$"
"""Ids are 1-128 characters: letters, digits and ``_ . : @ -``, starting with a letter or digit."""


class NodeKind(StrEnum):
    ACCOUNT = "account"
    SITE = "site"
    PERSON = "person"
    COMMITTEE = "committee"
    INFLUENCER = "influencer"
    MEMBER = "member"


class RelationType(StrEnum):
    REPORTS_TO = "REPORTS_TO"
    MEMBER_OF = "MEMBER_OF"
    INFLUENCES = "INFLUENCES"
    COVERS = "COVERS"
    KNOWS = "KNOWS"
    ASSIGNED_TO = "ASSIGNED_TO"


class BuyingRole(StrEnum):
    INITIATOR = "initiator"
    USER = "user"
    INFLUENCER = "influencer"
    BUYER = "buyer"
    DECIDER = "decider"
    APPROVER = "approver"
    GATEKEEPER = "gatekeeper"


class Attitude(StrEnum):
    CHAMPION = "champion"
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    SKEPTIC = "skeptic"
    OPPONENT = "opponent"
    UNKNOWN = "unknown"


class InfluencerKind(StrEnum):
    PLANNER = "planner"
    ASSOCIATION = "association"
    END_CUSTOMER = "end_customer"
    MULTIPLIER = "multiplier"
    CONSULTANT = "consultant"
    AUTHORITY = "authority"
    OTHER = "other"


class CommitteeKind(StrEnum):
    BUYING_COMMITTEE = "buying_committee"
    BOARD = "board"
    STEERING = "steering"
    TECHNICAL = "technical"
    INTERNATIONAL = "international"
    OTHER = "other"


class TeamRole(StrEnum):
    KAM = "kam"
    INSIDE_SALES = "inside_sales"
    FIELD_SALES = "field_sales"
    SPECIALIST = "specialist"
    EXECUTIVE_SPONSOR = "executive_sponsor"
    SERVICE = "service"
    TEAM_LEAD = "team_lead"
    OTHER = "other"


class Approach(StrEnum):
    SALES = "sales"
    HOLISTIC = "holistic"


class AccountStatus(StrEnum):
    CANDIDATE = "candidate"
    KEY = "key"
    DELISTED = "delisted"


class CommitteeRole(StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    ADVISOR = "advisor"


class InfluenceKind(StrEnum):
    FORMAL = "formal"
    TECHNICAL = "technical"
    COMMERCIAL = "commercial"
    POLITICAL = "political"
    PERSONAL = "personal"


class AssignmentRole(StrEnum):
    LEAD = "lead"
    MEMBER = "member"


def with_article(word: str) -> str:
    """``an account``, ``a person``: for messages that name a kind."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


FieldType = Literal["text", "note", "unit", "days", "date", "enum", "enum_list", "text_list", "ref"]


@dataclass(frozen=True, slots=True)
class Field:
    """One property a record may carry.

    Types: ``text`` (one line, <= 500 chars), ``note`` (free text, <= 10,000
    chars), ``unit`` (a number in [0, 1]), ``days`` (a whole number 1..3650),
    ``date`` (``YYYY-MM-DD``), ``enum`` / ``enum_list`` (values of ``choices``),
    ``text_list`` (distinct one-line strings), ``ref`` (the id of a node of
    kind ``ref``).
    """

    name: str
    type: FieldType
    required: bool = False
    choices: builtins.type[StrEnum] | None = None
    ref: NodeKind | None = None
    doc: str = ""


_NAME = Field("name", "text", required=True, doc="Display name.")
_NOTES = Field("notes", "note", doc="Free text; shown as typed, never interpreted.")
_STRENGTH = Field("strength", "unit", doc="Strength of the tie in [0, 1].")

NODE_FIELDS: dict[NodeKind, tuple[Field, ...]] = {
    NodeKind.ACCOUNT: (
        _NAME,
        Field("status", "enum", required=True, choices=AccountStatus, doc="Place on the key account list."),
        Field("approach", "enum", choices=Approach, doc="How the account is managed."),
        Field("industry", "text"),
        Field("region", "text"),
        Field("countries", "text_list", doc="Countries the customer buys in (ISO codes)."),
        _NOTES,
    ),
    NodeKind.SITE: (
        Field("account", "ref", required=True, ref=NodeKind.ACCOUNT, doc="The account the site belongs to."),
        _NAME,
        Field("country", "text"),
        Field("city", "text"),
        _NOTES,
    ),
    NodeKind.PERSON: (
        Field("account", "ref", required=True, ref=NodeKind.ACCOUNT, doc="The account the person works for."),
        Field("site", "ref", ref=NodeKind.SITE, doc="A site of the same account."),
        _NAME,
        Field("title", "text"),
        Field("department", "text"),
        Field("roles", "enum_list", choices=BuyingRole, doc="Buying-center roles."),
        Field("attitude", "enum", choices=Attitude, doc="Attitude towards us; absent means unknown."),
        Field("power", "unit", doc="Formal decision power in [0, 1]; absent means 0.5."),
        _NOTES,
    ),
    NodeKind.COMMITTEE: (
        Field("account", "ref", required=True, ref=NodeKind.ACCOUNT, doc="The account the committee belongs to."),
        _NAME,
        Field("kind", "enum", required=True, choices=CommitteeKind),
        Field("power", "unit", doc="Decision power in [0, 1]; absent means 1.0."),
        _NOTES,
    ),
    NodeKind.INFLUENCER: (
        _NAME,
        Field("kind", "enum", required=True, choices=InfluencerKind),
        Field("organization", "text"),
        Field("country", "text"),
        _NOTES,
    ),
    NodeKind.MEMBER: (
        _NAME,
        Field("role", "enum", required=True, choices=TeamRole, doc="Role in our team."),
        Field("email", "text"),
        _NOTES,
    ),
}

OWNED_KINDS = frozenset({NodeKind.SITE, NodeKind.PERSON, NodeKind.COMMITTEE})
"""Kinds that belong to exactly one account (their ``account`` field)."""

LIST_NAMES: dict[str, NodeKind] = {
    "accounts": NodeKind.ACCOUNT,
    "sites": NodeKind.SITE,
    "people": NodeKind.PERSON,
    "committees": NodeKind.COMMITTEE,
    "influencers": NodeKind.INFLUENCER,
    "members": NodeKind.MEMBER,
}
"""The lists of a graphsvc/1 document, in document order, and the kind each holds."""

RELATION_FIELDS: dict[RelationType, tuple[Field, ...]] = {
    RelationType.REPORTS_TO: (_STRENGTH, _NOTES),
    RelationType.MEMBER_OF: (
        Field("role", "enum", required=True, choices=CommitteeRole),
        _STRENGTH,
        _NOTES,
    ),
    RelationType.INFLUENCES: (
        _STRENGTH,
        Field("kind", "enum", choices=InfluenceKind),
        _NOTES,
    ),
    RelationType.COVERS: (
        _STRENGTH,
        Field("last_contact", "date", doc="Date of the last real contact."),
        Field("cadence_days", "days", doc="Days between contacts before the cover is stale; absent means 90."),
        _NOTES,
    ),
    RelationType.KNOWS: (_STRENGTH, _NOTES),
    RelationType.ASSIGNED_TO: (Field("role", "enum", required=True, choices=AssignmentRole), _NOTES),
}

_P, _C, _I, _M = NodeKind.PERSON, NodeKind.COMMITTEE, NodeKind.INFLUENCER, NodeKind.MEMBER

RELATION_ENDPOINTS: dict[RelationType, tuple[frozenset[NodeKind], frozenset[NodeKind]]] = {
    RelationType.REPORTS_TO: (frozenset({_P, _M}), frozenset({_P, _M})),
    RelationType.MEMBER_OF: (frozenset({_P, _I, _M}), frozenset({_C})),
    RelationType.INFLUENCES: (frozenset({_P, _I, _C}), frozenset({_P, _C})),
    RelationType.COVERS: (frozenset({_M}), frozenset({_P, _C, _I})),
    RelationType.KNOWS: (frozenset({_M}), frozenset({_P, _I})),
    RelationType.ASSIGNED_TO: (frozenset({_M}), frozenset({NodeKind.ACCOUNT})),
}
"""Allowed (source kinds, target kinds); ``REPORTS_TO`` also needs both ends of one kind."""
