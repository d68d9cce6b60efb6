"""A full disk and a read-only store under the embedded store, with a real ``graphsvc serve`` and real filesystems.

* Full disk: the store lives on a small tmpfs of its own (``mount -t tmpfs -o size=...``, so root is needed), which
  a filler file fills up while the server runs: the kernel answers ENOSPC exactly as a full data disk would.
* Read-only while serving: ``chattr +i`` on the store file and its ``-wal`` (ext4 refuses every write to an
  immutable file, also through descriptors opened before, root's included): a disk that turned read-only under
  the running service.
* Read-only from the start: the tmpfs remounted read-only (``mount -o remount,ro``), as a data volume mounted
  read-only: the store cannot even be opened (SQLite's WAL needs its -wal and -shm files beside the store).

In each case the API answers a coded error (``STORE_UNAVAILABLE``) and the command line one line, never a
traceback; nothing is corrupted (``PRAGMA integrity_check``), every earlier write is intact, and the service
writes again without a restart once space or permission is back. See docs/reliability.md, Faults.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.api.support import GRAPHSVC, Server, cli, code, running_server
from tests.reliability.test_kill import accepted_entries, check_store
from tests.store.test_durability import _db_path

UNAVAILABLE = "the store is unavailable right now; try again shortly"
CLI_DOC = {
    "format": "graphsvc/1",
    "members": [{"id": f"m_cli_{i}", "name": "From the CLI", "role": "kam", "notes": "n" * 9000} for i in range(40)],
}
"""An import of 360 KB of notes: more than a full disk has room for."""


def _run(*args: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.fail(
            f"{' '.join(args)} failed: {done.stderr.strip()} (these tests need root; chattr needs the test's temporary "
            "folder on a filesystem with immutable files, such as ext4, xfs or btrfs: set TMPDIR to one)",
            pytrace=False,
        )


@contextmanager
def small_disk(where: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` until the block ends."""
    where.mkdir()
    _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where))
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(disk: Path, keep: int) -> Path:
    """A file that fills ``disk`` until only about ``keep`` bytes are free."""
    filler = disk / "filler"
    stat = os.statvfs(disk)
    size = max(stat.f_bavail * stat.f_frsize - keep, 0)
    with filler.open("wb") as fp:
        chunk = b"\0" * (1 << 16)
        while size > 0:
            try:
                size -= fp.write(chunk[: min(size, len(chunk))])
                fp.flush()
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
    return filler


def _person(pid: str, notes: str = "") -> dict[str, str]:
    return {"id": pid, "account": "acc_lumen", "name": f"Person {pid}", **({"notes": notes} if notes else {})}


CREATE = "mutation($p: PersonInput!) { createPerson(input: $p) { id } }"


def _create(api: Server, pid: str, notes: str = "") -> dict[str, object] | None:
    """Create a person; None when acknowledged (200, no errors), else the one error."""
    response = api.post(CREATE, {"p": _person(pid, notes)})
    body = response.json()
    if response.status_code == 200 and not body.get("errors"):
        assert body["data"] == {"createPerson": {"id": pid}}
        return None
    assert len(body["errors"]) == 1, body
    return dict(body["errors"][0])


def _assert_one_line(result: subprocess.CompletedProcess[str], start: str) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(start), result.stderr


@pytest.mark.slow
def test_a_full_disk_is_a_coded_error_and_writes_come_back_with_space_without_a_restart(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        url = f"sqlite:///{disk / 'graphsvc.db'}"
        with running_server(tmp_path / "serve", store_url=url) as api:
            acked = [f"p_before_{i}" for i in range(5)]
            for pid in acked:
                assert _create(api, pid) is None
            filler = _fill(disk, keep=256 << 10)
            refused = None
            for i in range(200):  # 9 KB of notes each: the 256 KiB left (and the WAL's slack) run out soon
                pid = f"p_full_{i:03d}"
                error = _create(api, pid, notes="n" * 9000)
                if error is None:
                    acked.append(pid)
                    continue
                refused = pid
                assert code(error) == "STORE_UNAVAILABLE", error
                assert error["message"] == UNAVAILABLE
                break
            assert refused is not None, "200 writes of 9 KB fitted on a full disk"
            assert api.data('{ node(id: "p_before_0") { id } }') == {"node": {"id": "p_before_0"}}

            doc = tmp_path / "one.json"
            doc.write_text(json.dumps(CLI_DOC))
            _assert_one_line(cli(url, "import", str(doc)), f"graphsvc: error: the disk of the store {_db_path(url)}")

            filler.unlink()
            assert _create(api, "p_after") is None, "the service did not write again once space was back"
            acked.append("p_after")
            log = api.stderr()
            assert "is full; nothing was written" in log, "the server's log does not say the disk is full"
            assert "Traceback" not in log
        check_store(url, acked, absent=[refused, "m_cli_0"])
        created = [e.ids[0] for e in accepted_entries(url) if e.operation == "create_node"]
        assert created == acked, "the audit log does not list exactly the acknowledged writes, in order"


def _chattr(flag: str, *paths: Path) -> None:
    _run("chattr", flag, *(str(p) for p in paths))


@pytest.mark.slow
def test_a_store_turned_read_only_while_serving_is_a_coded_error_and_writes_come_back_without_a_restart(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'serve' / 'graphsvc.db'}"
    db = _db_path(url)
    with running_server(tmp_path / "serve", store_url=url) as api:
        acked = [f"p_before_{i}" for i in range(5)]
        for pid in acked:
            assert _create(api, pid) is None
        frozen = [db, db.with_name(db.name + "-wal")]
        _chattr("+i", *frozen)
        try:
            error = _create(api, "p_frozen")
            assert error is not None, "a write landed on a read-only store"
            assert code(error) == "STORE_UNAVAILABLE", error
            assert error["message"] == UNAVAILABLE
            assert api.data('{ node(id: "p_before_4") { id } }') == {"node": {"id": "p_before_4"}}
            doc = tmp_path / "one.json"
            doc.write_text(json.dumps(CLI_DOC))
            _assert_one_line(cli(url, "import", str(doc)), f"graphsvc: error: the store {db} is read-only")
        finally:
            _chattr("-i", *frozen)
        assert _create(api, "p_after") is None, "the service did not write again once the file was writable"
        acked.append("p_after")
        log = api.stderr()
        assert "is read-only; nothing was written" in log
        assert "Traceback" not in log
    check_store(url, acked, absent=["p_frozen", "m_cli_0"])
    created = [e.ids[0] for e in accepted_entries(url) if e.operation == "create_node"]
    assert created == acked


def test_a_store_on_a_read_only_filesystem_is_one_clear_line_from_serve_and_the_cli(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        url = f"sqlite:///{disk / 'graphsvc.db'}"
        assert cli(url, "demo").returncode == 0
        _run("mount", "-o", "remount,ro", str(disk))
        said = f"graphsvc: error: cannot open the store {disk / 'graphsvc.db'}: its folder {disk} is read-only"
        for args in (["export", str(tmp_path / "out.json")], ["serve", "--port", "0", "--no-auth"]):
            _assert_one_line(cli(url, *args, timeout=60), said)
        _run("mount", "-o", "remount,rw", str(disk))
        served = subprocess.run(
            [*GRAPHSVC, "export", str(tmp_path / "out.json"), "--store", url], capture_output=True, text=True
        )
        assert served.returncode == 0, served.stderr
        assert json.loads((tmp_path / "out.json").read_text())["accounts"], "the demo did not survive"
        check_store(url, [], absent=[])
