"""Settings: units, week start, shoe limits, and which database is in use."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from backstride.config import save_settings_file
from backstride.errors import ConfigError, StoreError, WriteError
from backstride.models import Shoe
from backstride.present.web.security import checked_form
from backstride.present.web.state import MAX_FORM_BYTES, render, web
from backstride.services import records
from backstride.services.shoes import checked_limit_km, shoe_statuses

router = APIRouter()


def _page(request: Request, error: str | None = None) -> Any:
    state = web(request)
    with state.engine.connect() as conn:
        pairs = shoe_statuses(conn)
    url = state.engine.url.render_as_string(hide_password=True)
    return render(
        request,
        "settings.html",
        pairs=pairs,
        database=url,
        config_path=state.config_path,
        error=error,
        saved=request.query_params.get("saved"),
        status_code=422 if error else 200,
    )


@router.get("/settings")
def settings_page(request: Request) -> Any:
    return _page(request)


@router.post("/settings")
async def settings_save(request: Request) -> Any:
    state = web(request)
    form = await checked_form(request, max_bytes=MAX_FORM_BYTES)
    updates: dict[str, Any] = {
        "units": str(form.get("units") or state.settings.units),
        "week_start": str(form.get("week_start") or state.settings.week_start),
    }
    # Every value is checked before anything is written: a bad pair limit must not
    # leave the settings file changed and the page failing.
    try:
        updates["shoe_limit_km"] = float(
            str(form.get("shoe_limit_km") or state.settings.shoe_limit_km)
        )
        new = state.settings.model_validate({**state.settings.model_dump(), **updates})
        with state.engine.connect() as conn:
            limits = _pair_limits(form, records.all_shoes(conn))
        if state.config_path is not None:
            save_settings_file(updates, path=state.config_path)
        with state.engine.begin() as conn:
            for shoe_id, limit_km in limits.items():
                records.set_shoe_limit(conn, shoe_id=shoe_id, limit_km=limit_km)
    except (ValueError, ConfigError, StoreError, WriteError) as exc:
        return _page(request, error=f"Settings not saved: {_reason(exc)}")
    state.settings = new
    return RedirectResponse("/settings?saved=1", status_code=303)


def _pair_limits(form: Any, pairs: list[Shoe]) -> dict[int, float]:
    """The changed limit of each pair the form names, every one checked [km]."""
    limits: dict[int, float] = {}
    for pair in pairs:
        raw = str(form.get(f"shoe_limit_{pair.id}") or "").strip()
        if raw and float(raw) != pair.limit_km:
            try:
                limits[pair.id] = checked_limit_km(float(raw))
            except StoreError as exc:
                raise StoreError(f"{pair.name}: {exc}") from exc
    return limits


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):  # pydantic: the field and its rule, not a dump
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(exc)
