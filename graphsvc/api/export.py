"""``GET /export``: the caller's visible part of the graph as a graphsvc/1 JSON download.

The document is what ``graphsvc export`` writes, cut to what the token may see
(an admin's is the whole graph): the guarded store writes it into an anonymous
temporary file in a worker thread, and the response streams that file, so a
large graph never sits in memory and a failure becomes an error answer, not a
truncated download. The cookie of the pages is accepted besides a bearer
token (a "download" link on a page): it is ``SameSite=Strict``, so a request
started by another site carries none, and a browser's ``Sec-Fetch-Site`` that
names another site is refused as well (docs/api.md, "Export").
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from graphsvc.api.caller import Gate
from graphsvc.api.context import Principal
from graphsvc.errors import Forbidden, GraphsvcError, NotFound, StoreUnavailable

__all__ = ["CHUNK_BYTES", "export_endpoint"]

CHUNK_BYTES = 64 * 1024
_STATUS = {Forbidden: 403, NotFound: 404, StoreUnavailable: 503}


def _error(status: int, code: str, message: str) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _chunks(fp: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := fp.read(CHUNK_BYTES):
            yield chunk
    finally:
        fp.close()


def export_endpoint(get_gate: Callable[[], Gate]) -> Callable[[Request], object]:
    """The ``/export`` route's endpoint over the app's gate."""

    async def export(request: Request) -> Response:
        state = request.scope.get("state", {})
        site = request.headers.get("sec-fetch-site")
        if state.get("auth_via") == "cookie" and site is not None and site not in ("same-origin", "none"):
            return _error(403, "FORBIDDEN", "an export with the sign-in cookie must start from a graphsvc page")
        principal = state.get("principal") or Principal(None, "admin")
        request_id = state.get("request_id")
        gate = get_gate()
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response once streamed, or on failure

        def write() -> int:
            caller = gate.caller(principal, "api", request_id)
            text = io.TextIOWrapper(spool, encoding="utf-8", newline="\n")
            caller.store.export_to(text)
            text.flush()
            text.detach()  # the binary file stays open for the response
            size = spool.tell()
            spool.seek(0)
            return size

        try:
            size = await run_in_threadpool(write)
        except GraphsvcError as exc:
            spool.close()
            status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 400)
            message = str(exc) if status != 503 else "the store is unavailable right now; try again shortly"
            return _error(status, exc.code, message)
        except BaseException:
            spool.close()
            raise
        day = datetime.now(UTC).strftime("%Y%m%d")
        headers = {
            "Content-Disposition": f'attachment; filename="graphsvc-export-{day}.json"',
            "Content-Length": str(size),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "same-origin",
        }
        return StreamingResponse(
            _chunks(spool), media_type="application/json", headers=headers, background=BackgroundTask(spool.close)
        )

    return export
