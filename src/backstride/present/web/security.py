"""Cross-site request forgery protection and upload limits for every form the app accepts.

Double-submit cookie: a random token in a SameSite=Strict cookie must come back in the
form (or the X-CSRF-Token header). An Origin (or Referer) naming another site is refused
even with a valid token, so a page elsewhere cannot post to the local app.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import FormData
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "backstride_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    """The token for this browser: the cookie's, or a new one the middleware will set."""
    token = request.cookies.get(COOKIE) or getattr(request.state, "new_csrf", None)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return str(token)


class CsrfCookieMiddleware:
    """Sets the token cookie when a page made a new token; after a write, drops the cached store state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        writes = scope["method"] not in ("GET", "HEAD", "OPTIONS")

        async def send_with_cookie(message: Message) -> None:
            token = state.get("new_csrf")
            if message["type"] == "http.response.start" and writes:
                # The route has committed by now: the next page must see its change.
                scope["app"].state.web.cache.invalidate()
            if message["type"] == "http.response.start" and token:
                cookie = f"{COOKIE}={token}; Path=/; SameSite=Strict; HttpOnly"
                message.setdefault("headers", []).append((b"set-cookie", cookie.encode()))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _same_origin(request: Request) -> bool:
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return source is None  # a "null" origin (sandboxed frame, file://) is refused
    parts = urlsplit(source)
    return parts.netloc == request.headers.get("host", "") and parts.scheme in ("http", "https")


def check_origin(request: Request) -> None:
    if request.headers.get("sec-fetch-site") == "cross-site" or not _same_origin(request):
        raise HTTPException(403, "cross-site request refused: use the form on this app's own page")


async def checked_form(request: Request, *, max_bytes: int, max_files: int = 1000) -> FormData:
    """The request's form after the origin, size and token checks; 403 or 413 otherwise."""
    check_origin(request)
    request.app.state.web.cache.invalidate()  # this request may write: pages re-read the store
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        # Browsers always send it for a form; without it the size is unknown until the
        # body has been spooled to disk, which is what the limit is there to prevent.
        raise HTTPException(411, "the request must state its length (Content-Length)")
    if int(length) > max_bytes:
        raise HTTPException(
            413,
            f"upload too large: {int(length) // 2**20} MB; the limit is {max_bytes // 2**20} MB",
        )
    form = await request.form(max_files=max_files, max_fields=2000)
    sent = str(form.get(FIELD) or request.headers.get(HEADER) or "")
    cookie = request.cookies.get(COOKIE, "")
    if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        raise HTTPException(
            403, "the form's security token is missing or stale: reload the page and try again"
        )
    return form
