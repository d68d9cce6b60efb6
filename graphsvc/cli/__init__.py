"""The ``graphsvc`` command.

User mistakes (a bad file, an unknown id, a store that cannot be opened)
print one message to stderr and exit 1; usage errors exit 2. Tracebacks are
for bugs only.
"""

from __future__ import annotations

import sys

import click

from graphsvc.cli import analyses, audit, data, maps, serve, tokens
from graphsvc.cli.base import cli
from graphsvc.errors import GraphsvcError, InvalidInput

__all__ = ["analyses", "audit", "cli", "data", "main", "maps", "serve", "tokens"]


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
