"""Who may talk to the app, and what a request must carry before its body is read.

Four layers, outermost first (docs/security.md says what each covers):

- **Host check** (`GuardMiddleware`): the `Host` header must name this server — a loopback
  name (127.0.0.1, localhost, [::1]), the address it was bound to, or a `--host-name` —
  *and* the port it listens on. A page on a domain re-pointed to 127.0.0.1 (DNS
  rebinding) sends its own name and is refused before any route runs.
- **Login** (`GuardMiddleware`, only with `serve --allow-remote`): a random access token,
  printed once by `serve`, exchanged at `/login` for an HttpOnly SameSite=Strict cookie;
  every page but `/healthz`, `/static/` and `/login` asks for it.
- **Before the body** (`BodyGuardMiddleware`): a request with both Content-Length and
  Transfer-Encoding is refused (400); a declared length over the limit too (413); a write
  (POST...) needs the token cookie and a same-origin Origin or Referer (403). The body is
  then counted as it is read: past the limit, 413, whatever the headers said.
- **Double-submit cookie** (`checked_form`): a random token in a SameSite=Strict cookie
  must come back in the form (or the X-CSRF-Token header). An Origin (or Referer) naming
  another site is refused even with a valid token, so a page elsewhere cannot post to the
  local app.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import FormData
from starlette.requests import ClientDisconnect, HTTPConnection
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "backstride_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
#: The login cookie of `serve --allow-remote`.
LOGIN_COOKIE = "backstride_login"
#: Host names every server answers to: the loopback ones (IPv6 in brackets, as in a Host header).
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
#: Paths open without a login: the health probe, scripts and styles, and the login itself.
OPEN_PATHS = ("/healthz", "/login")
OPEN_PREFIXES = ("/static/",)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def host_name(host: str) -> str:
    """`host` as a Host header names it: lower case, IPv6 in brackets, no trailing dot."""
    name = host.strip().lower().rstrip(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return name
    return f"[{address.compressed}]" if address.version == 6 else address.compressed


def is_wildcard(host: str) -> bool:
    """True for the every-interface addresses (0.0.0.0, ::), which no browser types."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


@dataclass(frozen=True)
class Exposure:
    """Which Host names the app answers to, and the access token when it is reachable remotely.

    The default is the loopback-only app of `backstride serve`: loopback names, no login.
    """

    host_names: frozenset[str] = LOOPBACK_NAMES
    access_token: str | None = None
    #: The port the Host header must name; None: the port of the socket the request came in on.
    port: int | None = None

    @classmethod
    def serving(
        cls,
        host: str,
        *,
        extra_names: Iterable[str] = (),
        allow_remote: bool = False,
        port: int | None = None,
    ) -> Exposure:
        """The exposure of `serve --host HOST [--host-name N]... [--allow-remote]`.

        The bound address counts as a name unless it is a wildcard (0.0.0.0, ::); with
        --allow-remote a new access token is made (shown once by `serve`).
        """
        names = set(LOOPBACK_NAMES) | {host_name(n) for n in extra_names}
        if not is_wildcard(host):
            names.add(host_name(host))
        token = secrets.token_urlsafe(32) if allow_remote else None
        return cls(frozenset(names), token, port)


def split_host_header(value: str) -> tuple[str, int | None]:
    """("name", port) of a Host header; port None when absent, -1 when not a number."""
    value = value.strip()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return value.lower(), -1
        name, rest = value[: end + 1], value[end + 1 :]
        if not rest:
            return host_name(name), None
        if not rest.startswith(":"):
            return host_name(name), -1
        port_text = rest[1:]
    else:
        name, sep, port_text = value.rpartition(":")
        if not sep:
            return host_name(value), None
    return host_name(name), int(port_text) if port_text.isdigit() else -1


def host_allowed(value: str, exposure: Exposure, served_port: int | None, scheme: str) -> bool:
    """True when a Host header names this server: an allowed name and the port it serves on."""
    name, port = split_host_header(value)
    if name not in exposure.host_names or port == -1:
        return False
    if port is None:
        port = 443 if scheme == "https" else 80
    expected = exposure.port if exposure.port is not None else served_port
    return expected is None or port == expected


def logged_in(cookie: str | None, exposure: Exposure) -> bool:
    """True when no login is needed or the cookie holds the access token."""
    if exposure.access_token is None:
        return True
    return bool(cookie) and hmac.compare_digest(
        str(cookie).encode(), exposure.access_token.encode()
    )


def login_cookie(token: str) -> str:
    return f"{LOGIN_COOKIE}={token}; Path=/; SameSite=Strict; HttpOnly"


def safe_next(path: str | None) -> str:
    """Where to go after logging in: a path on this server only (never //other.site)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def size_text(n: int) -> str:
    """A byte count as the error pages say it: MB from 1 MB up, KB below."""
    return f"{n // 2**20} MB" if n >= 2**20 else f"{n // 2**10} KB"


def _wants_json(scope: Scope) -> bool:
    headers = dict(scope.get("headers") or [])
    accept = headers.get(b"accept", b"").decode("latin-1")
    return str(scope.get("path", "")).startswith("/api/") or "application/json" in accept


def _plain(status: int, message: str, scope: Scope, **headers: str) -> Response:
    if _wants_json(scope):
        return JSONResponse({"error": message, "status": status}, status, headers=headers)
    return PlainTextResponse(message, status, headers=headers)


class GuardMiddleware:
    """The outermost layer: the Host header must name this server; with a token, a login."""

    def __init__(self, app: ASGIApp, exposure: Exposure) -> None:
        self.app = app
        self.exposure = exposure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        server = scope.get("server")
        served_port = int(server[1]) if server and server[1] is not None else None
        host = conn.headers.get("host", "")
        if not host_allowed(host, self.exposure, served_port, str(scope.get("scheme", "http"))):
            message = (
                "unknown Host header: backstride answers only to its own address "
                "(a name another site points here is refused; `backstride serve --host-name "
                "NAME` adds a name)"
            )
            await _plain(400, message, scope, connection="close")(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        open_path = path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)
        if not open_path and not logged_in(conn.cookies.get(LOGIN_COOKIE), self.exposure):
            response: Response
            if scope.get("method") in ("GET", "HEAD") and not _wants_json(scope):
                target = path + (
                    "?" + scope["query_string"].decode() if scope.get("query_string") else ""
                )
                response = RedirectResponse(f"/login?next={quote(target, safe='')}", 303)
            else:
                response = _plain(
                    401, "log in first: open the /login address `backstride serve` printed", scope
                )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BodyGuardMiddleware:
    """Refuses what can be refused before the body is read, and counts the body as it comes.

    The limit is the largest upload (`WebState.max_upload_bytes`) until a route names its
    own (`checked_form` sets `request.state.body_limit`); a body past it stops the read
    with 413 and the connection closes, so nothing more is spooled to disk.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state = scope.setdefault("state", {})
        cap = int(request.app.state.web.max_upload_bytes)
        refusal = self._refusal(request, cap)
        if refusal is not None:
            # deferred: errors -> state -> this module, a cycle at import time
            from backstride.present.web.errors import respond

            status, message = refusal
            # The body is never read: closing the connection stops the client sending it.
            response = respond(request, status, message, headers={"connection": "close"})
            await response(scope, receive, send)
            return

        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                limit = int(state.get("body_limit", cap))
                if seen > limit:
                    raise HTTPException(
                        413,
                        f"upload too large: the limit is {size_text(limit)}",
                        headers={"connection": "close"},
                    )
            return message

        try:
            await self.app(scope, counted, send)
        except ClientDisconnect:
            pass  # the client went away mid-body (or timed out): nobody to answer, nothing to log

    @staticmethod
    def _refusal(request: Request, cap: int) -> tuple[int, str] | None:
        headers = request.headers
        length = headers.get("content-length")
        if length is not None and "transfer-encoding" in headers:
            return 400, "a request may state its length or be chunked, not both"
        if length is not None and length.isdigit() and int(length) > cap:
            return 413, f"upload too large: the limit is {size_text(cap)}"
        if request.method in SAFE_METHODS:
            return None
        if not _origin_ok(request):
            return 403, "cross-site request refused: use the form on this app's own page"
        if not request.cookies.get(COOKIE):
            return 403, (
                "the form's security token is missing or stale (no cookie): "
                "reload the page and try again"
            )
        return None


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


def _origin_ok(request: Request) -> bool:
    """A same-origin Origin or Referer is present, and the browser does not say cross-site."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        # Every current browser sends Origin with a POST; none (or "null": a sandboxed
        # frame, file://) means a client we cannot tell apart from a forged one.
        return False
    parts = urlsplit(source)
    return parts.netloc == request.headers.get("host", "") and parts.scheme in ("http", "https")


def check_origin(request: Request) -> None:
    if not _origin_ok(request):
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
            f"upload too large: {size_text(int(length))}; the limit is {size_text(max_bytes)}",
            headers={"connection": "close"},
        )
    cookie = request.cookies.get(COOKIE, "")
    if not cookie:
        raise HTTPException(
            403, "the form's security token is missing or stale: reload the page and try again"
        )
    request.state.body_limit = max_bytes  # BodyGuardMiddleware stops the read past it
    form = await request.form(max_files=max_files, max_fields=2000)
    sent = str(form.get(FIELD) or request.headers.get(HEADER) or "")
    if not hmac.compare_digest(sent.encode(), cookie.encode()):
        raise HTTPException(
            403, "the form's security token is missing or stale: reload the page and try again"
        )
    return form
