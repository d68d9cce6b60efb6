"""The real ``graphsvc`` command, run as a subprocess on real stores.

Most tests run on a SQLite file; those where the store matters (import,
export, demo, check against the store, analyses, tokens, migrate, serve) run
on each store through ``store_url``: a SQLite file and a real Neo4j server,
whose ``neo4j://`` URL carries the password. On Neo4j too, every user error is
one line on stderr, exit status 1, no traceback, no password.
"""

from __future__ import annotations

import fcntl
import html
import json
import os
import pty
import select
import socket
import sqlite3
import struct
import subprocess
import sys
import termios
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import graphsvc
from graphsvc.demo import DEMO_AS_OF, demo_document
from graphsvc.store import open_store
from tests.api.support import serve_process
from tests.conftest import SMALL_DOC, export_text, normalized
from tests.neo4j_server import Neo4jServer

_BIN = Path(sys.executable).with_name("graphsvc")
GRAPHSVC = [str(_BIN)] if _BIN.exists() else [sys.executable, "-m", "graphsvc"]
DEMO_FILE = Path(graphsvc.__file__).with_name("demo") / "portfolio.json"


def _env(store_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["GRAPHSVC_STORE"] = store_url
    return env


def _graphsvc(store_url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``graphsvc ARGS`` with ``$GRAPHSVC_STORE`` set to ``store_url``, stdout and stderr piped."""
    return subprocess.run(
        [*GRAPHSVC, *args],
        env=_env(store_url),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _export(store_url: str) -> str:
    with open_store(store_url) as store:
        return export_text(store)


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def _seed(store_url: str, tmp_path: Path) -> str:
    """Import the small document with the CLI; return the store's export."""
    result = _graphsvc(store_url, "import", str(_write(tmp_path / "small.json", SMALL_DOC)))
    assert result.returncode == 0, result.stderr
    return _export(store_url)


@pytest.fixture
def seeded(tmp_path: Path, sqlite_url: str) -> str:
    """A SQLite store holding the small document, imported with the CLI; returns its export."""
    return _seed(sqlite_url, tmp_path)


@pytest.fixture
def seeded_store(tmp_path: Path, store_url: str) -> str:
    """Each store holding the small document, imported with the CLI; returns its export."""
    return _seed(store_url, tmp_path)


def _one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """A user error: exit status 1, one line on stderr naming ``words``, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    _no_traceback(result)
    assert result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr
    return result.stderr


# -- check ------------------------------------------------------------------------------

_SEVERAL_PROBLEMS = {
    "format": "graphsvc/1",
    "accounts": [
        {"id": "acc_a", "name": "A", "status": "key"},
        {"id": "acc_b", "name": "B", "status": "key", "stauts": "candidate"},
    ],
    "people": [
        {"id": "p_lost", "account": "acc_missing", "name": "Lost"},
        {"id": "p_strong", "account": "acc_a", "name": "Strong", "power": 1.5},
        {"id": "p_ok", "account": "acc_a", "name": "Okay"},
    ],
    "members": [{"id": "m_1", "name": "Mia", "role": "kam"}],
    "relations": [
        {"type": "COVERS", "from": "m_1", "to": "p_ghost", "strength": 0.5},
        {"type": "REPORTS_TO", "from": "p_ok", "to": "p_ok"},
        {"type": "KNOWS", "from": "m_1", "to": "p_ok", "stength": 0.5},
        {"type": "COVERS", "from": "m_1", "to": "p_ok", "last_contact": "2026-13-01"},
    ],
}
_EXPECTED_PROBLEMS = [
    "accounts[1] (acc_b): 'stauts'",
    "people[0] (p_lost): account 'acc_missing' does not exist",
    "people[1] (p_strong): power",
    "relations[0] (COVERS m_1 -> p_ghost): target 'p_ghost' does not exist",
    "relations[1] (REPORTS_TO p_ok -> p_ok)",
    "relations[2] (KNOWS m_1 -> p_ok): 'stength'",
    "relations[3] (COVERS m_1 -> p_ok): last_contact",
]


def test_check_lists_every_problem_on_its_own_line_and_exits_1(tmp_path: Path, sqlite_url: str) -> None:
    result = _graphsvc(sqlite_url, "check", str(_write(tmp_path / "bad.json", _SEVERAL_PROBLEMS)))
    assert result.returncode == 1
    _no_traceback(result)
    lines = result.stderr.splitlines()
    assert len(lines) == len(_EXPECTED_PROBLEMS), result.stderr
    for expected in _EXPECTED_PROBLEMS:
        assert sum(expected in line for line in lines) == 1, f"{expected!r} not reported once:\n{result.stderr}"
    assert ": ok (" not in result.stdout


def test_check_does_not_call_a_broken_record_missing_where_it_is_referenced(tmp_path: Path, sqlite_url: str) -> None:
    doc = {
        "format": "graphsvc/1",
        "accounts": [{"id": "acc_a", "name": "A", "status": "key"}],
        "people": [{"id": "p_anna", "account": "acc_a", "name": "Anna", "attitude": "hostile"}],
        "members": [{"id": "m_1", "name": "Mia", "role": "kam"}],
        "relations": [{"type": "COVERS", "from": "m_1", "to": "p_anna", "strength": 0.5}],
    }
    result = _graphsvc(sqlite_url, "check", str(_write(tmp_path / "bad.json", doc)))
    assert result.returncode == 1
    assert "people[0] (p_anna): attitude" in result.stderr
    # p_anna is in the file; telling the user it does not exist sends them looking for the wrong mistake.
    assert "does not exist" not in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_check_passes_the_demo_portfolio(sqlite_url: str) -> None:
    result = _graphsvc(sqlite_url, "check", str(DEMO_FILE))
    assert result.returncode == 0, result.stderr
    assert ": ok (" in result.stdout
    assert result.stderr == ""


_REFERS_TO_STORED = {
    "format": "graphsvc/1",
    "people": [{"id": "p_new", "account": "acc_acme", "site": "site_acme_de", "name": "Nele New"}],
    "relations": [
        {"type": "REPORTS_TO", "from": "p_new", "to": "p_ceo"},
        {"type": "COVERS", "from": "m_kam", "to": "p_new", "strength": 0.6},
    ],
}


def test_check_against_the_store_accepts_references_to_stored_records_and_writes_nothing(
    tmp_path: Path, store_url: str, seeded_store: str
) -> None:
    path = _write(tmp_path / "more.json", _REFERS_TO_STORED)
    alone = _graphsvc(store_url, "check", str(path))
    assert alone.returncode == 1, alone.stderr
    _no_traceback(alone)
    assert "account 'acc_acme' does not exist" in alone.stderr

    against = _graphsvc(store_url, "check", "--against-store", str(path))
    assert against.returncode == 0, against.stderr
    assert ": ok (" in against.stdout
    assert _export(store_url) == seeded_store


def test_check_against_the_store_finds_a_cycle_through_stored_records(
    tmp_path: Path, store_url: str, seeded_store: str
) -> None:
    doc = {"format": "graphsvc/1", "relations": [{"type": "REPORTS_TO", "from": "p_ceo", "to": "p_buyer"}]}
    result = _graphsvc(store_url, "check", "--against-store", str(_write(tmp_path / "cycle.json", doc)))
    _one_line_error(result, "cycle.json: relations[0] (REPORTS_TO p_ceo -> p_buyer)", "would form a cycle")
    assert _export(store_url) == seeded_store


# -- import -----------------------------------------------------------------------------


def test_import_of_an_invalid_document_exits_1_and_writes_nothing(
    tmp_path: Path, store_url: str, seeded_store: str
) -> None:
    doc = json.loads(json.dumps(SMALL_DOC))
    doc["people"].append({"id": "p_new", "account": "acc_acme", "name": "New"})
    doc["relations"].append({"type": "COVERS", "from": "m_kam", "to": "p_new", "strength": 2})
    result = _graphsvc(store_url, "import", str(_write(tmp_path / "bad.json", doc)))
    _one_line_error(result, "relations[7] (COVERS m_kam -> p_new): strength")
    assert _export(store_url) == seeded_store


def test_import_listing_many_problems_says_nothing_was_written(
    tmp_path: Path, store_url: str, seeded_store: str
) -> None:
    result = _graphsvc(store_url, "import", str(_write(tmp_path / "bad.json", _SEVERAL_PROBLEMS)))
    assert result.returncode == 1
    _no_traceback(result)
    assert f"{len(_EXPECTED_PROBLEMS)} problems, nothing was written" in result.stderr
    assert _export(store_url) == seeded_store


def _missing(tmp_path: Path) -> tuple[Path, str]:
    return tmp_path / "nope.json", "no such file"


def _directory(tmp_path: Path) -> tuple[Path, str]:
    (tmp_path / "folder.json").mkdir()
    return tmp_path / "folder.json", "directory"


def _broken_json(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "graphsvc/1",\n  "accounts": [}\n', encoding="utf-8")
    return path, "line 2, column 16"


def _not_utf8(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"format": "graphsvc/1", "accounts": [{"id": "a", "name": "Müller"}]}'.encode("latin-1"))
    return path, "UTF-8"


@pytest.mark.parametrize("bad_file", [_missing, _directory, _broken_json, _not_utf8])
def test_import_of_an_unreadable_file_exits_1_with_one_line_naming_it(
    tmp_path: Path, sqlite_url: str, seeded: str, bad_file: Any
) -> None:
    path, reason = bad_file(tmp_path)
    result = _graphsvc(sqlite_url, "import", str(path))
    assert result.returncode == 1, result.stderr
    _no_traceback(result)
    assert result.stderr.count("\n") == 1, result.stderr
    assert path.name in result.stderr
    assert reason in result.stderr
    assert _export(sqlite_url) == seeded


def test_import_with_an_unknown_mode_is_a_usage_error(tmp_path: Path, sqlite_url: str, seeded: str) -> None:
    path = _write(tmp_path / "small.json", SMALL_DOC)
    result = _graphsvc(sqlite_url, "import", str(path), "--mode", "upsert")
    assert result.returncode == 2
    _no_traceback(result)
    assert "upsert" in result.stderr
    assert "merge" in result.stderr
    assert "replace" in result.stderr
    assert _export(sqlite_url) == seeded


# -- import and export ------------------------------------------------------------------


def test_import_then_export_round_trips_the_document(tmp_path: Path, store_url: str) -> None:
    imported = _graphsvc(store_url, "import", str(_write(tmp_path / "in.json", SMALL_DOC)))
    assert imported.returncode == 0, imported.stderr
    assert "17 created" in imported.stderr

    out = tmp_path / "out.json"
    exported = _graphsvc(store_url, "export", str(out))
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == normalized(SMALL_DOC)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.json")] == []  # no temporary left

    again = tmp_path / "again.db"
    reimported = _graphsvc(f"sqlite:///{again}", "import", str(out))
    assert reimported.returncode == 0, reimported.stderr
    assert _graphsvc(f"sqlite:///{again}", "export", "-").stdout == out.read_text(encoding="utf-8")


def test_export_dash_writes_the_document_to_stdout_and_the_count_to_stderr(store_url: str, seeded_store: str) -> None:
    result = _graphsvc(store_url, "export", "-")
    assert result.returncode == 0, result.stderr
    assert result.stdout == seeded_store
    assert "17" in result.stderr
    assert result.stdout.count("graphsvc/1") == 1


def test_export_into_a_missing_folder_fails_cleanly(tmp_path: Path, sqlite_url: str, seeded: str) -> None:
    target = tmp_path / "no" / "such" / "folder" / "out.json"
    result = _graphsvc(sqlite_url, "export", str(target))
    assert result.returncode == 1
    _no_traceback(result)
    assert result.stderr.count("\n") == 1, result.stderr
    assert "does not exist" in result.stderr
    assert not (tmp_path / "no").exists()


# -- progress ---------------------------------------------------------------------------


def _many_people(count: int) -> dict[str, Any]:
    return {
        "format": "graphsvc/1",
        "accounts": [{"id": "acc_big", "name": "Big", "status": "key"}],
        "people": [{"id": f"p_{i:06d}", "account": "acc_big", "name": f"Person {i}"} for i in range(count)],
    }


def test_progress_bar_stays_quiet_when_stderr_is_piped(tmp_path: Path, sqlite_url: str) -> None:
    result = _graphsvc(sqlite_url, "import", str(_write(tmp_path / "many.json", _many_people(30_000))))
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr
    assert "%|" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "30001 created" in result.stderr


def test_progress_bar_shows_on_a_terminal(tmp_path: Path, store_url: str) -> None:
    path = _write(tmp_path / "many.json", _many_people(30_000))
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(
        [*GRAPHSVC, "import", str(path)], env=_env(store_url), stdin=subprocess.DEVNULL, stdout=slave, stderr=slave
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
    finally:
        proc.wait(timeout=60)
        os.close(master)
    assert proc.returncode == 0, seen
    assert b"%|" in seen
    assert b"/30001" in seen
    assert b"30001 created" in seen


# -- demo -------------------------------------------------------------------------------


def _covers_dates(doc: dict[str, Any]) -> dict[tuple[str, str], date]:
    return {
        (r["from"], r["to"]): date.fromisoformat(r["last_contact"])
        for r in doc["relations"]
        if r["type"] == "COVERS" and "last_contact" in r
    }


def test_demo_loads_the_portfolio_with_contact_dates_moved_to_today(store_url: str) -> None:
    before = date.today()
    result = _graphsvc(store_url, "demo")
    after = date.today()
    assert result.returncode == 0, result.stderr
    loaded = json.loads(_export(store_url))

    told = _covers_dates(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    assert told, "the demo has no COVERS with a last_contact to move"
    moved = _covers_dates(loaded)
    assert moved.keys() == told.keys()
    shifts = {(today - DEMO_AS_OF).days for today in (before, after)}
    for key, when in told.items():
        assert (moved[key] - when).days in shifts, key
    assert loaded == normalized(demo_document(before)) or loaded == normalized(demo_document(after))


def test_demo_if_empty_loads_into_an_empty_store(store_url: str) -> None:
    result = _graphsvc(store_url, "demo", "--if-empty")
    assert result.returncode == 0, result.stderr
    accounts = {a["id"] for a in json.loads(_export(store_url))["accounts"]}
    assert accounts == {a["id"] for a in demo_document()["accounts"]}


def test_demo_if_empty_loads_nothing_into_a_store_with_data(store_url: str, seeded_store: str) -> None:
    with open_store(store_url) as store:
        revision = store.revision()
    result = _graphsvc(store_url, "demo", "--if-empty")
    assert result.returncode == 0, result.stderr
    assert "not loaded" in result.stderr
    assert _export(store_url) == seeded_store
    with open_store(store_url) as store:
        assert store.revision() == revision


# -- analyses and tokens -----------------------------------------------------------------

# Gaps of the demo as docs/demo.md tells them; `graphsvc demo` moves its dates to today, so today is its as-of day.
HALVORSEN_GAPS = [
    ("HIGH", "UNCOVERED_DECISION_MAKER", "p_hal_wro_dir"),
    ("HIGH", "UNMANAGED_OPPONENT", "p_hal_sourcing"),
    ("MEDIUM", "STALE_RELATIONSHIP", "p_hal_lyon_dir"),
    ("MEDIUM", "UNCOVERED_EXTERNAL_INFLUENCER", "inf_brightline"),
    ("MEDIUM", "UNCOVERED_EXTERNAL_INFLUENCER", "inf_kraemer_voss"),
    ("MEDIUM", "UNCOVERED_SITE", "site_hal_wroclaw"),
]


@pytest.fixture
def demo_store(store_url: str) -> str:
    loaded = _graphsvc(store_url, "demo")
    assert loaded.returncode == 0, loaded.stderr
    return store_url


def test_gaps_paths_and_leverage_answer_on_the_demo(demo_store: str) -> None:
    gaps = _graphsvc(demo_store, "gaps", "acc_halvorsen", "--json")
    assert gaps.returncode == 0, gaps.stderr
    assert [(g["severity"], g["kind"], g["subject"]) for g in json.loads(gaps.stdout)] == HALVORSEN_GAPS

    paths = _graphsvc(demo_store, "paths", "acc_halvorsen", "p_hal_wro_dir", "-k", "1", "--json")
    assert paths.returncode == 0, paths.stderr
    [path] = json.loads(paths.stdout)
    assert [path["hops"][0]["from"]] + [h["to"] for h in path["hops"]] == ["m_hoffmann", "p_hal_coo", "p_hal_wro_dir"]
    assert path["strength"] == 0.49

    leverage = _graphsvc(demo_store, "leverage", "acc_halvorsen")
    assert leverage.returncode == 0, leverage.stderr
    assert leverage.stdout.splitlines()[0].split()[:2] == ["0.669", "p_hal_coo"]


MISTAKES = [
    (["gaps", "acc_nope"], ["acc_nope"]),
    (["paths", "acc_halvorsen", "p_nobody"], ["p_nobody"]),
    (["leverage", "m_berger"], ["m_berger"]),
    (["token", "create", "--member", "p_hal_ceo", "--role", "admin"], ["p_hal_ceo", "members"]),
    (["token", "revoke", "nope"], ["nope"]),
]


def test_a_mistake_in_an_analysis_or_token_command_is_one_line_and_exit_1(demo_store: str) -> None:
    for args, words in MISTAKES:
        _one_line_error(_graphsvc(demo_store, *args), *words)


def test_a_token_is_created_listed_without_its_secret_and_revoked(demo_store: str) -> None:
    created = _graphsvc(demo_store, "token", "create", "--member", "m_berger", "--role", "admin")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith("gsv_")
    [token] = json.loads(_graphsvc(demo_store, "token", "list", "--json").stdout)
    assert (token["member"], token["role"], token["revoked"]) == ("m_berger", "admin", None)
    assert secret not in _graphsvc(demo_store, "token", "list").stdout
    with open_store(demo_store) as store:
        assert store.token_by_secret(secret) is not None
    revoked = _graphsvc(demo_store, "token", "revoke", token["id"])
    assert revoked.returncode == 0, revoked.stderr
    [token] = json.loads(_graphsvc(demo_store, "token", "list", "--json").stdout)
    assert token["revoked"] is not None
    with open_store(demo_store) as store:
        assert store.token_by_secret(secret) is None


@pytest.mark.parametrize(("args", "words"), [((), ["--role", "viewer"]), (("--role", "boss"), ["boss", "kam"])])
def test_a_token_needs_a_role_named_on_purpose(demo_store: str, args: tuple[str, ...], words: list[str]) -> None:
    result = _graphsvc(demo_store, "token", "create", "--member", "m_hoffmann", *args)
    assert result.returncode == 2
    _no_traceback(result)
    assert result.stdout == ""
    assert all(word in result.stderr for word in words), result.stderr
    assert json.loads(_graphsvc(demo_store, "token", "list", "--json").stdout) == []


def test_token_list_shows_each_tokens_role_and_state(demo_store: str) -> None:
    for member, role in (("m_hoffmann", "kam"), ("m_berger", "lead"), ("m_weber", "viewer")):
        assert _graphsvc(demo_store, "token", "create", "--member", member, "--role", role).returncode == 0
    first = json.loads(_graphsvc(demo_store, "token", "list", "--json").stdout)[0]
    assert _graphsvc(demo_store, "token", "revoke", first["id"]).returncode == 0
    lines = _graphsvc(demo_store, "token", "list").stdout.splitlines()
    assert [line.split()[1:4] for line in lines] == [
        ["m_hoffmann", "kam", "revoked"],
        ["m_berger", "lead", "live"],
        ["m_weber", "viewer", "live"],
    ]
    assert all("expires never" in line for line in lines)


def test_migrate_applies_the_schema_and_running_it_again_changes_nothing(store_url: str, seeded_store: str) -> None:
    first = _graphsvc(store_url, "migrate")
    assert first.returncode == 0, first.stderr
    again = _graphsvc(store_url, "migrate")
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert _export(store_url) == seeded_store
    with open_store(store_url) as store:
        assert store.revision() == 1


# -- Neo4j store URLs -------------------------------------------------------------------


def _without_store_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHSVC_STORE"))}
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GRAPHSVC, *args], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.neo4j
def test_neo4j_uri_and_password_from_the_environment_select_the_neo4j_store(
    neo4j_store_server: Neo4jServer, tmp_path: Path
) -> None:
    neo = neo4j_store_server
    neo.wipe()
    env = _without_store_env(NEO4J_URI=neo.uri, NEO4J_USER=neo.user, NEO4J_PASSWORD=neo.password)
    imported = _run(["import", str(_write(tmp_path / "small.json", SMALL_DOC))], env)
    assert imported.returncode == 0, imported.stderr
    assert neo.password not in imported.stdout + imported.stderr
    exported = _run(["export", "-"], env)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout) == normalized(SMALL_DOC)
    assert _export(neo.url) == exported.stdout


@pytest.mark.neo4j
def test_a_wrong_neo4j_password_is_one_line_naming_the_user(neo4j_store_server: Neo4jServer) -> None:
    neo = neo4j_store_server
    wrong = neo.url.replace(f":{neo.password}@", ":wrong-password@")
    error = _one_line_error(_run(["export", "-"], _without_store_env(GRAPHSVC_STORE=wrong)), f"'{neo.user}'")
    assert "wrong-password" not in error
    assert neo.password not in error


@pytest.mark.neo4j
def test_a_neo4j_database_that_does_not_exist_is_one_line_naming_it(neo4j_store_server: Neo4jServer) -> None:
    url = neo4j_store_server.url.removesuffix("/neo4j") + "/nosuchdb"
    error = _one_line_error(_run(["export", "-"], _without_store_env(GRAPHSVC_STORE=url)), "nosuchdb")
    assert neo4j_store_server.password not in error


def test_a_neo4j_url_without_a_password_is_one_line_saying_where_to_put_it() -> None:
    result = _run(["export", "-"], _without_store_env(GRAPHSVC_STORE="neo4j://alice@127.0.0.1:7687/neo4j"))
    _one_line_error(result, "alice", "NEO4J_PASSWORD")


def test_a_neo4j_that_does_not_answer_is_one_line_naming_the_store_without_its_password() -> None:
    port = _free_port()  # nothing listens there
    url = f"neo4j://neo4j:secret-password@127.0.0.1:{port}/neo4j"
    started = time.monotonic()
    error = _one_line_error(_run(["export", "-", "--store", url], _without_store_env()), f"127.0.0.1:{port}")
    assert time.monotonic() - started < 15
    assert "neo4j://neo4j@127.0.0.1" in error
    assert "secret-password" not in error


# -- serve ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers.get("content-type", ""), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read().decode("utf-8")


@pytest.fixture
def server(tmp_path: Path, store_url: str) -> Iterator[str]:
    """``graphsvc serve`` as a real process on a free port over the demo plus a hostile account name."""
    assert _graphsvc(store_url, "demo").returncode == 0
    hostile = {
        "format": "graphsvc/1",
        "accounts": [{"id": "acc_xss", "name": "<script>alert(1)</script>", "status": "key", "approach": "sales"}],
    }
    assert _graphsvc(store_url, "import", str(_write(tmp_path / "xss.json", hostile))).returncode == 0
    # --store wins over $GRAPHSVC_STORE: the variable names another file, which must stay untouched.
    env_store = f"sqlite:///{tmp_path / 'not-this-one.db'}"
    with serve_process(store_url, tmp_path / "serve.log", "--no-auth", env_store=env_store) as base:
        yield base


@pytest.mark.slow
def test_serve_answers_healthz_with_status_and_counts(server: str) -> None:
    status, content_type, body = _get(f"{server}/healthz")
    assert status == 200
    assert content_type.startswith("application/json")
    facts = json.loads(body)
    demo = demo_document()
    assert facts["status"] == "ok"
    assert facts["nodes"] == _node_count(demo) + 1
    assert facts["relations"] == len(demo["relations"])


def _node_count(doc: dict[str, Any]) -> int:
    return sum(len(v) for k, v in doc.items() if isinstance(v, list) and k != "relations")


@pytest.mark.slow
def test_serve_home_page_lists_the_accounts_with_names_escaped(server: str) -> None:
    status, content_type, page = _get(f"{server}/")
    assert status == 200
    assert content_type.startswith("text/html")
    for account in demo_document()["accounts"]:
        assert html.escape(account["name"]) in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def _directory_store(tmp_path: Path) -> str:
    (tmp_path / "folder.db").mkdir()
    return f"sqlite:///{tmp_path / 'folder.db'}"


def _not_sqlite_store(tmp_path: Path) -> str:
    (tmp_path / "notes.db").write_text("these are my notes, not a database\n" * 200, encoding="utf-8")
    return f"sqlite:///{tmp_path / 'notes.db'}"


def _serve_refused(url: str, tmp_path: Path) -> str:
    """Run ``graphsvc serve`` on ``url``, expecting it to exit non-zero before serving; return its stderr."""
    port = _free_port()
    err = tmp_path / "serve.err"
    with err.open("wb") as fp:
        proc = subprocess.Popen(
            [*GRAPHSVC, "serve", "--port", str(port), "--store", url],
            env=_env(url),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=fp,
        )
    try:
        deadline = time.monotonic() + 30
        while proc.poll() is None:
            try:
                status = _get(f"http://127.0.0.1:{port}/healthz")[0]
            except OSError:
                status = None
            if status is not None:
                pytest.fail(f"graphsvc serve started on {url} (healthz {status}):\n{err.read_text()}")
            assert time.monotonic() < deadline, "graphsvc serve neither served nor exited in 30 s"
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
    stderr = err.read_text("utf-8", "replace")
    assert proc.returncode != 0, stderr
    assert "Traceback" not in stderr
    return stderr


@pytest.mark.parametrize("bad_store", [_directory_store, _not_sqlite_store])
def test_serve_on_a_store_that_cannot_be_opened_exits_with_one_clear_line(tmp_path: Path, bad_store: Any) -> None:
    url = bad_store(tmp_path)
    lines = _serve_refused(url, tmp_path).splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("graphsvc: error:")
    assert url.removeprefix("sqlite:///") in lines[0]


def test_serve_refuses_another_applications_sqlite_database_and_leaves_it_untouched(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.com/')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    try:
        lines = _serve_refused(f"sqlite:///{path}", tmp_path).splitlines()
        assert len(lines) == 1, lines
        assert str(path) in lines[0]
    finally:
        assert path.read_bytes() == before, "graphsvc changed a database that is not a graphsvc store"


def test_python_m_graphsvc_prints_the_version(sqlite_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graphsvc", "--version"],
        env=_env(sqlite_url),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"graphsvc, version {graphsvc.__version__}"
