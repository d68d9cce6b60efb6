"""compose.yaml, the Dockerfile and docs/operations.md agree with what graphsvc really reads.

No Docker engine runs here, so these tests read the deployment files the way Compose and Docker
do (YAML with ``${VAR}`` interpolation; Dockerfile instructions) and hold them against graphsvc
itself: ``graphsvc.settings.SETTINGS``, the ``graphsvc`` command, how the store is chosen from the
environment and where the Neo4j store reads its Cypher from.
"""

from __future__ import annotations

import fnmatch
import json
import os
import posixpath
import re
import shlex
import socket
import subprocess
import sys
import time
import tomllib
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from click.testing import CliRunner

from graphsvc.cli import cli
from graphsvc.settings import SETTINGS
from graphsvc.store import default_store_url
from graphsvc.store.neo4j import is_neo4j_url, parse_url
from graphsvc.store.neo4j.cypher import QUERIES_DIR, SCHEMA_FILE

ROOT = Path(__file__).resolve().parents[1]
BOLT_PORT = 7687  # the port Neo4j's image listens on for Bolt
PASSWORD = "Sample-password-0123"  # stands in for the one a user puts in .env
_BIN = Path(sys.executable).with_name("graphsvc")
GRAPHSVC = [str(_BIN)] if _BIN.exists() else [sys.executable, "-m", "graphsvc"]

# Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ...
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


@cache
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def service(name: str) -> dict[str, Any]:
    services = compose()["services"]
    assert name in services, f"compose.yaml has no service {name!r}"
    return dict(services[name])


def environment(name: str) -> dict[str, str]:
    """A service's ``environment:`` as written (mapping or list form), values not interpolated."""
    env = service(name).get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def interpolate(text: str, env: dict[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        have = env.get(name)
        if op in (":?", "?") and not (have if op == ":?" else have is not None):
            raise AssertionError(f"compose would stop: {name}: {arg}")
        if op in (":-", "-") and not (have if op == ":-" else have is not None):
            return arg
        return have or ""

    return _VAR.sub(value, text.replace("$$", "\0")).replace("\0", "$")


def resolved_environment(name: str) -> dict[str, str]:
    """A service's environment as Compose hands it over, with NEO4J_PASSWORD set in .env."""
    return {k: interpolate(v, {"NEO4J_PASSWORD": PASSWORD}) for k, v in environment(name).items()}


def ports(name: str) -> list[tuple[str | None, int]]:
    """(host address or None, container port) of each port a service publishes."""
    out: list[tuple[str | None, int]] = []
    for entry in service(name).get("ports", []):
        if isinstance(entry, dict):
            out.append((entry.get("host_ip"), int(entry["target"])))
            continue
        parts = str(entry).split("/")[0].split(":")
        out.append((parts[0] if len(parts) == 3 else None, int(parts[-1])))
    return out


def healthcheck(name: str) -> list[str]:
    check = service(name).get("healthcheck") or {}
    test = check.get("test")
    assert test, f"the {name} service has no healthcheck"
    assert not check.get("disable"), f"the {name} service's healthcheck is disabled"
    return [test] if isinstance(test, str) else [str(t) for t in test]


@cache
def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    words = [line.split(None, 1) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(w[0].upper(), w[1].strip() if len(w) > 1 else "") for w in words]


def workdir_at(index: int) -> str:
    workdir = "/"
    for instruction, args in dockerfile()[:index]:
        if instruction == "WORKDIR":
            workdir = posixpath.join(workdir, args.strip())
    return workdir


def copied() -> dict[str, str]:
    """Source path in the build context -> where it lands in the image, for every COPY."""
    out: dict[str, str] = {}
    for i, (instruction, args) in enumerate(dockerfile()):
        if instruction != "COPY":
            continue
        words = [w for w in shlex.split(args) if not w.startswith("--")]
        *sources, dest = words
        target = posixpath.normpath(posixpath.join(workdir_at(i), dest))
        for source in sources:
            name = source.rstrip("/")
            is_dir = (ROOT / name).is_dir()
            into = dest.endswith("/") or dest in (".", "./") or len(sources) > 1
            out[name] = target if is_dir or not into else posixpath.join(target, posixpath.basename(name))
    return out


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, args in dockerfile():
        if instruction == "ENV":
            for word in shlex.split(args):
                assert "=" in word, f"ENV {args}: write ENV KEY=value"
                key, value = word.split("=", 1)
                env[key] = value
    return env


def exec_form(instruction: str) -> list[str]:
    found = [args for name, args in dockerfile() if name == instruction]
    assert found, f"the Dockerfile has no {instruction}"
    form = json.loads(found[-1])
    assert isinstance(form, list), f"{instruction} should be in exec form, a JSON list"
    return [str(w) for w in form]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- compose.yaml: the graphsvc service --------------------------------------------------------------


def test_graphsvc_service_sets_only_variables_graphsvc_reads() -> None:
    assert "env_file" not in service("graphsvc"), "list graphsvc's variables under environment:, one by one"
    unknown = set(environment("graphsvc")) - set(SETTINGS)
    assert not unknown, f"graphsvc reads none of {sorted(unknown)} (graphsvc/settings.py lists what it reads)"


def test_graphsvc_service_environment_selects_the_neo4j_service_with_its_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = resolved_environment("graphsvc")
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
        assert env.get(name), f"the graphsvc service does not set {name}"
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    url = default_store_url()  # what every graphsvc command in the container uses without --store
    assert url == env["NEO4J_URI"]
    assert is_neo4j_url(url)
    target = parse_url(url)
    assert (target.user, target.password) == (env["NEO4J_USER"], PASSWORD)
    assert target.database == env.get("NEO4J_DATABASE", "neo4j")
    where = urlsplit(target.uri)
    assert where.hostname == "neo4j", "NEO4J_URI must name the neo4j service"
    assert where.hostname in compose()["services"]
    assert where.port == BOLT_PORT


def test_graphsvc_port_is_the_one_published_exposed_and_health_checked() -> None:
    port = int(resolved_environment("graphsvc")["GRAPHSVC_PORT"])
    assert [p for _, p in ports("graphsvc")] == [port]
    checked = re.findall(r"https?://(?:127\.0\.0\.1|localhost):(\d+)/healthz", " ".join(healthcheck("graphsvc")))
    assert checked == [str(port)], "the healthcheck must GET /healthz on GRAPHSVC_PORT"
    assert [args for name, args in dockerfile() if name == "EXPOSE"] == [str(port)]
    assert dockerfile_env().get("GRAPHSVC_PORT", str(port)) == str(port)


def test_published_ports_are_on_loopback_only() -> None:
    # graphsvc speaks plain HTTP and Neo4j's Bolt carries the password: a TLS proxy goes in front.
    for name in compose()["services"]:
        for host, port in ports(name):
            assert host == "127.0.0.1", f"{name} publishes port {port} on {host or 'every address'}"


def test_graphsvc_waits_for_a_healthy_neo4j() -> None:
    assert healthcheck("neo4j")[0] in ("CMD", "CMD-SHELL")
    depends = service("graphsvc").get("depends_on")
    assert isinstance(depends, dict), "depends_on: neo4j: condition: service_healthy"
    assert depends.get("neo4j", {}).get("condition") == "service_healthy"


def test_graphsvc_healthcheck_passes_on_a_serving_graphsvc_and_fails_without_one(tmp_path: Path) -> None:
    test = healthcheck("graphsvc")
    assert test[:2] == ["CMD", "python"], "the slim image has python, not curl: CMD python -c ..."
    port = _free_port()
    compose_port = resolved_environment("graphsvc")["GRAPHSVC_PORT"]
    argv = [sys.executable, *(a.replace(f":{compose_port}/", f":{port}/") for a in test[2:])]
    assert argv[1:] != test[2:]
    env = {**os.environ, **resolved_environment("graphsvc")}
    # Loopback rather than the container's 0.0.0.0, and a store file: the health check is under test here.
    env.update(GRAPHSVC_HOST="127.0.0.1", GRAPHSVC_PORT=str(port), GRAPHSVC_STORE=f"sqlite:///{tmp_path / 'g.db'}")
    assert subprocess.run(argv, capture_output=True, timeout=30).returncode != 0, "healthy with nothing serving"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*GRAPHSVC, *exec_form("CMD")[1:]], env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while subprocess.run(argv, capture_output=True, timeout=30).returncode != 0:
            assert proc.poll() is None, f"graphsvc serve exited with {proc.returncode}:\n{log.read_text()}"
            assert time.monotonic() < deadline, (
                f"the healthcheck never passed on a serving graphsvc:\n{log.read_text()}"
            )
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# -- compose.yaml: the neo4j service -------------------------------------------------------------------


def test_neo4j_service_sets_only_the_images_own_variables() -> None:
    # The image writes every NEO4J_* variable but its own few into neo4j.conf (NEO4J_server_memory_pagecache_size
    # -> server.memory.pagecache.size) and Neo4j refuses to start on an unknown setting, so NEO4J_PASSWORD (or an
    # env_file holding it) must never reach this container.
    assert "env_file" not in service("neo4j")
    for name in environment("neo4j"):
        assert name == "NEO4J_AUTH" or re.fullmatch(r"NEO4J_(server|db|dbms)_[a-z0-9_]+", name), name


def test_neo4j_data_is_on_a_named_volume() -> None:
    mounts = {}
    for v in service("neo4j").get("volumes", []):
        source, target = (v["source"], v["target"]) if isinstance(v, dict) else str(v).split(":")[:2]
        mounts[target] = source
    assert "/data" in mounts, "Neo4j's /data is not on a volume: the graph is lost with the container"
    assert mounts["/data"] in (compose().get("volumes") or {}), "declare the /data volume under top-level volumes:"


def test_neo4j_healthcheck_logs_in_with_the_password_from_neo4j_auth(tmp_path: Path) -> None:
    test = healthcheck("neo4j")
    assert test[0] == "CMD-SHELL"
    assert "$" not in test[1].replace("$$", ""), "read the password inside the container ($${...}), not from compose"
    command = test[1].replace("$$", "$")
    # A stand-in for the image's cypher-shell: records the password it was given, answers as told.
    record = tmp_path / "cypher-shell.txt"
    stand_in = tmp_path / "bin" / "cypher-shell"
    stand_in.parent.mkdir()
    stand_in.write_text(f'#!/bin/sh\nprintf "%s\\n" "$NEO4J_PASSWORD" "$@" > "{record}"\nexit "$ANSWER"\n')
    stand_in.chmod(0o755)
    auth = interpolate(environment("neo4j")["NEO4J_AUTH"], {"NEO4J_PASSWORD": PASSWORD})
    env = {"PATH": f"{stand_in.parent}:/usr/bin:/bin", "NEO4J_AUTH": auth}
    assert subprocess.run(["/bin/sh", "-c", command], env={**env, "ANSWER": "0"}, timeout=30).returncode == 0
    password, *args = record.read_text().splitlines()
    assert password == PASSWORD
    assert args[args.index("-u") + 1] == "neo4j"
    assert subprocess.run(["/bin/sh", "-c", command], env={**env, "ANSWER": "1"}, timeout=30).returncode == 1


def test_no_password_is_written_in_compose_yaml() -> None:
    required = re.compile(r"\$\{NEO4J_PASSWORD:\?[^}]+\}")  # unset or empty: compose stops and says why
    assert required.fullmatch(environment("graphsvc")["NEO4J_PASSWORD"])
    auth = environment("neo4j")["NEO4J_AUTH"]
    assert auth.startswith("neo4j/")
    assert required.fullmatch(auth.removeprefix("neo4j/"))
    for name in compose()["services"]:
        for key, value in environment(name).items():
            if re.search(r"PASSWORD|AUTH|SECRET|TOKEN", key):
                assert _VAR.sub("", value) in ("", "neo4j/"), f"{name}: {key} holds a literal secret"
        for check in healthcheck(name):
            assert not re.search(r"(^|\s)(-p|--password)(\s|=)", check), f"{name}'s healthcheck passes a password"


def test_deploy_env_example_names_every_variable_compose_reads_and_sets_no_password() -> None:
    example = (ROOT / "deploy.env.example").read_text(encoding="utf-8")
    settings = dict(re.findall(r"^#?([A-Z][A-Z0-9_]*)=(.*)$", example, flags=re.M))
    used = set(_VAR.findall((ROOT / "compose.yaml").read_text(encoding="utf-8").replace("$$", "")))
    missing = {name for name, _, _ in used} - set(settings)
    assert not missing, f"deploy.env.example does not mention {sorted(missing)}"
    assert settings["NEO4J_PASSWORD"] == "", "the example must not carry a password users might keep"
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


# -- Dockerfile -----------------------------------------------------------------------------------------


def test_dockerfile_copies_the_package_and_the_cypher_beside_it_and_installs_editable() -> None:
    # The Neo4j store reads queries/ and schema/ next to the package (graphsvc.store.neo4j.cypher), which only an
    # editable install of the copied tree keeps true.
    needed = {"pyproject.toml", "graphsvc"} | {p.relative_to(ROOT).parts[0] for p in (QUERIES_DIR, SCHEMA_FILE)}
    assert {"queries", "schema"} <= needed
    landed = copied()
    installs = [(i, a) for i, (n, a) in enumerate(dockerfile()) if n == "RUN" and "pip install" in a]
    assert installs, "the Dockerfile never runs pip install"
    index, args = installs[-1]
    words = shlex.split(args)
    flag = next((w for w in ("-e", "--editable") if w in words), None)
    assert flag, "install with pip install -e: the Neo4j store reads Cypher files beside the package"
    app = posixpath.normpath(posixpath.join(workdir_at(index), words[words.index(flag) + 1]))
    for name in sorted(needed):
        assert landed.get(name) == posixpath.join(app, name), f"{name} is not copied to {app}/{name}"


def test_dockerfile_runs_as_a_user_other_than_root() -> None:
    users = [args.split(":")[0] for name, args in dockerfile() if name == "USER"]
    assert users, "the Dockerfile has no USER: the service would run as root"
    assert users[-1] not in ("root", "0")


def test_image_and_compose_run_a_real_graphsvc_command_that_reads_host_and_port_from_the_environment() -> None:
    command = exec_form("CMD")
    assert service("graphsvc").get("command", command) == command
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert command[0] in scripts
    result = CliRunner().invoke(cli, [*command[1:], "--help"])
    assert result.exit_code == 0, result.output
    help_text = " ".join(result.output.split())
    for name in ("GRAPHSVC_HOST", "GRAPHSVC_PORT"):
        assert f"env var: {name}" in help_text


def test_dockerfile_sets_only_settings_graphsvc_reads_besides_pythons_own() -> None:
    ours = {k for k in dockerfile_env() if not k.startswith(("PYTHON", "PIP_"))}
    assert ours <= set(SETTINGS), sorted(ours - set(SETTINGS))


def test_dockerignore_keeps_secrets_and_local_state_out_but_not_what_the_image_copies() -> None:
    patterns = [
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for private in (".env", ".git", ".venv", ".data"):
        assert private in patterns, f".dockerignore lets {private} into the build context"
    for source in copied():
        assert not any(fnmatch.fnmatch(source, p) for p in patterns), f".dockerignore drops {source}"


# -- docs/operations.md ----------------------------------------------------------------------------------


def test_operations_doc_has_every_setting_with_its_default() -> None:
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = doc.split("\n## Environment variables\n", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \| ([^|]+?) \|", section, flags=re.M))
    assert sorted(rows) == sorted(SETTINGS)
    for name, setting in SETTINGS.items():
        assert rows[name] == (f"`{setting.default}`" if setting.default is not None else "unset"), name
