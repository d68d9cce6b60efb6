"""Validation of records and of the graph they form, in one place.

Two stages, both collecting every problem rather than stopping at the first:

* ``parse_node`` / ``parse_relation`` check one raw record on its own: id,
  known properties, required ones, types, ranges and enum values.
* ``check_graph`` checks records against each other and against what is
  already stored (``ExistingGraph``): unique ids, kinds that never change,
  endpoints that exist with an allowed kind, ownership by an existing
  account, a person's site in the person's account, and no ``REPORTS_TO``
  cycle.

Both stores call these before writing; ``graphsvc check`` calls them without
writing.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from graphsvc.errors import InvalidInput, Problem
from graphsvc.model.records import Node, Relation, RelationKey
from graphsvc.model.schema import (
    ID_PATTERN,
    NODE_FIELDS,
    OWNED_KINDS,
    RELATION_ENDPOINTS,
    RELATION_FIELDS,
    Field,
    NodeKind,
    RelationType,
    with_article,
)

__all__ = [
    "EMPTY_GRAPH",
    "ExistingGraph",
    "Label",
    "apply_changes",
    "check_graph",
    "check_value",
    "label_text",
    "parse_node",
    "parse_node_fast",
    "parse_relation",
    "parse_relation_fast",
]

_ID = re.compile(ID_PATTERN)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TEXT_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NOTE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
TEXT_MAX = 500
NOTE_MAX = 10_000
LIST_MAX = 100


Label = str | tuple[str, int, Node | Relation]
"""Names a record in messages: a string, or (list name, index, record), formatted only when needed."""


def label_text(label: Label) -> str:
    """``people[3] (p_anna)`` or ``relations[12] (COVERS m_kam -> p_x)`` from a lazy label."""
    if isinstance(label, str):
        return label
    name, index, record = label
    inner = record.id if isinstance(record, Node) else record.label()
    return f"{name}[{index}] ({inner})"


class ExistingGraph(Protocol):
    """What validation needs to know of the stored graph (a store supplies it)."""

    def nodes_by_id(self, ids: Collection[str]) -> Mapping[str, Node]:
        """The stored nodes among ``ids``."""
        ...

    def people_at_sites(self, site_ids: Collection[str]) -> Sequence[Node]:
        """Stored people whose ``site`` is one of ``site_ids``."""
        ...

    def reports_to_above(self, ids: Collection[str]) -> Iterable[tuple[str, str]]:
        """Every stored ``REPORTS_TO`` edge reachable upwards from ``ids``."""
        ...


class _EmptyGraph:
    def nodes_by_id(self, ids: Collection[str]) -> Mapping[str, Node]:
        return {}

    def people_at_sites(self, site_ids: Collection[str]) -> Sequence[Node]:
        return ()

    def reports_to_above(self, ids: Collection[str]) -> Iterable[tuple[str, str]]:
        return ()


EMPTY_GRAPH: ExistingGraph = _EmptyGraph()
"""An empty store: what a ``replace`` import or ``graphsvc check`` validates against."""


def _text(value: Any, limit: int, bad: re.Pattern[str]) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_json_type(value)}"
    if len(value) > limit:
        return f"is {len(value)} characters long; at most {limit} are allowed"
    if bad.search(value):
        return "contains a control character or invalid Unicode"
    return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_value(field: Field, value: Any) -> str | None:
    """Why ``value`` is not acceptable for ``field``, or None when it is."""
    kind = field.type
    if value is None:
        return "must not be null; leave the property out instead"
    if kind == "text":
        problem = _text(value, TEXT_MAX, _TEXT_BAD)
        if problem is None and field.required and not value.strip():
            return "must not be empty"
        return problem
    if kind == "note":
        return _text(value, NOTE_MAX, _NOTE_BAD)
    if kind == "unit":
        if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
            return f"must be a number between 0 and 1, not {_json_type(value)}"
        if not 0 <= value <= 1:
            return f"must be between 0 and 1, not {value}"
        return None
    if kind == "days":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            return f"must be a whole number of days, not {_json_type(value)}"
        if not 1 <= value <= 3650:
            return f"must be between 1 and 3650 days, not {value}"
        return None
    if kind == "date":
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            return f"must be a date written YYYY-MM-DD, not {value!r}"
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"is not a real date: {value!r}"
        return None
    if kind == "enum":
        assert field.choices is not None
        if not isinstance(value, str) or value not in field.choices._value2member_map_:
            return f"must be one of {_choices(field)}, not {value!r}"
        return None
    if kind in ("enum_list", "text_list"):
        if not isinstance(value, list):
            return f"must be a list, not {_json_type(value)}"
        if len(value) > LIST_MAX:
            return f"has {len(value)} entries; at most {LIST_MAX} are allowed"
        seen: set[str] = set()
        for item in value:
            if kind == "enum_list":
                assert field.choices is not None
                if not isinstance(item, str) or item not in field.choices._value2member_map_:
                    return f"must hold values of {_choices(field)}, not {item!r}"
            else:
                problem = _text(item, TEXT_MAX, _TEXT_BAD)
                if problem:
                    return f"entry {item!r} {problem}"
            if item in seen:
                return f"lists {item!r} twice"
            seen.add(item)
        return None
    if kind == "ref":
        if not isinstance(value, str) or not _ID.fullmatch(value):
            return f"must be the id of {with_article(str(field.ref))}, not {value!r}"
        return None
    raise AssertionError(f"unknown field type {kind}")


def _choices(field: Field) -> str:
    assert field.choices is not None
    return ", ".join(member.value for member in field.choices)


_NODE_SPEC = {kind: {f.name: f for f in fields} for kind, fields in NODE_FIELDS.items()}
_REL_SPEC = {rtype: {f.name: f for f in fields} for rtype, fields in RELATION_FIELDS.items()}
_REL_STRUCT = frozenset({"type", "from", "to"})


def _check_props(
    raw: Mapping[str, Any],
    spec: Mapping[str, Field],
    structural: Collection[str],
    where: str,
    problems: list[Problem],
    hint: str,
) -> dict[str, Any] | None:
    props: dict[str, Any] = {}
    ok = True
    for name, value in raw.items():
        if name in structural:
            continue
        field = spec.get(name)
        if field is None:
            problems.append(Problem(where, f"'{name}' is not a property of {hint}; known: {', '.join(spec)}", name))
            ok = False
            continue
        why = check_value(field, value)
        if why:
            problems.append(Problem(where, f"{name} {why}", name))
            ok = False
            continue
        props[name] = value
    for name, field in spec.items():
        if field.required and name not in raw:
            problems.append(Problem(where, f"{name} is required", name))
            ok = False
    return props if ok else None


def _id_problem(value: Any, what: str) -> str | None:
    if not isinstance(value, str):
        return f"must be the string id of {what}, not {_json_type(value)}"
    if not _ID.fullmatch(value):
        return f"{value!r} is not a valid id: 1-128 letters, digits or _ . : @ -, starting with a letter or digit"
    return None


def relation_type(rtype: RelationType | str) -> RelationType:
    """``rtype`` as a ``RelationType``; ``InvalidInput`` naming the types for anything else."""
    try:
        return RelationType(rtype)
    except ValueError:
        raise InvalidInput(f"relation type must be one of {', '.join(RelationType)}, not {rtype!r}") from None


def check_relation_patch(rtype: RelationType, source: str, target: str, changes: Mapping[str, Any]) -> None:
    """A relation's type and ends are its key: an update that names one is refused (delete and create instead)."""
    for name in ("type", "from", "to"):
        if name in changes:
            raise InvalidInput(f"{rtype} {source} -> {target}: {name} cannot change; delete and create instead")


def apply_changes(
    record: Mapping[str, Any], changes: Mapping[str, Any], fields: Collection[Field], where: str
) -> dict[str, Any]:
    """``record`` with ``changes`` applied: a value sets a property, ``None`` removes it.

    Every name in ``changes`` must be a property of the record's kind (a typo
    in a removal must not pass silently); the result still needs parsing.
    """
    known = {f.name for f in fields}
    unknown = [name for name in changes if name not in known]
    if unknown:
        raise InvalidInput(
            [Problem(where, f"'{name}' is not a property here; known: {', '.join(known)}", name) for name in unknown]
        )
    out = dict(record)
    for name, value in changes.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def _fast_check(field: Field) -> Callable[[Any], bool]:
    """A quick yes/no test for ``field`` that agrees with ``check_value`` (used before any message is built)."""
    if field.type == "unit":
        return lambda v: (type(v) is float and 0.0 <= v <= 1.0) or (type(v) is int and 0 <= v <= 1)
    if field.type == "text" and not field.required:
        return lambda v: type(v) is str and len(v) <= TEXT_MAX and not _TEXT_BAD.search(v)
    if field.type == "ref":
        return lambda v: type(v) is str and _ID.fullmatch(v) is not None
    if field.type == "enum":
        assert field.choices is not None
        allowed = frozenset(field.choices._value2member_map_)
        return lambda v: type(v) is str and v in allowed
    return lambda v: check_value(field, v) is None


_FAST = {
    key: ({f.name: _fast_check(f) for f in fields}, tuple(f.name for f in fields if f.required))
    for key, fields in [*NODE_FIELDS.items(), *RELATION_FIELDS.items()]
}


def _fast_props(raw: dict[str, Any], key: NodeKind | RelationType, skip: Collection[str]) -> dict[str, Any] | None:
    checks, required = _FAST[key]
    props: dict[str, Any] = {}
    for name, value in raw.items():
        if name in skip:
            continue
        check = checks.get(name)
        if check is None or not check(value):
            return None
        props[name] = value
    for name in required:
        if name not in props:
            return None
    return props


def parse_node_fast(kind: NodeKind, raw: Any) -> Node | None:
    """``raw`` as a ``Node`` when it is valid, else None, without building any message.

    Bulk imports try this first and call ``parse_node`` only for records it
    refuses, to say why.
    """
    if type(raw) is not dict:
        return None
    node_id = raw.get("id")
    if type(node_id) is not str or _ID.fullmatch(node_id) is None:
        return None
    props = _fast_props(raw, kind, ("id",))
    return None if props is None else Node(kind, node_id, props)


def parse_relation_fast(raw: Any) -> Relation | None:
    """``raw`` as a ``Relation`` when it is valid, else None; see ``parse_node_fast``."""
    if type(raw) is not dict:
        return None
    rel_type = _RELATION_TYPES.get(raw.get("type"))  # type: ignore[arg-type]
    source, target = raw.get("from"), raw.get("to")
    if (
        rel_type is None
        or type(source) is not str
        or type(target) is not str
        or source == target
        or _ID.fullmatch(source) is None
        or _ID.fullmatch(target) is None
    ):
        return None
    props = _fast_props(raw, rel_type, _REL_STRUCT)
    return None if props is None else Relation(rel_type, source, target, props)


_RELATION_TYPES: dict[str, RelationType] = {t.value: t for t in RelationType}


def parse_node(kind: NodeKind, raw: Any, prefix: str, problems: list[Problem]) -> Node | None:
    """Check one raw node record of ``kind``; on success return it as a ``Node``.

    ``prefix`` names the record in messages (``people[3]``); the id is added
    when it can be read. Problems are appended to ``problems``.
    """
    if not isinstance(raw, Mapping):
        problems.append(Problem(prefix, f"must be an object, not {_json_type(raw)}"))
        return None
    node_id = raw.get("id")
    where = f"{prefix} ({node_id})" if isinstance(node_id, str) and node_id else prefix
    before = len(problems)
    if "id" not in raw:
        problems.append(Problem(where, "id is required", "id"))
    else:
        why = _id_problem(node_id, with_article(kind))
        if why:
            problems.append(Problem(where, f"id {why}", "id"))
    props = _check_props(raw, _NODE_SPEC[kind], ("id",), where, problems, with_article(kind))
    if props is None or len(problems) > before:
        return None
    return Node(kind, node_id, props)  # type: ignore[arg-type]


def parse_relation(raw: Any, prefix: str, problems: list[Problem]) -> Relation | None:
    """Check one raw relation record ``{"type", "from", "to", ...}``; see ``parse_node``."""
    if not isinstance(raw, Mapping):
        problems.append(Problem(prefix, f"must be an object, not {_json_type(raw)}"))
        return None
    rtype, source, target = raw.get("type"), raw.get("from"), raw.get("to")
    where = f"{prefix} ({rtype or '?'} {source or '?'} -> {target or '?'})"
    before = len(problems)
    if rtype not in RelationType._value2member_map_:
        choices = ", ".join(RelationType)
        problems.append(Problem(where, f"type must be one of {choices}, not {rtype!r}", "type"))
        return None
    rel_type = RelationType(str(rtype))
    for name, value, end in (("from", source, "source"), ("to", target, "target")):
        if name not in raw:
            problems.append(Problem(where, f"{name} is required", name))
            continue
        why = _id_problem(value, f"the {end} node")
        if why:
            problems.append(Problem(where, f"{name} {why}", name))
    if isinstance(source, str) and source == target:
        problems.append(Problem(where, f"a node cannot have a {rel_type} relation to itself"))
    props = _check_props(raw, _REL_SPEC[rel_type], _REL_STRUCT, where, problems, f"a {rel_type} relation")
    if props is None or len(problems) > before:
        return None
    return Relation(rel_type, source, target, props)  # type: ignore[arg-type]


def _kinds(kinds: Iterable[NodeKind]) -> str:
    return " or ".join(sorted(kinds))


def check_graph(
    nodes: Sequence[tuple[Label, Node]],
    relations: Sequence[tuple[Label, Relation]],
    existing: ExistingGraph = EMPTY_GRAPH,
    broken: Collection[str] = (),
) -> list[Problem]:
    """Check records (each with the label that names it) against each other and the store.

    The graph that results from writing ``nodes`` and ``relations`` over
    ``existing`` (upsert by id and by (type, from, to)) must keep every
    integrity rule. Cost: O(records) plus one batched look-up of the ids they
    mention that are not among them. References to ``broken`` ids (records
    already reported for problems of their own) are not reported again.
    """
    problems: list[Problem] = []
    new: dict[str, Node] = {}
    where_of: dict[str, Label] = {}
    for where, node in nodes:
        if node.id in new:
            problems.append(
                Problem(label_text(where), f"id '{node.id}' is already used by {label_text(where_of[node.id])}", "id")
            )
            continue
        new[node.id] = node
        where_of[node.id] = where

    mentioned: set[str] = set(new)
    for _, node in nodes:
        for name in ("account", "site"):
            ref = node.props.get(name)
            if isinstance(ref, str):
                mentioned.add(ref)
    for _, rel in relations:
        mentioned.add(rel.source)
        mentioned.add(rel.target)
    stored = existing.nodes_by_id(mentioned)

    def final(node_id: str) -> Node | None:
        node = new.get(node_id)
        return stored.get(node_id) if node is None else node

    changed_sites: list[str] = []
    for where, node in nodes:
        if where_of.get(node.id) is not where:
            continue
        old = stored.get(node.id)
        if old is not None and old.kind != node.kind:
            problems.append(
                Problem(
                    label_text(where),
                    f"id '{node.id}' is already {with_article(old.kind)}; a record cannot change kind "
                    "(choose another id, or delete the old record first)",
                    "id",
                )
            )
            continue
        if node.kind in OWNED_KINDS:
            account_id = node.props["account"]
            owner = final(account_id)
            if owner is None:
                if account_id not in broken:
                    problems.append(Problem(label_text(where), f"account '{account_id}' does not exist", "account"))
            elif owner.kind != NodeKind.ACCOUNT:
                problems.append(
                    Problem(
                        label_text(where), f"'{account_id}' is {with_article(owner.kind)}, not an account", "account"
                    )
                )
            site_id = node.props.get("site")
            if site_id is not None:
                site = final(site_id)
                if site is None:
                    if site_id not in broken:
                        problems.append(Problem(label_text(where), f"site '{site_id}' does not exist", "site"))
                elif site.kind != NodeKind.SITE:
                    problems.append(
                        Problem(label_text(where), f"'{site_id}' is {with_article(site.kind)}, not a site", "site")
                    )
                elif site.account != account_id:
                    problems.append(
                        Problem(
                            label_text(where),
                            f"site '{site_id}' belongs to account '{site.account}', "
                            f"not to the person's account '{account_id}'",
                            "site",
                        )
                    )
            if node.kind == NodeKind.SITE and old is not None and old.account != node.account:
                changed_sites.append(node.id)
    if changed_sites:
        for person in existing.people_at_sites(changed_sites):
            if person.id in new:
                continue
            site = new[str(person.props["site"])]
            if person.account != site.account:
                problems.append(
                    Problem(
                        label_text(where_of[site.id]),
                        f"cannot move the site to account '{site.account}': person '{person.id}' "
                        f"of account '{person.account}' works there",
                        "account",
                    )
                )

    seen_keys: dict[RelationKey, Label] = {}
    reports: list[tuple[Label, str, str]] = []
    for where, rel in relations:
        if rel.key in seen_keys:
            problems.append(
                Problem(label_text(where), f"the same relation is already given by {label_text(seen_keys[rel.key])}")
            )
            continue
        seen_keys[rel.key] = where
        sources, targets = RELATION_ENDPOINTS[rel.type]
        head, tail = final(rel.source), final(rel.target)
        if head is not None and tail is not None and head.kind in sources and tail.kind in targets:
            if rel.type != RelationType.REPORTS_TO:
                continue  # the common case: nothing to report, no message built
            if head.kind == tail.kind:
                reports.append((where, rel.source, rel.target))
                continue
        ends: list[Node] = []
        for field, end_id, allowed in (("from", rel.source, sources), ("to", rel.target, targets)):
            end = final(end_id)
            role = "source" if field == "from" else "target"
            if end is None:
                if end_id not in broken:
                    problems.append(Problem(label_text(where), f"{role} '{end_id}' does not exist", field))
            elif end.kind not in allowed:
                problems.append(
                    Problem(
                        label_text(where),
                        f"{role} '{end_id}' is {with_article(end.kind)}; {rel.type} goes from {_kinds(sources)} "
                        f"to {_kinds(targets)}",
                        field,
                    )
                )
            else:
                ends.append(end)
        if len(ends) == 2 and rel.type == RelationType.REPORTS_TO:
            if ends[0].kind != ends[1].kind:
                problems.append(
                    Problem(
                        label_text(where),
                        f"REPORTS_TO joins a person to a person or a member to a member, "
                        f"not a {ends[0].kind} to a {ends[1].kind}",
                    )
                )
            else:
                reports.append((where, rel.source, rel.target))
    if reports:
        problems.extend(_reporting_cycles(reports, existing))
    return problems


def _reporting_cycles(reports: Sequence[tuple[Label, str, str]], existing: ExistingGraph) -> list[Problem]:
    """One problem per new ``REPORTS_TO`` edge that has to go for the reporting lines to have no cycle.

    The stored edges have no cycle, so every cycle uses a new edge; cycles are
    found among the new edges and the stored edges above their endpoints. In
    each cycle the new edge blamed is the one whose target has the fewest
    direct reports, then whose source has the most (a manager made to report
    to someone who manages nobody else is the usual typo), then the later one
    in the document; it is left out and the search goes on. O(V + E) per
    cycle found.
    """
    up: dict[str, list[str]] = {}
    ends = {s for _, s, _ in reports} | {t for _, _, t in reports}
    for source, target in existing.reports_to_above(ends):
        up.setdefault(source, []).append(target)
    position: dict[tuple[str, str], int] = {}
    for i, (_, source, target) in enumerate(reports):
        if (source, target) not in position:
            position[(source, target)] = i
            up.setdefault(source, []).append(target)
    direct: dict[str, int] = {}
    for targets in up.values():
        for target in targets:
            direct[target] = direct.get(target, 0) + 1
    found: list[tuple[int, Problem]] = []
    while (cycle := _find_cycle(up)) is not None:
        edges = list(itertools.pairwise([*cycle, cycle[0]]))
        new = [e for e in edges if e in position]
        source, target = min(new, key=lambda e: (direct.get(e[1], 0), -direct.get(e[0], 0), -position[e]))
        i = position[(source, target)]
        at = cycle.index(source)
        loop = " -> ".join([*cycle[at:], *cycle[:at], source])
        found.append((i, Problem(label_text(reports[i][0]), f"REPORTS_TO would form a cycle: {loop}")))
        up[source].remove(target)
    return [problem for _, problem in sorted(found, key=lambda f: f[0])]


def _find_cycle(up: Mapping[str, Sequence[str]]) -> list[str] | None:
    """The nodes of one directed cycle of ``up`` in order, or None (iterative DFS)."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for root in up:
        if root in state:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(up.get(root, ())))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == 1:
                    path = [n for n, _ in stack]
                    return path[path.index(child) :]
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(up.get(child, ()))))
                    break
            else:
                state[node] = 2
                stack.pop()
    return None


def _path_up(up: Mapping[str, Sequence[str]], start: str, goal: str) -> list[str] | None:
    """A path start -> ... -> goal along ``up`` (iterative DFS), or None."""
    parent: dict[str, str | None] = {start: None}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            path = [node]
            while (prev := parent[path[-1]]) is not None:
                path.append(prev)
            return path[::-1]
        for nxt in up.get(node, ()):
            if nxt not in parent:
                parent[nxt] = node
                stack.append(nxt)
    return None
