"""A real ``graphsvc serve`` process on a free port, and a small GraphQL-over-HTTP client for it.

Every response the client sees is checked for leaked internals (a traceback,
the SQLite or Neo4j driver, SQL text, the store's password): whatever a test
asks, the API must never show them. The server runs on the embedded store in
its work directory, or on any store URL (a Neo4j server's ``neo4j://`` URL).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from graphsvc.store import shown_url

_BIN = Path(sys.executable).with_name("graphsvc")
GRAPHSVC = [str(_BIN)] if _BIN.exists() else [sys.executable, "-m", "graphsvc"]
GRAPHQL_RESPONSE = "application/graphql-response+json"
LEAKS = ("Traceback", "sqlite3", "SELECT", "neo4j.exceptions", "Neo.ClientError", "Neo.TransientError", "MATCH (")
"""Text that must never appear in a response: stack traces, the stores' drivers and their codes, SQL, Cypher."""

_DEFAULT = object()


def cli(store_url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``graphsvc ARGS`` on the store at ``store_url``."""
    env = dict(os.environ, GRAPHSVC_STORE=store_url)
    return subprocess.run(
        [*GRAPHSVC, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def create_token(store_url: str, member: str = "m_berger", role: str = "admin") -> str:
    """A new token for ``member`` with ``role`` (default: admin), as ``graphsvc token create`` prints it."""
    result = cli(store_url, "token", "create", "--member", member, "--role", role)
    assert result.returncode == 0, result.stderr
    secret = result.stdout.strip()
    assert secret, result.stderr
    assert "\n" not in secret, result.stdout
    return secret


def assert_no_leak(text: str, secrets: tuple[str, ...] = ()) -> None:
    for word in LEAKS:
        assert word not in text, f"a response shows {word!r}:\n{text[:2000]}"
    for secret in secrets:
        assert secret not in text, f"a response shows the store's password:\n{text[:2000]}"


def store_password(store_url: str) -> str | None:
    """The password inside a store URL (a Neo4j server's), if any."""
    return urlsplit(store_url).password


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_process(
    store_url: str, log: Path, *flags: str, env_store: str | None = None, answers: tuple[int, ...] = (200,)
) -> Iterator[str]:
    """``graphsvc serve --store STORE_URL FLAGS`` on a free loopback port until the block ends; yields its base URL.

    Its stdout and stderr go to ``log``. It is ready when ``/healthz`` answers with a status in ``answers``; a
    server that exits, or does not answer within 30 s, fails the test with its log. ``env_store`` sets
    ``$GRAPHSVC_STORE`` for the process.
    """
    port = _free_port()
    args = [*GRAPHSVC, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", store_url, *flags]
    env = dict(os.environ, **({"GRAPHSVC_STORE": env_store} if env_store else {}))
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, f"graphsvc serve exited with {proc.returncode}:\n{log.read_text()}"
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code in answers:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not up yet, or slow on a busy machine
                pass
            assert time.monotonic() < deadline, f"graphsvc serve did not answer in 30 s:\n{log.read_text()}"
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@dataclass
class Server:
    """A running ``graphsvc serve`` with an admin token, and helpers to talk GraphQL to it."""

    base: str
    store_url: str
    token: str
    stderr_path: Path
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def graphql_url(self) -> str:
        return f"{self.base}/graphql"

    def headers(self, token: Any = _DEFAULT, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        secret = self.token if token is _DEFAULT else token
        if secret is not None:
            headers["Authorization"] = f"Bearer {secret}"
        headers.update(extra or {})
        return headers

    @staticmethod
    def secrets_of(store_url: str) -> tuple[str, ...]:
        password = store_password(store_url)
        return (password,) if password else ()

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never show in an answer or in the server's log: the store's password."""
        return self.secrets_of(self.store_url)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Any HTTP request; the body of the answer is checked for leaked internals."""
        kwargs.setdefault("timeout", 30)
        response = self.http.request(method, f"{self.base}{path}", **kwargs)
        assert_no_leak(response.text, self.secrets)
        return response

    def stderr(self) -> str:
        return self.stderr_path.read_text("utf-8", "replace")

    def assert_log_keeps_secrets(self) -> None:
        """The server's stderr (its banner, request log and warnings) never shows the store's password."""
        text = self.stderr()
        for secret in self.secrets:
            assert secret not in text, f"graphsvc serve printed the store's password:\n{text[-3000:]}"

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        token: Any = _DEFAULT,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """POST one GraphQL request as JSON."""
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation_name is not None:
            body["operationName"] = operation_name
        return self.request("POST", "/graphql", data=json.dumps(body), headers=self.headers(token, headers))

    def data(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """The ``data`` of a request that must succeed without errors."""
        response = self.post(query, variables, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return dict(body["data"])

    def errors(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        """The ``errors`` of a request that must fail."""
        response = self.post(query, variables, **kwargs)
        body = response.json()
        assert body.get("errors"), body
        return list(body["errors"])

    def error(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """The one error of a request that must fail with exactly one error."""
        errors = self.errors(query, variables, **kwargs)
        assert len(errors) == 1, errors
        return errors[0]

    def log_records(self) -> list[dict[str, Any]]:
        """The JSON lines of the server's stderr (the request log)."""
        out = []
        for line in self.stderr().splitlines():
            if line.startswith("{"):
                out.append(json.loads(line))
        return out

    def log_record(self, request_id: str, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The request-log lines of one request id (waits for the line: it is written after the response)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [r for r in self.log_records() if r.get("request_id") == request_id]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def code(error: dict[str, Any]) -> str | None:
    return (error.get("extensions") or {}).get("code")


@contextmanager
def running_server(workdir: Path, *, demo: bool = True, store_url: str | None = None) -> Iterator[Server]:
    """``graphsvc serve`` (authenticated) over a store, optionally loaded with ``graphsvc demo``.

    The store is ``store_url`` (an empty one: a wiped Neo4j server), else a new
    SQLite file in ``workdir``. Its password never shows in serve's stderr.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    store_url = store_url or f"sqlite:///{workdir / 'graphsvc.db'}"
    if demo:
        loaded = cli(store_url, "demo")
        assert loaded.returncode == 0, loaded.stderr
        assert_no_leak(loaded.stdout + loaded.stderr, Server.secrets_of(store_url))
    token = create_token(store_url)
    stderr_path = workdir / "serve.stderr"
    # --store wins over $GRAPHSVC_STORE: the variable names another file, which must stay untouched.
    with serve_process(store_url, stderr_path, env_store=f"sqlite:///{workdir / 'not-this-one.db'}") as base:
        server = Server(base, store_url, token, stderr_path)
        try:
            assert shown_url(store_url) in server.stderr(), "serve prints the store it serves, without its password"
            server.assert_log_keeps_secrets()
            yield server
        finally:
            server.http.close()
    server.assert_log_keeps_secrets()  # after a clean run only: a failing test keeps its own message
