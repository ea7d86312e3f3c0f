"""`create_app(settings)`: the FastAPI app over one store, built in the entry point (no globals).

The factory only assembles: the app object (`WebState`) holds the store, the KB, the view
cache and the jobs; here it gets its middleware, error pages, static files and routes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from backstride import units
from backstride.analyse.summaries import local_start
from backstride.assess.words import match_words
from backstride.config import Settings
from backstride.kb import load_kb
from backstride.present.web import errors
from backstride.present.web.routes import ALL
from backstride.present.web.security import (
    BodyGuardMiddleware,
    CsrfCookieMiddleware,
    Exposure,
    GuardMiddleware,
)
from backstride.present.web.state import WebState
from backstride.services import database
from backstride.services.today import short_title

HERE = Path(__file__).parent


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    env.globals["distance_unit"] = units.distance_unit
    env.filters["distance"] = lambda m, u: units.format_distance(m or 0.0, u)
    env.filters["duration"] = lambda s: units.format_duration(s or 0.0)
    env.filters["label"] = lambda v: str(v).replace("_", " ")
    env.filters["short"] = short_title
    env.filters["match"] = match_words
    # one truth for a run on every page: its local start, moving time and pace
    env.filters["local_start"] = local_start
    env.filters["clock"] = units.format_clock
    env.filters["pace"] = lambda s, u: units.format_pace(s, u)
    env.filters["pace_of"] = lambda m, s, u: units.format_pace(units.pace_s(m, s, u), u)
    return templates


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    config_path: Path | None = None,
    today: date | None = None,
    exposure: Exposure | None = None,
) -> FastAPI:
    """The app over `settings`' store (or `engine`); `config_path` is where settings are saved.

    `today` pins the date for tests and screenshots; by default every request uses the real date.
    `exposure` says which Host names it answers to and whether a login is needed; by
    default loopback names only, no login (`Exposure.serving` builds `serve`'s).
    """
    state = WebState(
        settings=settings,
        engine=engine or database.connect(settings.resolved_database_url),
        kb=load_kb(),
        templates=_templates(),
        config_path=config_path,
        today_override=today,
    )
    state.form_jobs.prune()

    app = FastAPI(title="backstride", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = state
    app.state.exposure = exposure = exposure or Exposure()
    # Added innermost first: Host and login, then the token cookie, then the body checks.
    app.add_middleware(BodyGuardMiddleware)
    app.add_middleware(CsrfCookieMiddleware)
    app.add_middleware(GuardMiddleware, exposure=exposure)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ALL:
        app.include_router(router)
    return app
