"""What only the Neo4j store has: store URLs and credentials, a natural graph, its schema, its Cypher files,
all-or-nothing imports seen from the server, and an API that fails fast while Neo4j is down and recovers.

Everything the two stores share is in the contract suite; the tests here that
need a server run on real Neo4j servers (``store`` for most, ``outage`` for the
test that stops and restarts its server).
"""

from __future__ import annotations

import ast
import copy
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from neo4j import GraphDatabase
from neo4j.exceptions import ConstraintError

from graphsvc.errors import InvalidInput, StoreUnavailable
from graphsvc.store import GraphStore, default_store_url, open_store
from graphsvc.store.neo4j import Neo4jStore, parse_url
from graphsvc.store.neo4j.cypher import QUERIES_DIR, query, query_names, schema_statements
from graphsvc.store.neo4j.writes import BATCH
from tests.api.support import GRAPHSVC, Server, assert_no_leak, code
from tests.conftest import SMALL_DOC, export_text
from tests.neo4j_server import Neo4jServer, server
from tests.store.test_durability import _kill_when_writing, _write_big_doc

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "graphsvc"
NEO4J_SOURCES = sorted((PACKAGE / "store" / "neo4j").glob("*.py"))
LABELS = {
    "accounts": "Account",
    "sites": "Site",
    "people": "Person",
    "committees": "Committee",
    "influencers": "Influencer",
    "members": "Member",
}
Rows = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def neo(neo4j_store_server: Neo4jServer) -> Neo4jServer:
    """The contract tests' Neo4j server, wiped."""
    neo4j_store_server.wipe()
    return neo4j_store_server


@pytest.fixture
def neo_store(neo: Neo4jServer) -> Iterator[GraphStore]:
    with open_store(neo.url) as store:
        yield store


@pytest.fixture
def cypher(neo: Neo4jServer) -> Iterator[Rows]:
    """Run a statement on the server through the driver directly, as a user in Neo4j Browser would."""
    with GraphDatabase.driver(neo.uri, auth=(neo.user, neo.password)) as driver:

        def rows(statement: Any, **params: Any) -> list[dict[str, Any]]:
            return [r.data() for r in driver.execute_query(statement, params, database_="neo4j").records]

        yield rows


# -- store URLs ------------------------------------------------------------------------------------------------------


@pytest.fixture
def no_neo4j_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("GRAPHSVC_STORE", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_store_url_carries_user_password_host_port_and_database(no_neo4j_env: pytest.MonkeyPatch) -> None:
    target = parse_url("neo4j://alice:p%40ss%3Aword@db.example.com:7688/sales")
    assert (target.uri, target.user, target.password, target.database) == (
        "neo4j://db.example.com:7688",
        "alice",
        "p@ss:word",
        "sales",
    )
    assert target.shown == "neo4j://alice@db.example.com:7688/sales"


def test_what_the_store_url_leaves_out_comes_from_the_neo4j_variables(no_neo4j_env: pytest.MonkeyPatch) -> None:
    no_neo4j_env.setenv("NEO4J_USER", "bob")
    no_neo4j_env.setenv("NEO4J_PASSWORD", "from-the-env")
    no_neo4j_env.setenv("NEO4J_DATABASE", "crm")
    target = parse_url("bolt://127.0.0.1:7687")
    assert (target.uri, target.user, target.password, target.database) == (
        "bolt://127.0.0.1:7687",
        "bob",
        "from-the-env",
        "crm",
    )
    # what the URL says wins
    target = parse_url("bolt://carol:from-the-url@127.0.0.1:7687/sales")
    assert (target.user, target.password, target.database) == ("carol", "from-the-url", "sales")


def test_store_url_defaults_to_user_neo4j_and_database_neo4j(no_neo4j_env: pytest.MonkeyPatch) -> None:
    no_neo4j_env.setenv("NEO4J_PASSWORD", "secret-pw")
    target = parse_url("neo4j+s://abcd1234.databases.neo4j.io")
    assert (target.uri, target.user, target.database) == ("neo4j+s://abcd1234.databases.neo4j.io", "neo4j", "neo4j")


def test_store_url_without_a_password_is_invalid_input_saying_where_to_put_one(
    no_neo4j_env: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        open_store("neo4j://alice@127.0.0.1:7687/neo4j")
    message = str(caught.value)
    assert "alice" in message
    assert "NEO4J_PASSWORD" in message


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("neo4j://neo4j:pw@:7687/neo4j", "names no host"),
        ("neo4j://neo4j:pw@localhost:port/neo4j", "port"),
        ("bolt://neo4j:pw@localhost:7687/no_underscores", "not a Neo4j database name"),
        ("bolt://neo4j:pw@localhost:7687/neo4j?region=eu", "routing context"),
        ("postgres://neo4j:pw@localhost/neo4j", "not supported"),
    ],
    ids=["no-host", "bad-port", "bad-database", "bolt-routing", "other-scheme"],
)
def test_a_malformed_store_url_is_invalid_input_that_never_shows_the_password(
    no_neo4j_env: pytest.MonkeyPatch, url: str, says: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        open_store(url)
    assert says in str(caught.value)
    assert ":pw@" not in str(caught.value)


def test_graphsvc_store_wins_over_neo4j_uri_and_neo4j_uri_over_the_default_file(
    no_neo4j_env: pytest.MonkeyPatch,
) -> None:
    assert default_store_url().startswith("sqlite:///")
    no_neo4j_env.setenv("NEO4J_URI", "neo4j://db.example.com:7687")
    assert default_store_url() == "neo4j://db.example.com:7687"
    no_neo4j_env.setenv("GRAPHSVC_STORE", "sqlite:///elsewhere.db")
    assert default_store_url() == "sqlite:///elsewhere.db"


@pytest.mark.neo4j
def test_neo4j_uri_selects_the_neo4j_store_when_graphsvc_store_is_unset(
    no_neo4j_env: pytest.MonkeyPatch, neo: Neo4jServer
) -> None:
    no_neo4j_env.setenv("NEO4J_URI", neo.uri)
    no_neo4j_env.setenv("NEO4J_USER", neo.user)
    no_neo4j_env.setenv("NEO4J_PASSWORD", neo.password)
    no_neo4j_env.setenv("NEO4J_DATABASE", "neo4j")
    with open_store() as store:
        assert isinstance(store, Neo4jStore)
        assert store.health()["store"] == "neo4j"
        store.import_document(SMALL_DOC)
        assert store.url == f"{neo.uri.replace('://', f'://{neo.user}@')}/neo4j"
    with open_store(neo.url) as store:
        assert store.count_nodes("account") == len(SMALL_DOC["accounts"])


@pytest.mark.neo4j
def test_the_store_url_a_store_shows_never_holds_the_password(neo_store: GraphStore, neo: Neo4jServer) -> None:
    assert neo.password in neo.url
    assert neo.password not in neo_store.url
    assert neo_store.url == neo.url.replace(f":{neo.password}@", "@")
    assert neo.password not in str(neo_store.health())


@pytest.mark.neo4j
def test_a_wrong_password_is_store_unavailable_naming_the_user_without_any_password(neo: Neo4jServer) -> None:
    wrong = neo.url.replace(f":{neo.password}@", ":not-the-password@")
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        open_store(wrong)
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert f"user '{neo.user}'" in message
    assert "NEO4J_PASSWORD" in message
    assert "not-the-password" not in message
    assert neo.password not in message
    assert caught.value.__cause__ is None, "the driver's error stays inside"
    assert caught.value.__suppress_context__
    with open_store(neo.url) as store:  # and the right password still works
        assert store.revision() == 0


@pytest.mark.neo4j
def test_a_database_that_does_not_exist_is_store_unavailable_naming_it(neo: Neo4jServer) -> None:
    with pytest.raises(StoreUnavailable) as caught:
        open_store(neo.url.removesuffix("/neo4j") + "/nosuchdb")
    assert "nosuchdb" in str(caught.value)


# -- a natural Neo4j graph -------------------------------------------------------------------------------------------


@pytest.mark.neo4j
def test_records_are_nodes_with_their_kinds_label_and_their_properties(neo_store: GraphStore, cypher: Rows) -> None:
    neo_store.import_document(SMALL_DOC)
    for name, label in LABELS.items():
        records = {r["id"]: r for r in SMALL_DOC.get(name, [])}
        found = cypher(f"MATCH (n:{label}) RETURN labels(n) AS labels, properties(n) AS props")
        assert {row["props"]["id"] for row in found} == set(records), label
        for row in found:
            assert sorted(row["labels"]) == sorted(["Entity", label])
            props = {k: v for k, v in row["props"].items() if k != "_fold"}
            assert props == records[props["id"]]
    [person] = cypher("MATCH (p:Person {name: 'Clara Ceo'})-[:MEMBER_OF]->(c:Committee) RETURN p.power AS power")
    assert person == {"power": 0.9}


@pytest.mark.neo4j
def test_relations_are_relationships_of_their_type_with_their_properties(neo_store: GraphStore, cypher: Rows) -> None:
    neo_store.import_document(SMALL_DOC)
    found = cypher("MATCH (a:Entity)-[r]->(b:Entity) RETURN [type(r), a.id, b.id] AS key, properties(r) AS props")
    stored = [{"type": r["key"][0], "from": r["key"][1], "to": r["key"][2], **r["props"]} for r in found]
    assert sorted(stored, key=str) == sorted(SMALL_DOC["relations"], key=str)
    [cover] = cypher("MATCH (:Member {id: 'm_kam'})-[c:COVERS]->(:Person {id: 'p_buyer'}) RETURN c.strength AS s")
    assert cover == {"s": 0.7}
    boss = cypher("MATCH (:Person {id: 'p_buyer'})-[:REPORTS_TO]->(b:Person) RETURN b.id AS id")
    assert boss == [{"id": "p_ceo"}]


@pytest.mark.neo4j
def test_a_record_changed_through_the_store_changes_in_place_in_the_graph(neo_store: GraphStore, cypher: Rows) -> None:
    neo_store.import_document(SMALL_DOC)
    neo_store.update_node("p_buyer", {"attitude": None, "title": "Head of Buying"})
    neo_store.update_relation("COVERS", "m_kam", "p_buyer", {"strength": 0.2})
    [row] = cypher("MATCH (p:Person {id: 'p_buyer'})<-[c:COVERS]-() RETURN properties(p) AS p, c.strength AS s")
    assert row["p"]["title"] == "Head of Buying"
    assert "attitude" not in row["p"], "a property set to null is removed, not stored as null"
    assert row["s"] == 0.2
    assert cypher("MATCH (n:Entity {id: 'p_buyer'}) RETURN count(n) AS n") == [{"n": 1}]


# -- schema/neo4j.cypher ---------------------------------------------------------------------------------------------


def _schema_names(kind: str) -> set[str]:
    return {m.group(1) for s in schema_statements() if (m := re.match(rf"CREATE {kind} (\w+) IF NOT EXISTS", s))}


def _schema_state(cypher: Rows) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    constraints = cypher("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN * ORDER BY name")
    indexes = cypher("SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state RETURN * ORDER BY name")
    return constraints, indexes


@pytest.mark.neo4j
def test_the_constraints_and_indexes_of_the_schema_file_exist_once_a_store_is_open(
    neo_store: GraphStore, cypher: Rows
) -> None:
    constraints, indexes = _schema_state(cypher)
    assert len(_schema_names("CONSTRAINT")) == 12
    assert _schema_names("CONSTRAINT") <= {c["name"] for c in constraints}
    assert {c["type"] for c in constraints if c["name"] in _schema_names("CONSTRAINT")} == {"UNIQUENESS"}
    assert _schema_names("INDEX") == {"entity_account", "person_site", "audit_entry_at", "audit_entry_member"}
    assert _schema_names("INDEX") <= {i["name"] for i in indexes}
    assert {i["state"] for i in indexes} == {"ONLINE"}
    by_name = {c["name"]: c for c in constraints}
    for label in LABELS.values():
        assert by_name[f"{label.lower()}_id"]["labelsOrTypes"] == [label]
        assert by_name[f"{label.lower()}_id"]["properties"] == ["id"]


@pytest.mark.neo4j
def test_applying_the_schema_again_changes_nothing(neo_store: GraphStore, cypher: Rows) -> None:
    neo_store.import_document(SMALL_DOC)
    before = _schema_state(cypher), export_text(neo_store), neo_store.revision()
    applied = neo_store.migrate()  # type: ignore[attr-defined]
    assert applied == [" ".join(s.split()) for s in schema_statements()]
    assert (_schema_state(cypher), export_text(neo_store), neo_store.revision()) == before


@pytest.mark.neo4j
def test_the_schema_keeps_ids_unique_even_for_a_writer_that_bypasses_graphsvc(
    neo_store: GraphStore, cypher: Rows
) -> None:
    neo_store.import_document(SMALL_DOC)
    with pytest.raises(ConstraintError):
        cypher("CREATE (:Entity:Member {id: 'p_ceo', name: 'A twin'})")
    assert cypher("MATCH (n:Entity {id: 'p_ceo'}) RETURN labels(n) AS l") == [{"l": ["Entity", "Person"]}]


def _operators(plan: Any) -> list[str]:
    """Every operator of a plan summary, depth first ("NodeUniqueIndexSeek@neo4j" and so on)."""
    return [plan["operatorType"], *(op for child in plan.get("children", []) for op in _operators(child))]


@pytest.mark.neo4j
def test_revisions_of_many_accounts_are_one_index_seek_never_a_label_scan(
    neo_store: GraphStore, neo: Neo4jServer
) -> None:
    neo_store.import_document(SMALL_DOC)
    with GraphDatabase.driver(neo.uri, auth=(neo.user, neo.password)) as driver:
        explained = driver.execute_query(
            "EXPLAIN " + query("account_revisions"), {"accounts": ["acc_acme", "acc_none"]}, database_="neo4j"
        )
    plan = explained.summary.plan
    assert plan is not None
    operators = _operators(plan)
    assert any(op.startswith("NodeUniqueIndexSeek") for op in operators), operators
    assert not [op for op in operators if "Scan" in op], operators


# -- queries/cypher: every statement a named file, parameters only ---------------------------------------------------

CYPHER = re.compile(
    r"\b(?:OPTIONAL\s+)?MATCH\s*\(|\bMERGE\s*\(|\bCREATE\s*\(|\bCREATE\s+(?:CONSTRAINT|INDEX)\b|\bCALL\s*[({]"
    r"|\bCALL\s+(?:db|dbms|apoc)\.|\bUNWIND\s+\$|\bDETACH\s+DELETE\b|\bSHOW\s+(?:CONSTRAINTS|INDEXES)\b",
    re.IGNORECASE,
)
"""What Cypher looks like (a statement starts with one of these)."""


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module's code, without its documentation (docstrings, bare strings)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_the_cypher_detector_recognizes_every_statement_of_the_project() -> None:
    """Without this, the next test could pass by recognizing nothing."""
    for name in query_names():
        assert CYPHER.search(query(name)), name
    for statement in schema_statements():
        assert CYPHER.search(statement), statement
    assert CYPHER.search("CALL db.awaitIndexes(300)")


def test_no_cypher_is_written_in_the_code_outside_queries_and_schema() -> None:
    """Every statement lives in queries/cypher/ (or schema/neo4j.cypher), loaded by graphsvc/store/neo4j/cypher.py."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "sqlite" not in path.relative_to(PACKAGE).parts  # SQL lives in the SQLite store
        for line, text in _code_strings(path)
        if CYPHER.search(text)
    ]
    assert found == []


def test_every_statement_the_neo4j_store_sends_is_a_named_file_or_a_schema_statement() -> None:
    """Calls of ``run``/``execute_query`` take ``query(NAME)`` or a statement of the schema file: never built text."""
    calls = []
    for path in NEO4J_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("run", "execute_query")
                and node.args
            ):
                first = node.args[0]
                named = isinstance(first, ast.Call) and isinstance(first.func, ast.Name) and first.func.id == "query"
                schema = isinstance(first, ast.Name) and first.id == "statement"
                calls.append((f"{path.name}:{node.lineno}", named or schema))
    assert len(calls) >= 8, calls
    assert [where for where, ok in calls if not ok] == []


def test_every_cypher_file_is_used_and_every_name_used_has_a_file() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in NEO4J_SOURCES)
    tests_only = {"wipe", "wipe_meta"}
    unused = [name for name in query_names() if name not in tests_only and f'"{name}"' not in code]
    assert unused == []
    helper = (ROOT / "tests" / "neo4j_server.py").read_text(encoding="utf-8")
    for name in tests_only:
        assert f'query("{name}")' in helper
        assert f'"{name}"' not in code, f"{name} is for the tests only: graphsvc never wipes a store"
    used = set(re.findall(r'(?:_run|_run_write|query)\(\s*"(\w+)"', code))
    assert len(used) > 30
    assert used - set(query_names()) == set()
    assert {p.suffix for p in QUERIES_DIR.iterdir()} == {".cypher"}


# -- all or nothing, seen from the server ----------------------------------------------------------------------------


def _people(count: int, prefix: str = "p_bulk") -> dict[str, Any]:
    doc = copy.deepcopy(SMALL_DOC)
    doc["people"] += [{"id": f"{prefix}_{i:05d}", "account": "acc_acme", "name": f"Bulk {i}"} for i in range(count)]
    doc["relations"] += [
        {"type": "COVERS", "from": "m_kam", "to": f"{prefix}_{i:05d}", "strength": 0.5} for i in range(count)
    ]
    return doc


@pytest.mark.neo4j
def test_an_import_failing_after_its_first_batch_leaves_nothing_on_the_server(
    neo_store: GraphStore, cypher: Rows
) -> None:
    neo_store.import_document(SMALL_DOC)
    before = export_text(neo_store), neo_store.revision(), cypher("MATCH (n) RETURN count(n) AS n")
    written: list[int] = []

    def fail_after_first_batch(count: int) -> None:
        written.append(count)
        raise RuntimeError("the client gave up")

    with pytest.raises(RuntimeError, match="gave up"):
        neo_store.import_document(_people(BATCH + 100), progress=fail_after_first_batch)
    assert written == [BATCH], "the import failed in the middle of its writes"
    assert (export_text(neo_store), neo_store.revision(), cypher("MATCH (n) RETURN count(n) AS n")) == before
    assert cypher("MATCH (n:Person) WHERE n.id STARTS WITH 'p_bulk' RETURN count(n) AS n") == [{"n": 0}]
    # the store took no harm: the write lock is free, the next write goes through
    assert neo_store.create_node("member", {"id": "m_next", "name": "Next", "role": "kam"}).id == "m_next"
    assert neo_store.revision() == before[1] + 1


@pytest.mark.neo4j
def test_a_reader_never_sees_part_of_an_import_in_many_batches(neo_store: GraphStore, neo: Neo4jServer) -> None:
    neo_store.import_document(SMALL_DOC)
    people = len(SMALL_DOC["people"])
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        with open_store(neo.url) as reader:
            while not done.is_set():
                seen.add(reader.count_nodes("person"))
                time.sleep(0.005)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        result = neo_store.import_document(_people(BATCH + 100))  # two batches of nodes, two of relations
    finally:
        time.sleep(0.05)
        done.set()
        thread.join(timeout=30)
    assert result.created == 2 * (BATCH + 100)
    assert seen <= {people, people + BATCH + 100}, sorted(seen)
    assert people in seen, "the reader never ran while the import did; the test proved nothing"


@pytest.mark.neo4j
@pytest.mark.slow
def test_an_import_killed_mid_write_leaves_the_previous_graph_and_releases_the_write_lock(
    tmp_path: Path, neo_store: GraphStore, neo: Neo4jServer
) -> None:
    """The client dies with its transaction open: Neo4j rolls it back and the next writer is not blocked."""
    neo_store.import_document(SMALL_DOC)
    before = export_text(neo_store), neo_store.revision()
    big = tmp_path / "big.json"
    _write_big_doc(big, 3 * BATCH)
    output, status = _kill_when_writing([*GRAPHSVC, "import", str(big), "--store", neo.url], tmp_path, big)
    assert status == -9, f"the import was not killed while writing (exit {status}):\n{output}"
    assert neo.password not in output
    started = time.monotonic()
    result = neo_store.create_node("member", {"id": "m_after", "name": "After", "role": "kam"})
    assert result.id == "m_after"
    assert time.monotonic() - started < 10, "the dead import's lock held the next write back"
    neo_store.delete_node("m_after")
    assert export_text(neo_store) == before[0]


# -- outage and recovery of a real server ----------------------------------------------------------------------------


@pytest.fixture
def outage() -> Iterator[Neo4jServer]:
    """A Neo4j server of its own, which the test stops and starts again."""
    s = server("outage")
    s.ensure()
    try:
        s.wipe()
        yield s
    finally:
        if s.started_here:
            s.stop()
        elif s.script("status").returncode != 0:
            s.start()  # a developer's server: leave it running, as found


QUERY = "{ accounts { totalCount } }"


def _timed(call: Callable[[], requests.Response]) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _check_down(response: requests.Response, elapsed: float, api: Server, neo: Neo4jServer) -> None:
    """A quick, clear answer without internals: STORE_UNAVAILABLE for GraphQL, 503 "unavailable" for /healthz."""
    assert elapsed < 5, f"{response.url} took {elapsed:.1f} s to answer while Neo4j was down"
    assert_no_leak(response.text, api.secrets)
    assert neo.uri.split("://", 1)[1] not in response.text, "the answer shows where the store lives"
    if response.url.endswith("/healthz"):
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
    else:
        body = response.json()
        assert code(body["errors"][0]) == "STORE_UNAVAILABLE", body
        assert body.get("data") is None


def _down(api: Server, neo: Neo4jServer) -> None:
    """What clients see while Neo4j is down: the first call finds it gone, then many clients at once."""
    for call in (lambda: api.post(QUERY), lambda: api.request("GET", "/healthz")):
        response, elapsed = _timed(call)
        _check_down(response, elapsed, api, neo)

    def one(path: str) -> tuple[requests.Response, float]:
        body = json.dumps({"query": QUERY})
        if path == "/graphql":
            return _timed(lambda: requests.post(api.graphql_url, data=body, headers=api.headers(), timeout=30))
        return _timed(lambda: requests.get(f"{api.base}{path}", timeout=30))

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(one, ["/graphql"] * 6 + ["/healthz"] * 2))
    for response, elapsed in answers:  # nobody waits for the others' retries
        _check_down(response, elapsed, api, neo)
    assert time.monotonic() - started < 5


# The outage itself (Neo4j stopped and started again while graphsvc serves, under load from several clients: the
# answers while it is down, through _down above, and the recovery without a restart) is tested in
# tests/reliability/test_outage_under_load.py, on the outage fixture above.
