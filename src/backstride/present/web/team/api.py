"""The JSON API under /api/v1: bearer tokens, the caller's own data, what was shared.

Every route but /login answers 401 without a live token. A runner's data is reachable by
the runner and by the coaches and physios they share with at this moment; anyone else
gets 404, whether or not the runner exists. Admins manage accounts and never see health
data.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from backstride.errors import NotFound
from backstride.present.cli.activities import to_json as activity_json
from backstride.present.web.team.deps import (
    ApiSession,
    State,
    TeamState,
    own_store,
    record,
    require_role,
    shared_runner,
    shared_store,
)
from backstride.services import backup, records
from backstride.services.care import adjust_exercise, leave_note, notes_for_runner
from backstride.services.care import prescribed_exercises as prescribed
from backstride.team import accounts, audit, sharing
from backstride.team.accounts import AccountError, TooManyAttempts, User
from backstride.team.jobs import JobView

router = APIRouter(prefix="/api/v1")

#: Largest upload per import request (several multi-year exports fit).
MAX_IMPORT_BYTES = 200 * 1024 * 1024
MAX_IMPORT_FILES = 2000


class Login(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class ShareWith(BaseModel):
    email: str = Field(max_length=320)


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=4000)


class ExerciseChange(BaseModel):
    exercise_id: str = Field(min_length=1, max_length=80)
    action: str = Field(pattern="^(add|remove|dose)$")
    dose: str | None = Field(default=None, max_length=200)


class NewUser(BaseModel):
    email: str = Field(max_length=320)
    role: str = Field(pattern="^(runner|coach|physio|admin)$")
    password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=1000)


@router.post("/login")
def login(body: Login, st: State) -> dict[str, str]:
    try:
        user = accounts.authenticate(st.db, email=body.email, password=body.password)
    except TooManyAttempts as exc:
        raise HTTPException(429, str(exc), {"Retry-After": "900"}) from exc
    if user is None:
        raise HTTPException(401, "wrong e-mail address or password")
    token, _ = accounts.issue_token(st.db, user, kind="api")
    return {"token": token}


@router.post("/logout", status_code=204)
def logout(request: Request, session: ApiSession, st: State) -> Response:
    token = request.headers["authorization"].partition(" ")[2].strip()
    accounts.revoke(st.db, token)
    return Response(status_code=204)


@router.get("/me")
def me(session: ApiSession) -> dict[str, object]:
    return session.user.to_json()


# -- the runner's own data --------------------------------------------------------------


@router.post("/imports", status_code=202)
async def start_import(request: Request, session: ApiSession, st: State) -> dict[str, int]:
    require_role(session.user, "runner")
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        raise HTTPException(411, "the request must state its length (Content-Length)")
    if int(length) > MAX_IMPORT_BYTES:
        raise HTTPException(413, f"at most {MAX_IMPORT_BYTES // 2**20} MB per import")
    form = await request.form(max_files=MAX_IMPORT_FILES)
    files: list[tuple[str, bytes]] = []
    for item in form.getlist("files"):
        if isinstance(item, str) or not hasattr(item, "read"):
            continue
        upload: UploadFile = item  # type: ignore[assignment]
        files.append((upload.filename or "upload", await upload.read()))
    await form.close()
    if not files:
        raise HTTPException(422, "send the files in the multipart field 'files'")
    job_id = await run_in_threadpool(st.queue.submit_import, session.user, files)
    record(st, session.user, "import.queue", session.user.id, f"{len(files)} file(s)")
    return {"job_id": job_id}


def visible_job(st: TeamState, user: User, job_id: int) -> JobView:
    """The job if it is about the caller, or the caller asked for it and the runner still
    shares with them; 404 otherwise."""
    try:
        found = st.queue.job(job_id, runner_id=user.id)
    except NotFound as exc:
        raise HTTPException(404, "not found") from exc
    if found.runner_id != user.id:
        shared_runner(st, user, found.runner_id)
    return found


@router.get("/jobs/{job_id}")
def job(job_id: int, session: ApiSession, st: State) -> dict[str, Any]:
    return visible_job(st, session.user, job_id).to_json()


@router.get("/jobs/{job_id}/output")
def job_output(job_id: int, session: ApiSession, st: State) -> Response:
    """A finished report job's PDF."""
    return job_file(st, session.user, job_id)


def job_file(st: TeamState, user: User, job_id: int) -> Response:
    """A finished job's PDF for whoever may see the job (the API and the pages alike)."""
    found = visible_job(st, user, job_id)
    output = st.queue.output(found.id)
    if output is None:
        raise HTTPException(409, f"the job is {found.state}: no file yet")
    name, data = output
    record(st, user, "view.report", found.runner_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/reports", status_code=202)
def own_report(session: ApiSession, st: State) -> dict[str, int]:
    """Queue a PDF report of the caller's own data (`GET /jobs/{id}/output` when done)."""
    require_role(session.user, "runner")
    job_id = st.queue.submit_report(session.user, requested_by=session.user)
    return {"job_id": job_id}


@router.post("/form-checks", status_code=202)
async def form_check(request: Request, session: ApiSession, st: State) -> dict[str, int]:
    """Queue the form check of one clip (multipart `file`, and `view`: side or rear)."""
    require_role(session.user, "runner")
    clip = await read_clip(request)
    job_id = await run_in_threadpool(
        st.queue.submit_form_check, session.user, clip.name, clip.data, clip.view
    )
    record(st, session.user, "form.queue", session.user.id)
    return {"job_id": job_id}


@dataclass(frozen=True)
class Clip:
    name: str
    data: bytes
    view: str


async def read_clip(request: Request, *, check: Callable[[FormData], None] | None = None) -> Clip:
    """The clip and camera view of a form-check upload, for the API and the runner's page
    alike; `check` sees the form first (the page's CSRF token is a field of it).

    Raises:
        HTTPException: 411 without a stated length, 413 past the limit, 422 without a
            clip or with a view other than side or rear.
    """
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        raise HTTPException(411, "the request must state its length (Content-Length)")
    if int(length) > MAX_IMPORT_BYTES:
        raise HTTPException(413, f"at most {MAX_IMPORT_BYTES // 2**20} MB per clip")
    form = await request.form(max_files=1)
    try:
        if check is not None:
            check(form)
        view = form.get("view") or "side"
        upload = form.get("file")
        if view not in ("side", "rear") or upload is None or isinstance(upload, str):
            raise HTTPException(
                422, "send the clip in the multipart field 'file' and view=side|rear"
            )
        data = await upload.read()
        if not data:
            raise HTTPException(422, "the clip is empty: choose a video file of your running")
        return Clip(Path(upload.filename or "clip").name or "clip", data, str(view))
    finally:
        await form.close()


@router.get("/activities")
def own_activities(session: ApiSession, st: State) -> list[dict[str, Any]]:
    return _activities(own_store(st, session.user))


@router.get("/diary")
def own_diary(session: ApiSession, st: State) -> list[dict[str, Any]]:
    return _diary(own_store(st, session.user))


@router.get("/checks")
def own_checks(session: ApiSession, st: State) -> list[dict[str, Any]]:
    return _checks(own_store(st, session.user))


@router.get("/notes")
def own_notes(session: ApiSession, st: State) -> dict[str, Any]:
    engine = own_store(st, session.user)
    return _care(engine)


@router.get("/shares")
def list_shares(session: ApiSession, st: State) -> list[dict[str, object]]:
    require_role(session.user, "runner")
    with st.db.engine.connect() as conn:
        return [u.to_json() for u in sharing.viewers(conn, session.user.id)]


@router.post("/shares", status_code=201)
def add_share(body: ShareWith, session: ApiSession, st: State) -> dict[str, object]:
    require_role(session.user, "runner")
    try:
        viewer = sharing.share(st.db, session.user, with_email=body.email)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    return {"email": viewer.email, "role": viewer.role}


@router.delete("/shares/{email}", status_code=204)
def revoke_share(email: str, session: ApiSession, st: State) -> Response:
    require_role(session.user, "runner")
    sharing.revoke(st.db, session.user, with_email=email)
    return Response(status_code=204)


@router.get("/audit")
def own_audit(session: ApiSession, st: State) -> list[dict[str, object]]:
    """Who viewed or changed the caller's data, newest first."""
    require_role(session.user, "runner")
    with st.db.engine.connect() as conn:
        found = audit.for_runner(conn, runner_id=session.user.id)
    return [
        {"at": e.at.isoformat(), "who": e.actor_email, "action": e.action, "detail": e.detail}
        for e in found
    ]


@router.get("/export")
def export(session: ApiSession, st: State) -> Response:
    """Every table of the caller's store as JSON files in one zip."""
    own_store(st, session.user)
    return export_zip(st, session.user)


def export_zip(st: TeamState, user: User) -> Response:
    """The caller's whole store, tables and kept originals, as the single-runner app's
    export zip (so `backstride import-backup` takes it on the runner's own machine)."""
    engine = own_store(st, user)
    scratch = Path(tempfile.gettempdir()) / "backstride-team-exports"
    archive = backup.export_zip(
        engine, fmt="json", files=backup.store_files(engine, scratch), scratch=scratch
    )
    record(st, user, "export", user.id)
    return FileResponse(
        archive,
        media_type="application/zip",
        filename="backstride-export.zip",
        background=BackgroundTask(archive.unlink, missing_ok=True),
    )


@router.delete("/me", status_code=204)
def delete_me(session: ApiSession, st: State) -> Response:
    """Delete the caller's account; a runner's whole store goes with it."""
    accounts.delete_user(st.db, session.user, actor=session.user)
    return Response(status_code=204)


# -- coaches and physios: the runners who shared with them -----------------------------


@router.get("/runners")
def runners(session: ApiSession, st: State) -> list[dict[str, object]]:
    require_role(session.user, "coach", "physio")
    with st.db.engine.connect() as conn:
        found = sharing.runners_of(conn, session.user)
    return [{"id": r.user.id, "email": r.user.email} for r in found]


@router.get("/runners/{runner_id}/activities")
def runner_activities(runner_id: int, session: ApiSession, st: State) -> list[dict[str, Any]]:
    runner, engine = shared_runner(st, session.user, runner_id)
    record(st, session.user, "view.activities", runner.id)
    return _activities(engine)


@router.get("/runners/{runner_id}/diary")
def runner_diary(runner_id: int, session: ApiSession, st: State) -> list[dict[str, Any]]:
    runner, engine = shared_runner(st, session.user, runner_id)
    record(st, session.user, "view.diary", runner.id)
    return _diary(engine)


@router.get("/runners/{runner_id}/checks")
def runner_checks(runner_id: int, session: ApiSession, st: State) -> list[dict[str, Any]]:
    runner, engine = shared_runner(st, session.user, runner_id)
    record(st, session.user, "view.checks", runner.id)
    return _checks(engine)


@router.get("/runners/{runner_id}/summary")
def runner_summary(runner_id: int, session: ApiSession, st: State) -> dict[str, Any]:
    shared, engine = shared_store(st, session.user, runner_id)
    runner = shared.user
    assert runner.runner_schema is not None
    record(st, session.user, "view.summary", runner.id)
    summary = st.runners.summary(
        runner.runner_schema, engine, today=st.today(), version=shared.store_version
    )
    return {"id": runner.id, "email": runner.email, **summary.to_json(), **_care(engine)}


@router.post("/runners/{runner_id}/reports", status_code=202)
def runner_report(runner_id: int, session: ApiSession, st: State) -> dict[str, int]:
    """Queue a PDF report of a runner who shares with the caller."""
    runner, _engine = shared_runner(st, session.user, runner_id)
    job_id = st.queue.submit_report(runner, requested_by=session.user)
    record(st, session.user, "report.queue", runner.id)
    return {"job_id": job_id}


@router.post("/runners/{runner_id}/notes", status_code=201)
def runner_note(runner_id: int, body: NoteIn, session: ApiSession, st: State) -> dict[str, int]:
    runner, engine = shared_runner(st, session.user, runner_id)
    note_id = leave_note(
        engine, author=session.user.email, author_role=session.user.role, body=body.body
    )
    record(st, session.user, "write.note", runner.id)
    return {"id": note_id}


@router.post("/runners/{runner_id}/exercises", status_code=201)
def runner_exercise(
    runner_id: int, body: ExerciseChange, session: ApiSession, st: State
) -> dict[str, int]:
    runner, engine = shared_runner(st, session.user, runner_id)
    require_role(session.user, "physio")
    change = apply_exercise_change(st, session.user.email, engine, body)
    record(st, session.user, "write.exercise", runner.id, f"{body.action} {body.exercise_id}")
    return {"id": change}


def apply_exercise_change(st: TeamState, author: str, engine: Engine, body: ExerciseChange) -> int:
    if body.exercise_id not in st.kb.exercises:
        raise HTTPException(422, f"no exercise {body.exercise_id!r} in the knowledge base")
    return adjust_exercise(
        engine,
        author=author,
        author_role="physio",
        exercise_id=body.exercise_id,
        action=body.action,
        dose=body.dose,
    )


# -- admins: accounts only --------------------------------------------------------------


@router.get("/users")
def list_users(session: ApiSession, st: State) -> list[dict[str, object]]:
    require_role(session.user, "admin")
    with st.db.engine.connect() as conn:
        return [u.to_json() for u in accounts.list_users(conn)]


@router.post("/users", status_code=201)
def add_user(body: NewUser, session: ApiSession, st: State) -> dict[str, object]:
    require_role(session.user, "admin")
    try:
        user = accounts.add_user(
            st.db,
            email=body.email,
            role=body.role,
            password=body.password,
            actor=session.user.email,
        )
    except AccountError as exc:
        raise HTTPException(422, str(exc)) from exc
    return user.to_json()


@router.delete("/users/{user_id}", status_code=204)
def delete_user(user_id: int, session: ApiSession, st: State) -> Response:
    require_role(session.user, "admin")
    with st.db.engine.connect() as conn:
        try:
            user = accounts.get(conn, user_id)
        except NotFound as exc:
            raise HTTPException(404, "not found") from exc
    accounts.delete_user(st.db, user, actor=session.user)
    return Response(status_code=204)


# -- shapes -----------------------------------------------------------------------------


def _activities(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [activity_json(a) for a in records.activities_between(conn, with_route=False)]


def _diary(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        entries = records.diary_entries(conn)
    return [{**asdict(e), "entry_date": e.entry_date.isoformat()} for e in entries]


def _checks(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        saved = records.recent_checks(conn, limit=100)
    return [
        {
            "id": c.id,
            "created_at": c.created_at.isoformat(),
            "level": c.triage_level,
            "kb_version": c.kb_version,
            "note": c.notes[0] if c.notes else None,
        }
        for c in saved
    ]


def _care(engine: Engine) -> dict[str, Any]:
    return {
        "notes": [
            {"at": n.at.isoformat(), "author": n.author, "role": n.author_role, "body": n.body}
            for n in notes_for_runner(engine)
        ],
        "exercises": [
            {"exercise_id": p.exercise_id, "dose": p.dose, "by": p.changed_by}
            for p in prescribed(engine)
        ],
    }
