"""``graphsvc serve``: the HTTP service."""

from __future__ import annotations

import gc
import ipaddress
import logging

import click

from graphsvc import __version__
from graphsvc.cli.base import cli, store_option
from graphsvc.errors import InvalidInput
from graphsvc.store import default_store_url, open_store, shown_url


def _configure_logging() -> None:
    """Service messages as text; the request log as one JSON object per line (``graphsvc.request``)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    requests = logging.getLogger("graphsvc.request")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    requests.addHandler(handler)
    requests.propagate = False
    # The driver logs an ERROR for every call that fails while Neo4j is down (thousands a minute under load);
    # the store logs the outage once as it starts and once as it ends (graphsvc.store), each request its answer.
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)


def _tune_gc() -> None:
    """What was loaded to start the service (modules, the schema, the app) is never walked by the collector again.

    Raised thresholds were tried too, (50000, 20, 100): no full collection during the dashboard walks of the M
    portfolio (page p95 537 -> 224 ms under load), but the 10-minute soak's RSS then climbed from 462 to 679 MiB
    without levelling off (cyclic garbage waits for the rare full collections), where it levelled at about
    360 MiB with Python's defaults. The defaults stay.
    """
    gc.collect()
    gc.freeze()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _browser_host(host: str) -> str:
    """The host to put in the printed URL: a wildcard address is reached through loopback on this machine."""
    if host in ("0.0.0.0", "::", "[::]", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


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
@store_option
def serve(host: str, port: int, no_auth: bool, store_url: str | None) -> None:
    """Serve graphsvc over HTTP: the browser pages at /, /graphql and /healthz."""
    import uvicorn

    from graphsvc.api import create_app

    if no_auth and not _is_loopback(host):
        raise InvalidInput(f"--no-auth is only allowed on a loopback address (127.0.0.1, ::1), not on {host}")
    url = store_url or default_store_url()
    open_store(url).close()  # fail here, with a clear message, if the store cannot be opened
    _configure_logging()
    base = f"http://{_browser_host(host)}:{port}"
    click.echo(f"graphsvc {__version__} on {shown_url(url)}", err=True)
    click.echo("", err=True)
    click.echo(f"  Open {base}/ in your browser: the portfolio, account maps and team coverage.", err=True)
    if not no_auth:
        click.echo(
            "  Sign in there with a token; create one with: graphsvc token create --member MEMBER_ID --role ROLE",
            err=True,
        )
    click.echo("", err=True)
    click.echo(f"  GraphQL:   {base}/graphql", err=True)
    click.echo(f"  health:    {base}/healthz", err=True)
    if no_auth:
        click.echo(
            "WARNING: authentication is OFF (--no-auth): anyone who can reach this machine's loopback "
            "address can read and change every account.",
            err=True,
        )
    else:
        click.echo(
            "  API requests need 'Authorization: Bearer <token>' (graphsvc token create --member ID --role ROLE)",
            err=True,
        )
    app = create_app(url, auth=not no_auth)
    _tune_gc()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=False,  # graphsvc.request logs every request, as one JSON line
        server_header=False,
    )
