"""The HTTP service: a Starlette app over a store (GraphQL arrives with its own issue)."""

from graphsvc.api.app import create_app

__all__ = ["create_app"]
