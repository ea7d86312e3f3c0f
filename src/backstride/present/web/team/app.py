"""The team server app: the JSON API, the web pages, the host check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.present.web.team import api, pages
from backstride.present.web.team.deps import TeamState
from backstride.team.caseload import SummaryCache
from backstride.team.db import TeamDB
from backstride.team.jobs import Queue

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


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
        summaries=SummaryCache(kb=kb, settings=settings),
        today_override=today,
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_exception_handler(pages.LoginRequired, pages.to_login)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*LOOPBACK, *host_names])

    @app.middleware("http")
    async def no_store(request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
