"""The Neo4j store's connection: store URLs, one driver, read and write transactions, errors mapped.

One driver per store object (one per process: the app opens the store in its
lifespan and closes it on shutdown). Every call names the database. Reads are
routed as reads (to followers and read replicas in a cluster); writes run as
managed transactions, retried by the driver on transient errors. All calls of
one process share the driver's bookmark manager, so a read sees every write
the process made before it, in a cluster too.

Once Neo4j stops answering, one call at a time checks whether its database
answers again (one statement, never retried); every other call meanwhile
fails at once with STORE_UNAVAILABLE instead of waiting for Neo4j beside it.
So while Neo4j is down, or starting and not yet answering, calls fail in
milliseconds instead of each waiting seconds (which would queue up the API's
requests behind one another); when it is back, the call that found it clears
the flag and everything runs as before, without a restart.

Bookkeeping that must not hold up a request (a token's ``last_used``) runs on
the store's own background thread (``_in_background``), best effort.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Self, TypeVar
from urllib.parse import unquote, urlsplit

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, RoutingControl
from neo4j import exceptions as nx

from graphsvc import __version__
from graphsvc.errors import Conflict, GraphsvcError, InvalidInput, StoreUnavailable
from graphsvc.store.neo4j.cypher import query, schema_statements, schema_version

T = TypeVar("T")
SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
RETRY_SECONDS = 1.5
"""How long a managed transaction is retried (transient errors, a lost connection): then STORE_UNAVAILABLE."""
logging.getLogger("neo4j").addHandler(logging.NullHandler())  # the driver's retries: not on a CLI user's screen
log = logging.getLogger("graphsvc.store")
"""An outage's start and end, once each (``graphsvc serve`` shows them; the CLI's one error line says it all)."""
log.addHandler(logging.NullHandler())
_DATABASE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9.\-]{2,62}$")


@dataclass(frozen=True, slots=True)
class Neo4jTarget:
    """Where a Neo4j store lives, from its URL and the NEO4J_* variables."""

    uri: str
    """What the driver connects to: scheme, host, port (and a routing context); never credentials."""
    user: str
    password: str
    database: str

    @property
    def shown(self) -> str:
        """The store URL without its password: safe for logs and messages."""
        scheme, rest = self.uri.split("://", 1)
        return f"{scheme}://{self.user}@{rest.split('?', 1)[0]}/{self.database}"


def is_neo4j_url(url: str) -> bool:
    return url.split("://", 1)[0].lower() in SCHEMES and "://" in url


def parse_url(url: str) -> Neo4jTarget:
    """``neo4j://[user[:password]@]host[:port][/database]`` (or bolt://, +s, +ssc).

    What the URL leaves out comes from ``NEO4J_USER`` (default neo4j),
    ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` (default neo4j).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    hint = "e.g. neo4j://neo4j:secret@localhost:7687/neo4j"
    if scheme not in SCHEMES:
        raise InvalidInput(f"a Neo4j store URL starts with {', '.join(s + '://' for s in SCHEMES)}; {hint}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise InvalidInput(f"the port of the Neo4j store URL is not a number; {hint}") from None
    if not host:
        raise InvalidInput(f"the Neo4j store URL names no host; {hint}")
    user = unquote(parts.username) if parts.username else os.environ.get("NEO4J_USER", "").strip() or "neo4j"
    password = unquote(parts.password) if parts.password is not None else os.environ.get("NEO4J_PASSWORD")
    if not password:
        raise InvalidInput(
            f"no password for Neo4j user '{user}': set NEO4J_PASSWORD, or put it in the store URL ({hint})"
        )
    database = unquote(parts.path.strip("/")) or os.environ.get("NEO4J_DATABASE", "").strip() or "neo4j"
    if not _DATABASE_NAME.match(database):
        raise InvalidInput(
            f"'{database}' is not a Neo4j database name (3-63 letters, digits, dots and dashes, starting with a letter)"
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    if parts.query and not scheme.startswith("neo4j"):
        raise InvalidInput("only neo4j:// URLs take a routing context (?key=value); bolt:// URLs take none")
    uri = f"{scheme}://{netloc}" + (f"?{parts.query}" if parts.query else "")
    return Neo4jTarget(uri, user, password, database)


class Connections:
    """The driver, the transactions and the mapping of driver errors to graphsvc errors."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.target = parse_url(url)
        self.url = self.target.shown
        self.database = self.target.database
        self._local = threading.local()
        self._unreachable = False
        """Set when Neo4j stopped answering; cleared by the first call that finds it back."""
        self._probe = threading.Lock()
        """Held by the one call checking whether Neo4j is back; the others fail at once meanwhile."""
        self._pending: set[str] = set()
        self._pending_lock = threading.Lock()
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphsvc-neo4j-bookkeeping")
        with self._errors():
            self._driver = GraphDatabase.driver(
                self.target.uri,
                auth=(self.target.user, self.target.password),
                user_agent=f"graphsvc/{__version__}",
                connection_timeout=5.0,
                connection_acquisition_timeout=10.0,
                max_transaction_retry_time=RETRY_SECONDS,
                initial_retry_delay=0.2,
                notifications_min_severity="OFF",
            )
        try:
            self._open(create)
        except BaseException:
            self._driver.close()
            raise

    def _open(self, create: bool) -> None:
        meta = self._run("meta_read")[0]
        if meta["revision"] is None and not create:
            raise StoreUnavailable(
                f"Neo4j database '{self.database}' at {self.url} holds no graphsvc store yet; import data first"
            )
        if meta["schema"] is None or meta["schema"] < schema_version():
            self.migrate()
        elif meta["schema"] > schema_version():
            raise StoreUnavailable(
                f"the graphsvc store in {self.url} was written by a newer graphsvc (store schema {meta['schema']}); "
                "upgrade graphsvc"
            )

    def migrate(self) -> list[str]:
        """Apply schema/neo4j.cypher (idempotent) and record its version; return the statements applied."""
        statements = schema_statements()
        with self._errors():
            for statement in statements:
                self._driver.execute_query(statement, database_=self.database, routing_=RoutingControl.WRITE)
            self._driver.execute_query(query("meta_init"), database_=self.database, routing_=RoutingControl.WRITE)
            self._driver.execute_query(
                query("meta_schema"),
                {"schema": schema_version()},
                database_=self.database,
                routing_=RoutingControl.WRITE,
            )
            self._driver.execute_query(query("await_indexes"), database_=self.database, routing_=RoutingControl.WRITE)
        return [" ".join(s.split()) for s in statements]

    def close(self) -> None:
        self._background.shutdown(wait=True, cancel_futures=True)  # a write in flight ends (or fails) first
        self._driver.close()

    def _in_background(self, key: str, work: Callable[[], object]) -> None:
        """Run ``work`` on the store's bookkeeping thread, best effort: its failure is dropped.

        A request never waits for it. ``key`` names the work: while one with the
        same key is queued or running, another is not added (one ``last_used``
        write per token, however many requests come meanwhile).
        """
        with self._pending_lock:
            if key in self._pending:
                return
            self._pending.add(key)

        def run() -> None:
            try:
                with suppress(GraphsvcError):
                    work()
            finally:
                with self._pending_lock:
                    self._pending.discard(key)

        try:
            self._background.submit(run)
        except RuntimeError:  # the store is closing: the bookkeeping is dropped
            with self._pending_lock:
                self._pending.discard(key)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- errors --------------------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        where = f"the Neo4j store {self.url}" if hasattr(self, "url") else "Neo4j"
        try:
            if getattr(self, "_unreachable", False):
                self._check_back(where)
            yield
        except GraphsvcError:
            raise
        except UnicodeEncodeError:
            raise InvalidInput("text is not valid Unicode (it holds a lone surrogate); send UTF-8 text") from None
        except nx.AuthError:
            raise StoreUnavailable(
                f"{where} refused the credentials of user '{self.target.user}'; check NEO4J_USER and NEO4J_PASSWORD "
                "(or the store URL)"
            ) from None
        except nx.ConstraintError as exc:
            raise Conflict(f"{where} refused the write: {exc.message}") from None
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            self._went_away(where, exc)
            raise StoreUnavailable(f"{where} is not answering ({_first_line(exc)}); try again shortly") from None
        except nx.ConnectionAcquisitionTimeoutError as exc:
            raise StoreUnavailable(f"{where} is not answering ({_first_line(exc)}); try again shortly") from None
        except nx.TransientError as exc:
            raise StoreUnavailable(f"{where} is busy ({exc.code}); try again") from None
        except nx.ClientError as exc:
            if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreUnavailable(f"{where}: Neo4j has no database '{self.database}'") from None
            if exc.code and exc.code.startswith("Neo.ClientError.Security."):
                raise StoreUnavailable(f"{where} refused user '{self.target.user}': {exc.message}") from None
            raise StoreUnavailable(f"{where} refused a statement ({exc.code}): {exc.message}") from None
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise StoreUnavailable(f"{where} failed: {_first_line(exc)}") from None
        except OSError as exc:
            self._went_away(where, exc)
            raise StoreUnavailable(f"{where} is not reachable: {exc}") from None

    def _check_back(self, where: str) -> None:
        """Neo4j was gone: one caller asks its database for one answer (no retries); the others fail at once.

        Only the database answering counts, not a connection: a Neo4j server
        that is starting accepts connections and holds statements until its
        database is up, and callers waiting there meanwhile would pile up.
        """
        if not self._probe.acquire(blocking=False):
            raise StoreUnavailable(f"{where} is not answering (checking whether it is back); try again shortly")
        try:
            if not self._unreachable:  # another caller found it back meanwhile
                return
            with self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
                session.run(query("probe")).consume()  # an auto-commit statement: never retried by the driver
            self._unreachable = False
            log.warning("the Neo4j store %s answers again", self.url)
        finally:
            self._probe.release()

    def _went_away(self, where: str, exc: Exception) -> None:
        if not getattr(self, "_unreachable", True):  # logged once per outage, not once per request
            log.warning(
                "%s stopped answering (%s); requests fail with STORE_UNAVAILABLE until it is back",
                where,
                _first_line(exc),
            )
        self._unreachable = True

    # -- statements and transactions --------------------------------------------------------------

    def _tx(self) -> ManagedTransaction | None:
        tx: ManagedTransaction | None = getattr(self._local, "tx", None)
        return tx

    def _run(self, name: str, **params: Any) -> list[neo4j.Record]:
        """Run the named statement: inside this thread's open transaction, else as one routed read."""
        tx = self._tx()
        if tx is not None:
            return list(tx.run(query(name), params))
        with self._errors():
            return self._driver.execute_query(
                query(name), params, database_=self.database, routing_=RoutingControl.READ
            ).records

    def _run_write(self, name: str, **params: Any) -> list[neo4j.Record]:
        """Run the named statement as its own write transaction (outside ``_write``)."""
        with self._errors():
            return self._driver.execute_query(
                query(name), params, database_=self.database, routing_=RoutingControl.WRITE
            ).records

    def _session(self, access: str) -> neo4j.Session:
        return self._driver.session(
            database=self.database,
            default_access_mode=access,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        )

    def _in_tx(self, tx: ManagedTransaction, work: Callable[[], T]) -> T:
        self._local.tx = tx
        try:
            return work()
        finally:
            self._local.tx = None

    def _read(self, work: Callable[[], T]) -> T:
        """Run ``work`` in one read transaction (every ``_run`` inside it joins it)."""
        if self._tx() is not None:
            return work()
        with self._errors(), self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(lambda tx: self._in_tx(tx, work))

    def _write(self, work: Callable[[], T], *, lock: bool = True) -> T:
        """Run ``work`` in one write transaction, all or nothing, holding the store's write lock.

        The driver retries the whole function on transient errors, so
        ``work`` must have no effect outside the transaction. ``lock=False``
        (an audit entry of its own) skips the store's write lock.
        """
        if self._tx() is not None:
            raise RuntimeError("nested write transaction")  # pragma: no cover - a programming error

        def locked() -> T:
            if lock and not self._run("lock"):
                self._run("meta_init")  # the bookkeeping node was deleted behind our back: recreate it
                self._run("lock")
            return work()

        with self._errors(), self._session(neo4j.WRITE_ACCESS) as session:
            return session.execute_write(lambda tx: self._in_tx(tx, locked))

    @contextmanager
    def _locked_snapshot(self) -> Iterator[None]:
        """An explicit transaction holding the write lock: a consistent view for a long read (export)."""
        with self._errors(), self._session(neo4j.WRITE_ACCESS) as session, session.begin_transaction() as tx:
            self._local.tx = tx
            try:
                self._run("lock")
                yield
            finally:
                self._local.tx = None
            tx.rollback()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
