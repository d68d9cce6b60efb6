"""The graphsvc/1 interchange format: lossless round trips, idempotent imports, and its JSON Schema."""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphsvc.demo
from graphsvc.errors import InvalidInput
from graphsvc.interchange import check_document
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
    TeamRole,
)
from graphsvc.model.jsonschema import interchange_schema
from graphsvc.store import GraphStore, ImportMode, open_store
from tests.conftest import export_text, normalized

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "schema" / "interchange.schema.json"
DEMO_FILE = Path(graphsvc.demo.__file__).with_name("portfolio.json")


@contextmanager
def _fresh_store() -> Iterator[GraphStore]:
    """A new, empty SQLite store in its own folder (one per hypothesis example)."""
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{tmp}/graphsvc.db") as store:
        yield store


def _record_count(doc: dict[str, Any]) -> int:
    return sum(len(v) for v in doc.values() if isinstance(v, list))


# -- generated graphs -------------------------------------------------------------------

# One-line text: no control characters, no line or paragraph separators; notes may also hold tabs and line breaks.
_ONE_LINE = st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"])
_FREE_TEXT = st.characters(exclude_categories=["Cc", "Cs"], include_characters="\t\n\r")

_IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,11}", fullmatch=True)
_NAMES = st.text(_ONE_LINE, min_size=1, max_size=12).filter(str.strip)
_TEXTS = st.text(_ONE_LINE, max_size=12)
_NOTES = st.one_of(
    st.text(_FREE_TEXT, max_size=40),
    st.sampled_from(["line one\nline two", "tab\tand\r\nCRLF", "trailing newline\n", "Ümläut — 日本語 😀"]),
)
_UNITS = st.one_of(st.sampled_from([0, 1, 0.0, 1.0, 0.1, 0.5, 1e-9, 0.3333333333333333]), st.floats(0, 1))
_DATES = st.dates().map(date.isoformat)


def _values(enum: type) -> st.SearchStrategy[str]:
    return st.sampled_from([m.value for m in enum])


def _record(draw: st.DrawFn, required: dict[str, Any], optional: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """``required`` plus a random selection of the ``optional`` properties."""
    out = dict(required)
    for name, strategy in optional.items():
        if draw(st.booleans()):
            out[name] = draw(strategy)
    return out


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid graphsvc/1 document: every node kind, every relation type, random optional properties."""
    sizes = {
        "accounts": draw(st.integers(1, 3)),
        "sites": draw(st.integers(0, 3)),
        "people": draw(st.integers(0, 6)),
        "committees": draw(st.integers(0, 2)),
        "influencers": draw(st.integers(0, 3)),
        "members": draw(st.integers(0, 4)),
    }
    ids = iter(draw(st.lists(_IDS, min_size=sum(sizes.values()), max_size=sum(sizes.values()), unique=True)))
    take: Callable[[str], list[str]] = lambda name: [next(ids) for _ in range(sizes[name])]  # noqa: E731

    accounts = [
        _record(
            draw,
            {"id": i, "name": draw(_NAMES), "status": draw(_values(AccountStatus))},
            {
                "approach": _values(Approach),
                "industry": _TEXTS,
                "region": _TEXTS,
                "countries": st.lists(_NAMES, unique=True, max_size=3),
                "notes": _NOTES,
            },
        )
        for i in take("accounts")
    ]
    account_ids = [a["id"] for a in accounts]
    sites = [
        _record(
            draw,
            {"id": i, "account": draw(st.sampled_from(account_ids)), "name": draw(_NAMES)},
            {"country": _TEXTS, "city": _TEXTS, "notes": _NOTES},
        )
        for i in take("sites")
    ]
    people = []
    for i in take("people"):
        account = draw(st.sampled_from(account_ids))
        optional: dict[str, st.SearchStrategy[Any]] = {
            "title": _TEXTS,
            "department": _TEXTS,
            "roles": st.lists(_values(BuyingRole), unique=True, max_size=3),
            "attitude": _values(Attitude),
            "power": _UNITS,
            "notes": _NOTES,
        }
        own_sites = [s["id"] for s in sites if s["account"] == account]
        if own_sites:
            optional["site"] = st.sampled_from(own_sites)
        people.append(_record(draw, {"id": i, "account": account, "name": draw(_NAMES)}, optional))
    committees = [
        _record(
            draw,
            {
                "id": i,
                "account": draw(st.sampled_from(account_ids)),
                "name": draw(_NAMES),
                "kind": draw(_values(CommitteeKind)),
            },
            {"power": _UNITS, "notes": _NOTES},
        )
        for i in take("committees")
    ]
    influencers = [
        _record(
            draw,
            {"id": i, "name": draw(_NAMES), "kind": draw(_values(InfluencerKind))},
            {"organization": _TEXTS, "country": _TEXTS, "notes": _NOTES},
        )
        for i in take("influencers")
    ]
    members = [
        _record(
            draw,
            {"id": i, "name": draw(_NAMES), "role": draw(_values(TeamRole))},
            {"email": _TEXTS, "notes": _NOTES},
        )
        for i in take("members")
    ]

    p = [n["id"] for n in people]
    c = [n["id"] for n in committees]
    inf = [n["id"] for n in influencers]
    m = [n["id"] for n in members]
    # REPORTS_TO only ever points to an earlier person or member, so it never forms a cycle.
    upward = [(x[j], x[i]) for x in (p, m) for i in range(len(x)) for j in range(i + 1, len(x))]
    relation_types: dict[str, tuple[list[tuple[str, str]], dict[str, Any], dict[str, st.SearchStrategy[Any]]]] = {
        "REPORTS_TO": (upward, {}, {"strength": _UNITS, "notes": _NOTES}),
        "MEMBER_OF": (
            [(s, t) for s in p + inf + m for t in c],
            {"role": _values(CommitteeRole)},
            {"strength": _UNITS, "notes": _NOTES},
        ),
        "INFLUENCES": (
            [(s, t) for s in p + inf + c for t in p + c if s != t],
            {},
            {"strength": _UNITS, "kind": _values(InfluenceKind), "notes": _NOTES},
        ),
        "COVERS": (
            [(s, t) for s in m for t in p + c + inf],
            {},
            {"strength": _UNITS, "last_contact": _DATES, "cadence_days": st.integers(1, 3650), "notes": _NOTES},
        ),
        "KNOWS": ([(s, t) for s in m for t in p + inf], {}, {"strength": _UNITS, "notes": _NOTES}),
        "ASSIGNED_TO": ([(s, t) for s in m for t in account_ids], {"role": _values(AssignmentRole)}, {"notes": _NOTES}),
    }
    relations = []
    for rtype, (pairs, required, optional) in relation_types.items():
        if not pairs:
            continue
        for source, target in draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)):
            fixed = {"type": rtype, "from": source, "to": target, **{k: draw(v) for k, v in required.items()}}
            relations.append(_record(draw, fixed, optional))
    relations = draw(st.permutations(relations))

    doc: dict[str, Any] = {"format": "graphsvc/1"}
    lists = {
        "accounts": accounts,
        "sites": sites,
        "people": people,
        "committees": committees,
        "influencers": influencers,
        "members": members,
        "relations": relations,
    }
    for name, items in lists.items():
        if items or draw(st.booleans()):  # an empty list may be written or left out
            doc[name] = draw(st.permutations(items))
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=graphs())
def test_export_then_import_round_trips_any_valid_graph_byte_for_byte(doc: dict[str, Any]) -> None:
    with _fresh_store() as first:
        first.import_document(copy.deepcopy(doc))
        exported = export_text(first)
    with _fresh_store() as second:
        second.import_document(json.loads(exported))
        again = export_text(second)
        revision = second.revision()
        repeat = second.import_document(json.loads(again))
        assert (repeat.created, repeat.updated, repeat.unchanged) == (0, 0, _record_count(doc))
        assert second.revision() == revision
        assert export_text(second) == again
    assert again == exported
    assert json.loads(exported) == normalized(doc)


@settings(max_examples=150, deadline=None)
@given(doc=graphs())
def test_json_schema_accepts_every_valid_generated_graph(doc: dict[str, Any]) -> None:
    check_document(doc)  # the generator makes only valid graphs
    errors = [e.message for e in _validator().iter_errors(doc)]
    assert errors == []


# -- idempotence ------------------------------------------------------------------------


def _demo_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(params=["small_doc", "demo"])
def any_doc(request: pytest.FixtureRequest, small_doc: dict[str, Any]) -> dict[str, Any]:
    return small_doc if request.param == "small_doc" else _demo_doc()


def test_importing_the_same_document_twice_changes_nothing_the_second_time(
    store: GraphStore, any_doc: dict[str, Any]
) -> None:
    first = store.import_document(copy.deepcopy(any_doc))
    assert first.created == _record_count(any_doc)
    exported = export_text(store)
    revision = store.revision()
    accounts = {a["id"]: store.account_revision(a["id"]) for a in any_doc["accounts"]}

    second = store.import_document(copy.deepcopy(any_doc))

    assert (second.created, second.updated, second.unchanged) == (0, 0, _record_count(any_doc))
    assert second.accounts == ()
    assert store.revision() == revision
    assert {a: store.account_revision(a) for a in accounts} == accounts
    assert export_text(store) == exported


def test_replace_import_of_the_same_document_leaves_the_same_graph(store: GraphStore, any_doc: dict[str, Any]) -> None:
    store.import_document(copy.deepcopy(any_doc))
    exported = export_text(store)

    store.import_document(copy.deepcopy(any_doc), ImportMode.REPLACE)
    assert export_text(store) == exported
    store.import_document(copy.deepcopy(any_doc), ImportMode.REPLACE)
    assert export_text(store) == exported
    assert json.loads(exported) == normalized(any_doc)


# -- the JSON Schema --------------------------------------------------------------------


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_schema_file_is_generated_from_the_model() -> None:
    on_disk = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert on_disk == interchange_schema(), "schema/interchange.schema.json is stale: run `make schema`"
    jsonschema.Draft202012Validator.check_schema(on_disk)


def test_schema_accepts_the_small_document(small_doc: dict[str, Any]) -> None:
    assert [e.message for e in _validator().iter_errors(small_doc)] == []


def test_schema_accepts_the_demo_portfolio() -> None:
    doc = _demo_doc()  # a missing or broken demo file fails here
    assert [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(doc)] == []


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _rename(path: tuple[Any, ...], old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path:
            target = target[key]
        target[new] = target.pop(old)

    return change


# relations[4] of the small document is COVERS m_kam -> p_buyer with strength 0.7.
_BROKEN = {
    "misspelt_relation_property": _rename(("relations", 4), "strength", "stength"),
    "unknown_person_property": _set(("people", 0, "titel"), "CEO"),
    "unknown_top_level_list": _set(("contacts",), []),
    "attitude_not_in_enum": _set(("people", 1, "attitude"), "hostile"),
    "account_status_not_in_enum": _set(("accounts", 0, "status"), "vip"),
    "relation_type_not_in_enum": _set(("relations", 4, "type"), "COVER"),
    "strength_above_one": _set(("relations", 4, "strength"), 1.5),
    "power_below_zero": _set(("people", 0, "power"), -0.1),
    "impossible_date": _set(("relations", 4, "last_contact"), "2026-02-30"),
    "null_instead_of_absent": _set(("people", 0, "title"), None),
}


@pytest.mark.parametrize("broken", list(_BROKEN))
def test_schema_and_model_both_reject_a_broken_record(small_doc: dict[str, Any], broken: str) -> None:
    _BROKEN[broken](small_doc)
    assert not _validator().is_valid(small_doc)
    with pytest.raises(InvalidInput):
        check_document(small_doc)
