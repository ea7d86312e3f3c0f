"""`create_app(settings)`: the FastAPI app over one store, built in the entry point (no globals)."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection, Engine

from backstride import store, units
from backstride.analyse.report import ShoeStatus
from backstride.analyse.summaries import local_start
from backstride.assess.words import match_words
from backstride.config import Settings
from backstride.kb import load_kb
from backstride.present.web import errors
from backstride.present.web.cache import ViewCache
from backstride.present.web.form_jobs import FormJobs
from backstride.present.web.jobs import ImportJobs
from backstride.present.web.security import (
    BodyGuardMiddleware,
    CsrfCookieMiddleware,
    Exposure,
    GuardMiddleware,
)
from backstride.present.web.state import WebState
from backstride.services.dashboard import home_view, store_state, training_view
from backstride.services.shoes import shoe_statuses

HERE = Path(__file__).parent


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    env.globals["distance_unit"] = units.distance_unit
    env.filters["distance"] = lambda m, u: units.format_distance(m or 0.0, u)
    env.filters["duration"] = lambda s: units.format_duration(s or 0.0)
    env.filters["label"] = lambda v: str(v).replace("_", " ")
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
    engine = engine or store.connect(settings.resolved_database_url)
    kb = load_kb()
    holder: dict[str, WebState] = {}

    def key_of(conn: Connection) -> Hashable:
        state = holder["state"]
        s = state.settings
        return (store_state(conn), state.today(), s.units, s.week_start, s.shoe_limit_km)

    shoes_memo: dict[Hashable, list[ShoeStatus]] = {}

    def statuses(conn: Connection) -> list[ShoeStatus]:
        """Shoe totals read the whole history: once per store state for both pages."""
        key = store_state(conn)
        if key not in shoes_memo:
            shoes_memo.clear()
            shoes_memo[key] = shoe_statuses(conn)
        return shoes_memo[key]

    def home(conn: Connection) -> object:
        from backstride.present.report.charts import pain_chart

        state = holder["state"]
        view = home_view(
            conn, kb=kb, today=state.today(), settings=state.settings, statuses=statuses(conn)
        )
        return view, pain_chart(view.pain_points)

    def training(conn: Connection) -> object:
        # The charts are cached with the view: drawing them is most of the page's cost.
        from backstride.present.web.routes.training import charts

        state = holder["state"]
        view = training_view(
            conn, kb=kb, today=state.today(), settings=state.settings, statuses=statuses(conn)
        )
        return view, charts(view, state.settings.units)

    cache = ViewCache(engine, key_of, {"home": home, "training": training})
    data_dir = settings.data_dir
    state = WebState(
        settings=settings,
        engine=engine,
        kb=kb,
        templates=_templates(),
        cache=cache,
        jobs=ImportJobs(engine, data_dir, on_done=cache.refresh_in_background),
        config_path=config_path,
        form_jobs=FormJobs(engine, data_dir),
        today_override=today,
    )
    state.form_jobs.prune()
    holder["state"] = state

    app = FastAPI(title="backstride", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = state
    app.state.exposure = exposure = exposure or Exposure()
    # Added innermost first: Host and login, then the token cookie, then the body checks.
    app.add_middleware(BodyGuardMiddleware)
    app.add_middleware(CsrfCookieMiddleware)
    app.add_middleware(GuardMiddleware, exposure=exposure)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    from backstride.present.web.routes import ALL

    for router in ALL:
        app.include_router(router)
    return app
