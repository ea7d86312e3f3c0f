"""The web app as an object: settings, store, KB, the view cache and the background jobs.

`WebState` is what every route reaches through `web(request)`; `create_app` only builds
one and assembles the FastAPI app around it (as datasette's `Datasette` class does).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection, Engine

from backstride.config import Settings
from backstride.kb import KnowledgeBase
from backstride.present.web import views
from backstride.present.web.cache import Shared, ViewCache
from backstride.present.web.form_jobs import FormJobs
from backstride.present.web.heavy import HeavyWork
from backstride.present.web.jobs import ImportJobs

#: Largest request body the app reads: a year of FIT files or a Strava export fits.
MAX_UPLOAD_BYTES = 1024 * 2**20
#: Largest ordinary form (everything but the upload).
MAX_FORM_BYTES = 256 * 2**10


@dataclass
class WebState:
    """Mutable only through the settings page (`settings`) and the cache and jobs it holds.

    The cache, the import jobs and the form jobs are built from the other fields.
    """

    settings: Settings
    engine: Engine
    kb: KnowledgeBase
    templates: Jinja2Templates
    config_path: Path | None
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    today_override: date | None = None
    #: The bounded worker of the report and export routes.
    heavy: HeavyWork = field(default_factory=HeavyWork)
    cache: ViewCache = field(init=False)
    jobs: ImportJobs = field(init=False)
    form_jobs: FormJobs = field(init=False)

    def __post_init__(self) -> None:
        self.cache = ViewCache(
            self.engine, self.view_key, {"home": self.home, "training": self.training}
        )
        data_dir = self.settings.data_dir
        self.jobs = ImportJobs(self.engine, data_dir, on_done=self.cache.refresh_in_background)
        self.form_jobs = FormJobs(self.engine, data_dir)

    def today(self) -> date:
        return self.today_override or date.today()

    def view_key(self, conn: Connection) -> Hashable:
        """What the cached pages depend on (store state, day, settings shown)."""
        return views.view_key(conn, self.settings, self.today())

    def home(self, conn: Connection, shared: Shared) -> object:
        """The home page's view and pain chart (computed by the cache)."""
        return views.home(conn, shared, kb=self.kb, settings=self.settings, today=self.today())

    def training(self, conn: Connection, shared: Shared) -> object:
        """The training page's view and charts (computed by the cache)."""
        return views.training(conn, shared, kb=self.kb, settings=self.settings, today=self.today())


def web(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


#: Placeholder rendered in place of the CSRF token in pages cached as HTML.
_TOKEN_SLOT = "\x00csrf\x00"


def render_cached(request: Request, template: str, cached: object, **context: Any) -> Any:
    """A page whose whole HTML depends only on a `cached` view (and the token).

    The HTML is rendered once per cached view and kept in its cache entry; each request only puts
    its own CSRF token in, so a cached page costs a string replace, not a template run.
    """
    from fastapi.responses import HTMLResponse

    from backstride.present.web.security import csrf_token

    state = web(request)
    memo = state.cache.html_for(cached)  # kept with the view: both go when the store changes
    key = (template, bool(context.get("updating")))
    body = memo.get(key)
    if body is None:
        body = state.templates.get_template(template).render(
            {"request": request, "settings": state.settings, "csrf": _TOKEN_SLOT, **context}
        )
        memo[key] = body
    return HTMLResponse(body.replace(_TOKEN_SLOT, csrf_token(request)))


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Any:
    """A page from `template` with the shared context (settings, CSRF token, nav)."""
    from backstride.present.web.security import csrf_token

    state = web(request)
    return state.templates.TemplateResponse(
        request,
        template,
        {"settings": state.settings, "csrf": csrf_token(request), **context},
        status_code=status_code,
    )
