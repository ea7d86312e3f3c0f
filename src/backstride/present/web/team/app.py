"""The team server app: the JSON API, the web pages, the host check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.present.web.team import api, job_pages, pages
from backstride.present.web.team.deps import TeamState
from backstride.team.caseload import RunnerCache
from backstride.team.db import TeamDB
from backstride.team.jobs import Queue

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SafeHeaders:
    """Health data is never cached, framed or sniffed (a plain ASGI middleware: cheap)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in _HEADERS if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_team_app(
    db: TeamDB,
    settings: Settings,
    *,
    host_names: tuple[str, ...] = (),
    today: date | None = None,
    data_dir: Path | None = None,
) -> FastAPI:
    """The team server over `db`; it answers to loopback names and `host_names` only."""
    kb = load_kb()
    queue = Queue(db, data_dir=data_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        queue.close()

    app = FastAPI(
        title="backstride team", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.team = TeamState(
        db=db,
        queue=queue,
        settings=settings,
        kb=kb,
        runners=RunnerCache(kb=kb, settings=settings),
        today_override=today,
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(job_pages.router)
    app.add_exception_handler(pages.LoginRequired, pages.to_login)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*LOOPBACK, *host_names])

    app.add_middleware(SafeHeaders)

    return app
