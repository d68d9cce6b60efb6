"""The two stores are interchangeable: an export from one imported into the other gives the same export, byte for
byte, and the same writes on both leave stores that answer every read the same way.

The SQLite store runs on a real file, the Neo4j store on the contract tests' real server (wiped first). Any
difference found here is a bug in one of them.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.analyst import Analyst
from graphsvc.demo import DEMO_AS_OF, demo_document
from graphsvc.errors import GraphsvcError
from graphsvc.model import NodeKind
from graphsvc.store import GraphStore, ImportMode, open_store
from tests.analysis.builders import AS_OF
from tests.analysis.strategies import documents
from tests.api.support import GRAPHSVC
from tests.conftest import SMALL_DOC, export_text, normalized
from tests.neo4j_server import Neo4jServer
from tests.test_interchange import graphs

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo4j_url(neo4j_store_server: Neo4jServer) -> str:
    neo4j_store_server.wipe()
    return neo4j_store_server.url


@pytest.fixture
def both(sqlite_url: str, neo4j_url: str) -> Iterator[tuple[GraphStore, GraphStore]]:
    with open_store(sqlite_url) as sqlite, open_store(neo4j_url) as neo4j:
        yield sqlite, neo4j


def _import_and_export(url: str, doc: Any) -> str:
    with open_store(url) as store:
        store.import_document(doc)
        return export_text(store)


def _graphsvc(*args: str, store_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHSVC_STORE"))}
    return subprocess.run(
        [*GRAPHSVC, *args, "--store", store_url], env=env, capture_output=True, text=True, timeout=120, check=False
    )


# -- export, import into the other store, export again -----------------------------------------------------------


@pytest.mark.parametrize("doc", [demo_document(), SMALL_DOC], ids=["demo", "small"])
def test_an_export_from_sqlite_imported_into_neo4j_exports_the_same_bytes(
    sqlite_url: str, neo4j_url: str, doc: dict[str, Any]
) -> None:
    from_sqlite = _import_and_export(sqlite_url, doc)
    assert json.loads(from_sqlite) == normalized(doc)
    assert _import_and_export(neo4j_url, json.loads(from_sqlite)) == from_sqlite


@pytest.mark.parametrize("doc", [demo_document(), SMALL_DOC], ids=["demo", "small"])
def test_an_export_from_neo4j_imported_into_sqlite_exports_the_same_bytes(
    sqlite_url: str, neo4j_url: str, doc: dict[str, Any]
) -> None:
    from_neo4j = _import_and_export(neo4j_url, doc)
    assert json.loads(from_neo4j) == normalized(doc)
    assert _import_and_export(sqlite_url, json.loads(from_neo4j)) == from_neo4j


def test_the_cli_moves_the_demo_from_sqlite_to_neo4j_and_back_unchanged(
    tmp_path: Path, sqlite_url: str, neo4j_url: str
) -> None:
    assert _graphsvc("demo", store_url=sqlite_url).returncode == 0
    first = tmp_path / "from-sqlite.json"
    exported = _graphsvc("export", str(first), store_url=sqlite_url)
    assert exported.returncode == 0, exported.stderr

    imported = _graphsvc("import", str(first), store_url=neo4j_url)
    assert imported.returncode == 0, imported.stderr
    records = len(json.loads(first.read_text(encoding="utf-8"))["relations"])
    assert "created" in imported.stderr
    again = _graphsvc("export", "-", store_url=neo4j_url)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.read_text(encoding="utf-8")
    assert records > 100

    back = tmp_path / "back.db"
    assert _graphsvc("import", str(first), store_url=f"sqlite:///{back}").returncode == 0
    assert _graphsvc("export", "-", store_url=f"sqlite:///{back}").stdout == again.stdout


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=graphs())
def test_any_valid_graph_exports_the_same_bytes_from_both_stores_and_moves_between_them(
    both: tuple[GraphStore, GraphStore], doc: dict[str, Any]
) -> None:
    """Every kind, property and relation type, free text of any script, in both directions."""
    sqlite, neo4j = both
    sqlite.import_document(doc, ImportMode.REPLACE)
    from_sqlite = export_text(sqlite)
    assert json.loads(from_sqlite) == normalized(doc)
    neo4j.import_document(json.loads(from_sqlite), ImportMode.REPLACE)
    from_neo4j = export_text(neo4j)
    assert from_neo4j == from_sqlite
    sqlite.import_document(json.loads(from_neo4j), ImportMode.REPLACE)
    assert export_text(sqlite) == from_sqlite


# -- the same writes, the same answers ----------------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)
_NOTE = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")) | st.sampled_from(["\n", "\t", "\r", "\x85"]),
    max_size=40,
)
_UNIT = st.floats(0, 1) | st.sampled_from([0, 1, 0.1, 1 / 3])


@st.composite
def rich_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid account portfolio (tests/analysis/strategies.py) dressed with free text, lists and numbers."""
    doc = draw(documents())
    for name in ("accounts", "sites", "people", "committees", "influencers", "members"):
        for record in doc.get(name, []):
            if draw(st.booleans()):
                record["name"] = draw(_TEXT)
            if draw(st.booleans()):
                record["notes"] = draw(_NOTE)
            if name == "accounts" and draw(st.booleans()):
                record["countries"] = draw(st.lists(_TEXT, unique=True, max_size=3))
            if name == "people" and draw(st.booleans()):
                record["title"] = draw(_TEXT)
            if name in ("people", "committees") and draw(st.booleans()):
                record["power"] = draw(_UNIT)
    for relation in doc["relations"]:
        if relation["type"] != "ASSIGNED_TO" and draw(st.booleans()):
            relation["strength"] = draw(_UNIT)
        if relation["type"] == "COVERS" and draw(st.booleans()):
            relation["cadence_days"] = draw(st.integers(1, 3650) | st.just(30.0))
    return doc


def _outcome(write: Callable[[GraphStore], Any], store: GraphStore) -> Any:
    """What a write returned, or the error it raised (class and message): both stores must agree on it."""
    try:
        return write(store)
    except GraphsvcError as exc:
        return (type(exc).__name__, str(exc))


def _pages(fetch: Callable[[Any], Any]) -> list[Any]:
    out, after = [], None
    while True:
        page = fetch(after)
        out.append((page.items, page.next_after))
        if page.next_after is None:
            return out
        after = page.next_after


def _answers(store: GraphStore) -> dict[str, Any]:
    """What the store answers to every read the API and the analyses make."""
    ids = sorted(n.id for n in store.list_nodes(limit=1000).items)
    accounts = [n.id for n in store.list_nodes(NodeKind.ACCOUNT, limit=1000).items]
    out: dict[str, Any] = {
        "export": export_text(store),
        "health": {k: v for k, v in store.health().items() if k != "store"},
        "revision": store.revision(),
        "account_revisions": [store.account_revision(a) for a in [*accounts, "acc_none"]],
        "all_nodes": _pages(lambda after: store.list_nodes(after=after, limit=3)),
        "relations": _pages(lambda after: store.list_relations(after=after, limit=4)),
        "from_m0": store.list_relations(source="m0").items,
        "to_p0": store.list_relations(target="p0").items,
        "out": sorted(store.relations_at(ids), key=lambda r: r.key),
        "in": sorted(store.relations_at(ids, side="target"), key=lambda r: r.key),
        "owned": store.owned_by(accounts),
        "at_sites": sorted(store.people_at_sites(["s_1", "s_2"]), key=lambda n: n.id),
        "above": sorted(store.reports_to_above(ids)),
    }
    for kind in NodeKind:
        out[f"{kind}s"] = _pages(lambda after, kind=kind: store.list_nodes(kind, after=after, limit=2))
        for text in ("a", "A", "0", "ss", "é"):
            out[f"{kind}s with {text}"] = store.count_nodes(kind, name_contains=text)
    out["deciders"] = store.list_nodes(NodeKind.PERSON, account="acc_a", where={"roles": "decider"}).items
    analyst = Analyst(store)
    for account in accounts:
        records = store.account_records(account)
        out[account] = (
            records.account,
            records.revision,
            analyst.gaps(account, AS_OF),
            [(score.node, score.score, score.contributions) for score in analyst.leverage(account)],
            analyst.coverage_score(account, AS_OF),
        )
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=rich_documents(), second=rich_documents(), doomed=st.sampled_from(["p0", "acc_b", "s_1", "m0", "c1"]))
def test_the_same_writes_on_both_stores_give_the_same_results_and_the_same_answers(
    both: tuple[GraphStore, GraphStore], first: dict[str, Any], second: dict[str, Any], doomed: str
) -> None:
    """A replace import, a merge of another portfolio over it, a cascading delete: step by step, the same."""
    steps: list[Callable[[GraphStore], Any]] = [
        lambda s: s.import_document(first, ImportMode.REPLACE),
        lambda s: s.import_document(second, ImportMode.MERGE),
        lambda s: s.delete_node(doomed, cascade=True),
        lambda s: s.update_node("acc_a", {"notes": "après la fusion\nß", "countries": []}),
    ]
    sqlite, neo4j = both
    for step in steps:
        assert _outcome(step, neo4j) == _outcome(step, sqlite)
        assert _answers(neo4j) == _answers(sqlite)


def test_the_demo_gives_the_same_answers_on_both_stores(both: tuple[GraphStore, GraphStore]) -> None:
    sqlite, neo4j = both
    for store in both:
        store.import_document(demo_document())
    assert _answers(neo4j) == _answers(sqlite)
    on_sqlite, on_neo4j = Analyst(sqlite), Analyst(neo4j)
    for account in ("acc_halvorsen", "acc_castellani", "acc_lumen", "acc_vantor"):
        assert on_neo4j.gaps(account, DEMO_AS_OF) == on_sqlite.gaps(account, DEMO_AS_OF)
        assert on_neo4j.key_stakeholders(account) == on_sqlite.key_stakeholders(account)
    for account, target in (("acc_halvorsen", "p_hal_wro_dir"), ("acc_lumen", "p_lum_ceo")):
        assert on_neo4j.paths(account, target, k=5) == on_sqlite.paths(account, target, k=5)
    assert on_neo4j.portfolio_leverage() == on_sqlite.portfolio_leverage()
    assert on_neo4j.team_coverage("m_lenz", DEMO_AS_OF) == on_sqlite.team_coverage("m_lenz", DEMO_AS_OF)
