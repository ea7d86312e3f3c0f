"""What every route needs, built once by `create_app`: settings, store, KB, cache, jobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from backstride.config import Settings
from backstride.kb import KnowledgeBase
from backstride.present.web.cache import ViewCache
from backstride.present.web.form_jobs import FormJobs
from backstride.present.web.heavy import HeavyWork
from backstride.present.web.jobs import ImportJobs

#: Largest request body the app reads: a year of FIT files or a Strava export fits.
MAX_UPLOAD_BYTES = 1024 * 2**20
#: Largest ordinary form (everything but the upload).
MAX_FORM_BYTES = 256 * 2**10


@dataclass
class WebState:
    """Mutable only through the settings page (`settings`) and the cache and jobs it holds."""

    settings: Settings
    engine: Engine
    kb: KnowledgeBase
    templates: Jinja2Templates
    cache: ViewCache
    jobs: ImportJobs
    config_path: Path | None
    form_jobs: FormJobs
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    today_override: date | None = None
    rendered: dict[tuple[str, int, Any], tuple[object, str]] = field(default_factory=dict)
    #: The bounded worker of the report and export routes.
    heavy: HeavyWork = field(default_factory=HeavyWork)

    def today(self) -> date:
        return self.today_override or date.today()


def web(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


#: Placeholder rendered in place of the CSRF token in pages cached as HTML.
_TOKEN_SLOT = "\x00csrf\x00"


def render_cached(request: Request, template: str, cached: object, **context: Any) -> Any:
    """A page whose whole HTML depends only on a `cached` view (and the token).

    The HTML is rendered once per cached object and kept beside it; each request only puts
    its own CSRF token in, so a cached page costs a string replace, not a template run.
    """
    from fastapi.responses import HTMLResponse

    from backstride.present.web.security import csrf_token

    state = web(request)
    key = (template, id(cached), context.get("updating"))
    html = state.rendered.get(key)
    if html is None or html[0] is not cached:
        body = state.templates.get_template(template).render(
            {"request": request, "settings": state.settings, "csrf": _TOKEN_SLOT, **context}
        )
        state.rendered[key] = html = (cached, body)
        if len(state.rendered) > 16:  # old views' pages: drop all but this one
            state.rendered = {key: html}
    return HTMLResponse(html[1].replace(_TOKEN_SLOT, csrf_token(request)))


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
