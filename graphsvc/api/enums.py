"""The model's enums as GraphQL enums (SCREAMING_SNAKE values), registered once before any type uses them."""

from __future__ import annotations

import strawberry

from graphsvc.access import Role
from graphsvc.analysis import GapKind, Severity
from graphsvc.audit import AuditOperation, AuditOutcome
from graphsvc.model import (
    AccountStatus,
    Approach,
    AssignmentRole,
    Attitude,
    BuyingRole,
    CommitteeKind,
    CommitteeRole,
    InfluenceKind,
    InfluencerKind,
    NodeKind,
    RelationType,
    TeamRole,
)
from graphsvc.store import ImportMode

__all__: list[str] = []

for enum_class, _doc in (
    (NodeKind, "The kind of a node."),
    (RelationType, "The type of a relation."),
    (AccountStatus, "Place of an account on the key account list."),
    (Approach, "How an account is managed: sales (lean team) or holistic (interdisciplinary)."),
    (BuyingRole, "Buying-center role (Webster & Wind, plus approver and initiator)."),
    (Attitude, "Attitude towards us."),
    (InfluencerKind, "The kind of an external market participant."),
    (CommitteeKind, "The kind of a committee."),
    (TeamRole, "Role of a member in our team."),
    (CommitteeRole, "Seat on a committee."),
    (InfluenceKind, "The nature of an influence."),
    (AssignmentRole, "Role of a member on an account team."),
    (GapKind, "The kind of a coverage gap (docs/semantics.md, 'Coverage gaps')."),
    (Severity, "How urgent a gap is."),
    (ImportMode, "merge: add and replace records by id; replace: the document is the whole graph."),
    (Role, "A token's role: what its member may see and change (docs/security.md)."),
    (AuditOperation, "What was attempted: a store operation (READ: a refused read)."),
    (AuditOutcome, "Whether the attempt was carried out or refused."),
):
    strawberry.enum(enum_class, description=_doc)
