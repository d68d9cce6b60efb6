"""``graphsvc map``: the real command as a subprocess on a real SQLite file holding the demo portfolio."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.test_cli import GRAPHSVC, _graphsvc


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('map') / 'demo.db'}"
    loaded = _graphsvc(url, "demo")
    assert loaded.returncode == 0, loaded.stderr
    return url


def _island(html: str) -> dict[str, object]:
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, flags=re.S)
    assert match is not None
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_map_writes_one_offline_html_file_with_the_paths_to_a_target(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "halvorsen.html"
    done = _graphsvc(demo_url, "map", "acc_halvorsen", "-o", str(out), "--to", "p_hal_wro_dir", "--as-of", "2026-11-15")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert f"wrote the map of acc_halvorsen to {out}" in done.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    data = _island(html)
    assert data["to"] == "p_hal_wro_dir"
    assert data["asOf"] == "2026-11-15"
    assert data["paths"]
    assert not re.search(r"\s(src|href)=", html), "the file refers to something outside itself"
    assert [p.name for p in tmp_path.iterdir()] == ["halvorsen.html"], "no temporary file left behind"


def test_map_to_stdout_with_dash(demo_url: str) -> None:
    done = _graphsvc(demo_url, "map", "acc_lumen", "-o", "-")
    assert done.returncode == 0, done.stderr
    assert _island(done.stdout)["account"] == {"id": "acc_lumen", "name": "Lumen Cold Chain B.V."}
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["acc_nobody"], "graphsvc: error: no account has the id 'acc_nobody'"),
        (
            ["acc_halvorsen", "--to", "p_nobody"],
            "graphsvc: error: --to: 'p_nobody' is not on the map of account 'acc_halvorsen'",
        ),
        (
            ["acc_halvorsen", "--to", "p_hal_wro_dir", "--from", "p_hal_coo"],
            "graphsvc: error: --from: 'p_hal_coo' is not a member of our team on the map of account 'acc_halvorsen'",
        ),
        (["acc_halvorsen", "--from", "m_hoffmann"], "graphsvc: error: --from needs --to: the node the paths lead to"),
        (["acc_halvorsen", "--as-of", "26.11.2026"], "graphsvc: error: --as-of must be a date written YYYY-MM-DD"),
    ],
)
def test_a_mistake_is_one_line_exit_1_and_no_file(demo_url: str, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "map.html"
    done = _graphsvc(demo_url, "map", *args[:1], "-o", str(out), *args[1:])
    assert done.returncode == 1
    assert done.stderr.startswith(message)
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_map_into_a_missing_folder_says_so(demo_url: str, tmp_path: Path) -> None:
    done = _graphsvc(demo_url, "map", "acc_lumen", "-o", str(tmp_path / "nowhere" / "map.html"))
    assert done.returncode == 1
    assert done.stderr.strip() == f"graphsvc: error: -o: the folder '{tmp_path / 'nowhere'}' does not exist"


def test_map_needs_an_output_file(demo_url: str) -> None:
    done = subprocess.run([*GRAPHSVC, "map", "acc_lumen"], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2
    assert "Missing option '-o'" in done.stderr
