"""The role x mutation matrix (issue 7): each write accepted or refused with the exact answer, and audited.

For every mutation kind (create, update and delete of each node kind and relation type, importGraph MERGE and
REPLACE) and every caller of ``matrix_fixture``: an accepted write changes the store (an admin export differs)
and the audit log holds an ``accepted`` entry of that member; a refused one answers ``FORBIDDEN`` (a visible
record the role may not change, the message naming the role) or exactly what the same write answers when the
hidden ids it names do not exist, leaves the export byte for byte as it was and is logged as ``refused``.
After an accepted write the fixture is imported again (REPLACE), so every case starts from the same graph.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from graphsvc.analyst import Analyst
from graphsvc.api.caller import Gate
from graphsvc.api.context import Principal
from graphsvc.store import ImportMode
from tests.access.matrix_fixture import AS_OF, CALLERS, MATRIX_DOC, MatrixServer, all_ids, matrix_server
from tests.access.test_matrix import NAMES, VISIBLE
from tests.api.support import code
from tests.conftest import STORES, export_text

OK, FORBIDDEN, HIDDEN = "ok", "FORBIDDEN", "hidden"
"""Accepted; refused as FORBIDDEN; refused exactly like the same write on missing ids."""


def outcomes(default: str, **per_caller: str) -> dict[str, str]:
    return {name: per_caller.get(name, default) for name in NAMES}


IN_A = outcomes(HIDDEN, AD=OK, L1=OK, K1=OK, V1=FORBIDDEN)
"""A write on records of acc_a: its lead's and kam's, the viewer's read only; hidden from everyone else."""
ADMIN_ONLY = outcomes(FORBIDDEN, AD=OK)
BUT_VIEWER = outcomes(OK, V1=FORBIDDEN)
IN_C_FROM_A = outcomes(HIDDEN, AD=OK)
"""A relation between acc_a and acc_c: nobody but an admin sees both ends."""
ACCOUNT_DELETE = outcomes(HIDDEN, AD=OK, L1=FORBIDDEN, K1=FORBIDDEN, V1=FORBIDDEN)
SHARED_INFLUENCER = outcomes(FORBIDDEN, AD=OK, K2=HIDDEN, NA=HIDDEN)
"""inf_shared sways acc_a and acc_c: only an admin may change it; K2 and NA do not see it."""
INFLUENCER_OF_B = outcomes(HIDDEN, AD=OK, L1=OK, K2=OK)
COVER_OF_SHARED = outcomes(OK, V1=FORBIDDEN, K2=HIDDEN, NA=HIDDEN)
"""m_k1 COVERS inf_shared: members are anyone's, inf_shared is visible to both leads and kams of A and C."""
KNOWS_C = outcomes(HIDDEN, AD=OK, L2=OK, K3=OK)
ASSIGN_IN_TEAM = outcomes(HIDDEN, AD=OK, L1=OK, K1=FORBIDDEN, V1=FORBIDDEN)
ASSIGN_OTHER_TEAM = outcomes(HIDDEN, AD=OK, L1=FORBIDDEN, K1=FORBIDDEN, V1=FORBIDDEN)

NODE = "{ id }"
SUMMARY = "{ created updated deleted }"


@dataclass(frozen=True)
class Write:
    label: str
    field: str
    args: str
    """The field's argument list in GraphQL, over the variables."""
    variables: dict[str, Any]
    selection: str
    operation: str
    """The audit operation (AuditOperation name)."""
    expected: dict[str, str]
    setup: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """Admin store writes before the case: ("node", {kind, record}) or ("relation", record)."""

    @property
    def query(self) -> str:
        declared = ", ".join(f"${name}: {kind}" for name, (kind, _) in self.variables.items())
        return f"mutation({declared}) {{ {self.field}({self.args}) {self.selection} }}"

    @property
    def targets(self) -> list[str]:
        """The ids the write names (the node, or a relation's ends) that its audit entry must name too."""
        values = self.values
        if "id" in values:
            return [values["id"]]
        if "from" in values:
            return [values["from"], values["to"]]
        record = values.get("input", {})
        return [record[k] for k in ("id", "from", "to") if k in record]

    @property
    def values(self) -> dict[str, Any]:
        return {name: value for name, (_, value) in self.variables.items()}


def node_write(label: str, field: str, kind: str, value: dict[str, Any], expected: dict[str, str], **kw: Any) -> Write:
    return Write(label, field, "input: $input", {"input": (kind, value)}, NODE, "CREATE_NODE", expected, **kw)


def node_update(
    label: str, field: str, kind: str, node_id: str, patch: dict[str, Any], expected: dict[str, str]
) -> Write:
    variables = {"id": ("ID!", node_id), "input": (kind, patch)}
    return Write(label, field, "id: $id, input: $input", variables, NODE, "UPDATE_NODE", expected)


def node_delete(label: str, node_id: str, expected: dict[str, str], **kw: Any) -> Write:
    variables = {"id": ("ID!", node_id), "cascade": ("Boolean!", True)}
    return Write(label, "deleteNode", "id: $id, cascade: $cascade", variables, SUMMARY, "DELETE_NODE", expected, **kw)


def rel_create(
    label: str, field: str, kind: str, value: dict[str, Any], selection: str, expected: dict[str, str]
) -> Write:
    return Write(label, field, "input: $input", {"input": (kind, value)}, selection, "CREATE_RELATION", expected)


def rel_update(
    label: str, field: str, kind: str, ends: tuple[str, str], patch: dict[str, Any], sel: str, expected: dict[str, str]
) -> Write:
    variables = {"from": ("ID!", ends[0]), "to": ("ID!", ends[1]), "input": (kind, patch)}
    return Write(label, field, "from: $from, to: $to, input: $input", variables, sel, "UPDATE_RELATION", expected)


def rel_delete(label: str, rtype: str, ends: tuple[str, str], expected: dict[str, str]) -> Write:
    variables = {"type": ("RelationType!", rtype), "from": ("ID!", ends[0]), "to": ("ID!", ends[1])}
    return Write(
        label, "deleteRelation", "type: $type, from: $from, to: $to", variables, SUMMARY, "DELETE_RELATION", expected
    )


def import_write(label: str, doc: dict[str, Any], mode: str, expected: dict[str, str]) -> Write:
    variables = {"document": ("JSON!", doc), "mode": ("ImportMode!", mode)}
    return Write(label, "importGraph", "document: $document, mode: $mode", variables, SUMMARY, "IMPORT", expected)


NOTE = {"notes": "changed <b>by</b> the matrix"}
NEW_MEMBER = ("node", {"kind": "member", "record": {"id": "m_new", "name": "Neu Member", "role": "kam"}})
_REPLACED = copy.deepcopy(MATRIX_DOC)
_REPLACED["influencers"] = [i for i in _REPLACED["influencers"] if i["id"] != "inf_free"]
_REPLACED["relations"] = [r for r in _REPLACED["relations"] if "inf_free" not in (r["from"], r["to"])]

WRITES: list[Write] = [
    # accounts
    node_write("create account", "createAccount", "AccountInput!", {"id": "acc_new", "name": "Neu", "status": "KEY"},
               ADMIN_ONLY),
    node_update("update account", "updateAccount", "AccountPatch!", "acc_a", NOTE, IN_A),
    node_delete("delete account", "acc_a", ACCOUNT_DELETE),
    # sites, people, committees of acc_a
    node_write("create site", "createSite", "SiteInput!", {"id": "site_new", "account": "acc_a", "name": "Neu"}, IN_A),
    node_update("update site", "updateSite", "SitePatch!", "site_a1", NOTE, IN_A),
    node_delete("delete site", "site_a1", IN_A),
    node_write("create person", "createPerson", "PersonInput!", {"id": "p_new", "account": "acc_a", "name": "Neu"},
               IN_A),
    node_update("update person", "updatePerson", "PersonPatch!", "p_a_eng", NOTE, IN_A),
    node_update("move person", "updatePerson", "PersonPatch!", "p_a_eng", {"account": "acc_b"},
                outcomes(HIDDEN, AD=OK, L1=OK)),  # acc_b: hidden from K1 and V1 like a missing account
    node_delete("delete person", "p_a_eng", IN_A),
    node_write("create committee", "createCommittee", "CommitteeInput!",
               {"id": "com_new", "account": "acc_a", "name": "Neu", "kind": "BOARD"}, IN_A),
    node_update("update committee", "updateCommittee", "CommitteePatch!", "com_a", NOTE, IN_A),
    node_delete("delete committee", "com_a", IN_A),
    # influencers
    node_write("create influencer", "createInfluencer", "InfluencerInput!",
               {"id": "inf_new", "name": "Neu", "kind": "PLANNER"}, BUT_VIEWER),
    node_update("update free influencer", "updateInfluencer", "InfluencerPatch!", "inf_free", NOTE, BUT_VIEWER),
    node_update("update shared influencer", "updateInfluencer", "InfluencerPatch!", "inf_shared", NOTE,
                SHARED_INFLUENCER),
    node_update("update influencer of B", "updateInfluencer", "InfluencerPatch!", "inf_b", NOTE, INFLUENCER_OF_B),
    node_delete("delete free influencer", "inf_free", BUT_VIEWER),
    node_delete("delete shared influencer", "inf_shared", SHARED_INFLUENCER),
    # members and their reporting lines
    node_write("create member", "createMember", "MemberInput!", {"id": "m_new", "name": "Neu", "role": "KAM"},
               ADMIN_ONLY),
    node_update("update member", "updateMember", "MemberPatch!", "m_na", NOTE, ADMIN_ONLY),
    node_delete("delete member", "m_new", ADMIN_ONLY, setup=[NEW_MEMBER]),
    rel_create("create member REPORTS_TO", "createReportsTo", "ReportsToInput!", {"from": "m_na", "to": "m_l1"},
               "{ from }", ADMIN_ONLY),
    rel_update("update member REPORTS_TO", "updateReportsTo", "ReportsToPatch!", ("m_k2", "m_l1"), NOTE,
               "{ from }", ADMIN_ONLY),
    rel_delete("delete member REPORTS_TO", "REPORTS_TO", ("m_k2", "m_l1"), ADMIN_ONLY),
    # relations inside acc_a
    rel_create("create person REPORTS_TO", "createReportsTo", "ReportsToInput!", {"from": "p_a_eng", "to": "p_a_dec"},
               "{ from }", IN_A),
    rel_update("update person REPORTS_TO", "updateReportsTo", "ReportsToPatch!", ("p_a_buy", "p_a_dec"),
               {"strength": 0.9}, "{ from }", IN_A),
    rel_delete("delete person REPORTS_TO", "REPORTS_TO", ("p_a_eng", "p_a_buy"), IN_A),
    rel_create("create MEMBER_OF", "createMemberOf", "MemberOfInput!",
               {"from": "p_a_buy", "to": "com_a", "role": "MEMBER"}, "{ role }", IN_A),
    rel_create("create MEMBER_OF of a shared influencer", "createMemberOf", "MemberOfInput!",
               {"from": "inf_shared", "to": "com_a", "role": "ADVISOR"}, "{ role }",
               outcomes(HIDDEN, AD=OK, L1=OK, K1=OK, V1=FORBIDDEN)),
    rel_create("create MEMBER_OF of a member", "createMemberOf", "MemberOfInput!",
               {"from": "m_k2", "to": "com_a", "role": "ADVISOR"}, "{ role }", IN_A),
    rel_update("update MEMBER_OF", "updateMemberOf", "MemberOfPatch!", ("p_a_dec", "com_a"), {"strength": 0.8},
               "{ role }", IN_A),
    rel_delete("delete MEMBER_OF", "MEMBER_OF", ("p_a_dec", "com_a"), IN_A),
    rel_create("create INFLUENCES", "createInfluences", "InfluencesInput!",
               {"from": "p_a_eng", "to": "p_a_dec", "strength": 0.3}, "{ strength }", IN_A),
    rel_create("create INFLUENCES of a free influencer", "createInfluences", "InfluencesInput!",
               {"from": "inf_free", "to": "p_a_eng", "strength": 0.3}, "{ strength }", IN_A),
    rel_update("update INFLUENCES of a shared influencer", "updateInfluences", "InfluencesPatch!",
               ("inf_shared", "p_a_buy"), {"strength": 0.2}, "{ strength }", IN_A),
    rel_delete("delete INFLUENCES across accounts", "INFLUENCES", ("p_c_x", "p_a_dec"), IN_C_FROM_A),
    rel_create("create COVERS", "createCovers", "CoversInput!", {"from": "m_k2", "to": "p_a_dec", "strength": 0.5},
               "{ strength }", IN_A),
    rel_update("update COVERS", "updateCovers", "CoversPatch!", ("m_k1", "p_a_buy"), {"strength": 0.9},
               "{ strength }", IN_A),
    rel_update("update COVERS of a shared influencer", "updateCovers", "CoversPatch!", ("m_k1", "inf_shared"),
               {"lastContact": "2026-10-20"}, "{ strength }", COVER_OF_SHARED),
    rel_delete("delete COVERS", "COVERS", ("m_k1", "p_a_buy"), IN_A),
    rel_create("create COVERS of a free influencer", "createCovers", "CoversInput!",
               {"from": "m_na", "to": "inf_free", "strength": 0.5}, "{ strength }", BUT_VIEWER),
    rel_create("create KNOWS", "createKnows", "KnowsInput!", {"from": "m_k1", "to": "p_a_eng", "strength": 0.5},
               "{ strength }", IN_A),
    rel_update("update KNOWS into acc_c", "updateKnows", "KnowsPatch!", ("m_k1", "p_c_x"), {"strength": 0.1},
               "{ strength }", KNOWS_C),
    rel_delete("delete KNOWS into acc_c", "KNOWS", ("m_k1", "p_c_x"), KNOWS_C),
    # assignments
    rel_create("assign a team member", "createAssignedTo", "AssignedToInput!",
               {"from": "m_k2", "to": "acc_a", "role": "MEMBER"}, "{ role }", ASSIGN_IN_TEAM),
    rel_create("assign another team's member", "createAssignedTo", "AssignedToInput!",
               {"from": "m_k3", "to": "acc_a", "role": "MEMBER"}, "{ role }", ASSIGN_OTHER_TEAM),
    rel_update("update an assignment", "updateAssignedTo", "AssignedToPatch!", ("m_v1", "acc_a"), {"role": "LEAD"},
               "{ role }", ASSIGN_IN_TEAM),
    rel_delete("delete an assignment", "ASSIGNED_TO", ("m_v1", "acc_a"), ASSIGN_IN_TEAM),
    # imports
    import_write("import MERGE into acc_a", {"format": "graphsvc/1", "people": [
        {"id": "p_new", "account": "acc_a", "name": "Neu", "roles": ["user"]}]}, "MERGE", IN_A),
    import_write("import MERGE an influencer", {"format": "graphsvc/1", "influencers": [
        {"id": "inf_new", "name": "Neu", "kind": "planner"}]}, "MERGE", BUT_VIEWER),
    import_write("import REPLACE", _REPLACED, "REPLACE", ADMIN_ONLY),
]  # fmt: skip


@pytest.fixture(scope="module", params=STORES)
def matrix(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MatrixServer]:
    with matrix_server(request, tmp_path_factory.mktemp(f"writes-{request.param}")) as m:
        yield m


AUDIT = """query($member: ID) { auditLog(memberId: $member, first: 10) {
  edges { node { seq operation outcome memberId role via ids accountIds detail } } } }"""


def audit_after(matrix: MatrixServer, member: str | None, seq: int) -> list[dict[str, Any]]:
    """Audit entries newer than ``seq`` (of ``member``'s tokens), newest first, asked as an admin over GraphQL."""
    edges = matrix.data("AD", AUDIT, {"member": member})["auditLog"]["edges"]
    return [e["node"] for e in edges if e["node"]["seq"] > seq]


def last_seq(matrix: MatrixServer) -> int:
    edges = matrix.data("AD", AUDIT, {"member": None})["auditLog"]["edges"]
    return int(edges[0]["node"]["seq"]) if edges else 0


def _twin(value: Any, hidden: set[str]) -> Any:
    """``value`` with every hidden id replaced by an id that exists nowhere (``zz_`` + id)."""
    if isinstance(value, dict):
        return {k: _twin(v, hidden) for k, v in value.items()}
    if isinstance(value, list):
        return [_twin(v, hidden) for v in value]
    return f"zz_{value}" if isinstance(value, str) and value in hidden else value


def _shown(body: dict[str, Any], replace: dict[str, str]) -> str:
    text = json.dumps(body, sort_keys=True)
    for old, new in sorted(replace.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(old, new)
    return text


def _restore(matrix: MatrixServer) -> None:
    matrix.store.import_document(copy.deepcopy(MATRIX_DOC), ImportMode.REPLACE)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("write", WRITES, ids=[w.label for w in WRITES])
def test_write_is_accepted_or_refused_and_audited(matrix: MatrixServer, write: Write, name: str) -> None:
    for kind, record in write.setup:
        assert kind == "node"
        matrix.store.create_node(record["kind"], record["record"])
    caller, expected = CALLERS[name], write.expected[name]
    before, seq = export_text(matrix.store), last_seq(matrix)
    body = matrix.as_caller(name, write.query, write.values)
    try:
        if expected == OK:
            assert "errors" not in body, body["errors"]
            assert export_text(matrix.store) != before, "an accepted write changed nothing"
            entries = [e for e in audit_after(matrix, caller.member, seq) if e["outcome"] == "ACCEPTED"]
            assert [(e["operation"], e["memberId"], e["role"], e["via"]) for e in entries] == [
                (write.operation, caller.member, caller.role.upper(), "api")
            ]
            named = " ".join(entries[0]["ids"])
            assert all(t in named for t in write.targets), (write.targets, entries[0]["ids"])
            if write.expected is IN_A:
                assert "acc_a" in entries[0]["accountIds"], entries[0]
            return
        assert body["data"] is None, body
        assert export_text(matrix.store) == before, "a refused write changed the store"
        refused = [e for e in audit_after(matrix, caller.member, seq) if e["outcome"] == "REFUSED"]
        errors = body["errors"]
        assert len(errors) == 1, errors
        if expected == FORBIDDEN:
            assert code(errors[0]) == "FORBIDDEN", errors
            assert f"({caller.role})" in errors[0]["message"]
        else:
            hidden = all_ids(MATRIX_DOC) - VISIBLE[name]
            missing = matrix.as_caller(name, write.query, _twin(write.values, hidden))
            assert "errors" in missing, f"the same write on missing ids was accepted: {missing}"
            twin_ids = {f"zz_{h}": f"<{h}>" for h in hidden}
            assert _shown(body, {h: f"<{h}>" for h in hidden}) == _shown(missing, twin_ids)
        assert [(e["operation"], e["memberId"], e["role"]) for e in refused] == [
            (write.operation, caller.member, caller.role.upper())
        ], f"the refusal is logged once, as {write.operation}"
        assert refused[0]["detail"], refused[0]
    finally:
        if expected == OK or write.setup:
            _restore(matrix)


ACCOUNTS_SEEN = "{ accounts(first: 100) { totalCount edges { node { id } } } }"


def _seen(matrix: MatrixServer, name: str) -> list[str]:
    return [e["node"]["id"] for e in matrix.data(name, ACCOUNTS_SEEN)["accounts"]["edges"]]


def test_an_assignment_or_reporting_line_changes_what_a_token_sees_at_once(matrix: MatrixServer) -> None:
    """Scopes are cached, but never past a write: the next request after an assignment sees its effect."""
    assign = "mutation($input: AssignedToInput!) { createAssignedTo(input: $input) { role } }"
    unassign = 'mutation { deleteRelation(type: ASSIGNED_TO, from: "m_k2", to: "acc_a") { deleted } }'
    report = "mutation($input: ReportsToInput!) { createReportsTo(input: $input) { from } }"
    try:
        assert _seen(matrix, "K2") == ["acc_b"]
        matrix.data("L1", assign, {"input": {"from": "m_k2", "to": "acc_a", "role": "MEMBER"}})
        assert _seen(matrix, "K2") == ["acc_a", "acc_b"]
        matrix.data("L1", unassign)
        assert _seen(matrix, "K2") == ["acc_b"]
        assert _seen(matrix, "L1") == ["acc_a", "acc_b"]
        matrix.data("AD", report, {"input": {"from": "m_l2", "to": "m_l1"}})  # team 2 joins team 1
        assert _seen(matrix, "L1") == ["acc_a", "acc_b", "acc_c"]
        assert _seen(matrix, "L2") == ["acc_c"]
    finally:
        _restore(matrix)
    assert _seen(matrix, "L1") == ["acc_a", "acc_b"]


DASHBOARD = """query($day: Date) { accounts(first: 100) { edges { node { id
  coverageScore(asOf: $day) gapCounts(asOf: $day) { high medium low total } } } } }"""
Figures = dict[str, tuple[float, dict[str, int]]]


def _dashboard(matrix: MatrixServer, name: str) -> Figures:
    edges = matrix.data(name, DASHBOARD, {"day": AS_OF.isoformat()})["accounts"]["edges"]
    return {e["node"]["id"]: (e["node"]["coverageScore"], e["node"]["gapCounts"]) for e in edges}


def _fresh(matrix: MatrixServer, name: str, accounts: Iterable[str]) -> Figures:
    """The figures an analyst with empty caches computes for ``name`` from the store as it is now."""
    caller = CALLERS[name]
    view = Gate(matrix.store, Analyst(matrix.store)).caller(Principal(caller.member, caller.role), "api", None)
    out: Figures = {}
    for account in accounts:
        score, gaps = view.analyst.figures(account, AS_OF)
        counts = {s: sum(1 for g in gaps if g.severity.value == s.upper()) for s in ("high", "medium", "low")}
        out[account] = (pytest.approx(score.score), counts | {"total": len(gaps)})
    return out


def test_the_dashboard_shows_a_write_on_the_very_next_request(matrix: MatrixServer) -> None:
    """Dashboard figures are remembered per account revision: a write over the API, or straight into the store
    by another process, shows on the next page, for an admin and for a kam whose guard filters the graph."""
    cover = "mutation($input: CoversInput!) { createCovers(input: $input) { strength } }"
    try:
        before = {}
        for name in ("AD", "K1"):
            before[name] = _dashboard(matrix, name)  # computed, then remembered
            assert _dashboard(matrix, name) == before[name]
        assert before["K1"].keys() == {"acc_a"}
        fresh_cover = {"from": "m_k1", "to": "p_a_dec", "strength": 0.9, "lastContact": AS_OF.isoformat()}
        matrix.data("K1", cover, {"input": fresh_cover})
        for name in ("AD", "K1"):
            after = _dashboard(matrix, name)
            assert after == _fresh(matrix, name, after)
            assert after["acc_a"][1]["high"] < before[name]["acc_a"][1]["high"]  # the decider is covered now
        admin = _dashboard(matrix, "AD")
        matrix.store.update_relation("INFLUENCES", "p_c_x", "p_a_dec", {"strength": 0.1})  # not through the server
        after = _dashboard(matrix, "AD")
        assert after == _fresh(matrix, "AD", after)
        assert after["acc_a"] != admin["acc_a"]
    finally:
        _restore(matrix)
