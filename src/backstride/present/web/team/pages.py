"""The team web pages: log in, the caseload, a runner's page, the runner's own page.

Sessions are cookies (HttpOnly, SameSite=Lax, Secure when the request came over HTTPS,
directly or through a TLS reverse proxy that says so). Every form carries the session's
CSRF token and is refused without it or from another origin.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from backstride.errors import NotFound
from backstride.present.web.security import check_origin
from backstride.present.web.team.api import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_FILES,
    ExerciseChange,
    apply_exercise_change,
    export_zip,
)
from backstride.present.web.team.deps import (
    SESSION_COOKIE,
    State,
    TeamState,
    record,
    require_role,
    shared_runner,
    shared_store,
)
from backstride.present.web.team.job_context import me_page_extras, runner_page_extras
from backstride.services.care import leave_note
from backstride.team import accounts, audit, sharing
from backstride.team.accounts import Session, TooManyAttempts
from backstride.team.caseload import store_version

router = APIRouter()
#: The team's own templates, and the single-runner app's under "single/" for the parts
#: both show the same way (a form check's result in words).
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                jinja2.PrefixLoader(
                    {"single": jinja2.FileSystemLoader(Path(__file__).parents[1] / "templates")}
                ),
            ]
        ),
        autoescape=True,
    )
)
templates.env.filters["label"] = lambda v: str(v or "").replace("_", " ")


class LoginRequired(Exception):
    """No live session: the exception handler sends the browser to /login."""


def page_session(request: Request, st: State) -> Session:
    found = accounts.resolve(st.db, request.cookies.get(SESSION_COOKIE), kind="session")
    if found is None:
        raise LoginRequired()
    return found


PageSession = Annotated[Session, Depends(page_session)]


def _checked(request: Request, session: Session, csrf: str) -> None:
    check_origin(request)
    if not session.csrf or not hmac.compare_digest(session.csrf, csrf):
        raise HTTPException(403, "the form is out of date: reload the page and try again")


def _render(request: Request, name: str, session: Session | None, **values: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": session.user if session else None,
            "csrf": session.csrf if session else "",
            **values,
        },
    )


def _secure(request: Request) -> bool:
    return (
        request.url.scheme == "https"
        or request.headers.get("x-forwarded-proto", "").lower() == "https"
    )


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    """A route that touches nothing: for the proxy's health check and the bench's baseline."""
    return "ok"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return _render(request, "login.html", None, error=None)


@router.post("/login", response_model=None)
def login(
    request: Request,
    st: State,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    check_origin(request)
    try:
        user = accounts.authenticate(st.db, email=email, password=password)
    except TooManyAttempts as exc:
        return _render(request, "login.html", None, error=str(exc))
    if user is None:
        return _render(request, "login.html", None, error="wrong e-mail address or password")
    token, _ = accounts.issue_token(st.db, user, kind="session")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
    )
    return response


@router.post("/logout")
def logout(
    request: Request, session: PageSession, st: State, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    _checked(request, session, csrf)
    accounts.revoke(st.db, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/")
def home(session: PageSession) -> RedirectResponse:
    target = {"runner": "/me", "coach": "/caseload", "physio": "/caseload", "admin": "/admin"}
    return RedirectResponse(target[session.user.role], status_code=303)


# -- coaches and physios ---------------------------------------------------------------


@router.get("/caseload", response_class=HTMLResponse)
def caseload(request: Request, session: PageSession, st: State) -> HTMLResponse:
    require_role(session.user, "coach", "physio")
    with st.db.autocommit() as conn:
        found = sharing.runners_of(conn, session.user)
        record(st, session.user, "view.caseload", None, f"{len(found)} runner(s)", conn=conn)
    rows = []
    for shared in found:
        schema = shared.user.runner_schema
        assert schema is not None
        summary = st.runners.summary(
            schema, st.db.runner_engine(schema), today=st.today(), version=shared.store_version
        )
        rows.append((shared.user, summary))
    # escalations first, then the most recent pain, then by address
    rows.sort(key=lambda r: (not r[1].escalations, -(r[1].pain_recent or 0), r[0].email))
    return _render(request, "caseload.html", session, rows=rows)


@router.get("/runners/{runner_id}", response_class=HTMLResponse)
def runner_page(request: Request, runner_id: int, session: PageSession, st: State) -> HTMLResponse:
    with st.db.autocommit() as conn:
        shared, engine = shared_store(st, session.user, runner_id, conn=conn)
        record(st, session.user, "view.runner", shared.user.id, conn=conn)
    runner, version = shared.user, shared.store_version
    assert runner.runner_schema is not None
    summary = st.runners.summary(runner.runner_schema, engine, today=st.today(), version=version)
    care = st.runners.care(runner.runner_schema, engine, version=version)
    return _render(
        request,
        "runner.html",
        session,
        runner=runner,
        summary=summary,
        notes=care.notes,
        prescribed=care.prescribed,
        exercises=sorted(st.kb.exercises.values(), key=lambda e: e.name),
        names={k: e.name for k, e in st.kb.exercises.items()},
        **runner_page_extras(st, session.user, runner, engine),
    )


@router.post("/runners/{runner_id}/exercises")
def change_exercise(
    request: Request,
    runner_id: int,
    session: PageSession,
    st: State,
    exercise_id: Annotated[str, Form(max_length=80)],
    action: Annotated[str, Form(pattern="^(add|remove|dose)$")],
    dose: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    _checked(request, session, csrf)
    runner, engine = shared_runner(st, session.user, runner_id)
    require_role(session.user, "physio")
    change = ExerciseChange(exercise_id=exercise_id, action=action, dose=dose.strip() or None)
    apply_exercise_change(st, session.user.email, engine, change)
    record(st, session.user, "write.exercise", runner.id, f"{action} {exercise_id}")
    return RedirectResponse(f"/runners/{runner.id}", status_code=303)


@router.post("/runners/{runner_id}/notes")
def add_note(
    request: Request,
    runner_id: int,
    session: PageSession,
    st: State,
    body: Annotated[str, Form(min_length=1, max_length=4000)],
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    _checked(request, session, csrf)
    runner, engine = shared_runner(st, session.user, runner_id)
    leave_note(engine, author=session.user.email, author_role=session.user.role, body=body)
    record(st, session.user, "write.note", runner.id)
    return RedirectResponse(f"/runners/{runner.id}", status_code=303)


# -- the runner ------------------------------------------------------------------------


@router.get("/me", response_class=HTMLResponse)
def my_page(request: Request, session: PageSession, st: State) -> HTMLResponse:
    require_role(session.user, "runner")
    assert session.user.runner_schema is not None
    schema = session.user.runner_schema
    with st.db.autocommit() as conn:
        viewers = sharing.viewers(conn, session.user.id)
        log = audit.for_runner(conn, runner_id=session.user.id, limit=30)
        version = store_version(conn, schema)
    engine = st.db.runner_engine(schema)
    care = st.runners.care(schema, engine, version=version)
    recent_jobs = st.queue.recent(runner_id=session.user.id, limit=5)
    return _render(
        request,
        "me.html",
        session,
        notes=care.notes,
        prescribed=care.prescribed,
        names={k: e.name for k, e in st.kb.exercises.items()},
        viewers=viewers,
        log=log,
        jobs=recent_jobs,
        error=request.query_params.get("error"),
        **me_page_extras(engine),
    )


@router.post("/me/shares")
def share(
    request: Request,
    session: PageSession,
    st: State,
    email: Annotated[str, Form(max_length=320)],
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    _checked(request, session, csrf)
    require_role(session.user, "runner")
    try:
        sharing.share(st.db, session.user, with_email=email)
    except NotFound:
        return RedirectResponse("/me?error=no+coach+or+physio+with+that+address", 303)
    return RedirectResponse("/me", status_code=303)


@router.post("/me/shares/revoke")
def revoke(
    request: Request,
    session: PageSession,
    st: State,
    email: Annotated[str, Form(max_length=320)],
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    _checked(request, session, csrf)
    require_role(session.user, "runner")
    sharing.revoke(st.db, session.user, with_email=email)
    return RedirectResponse("/me", status_code=303)


@router.post("/me/imports")
async def import_files(request: Request, session: PageSession, st: State) -> RedirectResponse:
    """Queue an import of the uploaded files; /me shows its progress."""
    require_role(session.user, "runner")
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > MAX_IMPORT_BYTES:
        raise HTTPException(413, f"at most {MAX_IMPORT_BYTES // 2**20} MB per import")
    form = await request.form(max_files=MAX_IMPORT_FILES)
    try:
        _checked(request, session, str(form.get("csrf", "")))
        files = [
            (item.filename or "upload", await item.read())
            for item in form.getlist("files")
            if not isinstance(item, str)
        ]
    finally:
        await form.close()
    if files:
        await run_in_threadpool(st.queue.submit_import, session.user, files)
        record(st, session.user, "import.queue", session.user.id, f"{len(files)} file(s)")
    return RedirectResponse("/me", status_code=303)


@router.get("/me/export")
def export(session: PageSession, st: State) -> Response:
    """All of the runner's data as a zip of JSON files."""
    require_role(session.user, "runner")
    return export_zip(st, session.user)


@router.post("/me/delete")
def delete_me(
    request: Request,
    session: PageSession,
    st: State,
    confirm: Annotated[str, Form(max_length=320)] = "",
    csrf: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Delete the runner's account and store, once they typed their address to confirm."""
    _checked(request, session, csrf)
    require_role(session.user, "runner")
    if confirm.strip().lower() != session.user.email:
        return RedirectResponse("/me?error=type+your+e-mail+address+to+delete", 303)
    accounts.delete_user(st.db, session.user, actor=session.user)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- admins ----------------------------------------------------------------------------


@router.get("/admin", response_class=HTMLResponse)
def admin(request: Request, session: PageSession, st: State) -> HTMLResponse:
    require_role(session.user, "admin")
    with st.db.engine.connect() as conn:
        users = accounts.list_users(conn)
    return _render(request, "admin.html", session, users=users)


def to_login(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return Response(status_code=401)
    return RedirectResponse("/login", status_code=303)


__all__ = ["LoginRequired", "TeamState", "router", "to_login"]
