"""Diary: a quick entry after a run (pain sliders, timing, character, notes), history and adherence."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from backstride.analyse.pain import daily_worst
from backstride.assess.model import Assessment
from backstride.errors import DiaryError, NotFound
from backstride.models import DiaryEntry
from backstride.present.report.charts import pain_chart
from backstride.present.web.security import checked_form
from backstride.present.web.state import MAX_FORM_BYTES, render, web
from backstride.services import records
from backstride.services.diary import KINDS, add_entry
from backstride.services.experiment import experiment_today
from backstride.services.plan import plan_view

router = APIRouter()


def _pain(form: FormData, name: str) -> int | None:
    if form.get(f"{name}_skip"):
        return None
    raw = str(form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise DiaryError(f"{name.replace('_', ' ')}: a whole number from 0 to 10") from exc


def entry_from_form(form: FormData, today: date) -> DiaryEntry:
    """The entry as typed; `services.diary` validates it exactly as for the CLI."""
    try:
        day = date.fromisoformat(str(form.get("entry_date") or today.isoformat()))
    except ValueError as exc:
        raise DiaryError("date: use YYYY-MM-DD") from exc
    return DiaryEntry(
        entry_date=day,
        kind=str(form.get("kind") or "day"),
        pain_during=_pain(form, "pain_during"),
        pain_after=_pain(form, "pain_after"),
        pain_next_morning=_pain(form, "pain_next_morning"),
        onset=str(form.get("onset") or "") or None,
        character=tuple(str(c) for c in form.getlist("character")),
        helped=str(form.get("helped") or "").strip() or None,
        notes=str(form.get("notes") or "").strip(),
        warnings=tuple(str(w) for w in form.getlist("warning")),
    )


def _page(
    request: Request,
    *,
    error: str | None = None,
    recheck: Assessment | None = None,
    recheck_note: str | None = None,
) -> Any:
    state = web(request)
    today = state.today()
    with state.engine.connect() as conn:
        entries = records.diary_entries(conn, end=today)
        now = experiment_today(conn, today)
        try:
            adherence = plan_view(conn, kb=state.kb, today=today, save=False).adherence
        except NotFound:
            adherence = None
    return render(
        request,
        "diary.html",
        today=today,
        kinds=KINDS,
        onsets=state.kb.questions["pain_timing"].values or [],
        characters=state.kb.questions["pain_character"].values or [],
        warnings=[(w, sign.text) for w, sign in state.kb.progress_rules.diary_warnings.items()],
        entries=list(reversed(entries))[:30],
        pain_svg=pain_chart(daily_worst(entries)),
        adherence=adherence,
        experiment_today=now,
        day_logged=any(e.kind == "day" and e.entry_date == today for e in entries),
        error=error,
        recheck=recheck,
        recheck_note=recheck_note,
        saved=request.query_params.get("saved"),
        status_code=422 if error else 200,
    )


@router.get("/diary")
def diary_page(request: Request) -> Any:
    return _page(request)


@router.post("/diary")
async def diary_add(request: Request) -> Any:
    state = web(request)
    form = await checked_form(request, max_bytes=MAX_FORM_BYTES)
    try:
        entry = entry_from_form(form, state.today())
        with state.engine.begin() as conn:
            result = add_entry(conn, entry=entry, kb=state.kb, today=state.today())
    except DiaryError as exc:
        return _page(request, error=str(exc))
    if result.recheck_check_id is not None:  # the safety result comes first
        return RedirectResponse(f"/check/result/{result.recheck_check_id}", status_code=303)
    if result.recheck is not None:
        return _page(request, recheck=result.recheck, recheck_note=result.recheck_note)
    if form.get("back_to") == "/today":  # the one-tap entry on Today (never another address)
        return RedirectResponse("/today", status_code=303)
    return RedirectResponse(f"/diary?saved={entry.entry_date.isoformat()}", status_code=303)
