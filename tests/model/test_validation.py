"""Validation of single records (parse_node / parse_relation) and of the graph they form
(check_graph / check_document): pure functions, no store."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import pytest

from graphsvc.errors import InvalidInput, Problem
from graphsvc.interchange import check_document
from graphsvc.model import (
    Attitude,
    BuyingRole,
    Node,
    NodeKind,
    Relation,
    RelationType,
    check_graph,
    parse_node,
    parse_relation,
)

PERSON = {"id": "p_x", "account": "acc_a", "name": "Xenia X"}
COVER = {"type": "COVERS", "from": "m_kam", "to": "p_x", "strength": 0.5}


def node_problems(kind: NodeKind, raw: Any, prefix: str = "people[0]") -> list[Problem]:
    """The problems parse_node finds in ``raw``; a record is returned exactly when there are none."""
    problems: list[Problem] = []
    node = parse_node(kind, raw, prefix, problems)
    assert (node is None) == bool(problems)
    return problems


def relation_problems(raw: Any, prefix: str = "relations[0]") -> list[Problem]:
    problems: list[Problem] = []
    rel = parse_relation(raw, prefix, problems)
    assert (rel is None) == bool(problems)
    return problems


def person_with(**props: Any) -> list[Problem]:
    return node_problems(NodeKind.PERSON, {**PERSON, **props})


def cover_with(**props: Any) -> list[Problem]:
    return relation_problems({**COVER, **props})


def only_problem(problems: list[Problem], field: str) -> Problem:
    """The single problem, which must concern ``field`` and name it in its message."""
    assert len(problems) == 1, problems
    assert problems[0].field == field
    assert field in problems[0].message
    return problems[0]


# -- a valid record comes back as a record ------------------------------------------------------------------------


def test_valid_person_is_returned_with_its_properties_and_without_the_id() -> None:
    problems: list[Problem] = []
    node = parse_node(NodeKind.PERSON, {**PERSON, "roles": ["decider"], "power": 0.8}, "people[0]", problems)
    assert problems == []
    assert node == Node(
        NodeKind.PERSON, "p_x", {"account": "acc_a", "name": "Xenia X", "roles": ["decider"], "power": 0.8}
    )


def test_valid_relation_is_returned_with_type_endpoints_and_properties() -> None:
    problems: list[Problem] = []
    rel = parse_relation({**COVER, "last_contact": "2026-01-15", "cadence_days": 30}, "relations[0]", problems)
    assert problems == []
    assert rel == Relation(
        RelationType.COVERS, "m_kam", "p_x", {"strength": 0.5, "last_contact": "2026-01-15", "cadence_days": 30}
    )


# -- text: one line, at most 500 characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["Head of Purchasing", "Jürgen Müller-Lüdenscheidt ☃ 北京", "x" * 500],
    ids=["ascii", "unicode", "500-chars"],
)
def test_text_property_accepts_one_line_up_to_500_characters(value: str) -> None:
    assert person_with(title=value) == []


@pytest.mark.parametrize(
    "value",
    [
        "two\nlines",
        "tab\there",
        "carriage\rreturn",
        "nul\x00byte",
        "escape \x1b[31mred",
        "delete\x7f",
        "lone surrogate \ud800",
        "next line \x85 (C1 control)",
        "control sequence introducer \x9b31m (C1 control)",
        "line separator \u2028 here",
    ],
    ids=["LF", "TAB", "CR", "NUL", "ESC", "DEL", "surrogate", "NEL-C1", "CSI-C1", "U+2028"],
)
def test_text_property_with_a_control_or_line_break_character_is_rejected(value: str) -> None:
    only_problem(person_with(title=value), "title")


def test_text_property_of_501_characters_is_rejected_with_its_length() -> None:
    problem = only_problem(person_with(title="x" * 501), "title")
    assert "501" in problem.message
    assert "500" in problem.message


@pytest.mark.parametrize("value", [42, 4.2, True, ["CEO"], {"en": "CEO"}], ids=repr)
def test_text_property_that_is_not_a_string_is_rejected(value: Any) -> None:
    problem = only_problem(person_with(title=value), "title")
    assert "must be a string" in problem.message


@pytest.mark.parametrize("value", ["", "   ", "\u3000"], ids=["empty", "spaces", "ideographic-space"])
def test_required_name_that_is_blank_is_rejected(value: str) -> None:
    problem = only_problem(person_with(name=value), "name")
    assert "must not be empty" in problem.message


# -- note: free text, at most 10,000 characters -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["Met at Hannover Messe.\nPrefers calls.\r\n\tFollow up in Q3.", "n" * 10_000],
    ids=["multi-line-with-tab", "10000-chars"],
)
def test_note_accepts_line_breaks_tabs_and_up_to_10000_characters(value: str) -> None:
    assert person_with(notes=value) == []


@pytest.mark.parametrize(
    "value",
    ["nul\x00", "bell\x07", "escape\x1b[2J", "vertical tab\x0b", "form feed\x0c", "delete\x7f", "surrogate\udfff"],
    ids=["NUL", "BEL", "ESC", "VT", "FF", "DEL", "surrogate"],
)
def test_note_with_a_control_character_other_than_line_breaks_and_tab_is_rejected(value: str) -> None:
    problem = only_problem(person_with(notes=value), "notes")
    assert "control character" in problem.message


def test_note_of_10001_characters_is_rejected() -> None:
    problem = only_problem(person_with(notes="n" * 10_001), "notes")
    assert "10001" in problem.message


# -- unit: a number in [0, 1] ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, 0.5, 1e-12, -0.0], ids=repr)
def test_unit_accepts_numbers_from_exactly_0_to_exactly_1(value: float) -> None:
    assert person_with(power=value) == []
    assert cover_with(strength=value) == []


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        -0.1,
        -1e-12,
        1.0000001,
        2,
        math.nan,
        math.inf,
        -math.inf,
        "0.5",
        [0.5],
        pytest.param(10**400, id="10**400"),
    ],
    ids=repr,
)
def test_unit_rejects_booleans_nan_infinity_strings_and_values_outside_0_to_1(value: Any) -> None:
    only_problem(person_with(power=value), "power")
    only_problem(cover_with(strength=value), "strength")


# -- days: a whole number 1..3650 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 90, 3650])
def test_cadence_days_accepts_whole_numbers_from_1_to_3650(value: int) -> None:
    assert cover_with(cadence_days=value) == []


@pytest.mark.parametrize("value", [0, -7, 3651, True, 30.5, "90", math.nan], ids=repr)
def test_cadence_days_rejects_zero_negative_too_large_fractional_boolean_and_string(value: Any) -> None:
    only_problem(cover_with(cadence_days=value), "cadence_days")


# -- date: YYYY-MM-DD, a real calendar day ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-02-28", "2024-02-29", "2026-12-31", "0001-01-01"])
def test_date_accepts_real_calendar_days_written_yyyy_mm_dd(value: str) -> None:
    assert cover_with(last_contact=value) == []


@pytest.mark.parametrize(
    "value",
    ["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00"],
)
def test_date_that_does_not_exist_in_the_calendar_is_rejected(value: str) -> None:
    problem = only_problem(cover_with(last_contact=value), "last_contact")
    assert value in problem.message


@pytest.mark.parametrize(
    "value",
    [
        "2026-2-3",
        "26-02-03",
        "2026/02/03",
        "03.02.2026",
        "20260203",
        "2026-02-03T10:00:00",
        " 2026-02-03",
        "2026-02-03 ",
        "2026-02-03\n",
        "\uff12\uff10\uff12\uff16-02-03",  # fullwidth digits
        "",
        20260203,
        True,
    ],
    ids=repr,
)
def test_date_in_another_format_or_type_is_rejected(value: Any) -> None:
    only_problem(cover_with(last_contact=value), "last_contact")


# -- enum and enum_list ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [a.value for a in Attitude])
def test_attitude_accepts_every_value_of_the_vocabulary(value: str) -> None:
    assert person_with(attitude=value) == []


@pytest.mark.parametrize("value", ["Champion", "CHAMPION", "fan", "", " champion", 1, ["champion"]], ids=repr)
def test_attitude_outside_the_vocabulary_is_rejected_listing_the_allowed_values(value: Any) -> None:
    problem = only_problem(person_with(attitude=value), "attitude")
    assert "champion, supporter, neutral, skeptic, opponent, unknown" in problem.message


@pytest.mark.parametrize(
    ("kind", "record", "field"),
    [
        (NodeKind.ACCOUNT, {"id": "a", "name": "A", "status": "vip"}, "status"),
        (NodeKind.ACCOUNT, {"id": "a", "name": "A", "status": "key", "approach": "direct"}, "approach"),
        (NodeKind.COMMITTEE, {"id": "c", "account": "a", "name": "C", "kind": "jury"}, "kind"),
        (NodeKind.INFLUENCER, {"id": "i", "name": "I", "kind": "lobbyist"}, "kind"),
        (NodeKind.MEMBER, {"id": "m", "name": "M", "role": "sales_rep"}, "role"),
    ],
    ids=["account-status", "account-approach", "committee-kind", "influencer-kind", "member-role"],
)
def test_node_enum_outside_the_vocabulary_is_rejected(kind: NodeKind, record: dict[str, Any], field: str) -> None:
    only_problem(node_problems(kind, record), field)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"type": "MEMBER_OF", "from": "p", "to": "c", "role": "president"}, "role"),
        ({"type": "INFLUENCES", "from": "p", "to": "q", "kind": "emotional"}, "kind"),
        ({"type": "ASSIGNED_TO", "from": "m", "to": "a", "role": "owner"}, "role"),
    ],
    ids=["member_of-role", "influences-kind", "assigned_to-role"],
)
def test_relation_enum_outside_the_vocabulary_is_rejected(record: dict[str, Any], field: str) -> None:
    only_problem(relation_problems(record), field)


@pytest.mark.parametrize("value", [[], ["decider"], [r.value for r in BuyingRole]], ids=["none", "one", "all"])
def test_roles_accepts_distinct_buying_center_roles(value: list[str]) -> None:
    assert person_with(roles=value) == []


def test_roles_listing_a_role_twice_is_rejected_naming_the_role() -> None:
    problem = only_problem(person_with(roles=["decider", "buyer", "decider"]), "roles")
    assert "'decider' twice" in problem.message


@pytest.mark.parametrize(
    "value",
    [["boss"], ["Decider"], "decider", [1], [None], ["decider"] * 101],
    ids=["unknown", "wrong-case", "not-a-list", "number", "null-entry", "101-entries"],
)
def test_roles_with_a_value_outside_the_vocabulary_or_not_a_list_is_rejected(value: Any) -> None:
    only_problem(person_with(roles=value), "roles")


# -- text_list -------------------------------------------------------------------------------------------------------


def account_with(**props: Any) -> list[Problem]:
    return node_problems(NodeKind.ACCOUNT, {"id": "acc_a", "name": "A", "status": "key", **props}, "accounts[0]")


@pytest.mark.parametrize("value", [[], ["DE"], ["DE", "FR", "CN"], [f"C{i}" for i in range(100)]], ids=len)
def test_countries_accepts_up_to_100_distinct_one_line_strings(value: list[str]) -> None:
    assert account_with(countries=value) == []


def test_countries_listing_a_country_twice_is_rejected_naming_it() -> None:
    problem = only_problem(account_with(countries=["DE", "FR", "DE"]), "countries")
    assert "'DE' twice" in problem.message


@pytest.mark.parametrize(
    "value",
    [["DE\n"], ["D\x00E"], [49], "DE", [["DE"]], [f"C{i}" for i in range(101)]],
    ids=["newline", "nul", "number", "not-a-list", "nested-list", "101-entries"],
)
def test_countries_with_a_bad_entry_or_not_a_list_is_rejected(value: Any) -> None:
    only_problem(account_with(countries=value), "countries")


# -- ref ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [7, "", "acc a", "_acc", ["acc_a"], {"id": "acc_a"}], ids=repr)
def test_account_reference_that_is_not_an_id_string_is_rejected(value: Any) -> None:
    only_problem(person_with(account=value), "account")


def test_site_reference_that_is_not_an_id_string_is_rejected() -> None:
    only_problem(person_with(site="Dortmund plant"), "site")


# -- null values, unknown properties, required fields -----------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "notes", "power", "roles", "attitude", "site", "name", "account"])
def test_null_node_property_is_rejected_with_a_hint_to_leave_it_out(field: str) -> None:
    problem = only_problem(person_with(**{field: None}), field)
    assert "must not be null" in problem.message
    assert "leave the property out" in problem.message


@pytest.mark.parametrize("field", ["strength", "last_contact", "cadence_days", "notes"])
def test_null_relation_property_is_rejected(field: str) -> None:
    problem = only_problem(cover_with(**{field: None}), field)
    assert "must not be null" in problem.message


def test_unknown_relation_property_is_rejected_naming_it_and_the_known_ones() -> None:
    record = {"type": "COVERS", "from": "m_kam", "to": "p_x", "stength": 0.5}
    problem = only_problem(relation_problems(record), "stength")
    assert "'stength' is not a property of a COVERS relation" in problem.message
    assert "strength" in problem.message.split("known:")[1]


@pytest.mark.parametrize(
    ("kind", "record", "unknown"),
    [
        (NodeKind.PERSON, {**PERSON, "atitude": "champion"}, "atitude"),
        (NodeKind.PERSON, {**PERSON, "email": "x@example.com"}, "email"),
        (NodeKind.PERSON, {**PERSON, "kind": "planner"}, "kind"),
        (NodeKind.MEMBER, {"id": "m", "name": "M", "role": "kam", "account": "acc_a"}, "account"),
        (NodeKind.INFLUENCER, {"id": "i", "name": "I", "kind": "planner", "power": 0.5}, "power"),
        (NodeKind.ACCOUNT, {"id": "a", "name": "A", "status": "key", "country": "DE"}, "country"),
    ],
    ids=["person-typo", "person-email", "person-kind", "member-account", "influencer-power", "account-country"],
)
def test_property_the_kind_does_not_have_is_rejected_naming_it(
    kind: NodeKind, record: dict[str, Any], unknown: str
) -> None:
    problem = only_problem(node_problems(kind, record), unknown)
    assert f"'{unknown}' is not a property of" in problem.message
    assert str(kind) in problem.message


@pytest.mark.parametrize(
    ("record", "unknown"),
    [
        ({"type": "REPORTS_TO", "from": "a", "to": "b", "role": "member"}, "role"),
        ({"type": "KNOWS", "from": "a", "to": "b", "last_contact": "2026-01-01"}, "last_contact"),
        ({"type": "ASSIGNED_TO", "from": "a", "to": "b", "role": "lead", "strength": 0.5}, "strength"),
        ({"type": "INFLUENCES", "from": "a", "to": "b", "cadence_days": 30}, "cadence_days"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_property_the_relation_type_does_not_have_is_rejected(record: dict[str, Any], unknown: str) -> None:
    problem = only_problem(relation_problems(record), unknown)
    assert f"is not a property of a {record['type']} relation" in problem.message


@pytest.mark.parametrize(
    ("kind", "record", "missing"),
    [
        (NodeKind.ACCOUNT, {"id": "a", "status": "key"}, "name"),
        (NodeKind.ACCOUNT, {"id": "a", "name": "A"}, "status"),
        (NodeKind.SITE, {"id": "s", "name": "S"}, "account"),
        (NodeKind.SITE, {"id": "s", "account": "a"}, "name"),
        (NodeKind.PERSON, {"id": "p", "name": "P"}, "account"),
        (NodeKind.PERSON, {"id": "p", "account": "a"}, "name"),
        (NodeKind.COMMITTEE, {"id": "c", "account": "a", "name": "C"}, "kind"),
        (NodeKind.COMMITTEE, {"id": "c", "name": "C", "kind": "board"}, "account"),
        (NodeKind.INFLUENCER, {"id": "i", "name": "I"}, "kind"),
        (NodeKind.INFLUENCER, {"id": "i", "kind": "planner"}, "name"),
        (NodeKind.MEMBER, {"id": "m", "name": "M"}, "role"),
        (NodeKind.MEMBER, {"id": "m", "role": "kam"}, "name"),
        (NodeKind.MEMBER, {"name": "M", "role": "kam"}, "id"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_node_without_a_required_property_is_rejected_naming_it(
    kind: NodeKind, record: dict[str, Any], missing: str
) -> None:
    problem = only_problem(node_problems(kind, record), missing)
    assert problem.message == f"{missing} is required"


@pytest.mark.parametrize(
    ("record", "missing"),
    [
        ({"type": "MEMBER_OF", "from": "p", "to": "c"}, "role"),
        ({"type": "ASSIGNED_TO", "from": "m", "to": "a"}, "role"),
        ({"type": "KNOWS", "to": "p", "strength": 0.5}, "from"),
        ({"type": "KNOWS", "from": "m", "strength": 0.5}, "to"),
    ],
    ids=["member_of-role", "assigned_to-role", "from", "to"],
)
def test_relation_without_a_required_property_is_rejected_naming_it(record: dict[str, Any], missing: str) -> None:
    problem = only_problem(relation_problems(record), missing)
    assert problem.message == f"{missing} is required"


@pytest.mark.parametrize("rtype", ["FOLLOWS", "covers", None, 3])
def test_relation_of_an_unknown_type_is_rejected_listing_the_types(rtype: Any) -> None:
    problem = only_problem(relation_problems({"type": rtype, "from": "m", "to": "p"}), "type")
    assert "REPORTS_TO, MEMBER_OF, INFLUENCES, COVERS, KNOWS, ASSIGNED_TO" in problem.message


@pytest.mark.parametrize("raw", [None, [], "p_x", 3], ids=repr)
def test_record_that_is_not_an_object_is_rejected(raw: Any) -> None:
    assert [p.where for p in node_problems(NodeKind.PERSON, raw, "people[5]")] == ["people[5]"]
    assert [p.where for p in relation_problems(raw, "relations[5]")] == ["relations[5]"]


# -- ids -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("node_id", ["a", "7", "p_x", "P-1.2:x@example.com", "a" * 128], ids=lambda v: v[:12])
def test_id_of_1_to_128_letters_digits_and_punctuation_is_accepted(node_id: str) -> None:
    assert node_problems(NodeKind.MEMBER, {"id": node_id, "name": "M", "role": "kam"}) == []


@pytest.mark.parametrize(
    "node_id",
    ["", "_x", "-x", ".x", "p x", "p/x", "p#x", "jürgen", "a" * 129, "p_x\n", "\np_x", "p_x\t", 12, True],
    ids=repr,
)
def test_id_outside_the_id_pattern_is_rejected(node_id: Any) -> None:
    only_problem(node_problems(NodeKind.MEMBER, {"id": node_id, "name": "M", "role": "kam"}), "id")


@pytest.mark.parametrize("end", ["from", "to"])
@pytest.mark.parametrize("value", ["", "p x", 5, "p_x\n"], ids=repr)
def test_relation_endpoint_that_is_not_an_id_is_rejected(end: str, value: Any) -> None:
    only_problem(relation_problems({**COVER, end: value}), end)


@pytest.mark.parametrize(
    "rtype", ["REPORTS_TO", "MEMBER_OF", "INFLUENCES", "COVERS", "KNOWS", "ASSIGNED_TO"], ids=str.lower
)
def test_relation_from_a_node_to_itself_is_rejected(rtype: str) -> None:
    record = {"type": rtype, "from": "n_1", "to": "n_1"}
    if rtype in ("MEMBER_OF", "ASSIGNED_TO"):
        record["role"] = "member"
    problems = relation_problems(record)
    assert len(problems) == 1
    assert "to itself" in problems[0].message


# -- every problem is collected and labelled ------------------------------------------------------------------------


def test_record_with_several_problems_reports_each_of_them_under_its_label() -> None:
    problems = node_problems(
        NodeKind.PERSON,
        {"id": "p_x", "account": "acc_a", "power": 1.5, "attitude": "hostile", "stength": 1, "roles": ["user"] * 2},
        "people[3]",
    )
    assert {p.field for p in problems} == {"power", "attitude", "stength", "roles", "name"}
    assert {p.where for p in problems} == {"people[3] (p_x)"}


def test_relation_problems_are_labelled_with_type_and_endpoints() -> None:
    problems = relation_problems({**COVER, "strength": 7, "cadence_days": 0}, "relations[12]")
    assert {p.where for p in problems} == {"relations[12] (COVERS m_kam -> p_x)"}
    assert {p.field for p in problems} == {"strength", "cadence_days"}


def _doc(**lists: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "graphsvc/1", **lists}


def _problems_of(raw: Any) -> tuple[Problem, ...]:
    with pytest.raises(InvalidInput) as info:
        check_document(raw)
    return info.value.problems


def test_document_with_eight_distinct_problems_reports_exactly_eight_naming_each_record(
    small_doc: dict[str, Any],
) -> None:
    small_doc["accounts"][1]["status"] = "vip"  # 1
    small_doc["people"][2]["atitude"] = "neutral"  # 2
    small_doc["people"].append({"id": "p_new", "account": "acc_acme", "name": "New", "power": 1.5})  # 3
    small_doc["members"].append({"id": "m_new", "name": "New"})  # 4
    small_doc["relations"][3]["strength"] = -0.2  # 5
    small_doc["relations"][4]["last_contact"] = "2026-02-30"  # 6
    small_doc["committees"].append({"id": "com_x", "account": "acc_missing", "name": "X", "kind": "board"})  # 7
    small_doc["relations"].append({"type": "KNOWS", "from": "m_kam", "to": "p_nobody", "strength": 0.5})  # 8
    problems = _problems_of(small_doc)
    assert [(p.where, p.field) for p in problems] == [
        ("accounts[1] (acc_bolt)", "status"),
        ("people[2] (p_bolt)", "atitude"),
        ("people[3] (p_new)", "power"),
        ("members[2] (m_new)", "role"),
        ("relations[3] (INFLUENCES inf_planner -> p_buyer)", "strength"),
        ("relations[4] (COVERS m_kam -> p_buyer)", "last_contact"),
        ("committees[1] (com_x)", "account"),
        ("relations[7] (KNOWS m_kam -> p_nobody)", "to"),
    ]


def test_document_problem_messages_name_the_list_index_and_id_of_the_record(small_doc: dict[str, Any]) -> None:
    small_doc["people"].append({"id": "p_x", "account": "acc_acme", "name": "X", "attitude": "hostile"})
    [line] = [str(p) for p in _problems_of(small_doc)]
    assert line.startswith("people[3] (p_x): attitude must be one of")


def test_relation_to_a_missing_node_is_named_by_index_type_and_endpoints(small_doc: dict[str, Any]) -> None:
    for target in ("p_ceo", "p_buyer", "p_bolt", "inf_planner"):  # relations[7..10]
        small_doc["relations"].append({"type": "KNOWS", "from": "m_lead", "to": target, "strength": 0.5})
    small_doc["relations"].append({"type": "COVERS", "from": "m_lead", "to": "p_ceo"})  # relations[11]
    small_doc["relations"].append({"type": "COVERS", "from": "m_kam", "to": "p_x", "strength": 0.5})
    assert [str(p) for p in _problems_of(small_doc)] == [
        "relations[12] (COVERS m_kam -> p_x): target 'p_x' does not exist"
    ]


def test_references_to_a_record_broken_on_its_own_are_not_reported_again(small_doc: dict[str, Any]) -> None:
    small_doc["people"].append({"id": "p_x", "account": "acc_acme", "name": "X", "attitude": "hostile"})
    small_doc["relations"].append({"type": "COVERS", "from": "m_kam", "to": "p_x", "strength": 0.5})
    small_doc["accounts"][1]["status"] = "vip"  # p_bolt's account
    assert [(p.where, p.field) for p in _problems_of(small_doc)] == [
        ("accounts[1] (acc_bolt)", "status"),
        ("people[3] (p_x)", "attitude"),
    ]


def test_invalid_input_message_shows_twenty_problems_and_counts_the_rest() -> None:
    people = [{"id": f"p_{i}", "account": "acc_a", "name": "P", "power": 2} for i in range(25)]
    with pytest.raises(InvalidInput) as info:
        check_document(_doc(accounts=[{"id": "acc_a", "name": "A", "status": "key"}], people=people))
    assert len(info.value.problems) == 25
    lines = str(info.value).splitlines()
    assert len(lines) == 21
    assert lines[0].startswith("people[0] (p_0): power")
    assert lines[-1] == "... and 5 more problem(s)"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ([], "must be a JSON object"),
        ({"accounts": []}, "format must be 'graphsvc/1'"),
        ({"format": "graphsvc/2"}, "format must be 'graphsvc/1'"),
        (_doc(peoples=[]), "'peoples' is not part of graphsvc/1"),
        (_doc(people={"p": {}}), "people must be a list"),
        (_doc(relations={}), "relations must be a list"),
    ],
    ids=["not-object", "no-format", "wrong-format", "unknown-list", "list-not-list", "relations-not-list"],
)
def test_malformed_document_is_rejected_saying_what_is_wrong(raw: Any, fragment: str) -> None:
    assert any(fragment in str(p) for p in _problems_of(raw))


def test_valid_document_is_returned_with_every_record(small_doc: dict[str, Any]) -> None:
    doc = check_document(small_doc)
    assert len(doc) == 17
    assert doc.to_dict()["people"] == small_doc["people"]
    assert doc.to_dict()["relations"] == small_doc["relations"]


def test_document_with_every_list_left_out_is_an_empty_graph() -> None:
    assert len(check_document({"format": "graphsvc/1"})) == 0


# -- check_graph: rules between records -----------------------------------------------------------------------------


def _graph_problems(raw: dict[str, Any]) -> list[str]:
    return [str(p) for p in _problems_of(raw)]


ACC = {"id": "acc_a", "name": "A", "status": "key"}
ACC_B = {"id": "acc_b", "name": "B", "status": "key"}


def test_same_id_in_two_lists_is_rejected_naming_both_records() -> None:
    raw = _doc(accounts=[ACC], members=[{"id": "acc_a", "name": "M", "role": "kam"}])
    assert _graph_problems(raw) == ["members[0] (acc_a): id 'acc_a' is already used by accounts[0] (acc_a)"]


def test_same_relation_twice_in_a_document_is_rejected() -> None:
    raw = _doc(
        people=[{"id": "p_a", "account": "acc_a", "name": "A"}, {"id": "p_b", "account": "acc_a", "name": "B"}],
        accounts=[ACC],
        relations=[{"type": "INFLUENCES", "from": "p_a", "to": "p_b"}] * 2,
    )
    assert _graph_problems(raw) == [
        "relations[1] (INFLUENCES p_a -> p_b): the same relation is already given by relations[0] "
        "(INFLUENCES p_a -> p_b)"
    ]


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        ("acc_missing", "account 'acc_missing' does not exist"),
        ("m_1", "'m_1' is a member, not an account"),
    ],
)
@pytest.mark.parametrize("kind", ["sites", "people", "committees"])
def test_owned_record_must_belong_to_an_existing_account(kind: str, owner: str, expected: str) -> None:
    record = {"id": "x_1", "account": owner, "name": "X"}
    if kind == "committees":
        record["kind"] = "board"
    raw = _doc(accounts=[ACC], members=[{"id": "m_1", "name": "M", "role": "kam"}], **{kind: [record]})
    assert _graph_problems(raw) == [f"{kind}[0] (x_1): {expected}"]


def test_person_at_a_site_of_another_account_is_rejected_naming_both_accounts() -> None:
    raw = _doc(
        accounts=[ACC, ACC_B],
        sites=[{"id": "s_b", "account": "acc_b", "name": "B plant"}],
        people=[{"id": "p_a", "account": "acc_a", "site": "s_b", "name": "A"}],
    )
    assert _graph_problems(raw) == [
        "people[0] (p_a): site 's_b' belongs to account 'acc_b', not to the person's account 'acc_a'"
    ]


@pytest.mark.parametrize(("site", "expected"), [("s_none", "does not exist"), ("acc_a", "not a site")])
def test_person_site_must_be_an_existing_site(site: str, expected: str) -> None:
    raw = _doc(accounts=[ACC], people=[{"id": "p_a", "account": "acc_a", "site": site, "name": "A"}])
    [problem] = _problems_of(raw)
    assert problem.where == "people[0] (p_a)"
    assert problem.field == "site"
    assert f"'{site}'" in problem.message
    assert expected in problem.message


NODES = _doc(
    accounts=[ACC],
    sites=[{"id": "s_1", "account": "acc_a", "name": "S"}],
    people=[{"id": "p_1", "account": "acc_a", "name": "P1"}, {"id": "p_2", "account": "acc_a", "name": "P2"}],
    committees=[{"id": "c_1", "account": "acc_a", "name": "C", "kind": "board"}],
    influencers=[{"id": "i_1", "name": "I", "kind": "planner"}],
    members=[{"id": "m_1", "name": "M1", "role": "kam"}, {"id": "m_2", "name": "M2", "role": "kam"}],
)

ALLOWED = [
    ("REPORTS_TO", "p_1", "p_2"),
    ("REPORTS_TO", "m_1", "m_2"),
    ("MEMBER_OF", "p_1", "c_1"),
    ("MEMBER_OF", "i_1", "c_1"),
    ("MEMBER_OF", "m_1", "c_1"),
    ("INFLUENCES", "p_1", "p_2"),
    ("INFLUENCES", "i_1", "c_1"),
    ("INFLUENCES", "c_1", "p_1"),
    ("COVERS", "m_1", "p_1"),
    ("COVERS", "m_1", "c_1"),
    ("COVERS", "m_1", "i_1"),
    ("KNOWS", "m_1", "p_1"),
    ("KNOWS", "m_1", "i_1"),
    ("ASSIGNED_TO", "m_1", "acc_a"),
]

FORBIDDEN = [
    ("REPORTS_TO", "acc_a", "p_1", "source"),
    ("REPORTS_TO", "p_1", "c_1", "target"),
    ("MEMBER_OF", "acc_a", "c_1", "source"),
    ("MEMBER_OF", "p_1", "p_2", "target"),
    ("INFLUENCES", "m_1", "p_1", "source"),
    ("INFLUENCES", "s_1", "p_1", "source"),
    ("INFLUENCES", "p_1", "i_1", "target"),
    ("COVERS", "p_1", "p_2", "source"),
    ("COVERS", "m_1", "m_2", "target"),
    ("COVERS", "m_1", "acc_a", "target"),
    ("KNOWS", "i_1", "p_1", "source"),
    ("KNOWS", "m_1", "c_1", "target"),
    ("ASSIGNED_TO", "p_1", "acc_a", "source"),
    ("ASSIGNED_TO", "m_1", "s_1", "target"),
]


def _rel(rtype: str, source: str, target: str) -> dict[str, Any]:
    record: dict[str, Any] = {"type": rtype, "from": source, "to": target}
    if rtype in ("MEMBER_OF", "ASSIGNED_TO"):
        record["role"] = "member"
    return record


@pytest.mark.parametrize(("rtype", "source", "target"), ALLOWED, ids=["-".join(case) for case in ALLOWED])
def test_relation_between_allowed_kinds_is_accepted(rtype: str, source: str, target: str) -> None:
    check_document({**NODES, "relations": [_rel(rtype, source, target)]})


@pytest.mark.parametrize(("rtype", "source", "target", "end"), FORBIDDEN, ids=["-".join(case) for case in FORBIDDEN])
def test_relation_from_or_to_a_kind_the_type_does_not_allow_is_rejected(
    rtype: str, source: str, target: str, end: str
) -> None:
    [problem] = _problems_of({**NODES, "relations": [_rel(rtype, source, target)]})
    assert problem.where == f"relations[0] ({rtype} {source} -> {target})"
    assert problem.message.startswith(f"{end} '")
    assert problem.field == ("from" if end == "source" else "to")


@pytest.mark.parametrize("rtype", ["REPORTS_TO", "MEMBER_OF", "INFLUENCES", "COVERS", "KNOWS", "ASSIGNED_TO"])
@pytest.mark.parametrize("end", ["from", "to"])
def test_relation_to_a_node_that_does_not_exist_is_rejected(rtype: str, end: str) -> None:
    good = {"REPORTS_TO": ("p_1", "p_2"), "MEMBER_OF": ("p_1", "c_1"), "INFLUENCES": ("p_1", "p_2")}
    good |= {"COVERS": ("m_1", "p_1"), "KNOWS": ("m_1", "p_1"), "ASSIGNED_TO": ("m_1", "acc_a")}
    record = _rel(rtype, *good[rtype])
    record[end] = "ghost"
    role = "source" if end == "from" else "target"
    [problem] = _problems_of({**NODES, "relations": [record]})
    assert problem.message == f"{role} 'ghost' does not exist"


def test_reports_to_from_a_person_to_a_member_is_rejected() -> None:
    [problem] = _problems_of({**NODES, "relations": [_rel("REPORTS_TO", "p_1", "m_1")]})
    assert problem.message.endswith("not a person to a member")


def test_reports_to_cycle_within_a_document_is_rejected_showing_the_cycle() -> None:
    people = [{"id": f"p_{i}", "account": "acc_a", "name": "P"} for i in range(4)]
    chain = [_rel("REPORTS_TO", f"p_{i}", f"p_{(i + 1) % 4}") for i in range(4)]
    [problem] = _problems_of(_doc(accounts=[ACC], people=people, relations=chain))
    assert "REPORTS_TO would form a cycle" in problem.message
    for i in range(4):
        assert f"p_{i}" in problem.message


class _Stored:
    """A stored graph for check_graph: a few nodes and REPORTS_TO edges (pure data, no store)."""

    def __init__(self, nodes: Sequence[Node], reports: Sequence[tuple[str, str]]) -> None:
        self.nodes = {n.id: n for n in nodes}
        self.reports = list(reports)

    def nodes_by_id(self, ids: Collection[str]) -> Mapping[str, Node]:
        return {i: self.nodes[i] for i in ids if i in self.nodes}

    def people_at_sites(self, site_ids: Collection[str]) -> Sequence[Node]:
        return [n for n in self.nodes.values() if n.kind == NodeKind.PERSON and n.props.get("site") in site_ids]

    def reports_to_above(self, ids: Collection[str]) -> Iterable[tuple[str, str]]:
        return self.reports


def _person(pid: str, account: str = "acc_a", **props: Any) -> Node:
    return Node(NodeKind.PERSON, pid, {"account": account, "name": pid, **props})


STORED = _Stored(
    [
        Node(NodeKind.ACCOUNT, "acc_a", {"name": "A", "status": "key"}),
        Node(NodeKind.ACCOUNT, "acc_b", {"name": "B", "status": "key"}),
        Node(NodeKind.SITE, "s_a", {"account": "acc_a", "name": "S"}),
        _person("p_1", site="s_a"),
        _person("p_2"),
        _person("p_3"),
    ],
    [("p_1", "p_2"), ("p_2", "p_3")],
)


def test_reports_to_closing_a_cycle_with_stored_edges_is_rejected() -> None:
    rel = Relation(RelationType.REPORTS_TO, "p_3", "p_1", {})
    [problem] = check_graph([], [("relations[0] (REPORTS_TO p_3 -> p_1)", rel)], STORED)
    assert problem.message == "REPORTS_TO would form a cycle: p_3 -> p_1 -> p_2 -> p_3"


def test_reports_to_that_extends_stored_edges_without_a_cycle_is_accepted() -> None:
    rel = Relation(RelationType.REPORTS_TO, "p_3", "p_4", {})
    assert check_graph([("people[0] (p_4)", _person("p_4"))], [("relations[0]", rel)], STORED) == []


def test_stored_record_cannot_change_kind() -> None:
    member = Node(NodeKind.MEMBER, "p_2", {"name": "P", "role": "kam"})
    [problem] = check_graph([("members[0] (p_2)", member)], [], STORED)
    assert problem.where == "members[0] (p_2)"
    assert "already a person" in problem.message
    assert problem.field == "id"


def test_moving_a_site_to_another_account_while_a_stored_person_works_there_is_rejected() -> None:
    site = Node(NodeKind.SITE, "s_a", {"account": "acc_b", "name": "S"})
    [problem] = check_graph([("sites[0] (s_a)", site)], [], STORED)
    assert problem.where == "sites[0] (s_a)"
    assert "person 'p_1'" in problem.message


def test_moving_a_site_together_with_its_people_is_accepted() -> None:
    site = Node(NodeKind.SITE, "s_a", {"account": "acc_b", "name": "S"})
    person = _person("p_1", "acc_b", site="s_a")
    assert check_graph([("sites[0] (s_a)", site), ("people[0] (p_1)", person)], [], STORED) == []


def test_person_and_relations_may_refer_to_stored_records() -> None:
    person = _person("p_9", site="s_a")
    rel = Relation(RelationType.INFLUENCES, "p_9", "p_1", {"strength": 0.4})
    assert check_graph([("people[0] (p_9)", person)], [("relations[0]", rel)], STORED) == []
