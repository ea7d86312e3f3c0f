"""PDF reports and form checks from the team pages, as the API offers them.

A coach or physio asks for a runner's PDF report on the runner's page and downloads it
there; a runner uploads a clip on /me and reads the form check in words on the job's
page. The rules are the API's (`api.visible_job`, `api.read_clip`, `api.job_file`), so
a page and the API cannot disagree about who may see a job.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from backstride.errors import NotFound
from backstride.present.web.team.api import job_file, read_clip
from backstride.present.web.team.deps import State, record, require_role, shared_runner
from backstride.present.web.team.job_context import JOB_KINDS, form_words

# The pages' own session, CSRF and rendering helpers: these routes are more of the pages.
from backstride.present.web.team.pages import PageSession, _checked, _render

router = APIRouter()


@router.post("/runners/{runner_id}/reports")
def runner_report(
    request: Request,
    runner_id: int,
    session: PageSession,
    st: State,
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Queue the runner's PDF report for the coach or physio asking; their page lists it."""
    _checked(request, session, csrf)
    runner, _engine = shared_runner(st, session.user, runner_id)
    st.queue.submit_report(runner, requested_by=session.user)
    record(st, session.user, "report.queue", runner.id)
    return RedirectResponse(f"/runners/{runner.id}#reports", status_code=303)


@router.get("/jobs/{job_id}/output")
def job_output(job_id: int, session: PageSession, st: State) -> Response:
    """A finished report's PDF, for whoever the API would give it to (404 for anyone else)."""
    return job_file(st, session.user, job_id)


@router.post("/me/reports")
def my_report(
    request: Request, session: PageSession, st: State, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    _checked(request, session, csrf)
    require_role(session.user, "runner")
    job_id = st.queue.submit_report(session.user, requested_by=session.user)
    return RedirectResponse(f"/me/jobs/{job_id}", status_code=303)


@router.post("/me/form-checks")
async def my_form_check(request: Request, session: PageSession, st: State) -> RedirectResponse:
    """Queue the form check of the uploaded clip; its job's page follows it."""
    require_role(session.user, "runner")

    def check(form: FormData) -> None:
        _checked(request, session, str(form.get("csrf", "")))

    clip = await read_clip(request, check=check)
    job_id = await run_in_threadpool(
        st.queue.submit_form_check, session.user, clip.name, clip.data, clip.view
    )
    record(st, session.user, "form.queue", session.user.id)
    return RedirectResponse(f"/me/jobs/{job_id}", status_code=303)


@router.get("/me/jobs/{job_id}", response_class=HTMLResponse)
def my_job(request: Request, job_id: int, session: PageSession, st: State) -> HTMLResponse:
    """One of the runner's jobs: its progress, then its result (the form check in words)."""
    require_role(session.user, "runner")
    try:
        job = st.queue.job(job_id, runner_id=session.user.id)
    except NotFound as exc:
        raise HTTPException(404, "not found") from exc
    return _render(request, "job.html", session, job=job, kinds=JOB_KINDS, **form_words())
