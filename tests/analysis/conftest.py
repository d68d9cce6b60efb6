"""Fixtures for the analysis tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.store import GraphStore, open_store


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[GraphStore]:
    """An empty SQLite store in a real file, closed after the test."""
    s = open_store(f"sqlite:///{tmp_path / 'analysis.db'}")
    try:
        yield s
    finally:
        s.close()
