"""docs/security.md and the code agree: the role x operation table is the one graphsvc.access enforces."""

from __future__ import annotations

from pathlib import Path

from graphsvc.access import WRITE_RULES, Role, rules_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_security_doc_shows_the_table_the_guard_enforces() -> None:
    assert rules_table() in DOC.read_text(encoding="utf-8"), (
        "docs/security.md's role x operation table differs from graphsvc/access/roles.py; paste rules_table() in"
    )


def test_table_has_a_column_per_role_and_a_row_per_rule() -> None:
    lines = rules_table().splitlines()
    assert lines[0] == "| operation | " + " | ".join(Role) + " |"
    assert len(lines) == 2 + len(WRITE_RULES)
    assert all(line.count(" | ") == len(Role) for line in lines[2:])


def test_security_doc_names_every_role() -> None:
    text = DOC.read_text(encoding="utf-8")
    for role in Role:
        assert f"| `{role}` |" in text
