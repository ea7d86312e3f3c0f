"""PDF reports and form checks from the team pages, with a worker run in-process.

The report round trip renders a real PDF (WeasyPrint) and reads its text back with pypdf;
the form check runs on the synthetic leaning runner through FakePoseEstimator, and once
on a real clip through the real pose model when the shared corpus is there.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backstride.config import Settings
from backstride.present.web.team import api, create_team_app
from backstride.services import records
from backstride.team import sharing
from backstride.team.accounts import User, add_user
from backstride.team.db import TeamDB
from tests.conftest import shared_path
from tests.team.conftest import ORIGIN, PASSWORD
from tests.team.test_jobs import _checked_runner, _drain

pytestmark = pytest.mark.postgres


def _logged_in(app: FastAPI, user: User) -> tuple[TestClient, str]:
    """A browser-like client with a session cookie, and the session's CSRF token."""
    client = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).is_success
    page = client.get("/").text
    return client, page.split('name="csrf" value="')[1].split('"')[0]


def _text(html: str) -> str:
    """The page's words, tags dropped and spaces folded, as a reader sees them."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_physio_makes_the_pdf_report_on_the_runners_page_and_downloads_it(
    team_db: TeamDB, tmp_path: Path
) -> None:
    pytest.importorskip("weasyprint", reason="PDF reports need the report extra")
    from pypdf import PdfReader

    from backstride.present.report.pdf import render_pdf

    runner = _checked_runner(team_db)
    physio = add_user(team_db, email="p@example.org", role="physio", password=PASSWORD)
    sharing.share(team_db, runner, with_email=physio.email)
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    client, csrf = _logged_in(app, physio)
    page = f"/runners/{runner.id}"

    res = client.post(f"{page}/reports", data={"csrf": csrf}, follow_redirects=False)
    assert (res.status_code, res.headers["location"]) == (303, f"{page}#reports")
    assert "waiting for a worker" in _text(client.get(page).text)
    _drain(team_db, pdf_renderer=render_pdf)

    html = client.get(page).text
    link = re.search(r'href="(/jobs/\d+/output)"', html)
    assert link is not None and "Download the PDF" in html, html
    pdf = client.get(link[1])
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    words = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages
    )
    with team_db.runner_engine(runner.runner_schema or "").connect() as conn:
        level = records.recent_checks(conn, limit=1)[0].triage_level
    assert level == "self_care" and "Triage: self care:" in words  # the runner's level
    as_runner, _ = _logged_in(app, runner)
    log = _text(as_runner.get("/me").text)
    assert f"{physio.email} report.queue" in log and f"{physio.email} view.report" in log
    assert as_runner.get(link[1]).content == pdf.content  # the report is the runner's data

    sharing.revoke(team_db, runner, with_email=physio.email)
    assert client.get(link[1]).status_code == 404
    assert client.get(page).status_code == 404


def test_a_report_that_cannot_be_made_says_why_on_the_page(team_db: TeamDB, tmp_path: Path) -> None:
    runner = add_user(team_db, email="new@example.org", role="runner", password=PASSWORD)
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    client, csrf = _logged_in(app, runner)
    res = client.post("/me/reports", data={"csrf": csrf}, follow_redirects=False)
    job_page = res.headers["location"]
    assert re.fullmatch(r"/me/jobs/\d+", job_page)
    assert 'http-equiv="refresh"' in client.get(job_page).text  # it follows itself meanwhile
    _drain(team_db, pdf_renderer=lambda data: b"%PDF-never")
    html = client.get(job_page).text
    assert "Failed: nothing to report yet" in _text(html)
    assert 'http-equiv="refresh"' not in html
    assert "nothing to report yet" in _text(client.get("/me").text)


@pytest.fixture
def leaning_clip(tmp_path: Path) -> bytes:
    pytest.importorskip("av", reason="form checks need the video extra")
    from tests.video._runner import LEANING
    from tests.video.conftest import write_clip

    kp = LEANING.keypoints()
    return write_clip(tmp_path / "run.mp4", frames=len(kp), width=72, height=128).read_bytes()


def test_the_runner_checks_their_form_on_their_page_and_the_physio_reads_it(
    team_db: TeamDB, tmp_path: Path, leaning_clip: bytes
) -> None:
    from backstride.video.pose import FakePoseEstimator
    from tests.video._runner import LEANING

    runner = add_user(team_db, email="f@example.org", role="runner", password=PASSWORD)
    physio = add_user(team_db, email="p@example.org", role="physio", password=PASSWORD)
    sharing.share(team_db, runner, with_email=physio.email)
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    client, csrf = _logged_in(app, runner)
    assert "No form check yet." in client.get("/me").text

    res = client.post(
        "/me/form-checks",
        data={"csrf": csrf, "view": "side"},
        files={"file": ("my run.mp4", leaning_clip, "video/mp4")},
        follow_redirects=False,
    )
    assert res.status_code == 303, res.text
    job_page = res.headers["location"]
    assert "Waiting for a worker" in _text(client.get(job_page).text)
    kp = list(LEANING.keypoints())
    _drain(team_db, estimator_factory=lambda: FakePoseEstimator(kp))

    words = _text(client.get(job_page).text)
    # the single-runner app's wording: the figure's name and meaning from form_metrics.yaml
    # and the finding's title and cue from the knowledge base
    assert "Form check, side view" in words and "Done." in words
    assert "Trunk lean" in words and "What it means for your back:" in words
    findings = re.findall(r"<h3>([^<]+) <span class=\"tag\">", client.get(job_page).text)
    assert findings, "the leaning runner crosses a threshold"
    me = _text(client.get("/me").text)
    assert "Your last form check" in me and "my run.mp4" in me
    assert all(title in me for title in findings)

    as_physio, _ = _logged_in(app, physio)
    runner_page = _text(as_physio.get(f"/runners/{runner.id}").text)
    headline = f"side view · my run.mp4 · {len(findings)} finding(s)"
    assert "Last form check" in runner_page and headline in runner_page
    assert all(title in runner_page for title in findings)
    assert "Trunk lean" in runner_page and "Typical" in runner_page
    assert as_physio.get(job_page).status_code == 403  # the job page is the runner's
    # the worker wrote how far the pose model was (the page's progress while it runs)
    job_id = int(job_page.rsplit("/", 1)[1])
    progress = team_db_progress(team_db, job_id)
    assert progress["frames_done"] == progress["frames_total"] == len(kp)


def team_db_progress(db: TeamDB, job_id: int) -> dict[str, object]:
    from backstride.store.team import jobs as job_rows

    with db.engine.connect() as conn:
        return job_rows.progress(conn, job_id)


@pytest.mark.parametrize(
    ("fields", "files", "expected", "message"),
    [
        ({"view": "front"}, {"file": ("a.mp4", b"x", "video/mp4")}, 422, "view=side|rear"),
        ({"view": "side"}, None, 422, "multipart field 'file'"),
        ({"view": "side"}, {"file": ("a.mp4", b"", "video/mp4")}, 422, "the clip is empty"),
        ({"view": "side"}, {"file": ("a.mp4", b"x" * 2048, "video/mp4")}, 413, "at most 0 MB"),
    ],
    ids=["wrong-view", "no-file", "empty", "too-big"],
)
def test_a_form_upload_the_api_would_refuse_is_refused_on_the_page_too(
    team_db: TeamDB,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fields: dict[str, str],
    files: dict[str, tuple[str, bytes, str]] | None,
    expected: int,
    message: str,
) -> None:
    monkeypatch.setattr(api, "MAX_IMPORT_BYTES", 1024)
    runner = add_user(team_db, email="v@example.org", role="runner", password=PASSWORD)
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    client, csrf = _logged_in(app, runner)
    page = client.post("/me/form-checks", data={"csrf": csrf, **fields}, files=files)
    by_api = TestClient(
        app, base_url=ORIGIN, headers={"Authorization": f"Bearer {api_token(app, runner)}"}
    ).post("/api/v1/form-checks", data=fields, files=files)
    assert (page.status_code, by_api.status_code) == (expected, expected)
    assert message in page.text and message in by_api.text
    assert "none yet" in _text(client.get("/me").text).lower()  # nothing was queued


def api_token(app: FastAPI, user: User) -> str:
    from backstride.team.accounts import issue_token

    db: TeamDB = app.state.team.db
    return issue_token(db, user)[0]


REAL_CLIP = "side_treadmill_garage_zzzhushi.mp4"
TREADMILL_SPM = 168.9  # measured from raw pixels without a pose model (MANIFEST.tsv)


@pytest.mark.video
@pytest.mark.shared
@pytest.mark.slow
def test_a_real_clip_through_the_real_pose_model_on_the_worker(
    team_db: TeamDB, tmp_path: Path
) -> None:
    clip = shared_path("videos", REAL_CLIP)
    pytest.importorskip("mediapipe", reason="the real pose model needs the video extra")
    runner = add_user(team_db, email="real@example.org", role="runner", password=PASSWORD)
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    client, csrf = _logged_in(app, runner)
    res = client.post(
        "/me/form-checks",
        data={"csrf": csrf, "view": "side"},
        files={"file": (REAL_CLIP, clip.read_bytes(), "video/mp4")},
        follow_redirects=False,
    )
    assert res.status_code == 303, res.text
    _drain(team_db)
    words = _text(client.get(res.headers["location"]).text)
    assert "Done." in words, words[:500]
    cadence = re.search(r"cadence (\d+) steps/min", words)
    assert cadence is not None, words[:500]
    assert float(cadence[1]) == pytest.approx(TREADMILL_SPM, rel=0.02)
    assert "Trunk lean" in words and "What the figures mean" in words
