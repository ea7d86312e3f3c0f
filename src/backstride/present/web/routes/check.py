"""The self-check: the safety screen in a few short pages (the emergency signs first, so an
emergency answer interrupts at once, before any other page), then one page per remaining
group, then the saved result.

Answers so far travel in a hidden field, so the flow needs no server session and works
without JavaScript; the final answers are validated again by the assessment itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from backstride.assess.answers import check_answer
from backstride.assess.model import Assessment
from backstride.errors import AnswersError
from backstride.kb import KnowledgeBase
from backstride.kb.schema import Question
from backstride.present.web.security import checked_form
from backstride.present.web.state import MAX_FORM_BYTES, WebState, render, web
from backstride.services import records, selfcheck
from backstride.wording import NO_LEADING_CAUSE

router = APIRouter()

#: Safety-screen questions per page: the screen in two or three short pages, the
#: emergency signs (cauda equina) all on the first.
SAFETY_PAGE = 5
#: Questions per page of the other groups (a page of 15-18 was a long scroll on a phone).
GROUP_PAGE = 8


@dataclass(frozen=True)
class Step:
    group: str
    title: str
    questions: list[Question]
    #: why some questions of the group are not asked (self-tests the answers forbid)
    note: str = ""


def steps(kb: KnowledgeBase, answers: dict[str, Any] | None = None) -> list[Step]:
    """The safety questions SAFETY_PAGE to a page, then each other group GROUP_PAGE to a
    page (the self-tests on one).

    The self-test page leaves out the tests the answers so far forbid (stop_rules.yaml);
    the page itself stays, so the number of steps never changes under the runner.
    """
    out: list[Step] = []
    for group, title in selfcheck.GROUPS:
        if not kb.questions_in(group):
            continue
        questions, left_out = selfcheck.questions_to_ask(kb, group, answers or {})
        size = {"safety_screen": SAFETY_PAGE, "self_tests": 0}.get(group, GROUP_PAGE)
        if size:  # self-tests stay one page: the tests left out vary with the answers
            pages = [questions[i : i + size] for i in range(0, len(questions), size)]
            out += [
                Step(group, title if len(pages) == 1 else f"{title} ({i + 1} of {len(pages)})", p)
                for i, p in enumerate(pages)
            ]
        else:
            out.append(Step(group, title, questions, selfcheck.left_out_note(left_out)))
    return out


def parse_answer(q: Question, form: FormData) -> Any:
    """The typed value of one question from the form; None when left blank (optional only).

    The form gives strings: this turns them into the question's type, and `check_answer`
    (the one check every shell shares) holds them to its range or allowed values; the
    messages speak to the runner in the question's own words.
    """
    if q.type == "choices":
        picked = [str(v) for v in form.getlist(q.id)]
        if not picked and q.required:
            raise AnswersError(f"please choose at least one: {q.text}")
        return _checked(q, picked, "pick from the choices") if picked else None
    raw = str(form.get(q.id) or "").strip()
    if not raw:
        if q.required:
            raise AnswersError(f"please answer: {q.text}")
        return None
    if q.type == "bool":
        if q.accepts_unsure and raw == "unsure":
            return check_answer(q, raw)  # counts as yes; the result says how to check
        if raw not in ("yes", "no"):
            raise AnswersError(
                f"{q.text}: answer yes, no" + (" or unsure" if q.accepts_unsure else "")
            )
        return raw == "yes"
    if q.type in ("int", "number"):
        try:
            value: Any = int(raw) if q.type == "int" else float(raw)
        except ValueError as exc:
            raise AnswersError(f"{q.text}: please enter a number") from exc
        return _checked(q, value, f"enter a value from {q.min or 0:g} to {q.max or '…'}")
    return _checked(q, raw, "pick one of the choices")


def _checked(q: Question, value: Any, hint: str) -> Any:
    try:
        return check_answer(q, value)
    except AnswersError as exc:
        raise AnswersError(f"{q.text}: {hint}") from exc


def _previous(form: FormData) -> dict[str, Any]:
    try:
        data = json.loads(str(form.get("answers") or "{}"))
    except (ValueError, RecursionError):  # a crafted, deeply nested field starts afresh
        data = {}
    return data if isinstance(data, dict) else {}


def _step_page(request: Request, n: int, answers: dict[str, Any], error: str | None = None) -> Any:
    all_steps = steps(web(request).kb, answers)
    return render(
        request,
        "check_step.html",
        step=all_steps[n],
        n=n,
        total=len(all_steps),
        answered=sum(len(st.questions) for st in all_steps[:n]),
        questions=sum(len(st.questions) for st in all_steps),
        answers=answers,
        answers_json=json.dumps(answers),
        error=error,
        status_code=422 if error else 200,
    )


@router.get("/check")
def check_start(request: Request) -> Any:
    return _step_page(request, 0, {})


@router.post("/check")
async def check_step(request: Request) -> Any:
    state = web(request)
    form = await checked_form(request, max_bytes=MAX_FORM_BYTES)
    answers = _previous(form)
    all_steps = steps(state.kb, answers)
    try:
        n = min(max(int(str(form.get("step") or 0)), 0), len(all_steps) - 1)
    except ValueError:
        n = 0
    step = all_steps[n]
    if form.get("back") and n > 0:  # answers so far are kept; this step is not checked
        return _step_page(request, n - 1, answers)
    asked = {q.id for st in all_steps if st.group == step.group for q in st.questions}
    for q in state.kb.questions_in(step.group):
        if q.id not in asked and step.group != "safety_screen":
            answers.pop(q.id, None)  # a self-test the answers now forbid (after going back)
    problems: list[str] = []
    for q in step.questions:
        try:
            value = parse_answer(q, form)
        except AnswersError as exc:
            problems.append(str(exc))
            continue
        answers.pop(q.id, None)
        if value is not None:
            answers[q.id] = value
    if step.group == "safety_screen":
        # an emergency answer stops the check at once, whatever else the page left blank
        emergency = selfcheck.emergency_result(state.kb, answers)
        if emergency is not None:
            return _save_and_show(state, answers, emergency)
    if problems:
        return _step_page(request, n, answers, problems[0])
    if n + 1 < len(all_steps):
        return _step_page(request, n + 1, answers)
    training, problems = selfcheck.training_evidence(
        state.engine, today=state.today(), settings=state.settings, rules=state.kb.load_rules
    )
    try:
        assessment = selfcheck.run_check(
            answers, state.kb, training=training, evidence_problems=problems
        )
    except AnswersError as exc:
        return _step_page(request, n, answers, str(exc))
    return _save_and_show(state, answers, assessment)


def _save_and_show(state: WebState, answers: dict[str, Any], result: Assessment) -> Any:
    with state.engine.begin() as conn:
        check_id = selfcheck.save_check(
            conn, kb=state.kb, answers=answers, result=result, source="web"
        )
    return RedirectResponse(f"/check/result/{check_id}", status_code=303)


@router.get("/check/result/{check_id}")
def check_result(request: Request, check_id: int) -> Any:
    state = web(request)
    with state.engine.connect() as conn:
        saved = records.saved_check(conn, check_id=check_id)
    result = selfcheck.saved_result(saved)
    return render(
        request,
        "check_result.html",
        saved=saved,
        result=result,
        causes=[c for c in result.causes if c.score > 0][:5],
        no_cause=NO_LEADING_CAUSE,
        plan=result.plan,
    )
