"""``graphsvc audit export``, the real command in a subprocess, on a real SQLite file and a real Neo4j server.

The log is written by real writes (the CLI's own import and token commands,
and store writes as API members); the export must give every entry, oldest
first, one JSON object per line, filtered exactly; bad input is one line on
stderr, exit 1, and no file.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from graphsvc.audit import Actor, AuditEntry, AuditOperation, AuditOutcome
from graphsvc.store import open_store
from tests.conftest import SMALL_DOC
from tests.test_cli import _graphsvc, _no_traceback, _one_line_error, _write

KAM = Actor(member="m_kam", role="kam", token="tok1", via="api", request_id="req-1")
LEAD = Actor(member="m_lead", role="lead", token="tok2", via="page", request_id="req-2")
HOSTILE = "<script>alert(1)</script>\n\"}{'; DROP TABLE audit; --"
FIELDS = [
    "seq",
    "at",
    "operation",
    "outcome",
    "member",
    "role",
    "token",
    "via",
    "request_id",
    "user",
    "accounts",
    "ids",
    "before",
    "after",
    "detail",
]


def _lines(text: str) -> list[dict[str, Any]]:
    assert text.endswith("\n") or text == ""
    return [json.loads(line) for line in text.splitlines()]


def _export(store_url: str, *args: str) -> list[dict[str, Any]]:
    result = _graphsvc(store_url, "audit", "export", *args)
    assert result.returncode == 0, result.stderr
    _no_traceback(result)
    entries = _lines(result.stdout)
    assert result.stderr == f"exported {len(entries)} audit entr{'y' if len(entries) == 1 else 'ies'}\n"
    return entries


@pytest.fixture
def logged(tmp_path: Path, store_url: str) -> str:
    """A store with six entries: a CLI import, three member writes, a refusal, a CLI token."""
    result = _graphsvc(store_url, "import", str(_write(tmp_path / "small.json", SMALL_DOC)))
    assert result.returncode == 0, result.stderr
    with open_store(store_url) as store:
        store.update_node("p_bolt", {"title": "Ops", "notes": HOSTILE}, actor=KAM)
        store.update_node("p_ceo", {"title": "Chief"}, actor=LEAD)
        store.create_relation({"type": "COVERS", "from": "m_kam", "to": "p_bolt"}, actor=KAM)
        store.append_audit(
            AuditEntry(AuditOperation.DELETE_NODE, AuditOutcome.REFUSED, KAM, ("acc_acme",), ("p_ceo",), detail="no")
        )
    result = _graphsvc(store_url, "token", "create", "--member", "m_kam", "--role", "admin")
    assert result.returncode == 0, result.stderr
    return store_url


def test_export_writes_every_entry_oldest_first_as_json_lines(logged: str) -> None:
    entries = _export(logged)
    assert [e["operation"] for e in entries] == [
        "import",
        "update_node",
        "update_node",
        "create_relation",
        "delete_node",
        "create_token",
    ]
    assert all(list(e) == FIELDS for e in entries)
    seqs = [e["seq"] for e in entries]
    assert seqs == sorted(set(seqs))
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    first = entries[0]
    assert (first["via"], first["role"], first["member"], first["token"]) == ("cli", "admin", None, None)
    assert first["accounts"] == ["acc_acme", "acc_bolt"]
    assert first["detail"] == "merge: 17 created, 0 updated, 0 unchanged, 0 deleted"
    update = entries[1]
    assert (update["member"], update["role"], update["token"], update["via"], update["request_id"]) == (
        "m_kam",
        "kam",
        "tok1",
        "api",
        "req-1",
    )
    assert update["before"] == next(p for p in SMALL_DOC["people"] if p["id"] == "p_bolt")
    assert update["after"] == {**update["before"], "title": "Ops", "notes": HOSTILE}  # verbatim
    assert entries[4]["outcome"] == "refused"
    token = entries[5]
    assert token["after"]["member"] == "m_kam"
    assert "gsv_" not in json.dumps(entries)


def test_filters_keep_exactly_the_matching_entries(logged: str) -> None:
    entries = _export(logged)
    seqs = [e["seq"] for e in entries]

    def exported(*args: str) -> list[int]:
        return [e["seq"] for e in _export(logged, *args)]

    assert exported("--account", "acc_bolt") == [seqs[0], seqs[1], seqs[3]]
    assert exported("--account", "acc_acme") == [seqs[0], seqs[2], seqs[3], seqs[4]]
    assert exported("--member", "m_kam") == [seqs[1], seqs[3], seqs[4]]
    assert exported("--member", "m_kam", "--account", "acc_acme") == [seqs[3], seqs[4]]
    assert exported("--since", entries[2]["at"]) == seqs[2:]
    assert exported("--until", entries[2]["at"]) == seqs[:2]
    assert exported("--since", entries[1]["at"], "--until", entries[3]["at"]) == seqs[1:3]
    assert exported("--since", "2000-01-01", "--until", "2999-12-31") == seqs
    assert exported("--until", "2000-01-01T00:00:00+02:00") == []
    assert exported("--account", "acc_nowhere") == []


def test_export_to_a_file_writes_the_same_lines_readable_by_the_owner_alone(logged: str, tmp_path: Path) -> None:
    target = tmp_path / "audit.jsonl"
    result = _graphsvc(logged, "audit", "export", "-o", str(target), "--member", "m_kam")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"exported 3 audit entries to {target}\n"
    assert _lines(target.read_text(encoding="utf-8")) == _export(logged, "--member", "m_kam")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".audit")] == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--since", "yesterday"], ["--since", "ISO 8601", "'yesterday'"]),
        (["--until", "2026-13-01"], ["--until", "ISO 8601", "'2026-13-01'"]),
        (["--since", "2026-11-02", "--until", "2026-11-01"], ["--since (2026-11-02) must be before --until"]),
    ],
)
def test_bad_dates_are_one_line_errors_and_write_nothing(
    tmp_path: Path, sqlite_url: str, args: list[str], words: list[str]
) -> None:
    target = tmp_path / "audit.jsonl"
    result = _graphsvc(sqlite_url, "audit", "export", "-o", str(target), *args)
    _one_line_error(result, *words)
    assert result.stdout == ""
    assert not target.exists()


def test_a_missing_store_or_folder_is_a_one_line_error(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'nothing.db'}"
    _one_line_error(_graphsvc(missing, "audit", "export"), "there is no store at")
    assert not (tmp_path / "nothing.db").exists()
    store_url = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(store_url) as store:
        store.import_document(SMALL_DOC)
    _one_line_error(
        _graphsvc(store_url, "audit", "export", "-o", str(tmp_path / "no" / "such" / "a.jsonl")), "does not exist"
    )
