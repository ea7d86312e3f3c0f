"""Today (sessions ticked off with pain in one step, tomorrow, the week) and exercise cards."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from backstride.errors import NotFound
from backstride.present.web.routes.plan import TICKABLE, tick_target
from backstride.present.web.security import checked_form
from backstride.present.web.state import MAX_FORM_BYTES, render, web
from backstride.services.care import notes_for_runner, prescribed_exercises
from backstride.services.exercises import exercise_card, exercise_cards, figure_of
from backstride.services.plan import preferences_from_store
from backstride.services.today import PAIN_KINDS, mark_done, today_view

router = APIRouter()

PAIN_SCALE = tuple(range(11))


@router.get("/today")
def today_page(request: Request) -> Any:
    state = web(request)
    try:
        with state.engine.begin() as conn:
            prefs = preferences_from_store(conn, settings=state.settings)
            view = today_view(conn, kb=state.kb, today=state.today(), preferences=prefs)
    except NotFound:
        return render(request, "today.html", t=None)
    figures = {ex.id: figure_of(state.kb, ex.id) for ti in view.items for ex in ti.item.exercises}
    return render(
        request,
        "today.html",
        t=view,
        figures=figures,
        pain_kinds=PAIN_KINDS,
        pain_scale=PAIN_SCALE,
        saved=_saved_note(request.query_params.get("saved", "")),
        care_notes=notes_for_runner(state.engine, limit=3),
        prescribed=[
            (p, state.kb.exercises[p.exercise_id].name)
            for p in prescribed_exercises(state.engine)
            if p.exercise_id in state.kb.exercises
        ],
    )


_NOTES = {
    "saved": "pain saved in the diary",
    "kept": "a diary entry for it existed already and is kept as it was",
    "none": "pain not recorded",
}


def _saved_note(value: str) -> str:
    """The line after a tick: "Marked run done; pain saved in the diary." ("" for none)."""
    kind, _, note = value.partition("-")
    if kind not in TICKABLE or note not in _NOTES:
        return ""
    return f"Marked {kind} done; {_NOTES[note]}."


def _pain(value: object, name: str) -> int | None:
    """A 0-10 score, or None for "not recorded" (the empty choice): never a silent 0."""
    text = str(value or "").strip()
    if text in ("", "none"):
        return None
    if not text.isdigit() or not 0 <= int(text) <= 10:
        raise HTTPException(422, f"{name} must be 0-10 or not recorded")
    return int(text)


@router.post("/today/done")
async def today_done(request: Request) -> Any:
    state = web(request)
    form = await checked_form(request, max_bytes=MAX_FORM_BYTES)
    day, kind = tick_target(form, today=state.today())
    during = _pain(form.get("pain_during"), "pain during")
    after = _pain(form.get("pain_after"), "pain after")
    with state.engine.begin() as conn:
        result = mark_done(
            conn,
            kb=state.kb,
            today=state.today(),
            day=day,
            kind=kind,
            pain_during=during,
            pain_after=after,
        )
    note = {v: k for k, v in _NOTES.items()}.get(result.diary_note, "kept")
    return RedirectResponse(f"/today?saved={kind}-{note}#item-{kind}", status_code=303)


@router.get("/exercises")
def exercises_page(request: Request) -> Any:
    state = web(request)
    cards = exercise_cards(state.kb)
    figures = {c.id: figure_of(state.kb, c.id) for c in cards}
    return render(request, "exercises.html", cards=cards, figures=figures)


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, exercise_id: str) -> Any:
    state = web(request)
    try:
        card = exercise_card(state.kb, exercise_id)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    ex = state.kb.exercises[exercise_id]
    return render(
        request,
        "exercise.html",
        ex=card,
        figure=figure_of(state.kb, exercise_id),
        sources=state.kb.cite(ex.sources),
    )
