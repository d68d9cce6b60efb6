"""The exceptions graphsvc raises, one tree::

    GraphsvcError
    ├── InvalidInput        a request or document breaks a rule; lists every problem
    ├── NotFound            no record with that id (or key)
    ├── Conflict            the write clashes with what is stored (id taken, owned records left)
    ├── Forbidden           the caller may not do this
    └── StoreUnavailable    the store cannot be opened or reached

Every message names the record and field concerned and, where it can, says
what to do next. The CLI prints the message; the API maps the class to an
error code (see ``code``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Conflict",
    "Forbidden",
    "GraphsvcError",
    "InvalidInput",
    "NotFound",
    "Problem",
    "StoreUnavailable",
    "shortened",
]


def shortened(text: str, limit: int = 1000) -> str:
    """``text``, or its start and end with the middle left out when it is longer than ``limit``.

    Messages quote what the user sent; a 200 KB id must not come back three times in one line.
    """
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]} ... ({len(text) - 2 * half} characters left out) ... {text[-half:]}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: ``where`` names the record (``people[3] (p_anna)``), ``field`` the property.

    The message is a whole sentence that names the field itself:
    ``relations[12] (COVERS m_kam -> p_x): target 'p_x' does not exist``.
    """

    where: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        message = shortened(self.message)
        return f"{shortened(self.where, 200)}: {message}" if self.where else message


class GraphsvcError(Exception):
    """Root of every error graphsvc raises on purpose."""

    code = "INTERNAL"


class InvalidInput(GraphsvcError):
    """A record, document or argument breaks a rule of the model.

    ``problems`` holds every problem found, not just the first; the message
    shows the first few.
    """

    code = "BAD_USER_INPUT"
    shown = 20

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = [str(p) for p in self.problems[: self.shown]]
        more = len(self.problems) - self.shown
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        super().__init__("\n".join(lines))


class NotFound(GraphsvcError):
    """No record has that id or key."""

    code = "NOT_FOUND"


class Conflict(GraphsvcError):
    """The write clashes with the stored graph (an id already taken, owned records left behind)."""

    code = "CONFLICT"


class Forbidden(GraphsvcError):
    """The caller is not allowed to do this."""

    code = "FORBIDDEN"


class StoreUnavailable(GraphsvcError):
    """The store cannot be opened or reached; retrying later may help."""

    code = "STORE_UNAVAILABLE"
