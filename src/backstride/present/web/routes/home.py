"""Home: the status at a glance, from the cached home view."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse

from backstride.present.web.state import render_cached, web

router = APIRouter()


@router.get("/")
def landing_page(request: Request) -> Any:
    """Today once a plan exists (the daily loop starts there), else the overview."""
    cached, updating = web(request).cache.get("home")
    view, _ = cached
    if view.plan is not None:
        return RedirectResponse("/today", status_code=303)
    return home_page(request)


@router.get("/home")
def home_page(request: Request) -> Any:
    """The status at a glance: the latest check, training, plan and pain."""
    cached, updating = web(request).cache.get("home")
    view, pain_svg = cached
    return render_cached(
        request,
        "home.html",
        cached,
        view=view,
        updating=updating,
        week=view.plan.plan.weeks[0] if view.plan and view.plan.plan.weeks else None,
        pain_svg=pain_svg,
    )


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    """A route that touches nothing: the benchmark's baseline."""
    return "ok"
