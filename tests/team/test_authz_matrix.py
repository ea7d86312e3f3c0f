"""Every team route × every role × shared/unshared/revoked: no one reads or writes another
runner's data. One deployment for the module (accounts are slow to hash on purpose).

Callers: the runner R whose data is at stake, another runner B, a coach and a physio in
each share state (R shared with them / never did / shared then revoked), an admin.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backstride.config import Settings
from backstride.models import DiaryEntry
from backstride.present.web.team import create_team_app
from backstride.services.importing import import_paths
from backstride.store import diary as store_diary
from backstride.store.schema import care_notes, exercise_adjustments
from backstride.store.team import jobs as job_rows
from backstride.team import sharing
from backstride.team.accounts import User, add_user, issue_token
from backstride.team.db import TeamDB
from backstride.team.jobs import Queue
from tests.team.conftest import ORIGIN, PASSWORD, drop_team, gpx, team_url

pytestmark = pytest.mark.postgres

CALLERS = (
    "runner_self",
    "runner_other",
    "coach_shared",
    "coach_unshared",
    "coach_revoked",
    "physio_shared",
    "physio_unshared",
    "physio_revoked",
    "admin",
)


@dataclass
class World:
    db: TeamDB
    client: TestClient
    users: dict[str, User]
    tokens: dict[str, str]
    runner: User  # R
    other: User  # B
    #: per caller, a finished report job about R that the caller asked for (rows written
    #: directly: only a runner or a viewer shared with could have queued one, and whether
    #: the answer holds after a revoke or for a forged row is the point)
    report_jobs: dict[str, int]

    def headers(self, caller: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[caller]}"} if caller else {}


def _seed(db: TeamDB, runner: User, day: int, tmp: Path, pain: int) -> None:
    engine = db.runner_engine(runner.runner_schema or "")
    path = tmp / f"{runner.id}.gpx"
    path.write_bytes(gpx(day))
    assert import_paths(engine, [path], data_dir=tmp / "data").imported == 1
    with engine.begin() as conn:
        store_diary.add(
            conn,
            entry=DiaryEntry(entry_date=path_day(day), kind="day", pain_during=pain),
        )


FAKE_PDF = b"%PDF-1.7 the report of r@example.org"


def _done_report(db: TeamDB, runner: User, requested_by: User) -> int:
    at = datetime.now(UTC)
    with db.engine.begin() as conn:
        job = job_rows.add(
            conn,
            kind="report",
            runner_id=runner.id,
            requested_by=requested_by.id,
            files=[],
            progress={},
            created_at=at,
        )
        job_rows.set_output(conn, job, name="backstride-report.pdf", data=FAKE_PDF)
        job_rows.finish(conn, job, report={"bytes": len(FAKE_PDF)}, at=at)
    return job


def _jobs_of(world: World, runner: User) -> int:
    with world.db.engine.connect() as conn:
        return len(job_rows.recent(conn, runner_id=runner.id, limit=10_000))


def path_day(day: int) -> Any:
    from datetime import date, timedelta

    return date(2024, 1, 1) + timedelta(days=day)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("team")
    db = TeamDB.open(team_url())
    try:
        db.upgrade_team()
        Queue(db).apply_schema()
        users = {
            "runner_self": add_user(db, email="r@example.org", role="runner", password=PASSWORD),
            "runner_other": add_user(db, email="b@example.org", role="runner", password=PASSWORD),
            "admin": add_user(db, email="admin@example.org", role="admin", password=PASSWORD),
        }
        for role in ("coach", "physio"):
            for state in ("shared", "unshared", "revoked"):
                users[f"{role}_{state}"] = add_user(
                    db, email=f"{role}.{state}@example.org", role=role, password=PASSWORD
                )
        runner, other = users["runner_self"], users["runner_other"]
        _seed(db, runner, 10, tmp, pain=3)
        _seed(db, other, 20, tmp, pain=6)
        for role in ("coach", "physio"):
            sharing.share(db, runner, with_email=f"{role}.shared@example.org")
            sharing.share(db, runner, with_email=f"{role}.revoked@example.org")
            sharing.revoke(db, runner, with_email=f"{role}.revoked@example.org")
            # B shares with everyone in the "unshared" state: being someone's viewer
            # must not open R's data
            sharing.share(db, other, with_email=f"{role}.unshared@example.org")
        tokens = {name: issue_token(db, user)[0] for name, user in users.items()}
        report_jobs = {name: _done_report(db, runner, user) for name, user in users.items()}
        app = create_team_app(db, Settings(data_dir=tmp / "server"))
        with TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN}) as client:
            yield World(db, client, users, tokens, runner, other, report_jobs)
    finally:
        drop_team(db)


def _care_rows(world: World, runner: User) -> tuple[int, int]:
    engine = world.db.runner_engine(runner.runner_schema or "")
    with engine.connect() as conn:
        notes = conn.execute(select(func.count()).select_from(care_notes)).scalar_one()
        changes = conn.execute(select(func.count()).select_from(exercise_adjustments)).scalar_one()
    return notes, changes


# -- routes about runner R, reached by id -------------------------------------------------

RUNNER_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/runners/{id}/activities", None),
    ("GET", "/api/v1/runners/{id}/diary", None),
    ("GET", "/api/v1/runners/{id}/checks", None),
    ("GET", "/api/v1/runners/{id}/summary", None),
    ("POST", "/api/v1/runners/{id}/notes", {"body": "keep the long run flat this week"}),
    (
        "POST",
        "/api/v1/runners/{id}/exercises",
        {"exercise_id": "glute_bridge", "action": "add", "dose": "3 x 12"},
    ),
    ("POST", "/api/v1/runners/{id}/reports", None),
]


def _expected_for_runner_route(caller: str, method: str, path: str) -> int:
    if caller in ("coach_shared", "physio_shared"):
        if path.endswith("/exercises") and caller.startswith("coach"):
            return 403  # shared, but changing exercises is a physio's
        if path.endswith("/reports"):
            return 202  # queued
        return 201 if method == "POST" else 200
    return 404  # never revealing whether R exists


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path", "body"), RUNNER_ROUTES, ids=lambda v: str(v))
def test_runner_routes(
    world: World, caller: str, method: str, path: str, body: dict[str, Any] | None
) -> None:
    before = _care_rows(world, world.runner)
    url = path.format(id=world.runner.id)
    res = world.client.request(method, url, json=body, headers=world.headers(caller))
    expected = _expected_for_runner_route(caller, method, path)
    assert res.status_code == expected, (caller, url, res.text)
    after = _care_rows(world, world.runner)
    if expected >= 400:
        assert after == before, f"{caller} changed R's data through a refused {method} {url}"
        assert "r@example.org" not in res.text
    if expected == 200 and path.endswith("/activities"):
        names = {a["name"] for a in res.json()}
        assert names == {"Run 10"}, "a viewer sees R's activities and only R's"
    if expected == 200 and path.endswith("/diary"):
        assert [e["pain_during"] for e in res.json()] == [3]


@pytest.mark.parametrize(("method", "path", "body"), RUNNER_ROUTES, ids=lambda v: str(v))
def test_a_runner_who_does_not_exist_answers_like_one_who_did_not_share(
    world: World, method: str, path: str, body: dict[str, Any] | None
) -> None:
    for caller in ("coach_unshared", "physio_unshared"):
        missing = world.client.request(
            method, path.format(id=999999), json=body, headers=world.headers(caller)
        )
        hidden = world.client.request(
            method, path.format(id=world.runner.id), json=body, headers=world.headers(caller)
        )
        assert (missing.status_code, missing.text) == (hidden.status_code, hidden.text)


# -- the caller's own data ------------------------------------------------------------------

OWN_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/activities", None),
    ("GET", "/api/v1/diary", None),
    ("GET", "/api/v1/checks", None),
    ("GET", "/api/v1/notes", None),
    ("GET", "/api/v1/shares", None),
    ("GET", "/api/v1/audit", None),
    ("GET", "/api/v1/export", None),
    ("GET", "/api/v1/jobs/999999", None),
    ("GET", "/api/v1/jobs/999999/output", None),
    ("POST", "/api/v1/reports", None),
    ("POST", "/api/v1/form-checks", None),
]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path", "body"), OWN_ROUTES, ids=lambda v: str(v))
def test_own_routes(
    world: World, caller: str, method: str, path: str, body: dict[str, Any] | None
) -> None:
    res = world.client.request(method, path, json=body, headers=world.headers(caller))
    if path.startswith("/api/v1/jobs/"):
        assert res.status_code == 404  # no such job: the same answer for everyone
        return
    if caller.startswith("runner"):
        expected = {"/api/v1/reports": 202, "/api/v1/form-checks": 422}.get(path, 200)
        assert res.status_code == expected, res.text
    else:
        assert res.status_code == 403, (caller, path, res.text)
        return
    me = world.users[caller]
    not_me = world.other if me.id == world.runner.id else world.runner
    if path.endswith("/activities"):
        mine = "Run 10" if me.id == world.runner.id else "Run 20"
        assert [a["name"] for a in res.json()] == [mine]
    if path.endswith("/diary"):
        assert [e["pain_during"] for e in res.json()] == [3 if me.id == world.runner.id else 6]
    if path.endswith("/export"):
        with zipfile.ZipFile(io.BytesIO(res.content)) as zf:
            exported = zf.read("backstride-export/activities.json").decode()
        mine, theirs = ("Run 10", "Run 20") if me.id == world.runner.id else ("Run 20", "Run 10")
        assert mine in exported and theirs not in exported
        return
    assert not_me.email not in res.text


@pytest.mark.parametrize("caller", CALLERS)
def test_runners_list(world: World, caller: str) -> None:
    res = world.client.get("/api/v1/runners", headers=world.headers(caller))
    if caller in ("runner_self", "runner_other", "admin"):
        assert res.status_code == 403
        return
    ids = {r["id"] for r in res.json()}
    assert (world.runner.id in ids) == caller.endswith("_shared")
    assert (world.other.id in ids) == caller.endswith("_unshared")


@pytest.mark.parametrize("caller", CALLERS)
def test_admin_routes(world: World, caller: str) -> None:
    res = world.client.get("/api/v1/users", headers=world.headers(caller))
    assert res.status_code == (200 if caller == "admin" else 403)
    if caller == "admin":
        assert set(res.json()[0]) == {"id", "email", "role"}  # accounts, no health data


@pytest.mark.parametrize("caller", CALLERS)
def test_import_and_shares_are_a_runners_own(world: World, caller: str) -> None:
    h = world.headers(caller)
    res = world.client.post("/api/v1/imports", headers=h, files=[("files", ("x.gpx", gpx(99)))])
    share = world.client.post(
        "/api/v1/shares", headers=h, json={"email": "coach.shared@example.org"}
    )
    if caller.startswith("runner"):
        assert res.status_code == 202
        job = res.json()["job_id"]
        # the job is its runner's alone
        for other in CALLERS:
            seen = world.client.get(f"/api/v1/jobs/{job}", headers=world.headers(other))
            assert seen.status_code == (200 if other == caller else 404)
        assert share.status_code == 201
        if caller == "runner_other":
            assert (
                world.client.delete(
                    "/api/v1/shares/coach.shared@example.org", headers=h
                ).status_code
                == 204
            )
    else:
        assert (res.status_code, share.status_code) == (403, 403)


ALL_ROUTES = [
    *[(m, p.format(id=1), b) for m, p, b in RUNNER_ROUTES],
    *OWN_ROUTES,
    ("GET", "/api/v1/me", None),
    ("GET", "/api/v1/runners", None),
    ("GET", "/api/v1/users", None),
    ("POST", "/api/v1/imports", None),
    ("POST", "/api/v1/shares", {"email": "coach.shared@example.org"}),
    ("DELETE", "/api/v1/shares/coach.shared@example.org", None),
    ("DELETE", "/api/v1/me", None),
    ("POST", "/api/v1/logout", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ALL_ROUTES, ids=lambda v: str(v))
@pytest.mark.parametrize("token", ["none", "garbage", "revoked"])
def test_every_route_needs_a_live_token(
    world: World, method: str, path: str, body: dict[str, Any] | None, token: str
) -> None:
    headers: dict[str, str] = {}
    if token == "garbage":
        headers = {"Authorization": "Bearer not-a-token"}
    elif token == "revoked":
        fresh = issue_token(world.db, world.runner)[0]
        auth = {"Authorization": f"Bearer {fresh}"}
        assert world.client.post("/api/v1/logout", headers=auth).status_code == 204
        headers = auth
    res = world.client.request(method, path, json=body, headers=headers)
    assert res.status_code == 401, (method, path, res.text)


def test_revoking_takes_effect_at_once(world: World) -> None:
    """A coach reading R's data loses it on the very next request after R revokes."""
    runner_h = world.headers("runner_self")
    coach = world.users["coach_unshared"]
    h = world.headers("coach_unshared")
    url = f"/api/v1/runners/{world.runner.id}/activities"
    assert (
        world.client.post(
            "/api/v1/shares", headers=runner_h, json={"email": coach.email}
        ).status_code
        == 201
    )
    assert world.client.get(url, headers=h).status_code == 200
    assert world.client.delete(f"/api/v1/shares/{coach.email}", headers=runner_h).status_code == 204
    assert world.client.get(url, headers=h).status_code == 404
    log = world.client.get("/api/v1/audit", headers=runner_h).json()
    actions = [(e["who"], e["action"]) for e in log]
    assert (coach.email, "view.activities") in actions
    assert ("r@example.org", "share.revoke") in actions


# -- the web pages, with session cookies and CSRF tokens -----------------------------------

PAGE_ROUTES: list[tuple[str, str, dict[str, str] | None]] = [
    ("GET", "/runners/{id}", None),
    ("POST", "/runners/{id}/notes", {"body": "rest two days"}),
    ("POST", "/runners/{id}/exercises", {"exercise_id": "glute_bridge", "action": "add"}),
    ("POST", "/runners/{id}/reports", {}),
    ("GET", "/jobs/{job}/output", None),
    ("GET", "/caseload", None),
    ("GET", "/me", None),
    ("GET", "/me/export", None),
    ("POST", "/me/delete", {"confirm": "not-my-address@example.org"}),
    ("POST", "/me/reports", {}),
    ("POST", "/me/form-checks", {"view": "side"}),
    ("GET", "/me/jobs/{r_job}", None),
    ("GET", "/admin", None),
]

#: Uploads sent with a page's form (queued only: no worker runs in this module).
PAGE_FILES: dict[str, dict[str, tuple[str, bytes, str]]] = {
    "/me/form-checks": {"file": ("run.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4")},
}


def _page_url(world: World, path: str, caller: str) -> str:
    return path.format(
        id=world.runner.id,
        job=world.report_jobs[caller],
        r_job=world.report_jobs["runner_self"],
    )


def _page_expected(caller: str, method: str, path: str) -> int:
    if path == "/caseload":
        return 200 if caller.startswith(("coach", "physio")) else 403
    if path in ("/me", "/me/export"):
        return 200 if caller.startswith("runner") else 403
    if path == "/me/delete":  # a wrong address: refused, nothing deleted
        return 303 if caller.startswith("runner") else 403
    if path in ("/me/reports", "/me/form-checks"):
        return 303 if caller.startswith("runner") else 403
    if path == "/me/jobs/{r_job}":  # R's own job: B gets the 404 of a job that is not theirs
        return {"runner_self": 200, "runner_other": 404}.get(caller, 403)
    if path == "/jobs/{job}/output":  # the runner's, or the viewer's who asked while shared
        return 200 if caller in ("runner_self", "coach_shared", "physio_shared") else 404
    if path == "/admin":
        return 200 if caller == "admin" else 403
    if caller not in ("coach_shared", "physio_shared"):
        return 404
    if path.endswith("/exercises") and caller.startswith("coach"):
        return 403
    return 303 if method == "POST" else 200


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path", "form"), PAGE_ROUTES, ids=lambda v: str(v))
def test_pages(
    world: World, caller: str, method: str, path: str, form: dict[str, str] | None
) -> None:
    cookie, csrf = issue_token(world.db, world.users[caller], kind="session")
    url = _page_url(world, path, caller)
    before = _care_rows(world, world.runner), _jobs_of(world, world.runner)
    jobs_before = _jobs_of(world, world.runner) + _jobs_of(world, world.other)
    data = {**form, "csrf": csrf or ""} if form is not None else None
    world.client.cookies.set("backstride_team", cookie)
    try:
        res = world.client.request(
            method, url, data=data, files=PAGE_FILES.get(path), follow_redirects=False
        )
        if method == "POST":
            forged = world.client.request(
                method,
                url,
                data={**(form or {}), "csrf": "forged"},
                files=PAGE_FILES.get(path),
                follow_redirects=False,
            )
            assert forged.status_code in (403, 404)
    finally:
        world.client.cookies.clear()
    expected = _page_expected(caller, method, path)
    assert res.status_code == expected, (caller, url, res.text[:300])
    if expected >= 400:
        assert (_care_rows(world, world.runner), _jobs_of(world, world.runner)) == before
        assert "r@example.org" not in res.text
    if path == "/me/delete":
        assert expected == 403 or res.headers["location"].startswith("/me?error=")
        with world.db.engine.connect() as conn:
            assert sharing.viewers(conn, world.runner.id), "R and their shares are still there"
    if path == "/jobs/{job}/output":
        # the page and the API give the PDF to the same people
        api = world.client.get(
            f"/api/v1/jobs/{world.report_jobs[caller]}/output", headers=world.headers(caller)
        )
        assert api.status_code == res.status_code
        if expected == 200:
            assert res.headers["content-type"] == "application/pdf"
            assert res.content == api.content == FAKE_PDF
    if path == "/runners/{id}" and expected == 200:
        # the viewer's own report job with its link, no one else's
        links = {f'href="/jobs/{j}/output"' for j in world.report_jobs.values()}
        shown = {link for link in links if link in res.text}
        assert shown == {f'href="/jobs/{world.report_jobs[caller]}/output"'}
    if path in ("/runners/{id}/reports", "/me/reports", "/me/form-checks"):
        queued = _jobs_of(world, world.runner) + _jobs_of(world, world.other) - jobs_before
        assert queued == (1 if expected == 303 else 0), "one job, and none for the forged form"


@pytest.mark.parametrize(("method", "path", "form"), PAGE_ROUTES, ids=lambda v: str(v))
def test_pages_without_a_session_go_to_login(
    world: World, method: str, path: str, form: dict[str, str] | None
) -> None:
    before = _care_rows(world, world.runner), _jobs_of(world, world.runner)
    res = world.client.request(
        method,
        _page_url(world, path, "runner_self"),
        data=form,
        files=PAGE_FILES.get(path),
        follow_redirects=False,
    )
    assert (res.status_code, res.headers.get("location")) == (303, "/login")
    assert (_care_rows(world, world.runner), _jobs_of(world, world.runner)) == before
