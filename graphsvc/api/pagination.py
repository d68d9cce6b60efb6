"""Relay-style connections: pages of a list that can grow, with opaque cursors."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Generic, TypeVar

import strawberry

from graphsvc.errors import InvalidInput

__all__ = ["MAX_FIRST", "Connection", "Edge", "PageInfo", "after_id", "first_within", "page", "page_in_memory"]

T = TypeVar("T")
MAX_FIRST = 100


@strawberry.type(description="Information about a page of a connection.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` to get the next page.")


@strawberry.type(description="An item of a connection with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list that can grow (Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page ends.")
    total_count: int = strawberry.field(description="Items matching the filters, over all pages.")


def cursor_of(node_id: str) -> str:
    return base64.urlsafe_b64encode(node_id.encode()).decode()


def after_id(cursor: str | None) -> str | None:
    """The id a cursor stands for; a cursor this API did not give out is ``BAD_USER_INPUT``."""
    if cursor is None:
        return None
    try:
        return base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(f"after: {cursor!r} is not a cursor this API gave out") from None


def first_within(first: int) -> int:
    if not 1 <= first <= MAX_FIRST:
        raise InvalidInput(f"first must be between 1 and {MAX_FIRST}, not {first}")
    return first


def page(items: Sequence[T], ids: Sequence[str], total: int, more: bool) -> Connection[T]:
    edges = [Edge(cursor=cursor_of(i), node=item) for item, i in zip(items, ids, strict=True)]
    end = edges[-1].cursor if edges else None
    return Connection(edges=edges, page_info=PageInfo(has_next_page=more, end_cursor=end), total_count=total)


def page_in_memory(items: Sequence[T], ids: Sequence[str], first: int, after: str | None) -> Connection[T]:
    """A page of an already loaded list sorted by id."""
    start = after_id(after)
    pairs = [(item, i) for item, i in zip(items, ids, strict=True) if start is None or i > start]
    chosen = pairs[: first_within(first)]
    return page([x for x, _ in chosen], [i for _, i in chosen], len(items), len(pairs) > len(chosen))
