"""Report and form-check jobs through the API and a worker run in-process."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.present.web.team import create_team_app
from backstride.services.selfcheck import run_check, save_check
from backstride.team import sharing
from backstride.team.accounts import User, add_user, issue_token
from backstride.team.db import TeamDB
from backstride.team.jobs import QUEUE, Queue
from tests.conftest import REPO
from tests.team.conftest import ORIGIN, PASSWORD

pytestmark = pytest.mark.postgres


def _drain(db: TeamDB, **queue_args: object) -> None:
    """Run every queued job in this process, then return."""
    queue = Queue(db, **queue_args)  # type: ignore[arg-type]

    async def run() -> None:
        async with queue.app.open_async():
            await queue.app.run_worker_async(
                queues=[QUEUE], wait=False, install_signal_handlers=False
            )

    asyncio.run(run())


def _client(app: FastAPI, db: TeamDB, user: User) -> TestClient:
    token = issue_token(db, user)[0]
    return TestClient(
        app, base_url=ORIGIN, headers={"Origin": ORIGIN, "Authorization": f"Bearer {token}"}
    )


def _checked_runner(db: TeamDB) -> User:
    runner = add_user(db, email="r@example.org", role="runner", password=PASSWORD)
    kb = load_kb()
    answers = yaml.safe_load((REPO / "tests/data/answers/baseline.yaml").read_text())
    with db.runner_engine(runner.runner_schema or "").begin() as conn:
        save_check(
            conn, kb=kb, answers=answers, result=run_check(answers, kb, training=None), source="cli"
        )
    return runner


def test_a_physio_asks_for_a_pdf_report_and_loses_it_when_the_runner_revokes(
    team_db: TeamDB, tmp_path: Path
) -> None:
    pytest.importorskip("weasyprint", reason="PDF reports need the report extra")
    from backstride.present.report.pdf import render_pdf

    runner = _checked_runner(team_db)
    physio = add_user(team_db, email="p@example.org", role="physio", password=PASSWORD)
    sharing.share(team_db, runner, with_email=physio.email)
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    as_physio = _client(app, team_db, physio)
    as_runner = _client(app, team_db, runner)

    res = as_physio.post(f"/api/v1/runners/{runner.id}/reports")
    assert res.status_code == 202
    job = res.json()["job_id"]
    assert as_physio.get(f"/api/v1/jobs/{job}").json()["state"] == "queued"
    assert as_physio.get(f"/api/v1/jobs/{job}/output").status_code == 409
    _drain(team_db, pdf_renderer=render_pdf)
    done = as_physio.get(f"/api/v1/jobs/{job}").json()
    assert done["state"] == "done", done
    pdf = as_physio.get(f"/api/v1/jobs/{job}/output")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # the report is the runner's data: they see the job too
    assert as_runner.get(f"/api/v1/jobs/{job}/output").status_code == 200
    as_runner.delete(f"/api/v1/shares/{physio.email}")
    assert as_physio.get(f"/api/v1/jobs/{job}").status_code == 404
    assert as_physio.get(f"/api/v1/jobs/{job}/output").status_code == 404


def test_a_report_without_a_check_fails_at_once_saying_why(team_db: TeamDB, tmp_path: Path) -> None:
    runner = add_user(team_db, email="new@example.org", role="runner", password=PASSWORD)
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    client = _client(app, team_db, runner)
    job = client.post("/api/v1/reports").json()["job_id"]
    _drain(team_db, pdf_renderer=lambda data: b"%PDF-never")
    found = client.get(f"/api/v1/jobs/{job}").json()
    assert (found["state"], found["attempts"]) == ("failed", 1)
    assert "nothing to report yet" in found["error"]


def test_a_form_check_of_something_not_a_video_fails_with_the_reason(
    team_db: TeamDB, tmp_path: Path
) -> None:
    pytest.importorskip("av", reason="form checks need the video extra")
    runner = add_user(team_db, email="f@example.org", role="runner", password=PASSWORD)
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    client = _client(app, team_db, runner)
    res = client.post(
        "/api/v1/form-checks", data={"view": "side"}, files={"file": ("clip.mp4", b"not a video")}
    )
    assert res.status_code == 202, res.text
    _drain(team_db)
    found = client.get(f"/api/v1/jobs/{res.json()['job_id']}").json()
    assert found["state"] == "failed" and found["attempts"] == 1, found
    assert found["error"]


def test_the_runner_imports_from_their_page_sees_the_result_then_deletes_everything(
    team_db: TeamDB, tmp_path: Path
) -> None:
    from tests.team.conftest import gpx

    runner = add_user(team_db, email="page@example.org", role="runner", password=PASSWORD)
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    client = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    client.post("/login", data={"email": runner.email, "password": PASSWORD})
    page = client.get("/me").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    res = client.post(
        "/me/imports",
        data={"csrf": csrf},
        files=[("files", ("a.gpx", gpx(1))), ("files", ("b.gpx", gpx(2)))],
        follow_redirects=False,
    )
    assert res.status_code == 303
    assert "queued" in client.get("/me").text
    _drain(team_db)
    assert "2 imported, 0 already there, 0 failed" in client.get("/me").text
    export = client.get("/me/export")
    assert export.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(export.content)) as zf:
        assert "Run 1" in zf.read("backstride-export/activities.json").decode()
        # the originals travel with it (kept in the database on a team server)
        originals = [n for n in zf.namelist() if n.startswith("backstride-export/originals/")]
        assert len(originals) == 2
    res = client.post("/me/delete", data={"csrf": csrf, "confirm": "page@example.org"})
    assert res.url.path == "/login"
    with team_db.engine.connect() as conn:
        gone = conn.execute(
            text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"),
            {"s": runner.runner_schema},
        ).scalar_one()
    assert gone == 0


def test_an_import_job_parses_in_the_worker_keeps_repeated_names_and_remembers_no_paths(
    team_db: TeamDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Team workers are the parallelism: a job spawns no parsing pool (it cost more than
    it saved), its private copies are not remembered by path, and uploads of the same
    name are each imported."""
    from backstride.services import importing
    from backstride.store.schema import activities, seen_paths, source_files
    from tests.team.conftest import gpx

    def no_pool(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a team import job started a parsing pool")

    monkeypatch.setattr(importing, "ProcessPoolExecutor", no_pool)
    runner = add_user(team_db, email="many@example.org", role="runner", password=PASSWORD)
    count = importing.POOL_MIN_FILES + 4  # enough for a pool, were it allowed
    # "run.gpx" three times; "5" (no suffix: read by its content) twice, the second at
    # index 5, where a numbered folder for a repeated name would clash with the first
    names = ["run.gpx"] * 3 + ["5", "x.gpx", "5"] + [f"{day}.gpx" for day in range(6, count)]
    uploads = [(name, gpx(day)) for day, name in enumerate(names)]
    queue = Queue(team_db, data_dir=tmp_path)
    job_id = queue.submit_import(runner, uploads)
    queue.close()
    _drain(team_db)
    job = queue.job(job_id, runner_id=runner.id)
    assert job.state == "done", job.error
    assert job.report is not None and job.report["imported"] == count
    engine = team_db.runner_engine(runner.runner_schema or "")
    with engine.connect() as conn:
        counted = {
            table.name: conn.execute(text(f"SELECT count(*) FROM {table.name}")).scalar_one()
            for table in (activities, source_files, seen_paths)
        }
    assert counted == {"activities": count, "source_files": count, "seen_paths": 0}
