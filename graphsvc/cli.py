"""The ``graphsvc`` command.

User mistakes (a bad file, an unknown id, a store that cannot be opened)
print one message to stderr and exit 1; usage errors exit 2. Tracebacks are
for bugs only.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from graphsvc import __version__
from graphsvc.analysis import InfluencePath
from graphsvc.analyst import Analyst
from graphsvc.errors import GraphsvcError, InvalidInput
from graphsvc.interchange import check_document, load_document
from graphsvc.store import ENV_STORE, GraphStore, ImportMode, WriteResult, default_store_url, open_store, shown_url

__all__ = ["main"]

_store_option = click.option(
    "--store",
    "store_url",
    envvar=ENV_STORE,
    show_envvar=True,
    help="Store URL, e.g. sqlite:///graphsvc.db (default: a file in your data directory).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphsvc")
def cli() -> None:
    """graphsvc: stakeholder and buying-center maps for key account teams."""


@contextmanager
def _store(url: str | None, *, create: bool = False) -> Iterator[GraphStore]:
    store = open_store(url or default_store_url(), create=create)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _progress(total: int, what: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal; nothing when stderr is piped or the job is small."""
    if total < 10_000 or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="rec", desc=what, file=sys.stderr, leave=False) as bar:

        def step(count: int) -> None:
            bar.update(count)

        yield step


def _summary(result: WriteResult, seconds: float) -> str:
    return (
        f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        + (f", {result.deleted} deleted" if result.deleted else "")
        + f" in {seconds:.1f} s; store revision {result.revision}"
    )


def _import(store: GraphStore, raw: Any, mode: ImportMode, label: str) -> None:
    total = sum(len(v) for k, v in raw.items() if isinstance(v, list)) if isinstance(raw, dict) else 0
    started = time.perf_counter()
    with _progress(total, label) as progress:
        result = store.import_document(raw, mode, progress)
    click.echo(f"{label}: {_summary(result, time.perf_counter() - started)}", err=True)


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--mode",
    type=click.Choice([m.value for m in ImportMode]),
    default=ImportMode.MERGE.value,
    show_default=True,
    help="merge: add new records and replace stored ones with the same id; replace: the file becomes the whole graph.",
)
@_store_option
def import_(file: Path, mode: str, store_url: str | None) -> None:
    """Import a graphsvc/1 JSON FILE, all or nothing."""
    raw = load_document(file)
    with _store(store_url, create=True) as store:
        _import(store, raw, ImportMode(mode), str(file))


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@_store_option
def export(file: Path, store_url: str | None) -> None:
    """Export the whole graph as a graphsvc/1 JSON FILE ('-' for stdout)."""
    with _store(store_url) as store:
        if str(file) == "-":
            count = store.export_to(sys.stdout)
            click.echo(f"exported {count} record(s)", err=True)
            return
        # Write beside the target and rename, so a failed export never leaves half a file.
        directory = file.resolve().parent
        if not directory.is_dir():
            raise InvalidInput(f"{file}: the folder {directory} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fp:
                count = store.export_to(fp)
            os.chmod(tmp, _file_mode(file))
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    click.echo(f"exported {count} record(s) to {file}", err=True)


def _file_mode(path: Path) -> int:
    """The existing file's mode, or owner-only (0600) for a new one: an export holds personal data."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o600


@cli.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--against-store",
    is_flag=True,
    help="Check the file as a merge into the store (ids may refer to stored records).",
)
@_store_option
def check(file: Path, against_store: bool, store_url: str | None) -> None:
    """Check a graphsvc/1 FILE without writing anything; list every problem found."""
    raw = load_document(file)
    try:
        if against_store:
            with _store(store_url) as store:
                doc = check_document(raw, store)
        else:
            doc = check_document(raw)
    except InvalidInput as exc:
        for problem in exc.problems:
            click.echo(f"{file}: {problem}", err=True)
        raise click.exceptions.Exit(1) from None
    click.echo(f"{file}: ok ({len(doc.nodes)} nodes, {len(doc.relations)} relations)")


@cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the store holds no records yet.")
@click.option("--replace", is_flag=True, help="Replace everything in the store with the demo.")
@_store_option
def demo(if_empty: bool, replace: bool, store_url: str | None) -> None:
    """Load the demo portfolio (its contact dates moved to today)."""
    from graphsvc.demo import demo_document

    with _store(store_url, create=True) as store:
        if if_empty and int(store.health().get("nodes", 0)):
            click.echo(f"{store.url} already holds data; demo not loaded", err=True)
            return
        mode = ImportMode.REPLACE if replace else ImportMode.MERGE
        _import(store, demo_document(date.today()), mode, "demo portfolio")


def _configure_logging() -> None:
    """Service messages as text; the request log as one JSON object per line (``graphsvc.request``)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    requests = logging.getLogger("graphsvc.request")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    requests.addHandler(handler)
    requests.propagate = False


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@cli.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="GRAPHSVC_HOST",
    show_envvar=True,
    help="Address to listen on.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    envvar="GRAPHSVC_PORT",
    show_envvar=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--no-auth",
    is_flag=True,
    help="Let every request in without a token, as an admin. Only allowed on a loopback address.",
)
@_store_option
def serve(host: str, port: int, no_auth: bool, store_url: str | None) -> None:
    """Serve graphsvc over HTTP: /graphql, /healthz and the portfolio overview at /."""
    import uvicorn

    from graphsvc.api import create_app

    if no_auth and not _is_loopback(host):
        raise InvalidInput(f"--no-auth is only allowed on a loopback address (127.0.0.1, ::1), not on {host}")
    url = store_url or default_store_url()
    open_store(url).close()  # fail here, with a clear message, if the store cannot be opened
    _configure_logging()
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"graphsvc {__version__} on {shown_url(url)}", err=True)
    click.echo(f"  accounts:  http://{shown}:{port}/", err=True)
    click.echo(f"  GraphQL:   http://{shown}:{port}/graphql", err=True)
    click.echo(f"  health:    http://{shown}:{port}/healthz", err=True)
    if no_auth:
        click.echo(
            "WARNING: authentication is OFF (--no-auth): anyone who can reach this machine's loopback "
            "address can read and change every account.",
            err=True,
        )
    else:
        click.echo("  requests need 'Authorization: Bearer <token>' (graphsvc token create --member ID)", err=True)
    uvicorn.run(
        create_app(url, auth=not no_auth),
        host=host,
        port=port,
        log_level="info",
        access_log=False,  # graphsvc.request logs every request, as one JSON line
        server_header=False,
    )


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"--as-of must be a date written YYYY-MM-DD, not {value!r}") from None


def _rounded(data: Any) -> Any:
    """Floats to 6 decimals for display (0.5599999999999999 -> 0.56)."""
    if isinstance(data, float):
        return round(data, 6)
    if isinstance(data, list):
        return [_rounded(x) for x in data]
    if isinstance(data, dict):
        return {k: _rounded(v) for k, v in data.items()}
    return data


def _emit(data: Any, as_json: bool, lines: Callable[[], Iterator[str]]) -> None:
    if as_json:
        click.echo(json.dumps(_rounded(data), ensure_ascii=False, indent=2))
    else:
        for line in lines():
            click.echo(line)


_as_of_option = click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Judge freshness as of this day (default: today)."
)
_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def _path_json(path: InfluencePath) -> dict[str, Any]:
    return {
        "strength": path.strength,
        "hops": [
            {"from": h.source, "to": h.target, "relation": h.relation, "weight": h.weight, "inverse": h.inverse}
            for h in path.hops
        ],
    }


def _path_text(path: InfluencePath) -> str:
    steps = [path.source]
    for hop in path.hops:
        arrow = f"<-{hop.relation}-" if hop.inverse else f"-{hop.relation}->"
        steps.append(f" {arrow} {hop.target}")
    return f"{path.strength:.3f}  " + "".join(steps)


@cli.command("paths")
@click.argument("account")
@click.argument("target")
@click.option("--from", "sources", multiple=True, help="Start at this member (repeatable; default: the account team).")
@click.option("-k", "k", default=3, show_default=True, type=click.IntRange(1, 50), help="How many paths.")
@click.option("--max-hops", default=4, show_default=True, type=click.IntRange(1, 8), help="Longest path, in hops.")
@_json_option
@_store_option
def paths(
    account: str, target: str, sources: tuple[str, ...], k: int, max_hops: int, as_json: bool, store_url: str | None
) -> None:
    """The strongest influence paths from the team to TARGET in ACCOUNT."""
    with _store(store_url) as store:
        found = Analyst(store).paths(account, target, sources or None, k, max_hops)
    _emit(
        [_path_json(p) for p in found],
        as_json,
        lambda: iter([_path_text(p) for p in found] or [f"no path from the team to {target} within {max_hops} hop(s)"]),
    )


@cli.command("leverage")
@click.argument("account")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 10_000), help="How many nodes.")
@_json_option
@_store_option
def leverage_(account: str, top: int, as_json: bool, store_url: str | None) -> None:
    """The nodes with the most leverage on ACCOUNT's decision."""
    with _store(store_url) as store:
        analyst = Analyst(store)
        scores = analyst.leverage(account)[:top]
        names = {n.id: n.name for n in store.nodes_by_id([s.node for s in scores]).values()}
    data = [
        {
            "node": s.node,
            "score": s.score,
            "contributions": [
                {"decision_node": c.decision_node, "best": c.best, "share": c.share} for c in s.contributions
            ],
        }
        for s in scores
    ]
    _emit(data, as_json, lambda: (f"{s.score:.3f}  {s.node}  {names.get(s.node, '')}" for s in scores))


@cli.command("gaps")
@click.argument("account")
@_as_of_option
@_json_option
@_store_option
def gaps(account: str, as_of: str | None, as_json: bool, store_url: str | None) -> None:
    """Coverage gaps of ACCOUNT: where the team is blind."""
    day = _as_of(as_of)
    with _store(store_url) as store:
        found = Analyst(store).gaps(account, day)
    data = [
        {
            "kind": g.kind.value,
            "severity": g.severity.value,
            "subject": g.subject,
            "role": g.role,
            "message": g.message,
            "suggested_member": g.suggested_member,
            "suggested_path": _path_json(g.suggested_path) if g.suggested_path else None,
        }
        for g in found
    ]

    def lines() -> Iterator[str]:
        if not found:
            yield f"no coverage gaps in {account} as of {day.isoformat()}"
        for g in found:
            yield f"{g.severity.value:<6}  {g.kind.value:<30}  {g.subject}: {g.message}"
            if g.suggested_path:
                yield f"{'':>8}suggested: {_path_text(g.suggested_path)}"

    _emit(data, as_json, lines)


@cli.group("token")
def token() -> None:
    """API tokens: each belongs to a member of our team and has a role."""


@token.command("create")
@click.option("--member", "member_id", required=True, help="The member the token belongs to.")
@click.option(
    "--role",
    type=click.Choice(["admin"]),
    default="admin",
    show_default=True,
    help="What the token may do (more roles come with per-account access control).",
)
@click.option("--expires-days", type=click.IntRange(1, 3650), help="Days until the token expires (default: never).")
@_store_option
def token_create(member_id: str, role: str, expires_days: int | None, store_url: str | None) -> None:
    """Create a token and print it once: it is stored only hashed."""
    expires = datetime.now(UTC) + timedelta(days=expires_days) if expires_days else None
    with _store(store_url) as store:
        info, secret = store.create_token(member_id, role, expires=expires)
    click.echo(f"token {info.id} for {info.member} ({info.role}); shown once, keep it safe:", err=True)
    click.echo(secret)


@token.command("list")
@_json_option
@_store_option
def token_list(as_json: bool, store_url: str | None) -> None:
    """List tokens (never their secrets)."""
    with _store(store_url) as store:
        tokens = store.list_tokens()
    data = [
        {
            "id": t.id,
            "member": t.member,
            "role": t.role,
            "created": t.created.isoformat(),
            "expires": t.expires.isoformat() if t.expires else None,
            "revoked": t.revoked.isoformat() if t.revoked else None,
            "last_used": t.last_used.isoformat() if t.last_used else None,
        }
        for t in tokens
    ]

    def lines() -> Iterator[str]:
        now = datetime.now(UTC).isoformat()
        for t in data:
            state = "revoked" if t["revoked"] else "expired" if t["expires"] and t["expires"] <= now else "live"
            yield (
                f"{t['id']}  {t['member']}  {t['role']}  {state}  created {t['created']}"
                f"  expires {t['expires'] or 'never'}  last used {t['last_used'] or 'never'}"
            )

    _emit(data, as_json, lines)


@token.command("revoke")
@click.argument("token_id")
@_store_option
def token_revoke(token_id: str, store_url: str | None) -> None:
    """Revoke a token at once."""
    with _store(store_url) as store:
        info = store.revoke_token(token_id)
    click.echo(f"token {info.id} of {info.member} revoked")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``graphsvc`` console script."""
    try:
        code = cli.main(args=argv, prog_name="graphsvc", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("graphsvc: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except InvalidInput as exc:
        if len(exc.problems) == 1:
            click.echo(f"graphsvc: error: {exc.problems[0]}", err=True)
        else:
            click.echo(f"graphsvc: error: {len(exc.problems)} problems, nothing was written:", err=True)
            for line in str(exc).splitlines():
                click.echo(f"  {line}", err=True)
        sys.exit(1)
    except GraphsvcError as exc:
        click.echo(f"graphsvc: error: {exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("graphsvc: interrupted", err=True)
        sys.exit(130)
