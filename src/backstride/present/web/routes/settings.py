"""Settings: units, week start, shoe limits, and which database is in use."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from backstride.config import save_settings_file
from backstride.errors import ConfigError, StoreError
from backstride.present.web.security import checked_form
from backstride.present.web.state import MAX_FORM_BYTES, render, web
from backstride.services.shoes import shoe_statuses
from backstride.store import shoes

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
    try:
        updates["shoe_limit_km"] = float(
            str(form.get("shoe_limit_km") or state.settings.shoe_limit_km)
        )
        new = state.settings.model_validate({**state.settings.model_dump(), **updates})
        if state.config_path is not None:
            save_settings_file(updates, path=state.config_path)
        with state.engine.begin() as conn:
            for pair in shoes.list_all(conn):
                raw = str(form.get(f"shoe_limit_{pair.id}") or "").strip()
                if raw and float(raw) != pair.limit_km:
                    if float(raw) <= 0:
                        raise StoreError(f"{pair.name}: a shoe limit must be above 0 km")
                    shoes.set_limit(conn, shoe_id=pair.id, limit_km=float(raw))
    except (ValueError, ConfigError, StoreError) as exc:
        return _page(request, error=f"Settings not saved: {exc}")
    state.settings = new
    return RedirectResponse("/settings?saved=1", status_code=303)
