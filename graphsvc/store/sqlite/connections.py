"""Connections and transactions of the embedded store: per-thread connections, WAL, errors mapped."""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from graphsvc.errors import InvalidInput, StoreUnavailable
from graphsvc.store.sqlite.sql import SCHEMA, SCHEMA_VERSION


class _Held:
    """One thread's connection, closed when that thread ends (its ``threading.local`` lets go of this).

    A worker thread of the server's pool ends after a while idle and a new one
    opens its own connection: without this, every connection ever opened stayed
    open (two more file descriptors and up to 64 MiB of page cache each).
    """

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __del__(self) -> None:
        self.conn.close()


class Connections:
    """Opening the file, per-thread connections, read and write transactions."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        if str(path) in ("", ":memory:"):
            raise InvalidInput("the embedded store needs a file path: sqlite:///path/to/graphsvc.db")
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreUnavailable(
                f"there is no store at {self.path}; check --store / $GRAPHSVC_STORE, or import data first"
            )
        if self.path.is_dir():
            raise StoreUnavailable(
                f"{self.path} is a folder; the store URL must name a file (sqlite:///path/graphsvc.db)"
            )
        self.url = f"sqlite:///{self.path}"
        self._local = threading.local()
        self._all: weakref.WeakSet[_Held] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot create the folder of {self.path}: {exc.strerror}") from None
        with self._errors():
            self._refuse_foreign_database()
            conn = self._conn()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreUnavailable(
                    f"{self.path} was written by a newer graphsvc (store schema {version}); upgrade graphsvc"
                )
            if version < SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                        for statement in SCHEMA.split(";"):
                            if statement.strip():
                                conn.execute(statement)
                        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise

    def _refuse_foreign_database(self) -> None:
        """Refuse, before changing a byte, a SQLite file that holds tables but is no graphsvc store."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        probe = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30.0)
        try:
            version = probe.execute("PRAGMA user_version").fetchone()[0]
            tables = probe.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            probe.close()
        if version == 0 and tables:
            raise StoreUnavailable(
                f"{self.path} is a SQLite database of another application, not a graphsvc store; "
                "choose another file for --store"
            )

    # -- connections and transactions -------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        held: _Held | None = getattr(self._local, "held", None)
        if held is None:
            if self._closed:
                raise StoreUnavailable(f"the store {self.url} is closed")
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA cache_size = -65536")
            conn.create_function("casefold", 1, lambda s: s.casefold() if isinstance(s, str) else s, deterministic=True)
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS _ids (id TEXT PRIMARY KEY)")
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS _g (id TEXT PRIMARY KEY)")
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS _keys (type TEXT, source TEXT, target TEXT, "
                "PRIMARY KEY (type, source, target)) WITHOUT ROWID"
            )
            held = _Held(conn)
            self._local.held = held
            with self._lock:
                self._all.add(held)
        return held.conn

    def migrate(self) -> list[str]:
        """Nothing to do: opening the store applied its schema (``SCHEMA``, in place)."""
        return []

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for held in list(self._all):
                held.conn.close()
            self._all.clear()
        self._local = threading.local()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except UnicodeEncodeError:
            raise InvalidInput("text is not valid Unicode (it holds a lone surrogate); send UTF-8 text") from None
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise StoreUnavailable(
                    f"the store {self.path} is busy: another process held its write lock for over 30 s; try again"
                ) from None
            if "readonly" in text or "read-only" in text or ("disk I/O" in text and not self._writable()):
                raise StoreUnavailable(
                    f"the store {self.path} is read-only; nothing was written: check the permissions of the file "
                    "and its folder, and that its filesystem is not mounted read-only"
                ) from None
            if "full" in text:
                raise StoreUnavailable(
                    f"the disk of the store {self.path} is full; nothing was written: free some space and try again"
                ) from None
            if "disk" in text:
                raise StoreUnavailable(f"the store {self.path} failed on its disk ({text}); check the disk") from None
            if "unable to open" in text:
                raise StoreUnavailable(self._cannot_open()) from None
            raise StoreUnavailable(f"the store {self.path} failed: {text}") from None
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(f"{self.path} is not a usable graphsvc store: {exc}") from None

    def _writable(self) -> bool:
        """Whether the store file, its -wal and its folder may be written (an immutable file may not, even by root)."""
        wal = self.path.with_name(self.path.name + "-wal")
        paths = [self.path, self.path.parent, *([wal] if wal.exists() else [])]
        return all(os.access(p, os.W_OK) for p in paths)

    def _cannot_open(self) -> str:
        folder = self.path.parent
        if not os.access(folder, os.W_OK):
            return (
                f"cannot open the store {self.path}: its folder {folder} is read-only, and the store writes its "
                "-wal and -shm files beside it (even to read); make the folder writable"
            )
        return f"cannot open the store {self.path}: check that the file and its folder can be read and written"

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction holding the write lock from the start."""
        with self._errors():
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # SQLite rolls back by itself on some errors (a full disk, an I/O error): a ROLLBACK then fails
                # with "no transaction is active" and would hide the error that matters.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot for everything read inside it."""
        with self._errors():
            conn = self._conn()
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    def _fill_ids(self, conn: sqlite3.Connection, ids: Iterable[str]) -> None:
        conn.execute("DELETE FROM temp._ids")
        conn.executemany("INSERT OR IGNORE INTO temp._ids (id) VALUES (?)", ((i,) for i in ids))
