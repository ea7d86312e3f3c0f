"""Plan: this week and the next, exercise cards, ticking sessions off, the calendar file."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from backstride.errors import NotFound
from backstride.present.web.security import checked_form
from backstride.present.web.state import MAX_FORM_BYTES, render, web
from backstride.services import records
from backstride.services.exercises import figure_of
from backstride.services.experiment import experiment_reminders
from backstride.services.plan import PlanView, plan_view, preferences_from_store
from backstride.services.today import done_between, grid_weeks, plan_sessions, plan_span, rest_only

router = APIRouter()

#: The kinds `backstride plan done` accepts: what adherence counts.
TICKABLE = ("strength", "mobility", "run")


def tick_target(form: Mapping[str, Any], *, today: date) -> tuple[date, str]:
    """The day and kind of a session being ticked off (the plan page and Today), checked."""
    kind = str(form.get("kind") or "")
    try:
        day = date.fromisoformat(str(form.get("date") or ""))
    except ValueError as exc:
        raise HTTPException(422, "date must be YYYY-MM-DD") from exc
    if kind not in TICKABLE:
        raise HTTPException(422, f"kind must be one of {', '.join(TICKABLE)}")
    if day > today:
        raise HTTPException(422, f"{day} is in the future: tick a session off once it is done")
    return day, kind


def _view(request: Request) -> PlanView:
    state = web(request)
    with state.engine.begin() as conn:  # saves a snapshot of the plan as shown, like the CLI
        prefs = preferences_from_store(conn, settings=state.settings)
        return plan_view(conn, kb=state.kb, today=state.today(), preferences=prefs)


@router.get("/plan")
def plan_page(request: Request) -> Any:
    state = web(request)
    try:
        view = _view(request)
    except NotFound:
        return render(request, "plan.html", view=None, weeks=[], done=set())
    weeks = view.plan.weeks
    today = state.today()
    start = weeks[0].start_date if weeks else today
    with state.engine.connect() as conn:
        done = done_between(conn, start=start, end=today)
    sessions = plan_sessions(view)
    figures = {ex.id: figure_of(state.kb, ex.id) for i in sessions for ex in i.exercises}
    return render(
        request,
        "plan.html",
        view=view,
        weeks=weeks,
        grid=grid_weeks(view, done=done, today=today),
        sessions=sessions,
        figures=figures,
        rest_only=rest_only(view),
        today=today,
    )


@router.post("/plan/done")
async def plan_done(request: Request) -> Any:
    state = web(request)
    form = await checked_form(request, max_bytes=MAX_FORM_BYTES)
    day, kind = tick_target(form, today=state.today())
    with state.engine.begin() as conn:
        records.tick(conn, item_date=day, kind=kind)
    return RedirectResponse(f"/plan#day-{day.isoformat()}", status_code=303)


@router.get("/plan.ics")
def plan_ics(request: Request) -> Response:
    # deferred: icalendar, only when the calendar file is asked for
    from backstride.present.report.ics import plan_to_ics

    view = _view(request)
    state = web(request)
    with state.engine.connect() as conn:
        reminders = experiment_reminders(conn, *plan_span(view))
    return Response(
        plan_to_ics(view.plan, reminders=reminders),
        media_type="text/calendar",
        headers={"content-disposition": 'attachment; filename="backstride-plan.ics"'},
    )
