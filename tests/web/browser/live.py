"""Real ``graphsvc serve`` processes for the browser tests, each on its own SQLite file and a free port.

A server is started the way a user starts one: the store is filled through the
command line (``graphsvc demo``, ``graphsvc import``), a token is made with
``graphsvc token create``, then ``graphsvc serve`` runs until the session ends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.api.support import cli, create_token, serve_process


@dataclass(frozen=True)
class LiveServer:
    """A running ``graphsvc serve``: its address, its store and a token (None with ``--no-auth``)."""

    base: str
    store_url: str
    token: str | None
    workdir: Path

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def stderr(self) -> str:
        return (self.workdir / "serve.stderr").read_text("utf-8", "replace")


def load(store_url: str, *args: str) -> None:
    """Run one ``graphsvc`` command on the store; it must succeed."""
    result = cli(store_url, *args)
    assert result.returncode == 0, f"graphsvc {' '.join(args)} failed:\n{result.stderr}"


def import_document(store_url: str, doc: dict[str, Any], path: Path) -> None:
    """Write ``doc`` to ``path`` and load it with ``graphsvc import`` (merge)."""
    path.write_text(json.dumps(doc), "utf-8")
    load(store_url, "import", str(path))


@contextmanager
def serving(
    workdir: Path, *, auth: bool = True, documents: dict[str, dict[str, Any]] | None = None
) -> Iterator[LiveServer]:
    """``graphsvc serve`` over a new SQLite file holding the demo portfolio plus ``documents`` (name -> document)."""
    workdir.mkdir(parents=True, exist_ok=True)
    store_url = f"sqlite:///{workdir / 'graphsvc.db'}"
    load(store_url, "demo")
    for name, doc in (documents or {}).items():
        import_document(store_url, doc, workdir / f"{name}.json")
    token = create_token(store_url) if auth else None
    with serve_process(store_url, workdir / "serve.stderr", *([] if auth else ["--no-auth"])) as base:
        yield LiveServer(base, store_url, token, workdir)
