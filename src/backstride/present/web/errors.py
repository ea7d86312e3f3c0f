"""The one exception handler: library errors to status codes, JSON or HTML as asked."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from backstride.errors import (
    AnswersError,
    BackstrideError,
    DiaryError,
    IngestError,
    NotFound,
    OptionalDependencyMissing,
    WriteError,
)
from backstride.present.web.state import render

log = logging.getLogger(__name__)

#: Most specific class first.
STATUS: tuple[tuple[type[BackstrideError], int], ...] = (
    (NotFound, 404),
    (AnswersError, 422),
    (DiaryError, 422),
    (IngestError, 422),
    (OptionalDependencyMissing, 501),
    (WriteError, 507),  # Insufficient Storage: the disk is full or read-only
    (BackstrideError, 500),
)


def status_for(exc: BackstrideError) -> int:
    return next(code for cls, code in STATUS if isinstance(exc, cls))


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def respond(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """The error as JSON (API, or asked for) or as the error page, with `headers` added."""
    response: Response
    if _wants_json(request):
        response = JSONResponse({"error": message, "status": status}, status_code=status)
    else:
        response = render(request, "error.html", status_code=status, message=message, status=status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def install(app: FastAPI) -> None:
    async def library_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BackstrideError)
        status = status_for(exc)
        if status >= 500:
            log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
        return respond(request, status, str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        # Retry-After (503) and Connection: close (413 mid-body) must reach the client.
        return respond(request, exc.status_code, str(exc.detail), exc.headers)

    app.add_exception_handler(BackstrideError, library_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
