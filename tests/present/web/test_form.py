"""The Form page: upload a clip, a background analysis with progress, the result, its pictures.

The pose model is replaced by FakePoseEstimator replaying the synthetic runner (the same
clips and keypoints as tests/video), injected through the app's form jobs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.present.web import create_app
from backstride.services.selfcheck import training_evidence
from backstride.store import form_checks
from backstride.video.pose import FakePoseEstimator
from tests.present.web.conftest import BASE, TODAY, fill_upload_disk, post, token
from tests.video._runner import LEANING
from tests.video.conftest import write_clip


def _wait(client: TestClient, url: str, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(url).json()
        if job["state"] not in ("running", "waiting"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"form check still running after {timeout_s} s")


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    kp = LEANING.keypoints()
    return write_clip(tmp_path / "my run.mp4", frames=len(kp), width=72, height=128)


@pytest.fixture
def fake_model(client: TestClient) -> None:
    kp = list(LEANING.keypoints())
    client.app.state.web.form_jobs.estimator_factory = lambda: FakePoseEstimator(kp)  # type: ignore[attr-defined]


def _upload(client: TestClient, clip: Path, **fields: str) -> dict[str, Any]:
    response = client.post(
        "/form",
        data={"csrf_token": token(client, "/form"), "view": "side", **fields},
        files={"video": (clip.name, clip.read_bytes(), "video/mp4")},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 202, response.text
    return _wait(client, response.json()["status"])


def _data_dir(client: TestClient) -> Path:
    return Path(client.app.state.web.settings.store_files_dir)  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.usefixtures("fake_model")
def test_upload_runs_in_the_background_and_shows_the_result(
    client: TestClient, clip: Path, settings: Settings
) -> None:
    job = _upload(client, clip, use_findings="on")
    assert job["state"] == "done" and job["percent"] == 100 and job["saved_id"] == 1
    page = client.get(f"/form/jobs/{job['id']}").text
    assert "Leaning forward from the waist" in page and "marked" in page
    assert "What it means for your back" in page and "lean from the ankles" in page
    assert "Trunk lean" in page and "20.0°" in page  # the synthetic truth
    # issue 17: each figure by name, with its typical range or why there is none
    assert "trunk_lean_deg" not in page and "5 to 12°" in page and "none published" in page
    assert "What the figures mean" in page and "No published range: no single range" in page
    assert "your self-check will use these findings" in page
    video = f"/form/files/{job['id']}/my_run.annotated.mp4"
    assert f'<source src="{video}" type="video/mp4">' in page
    got = client.get(video)
    assert got.status_code == 200 and got.headers["content-type"] == "video/mp4"
    assert got.content[4:8] == b"ftyp"
    frame = client.get(f"/form/files/{job['id']}/my_run.trunk_lean_forward.png")
    assert frame.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert not any((_data_dir(client) / "uploads").iterdir())  # the clip itself is gone
    engine = client.app.state.web.engine  # type: ignore[attr-defined]
    evidence, problems = training_evidence(
        engine, today=TODAY, settings=settings, rules=load_kb().load_rules
    )
    assert evidence is not None and problems == []
    assert evidence.answers["form_observed"] == ["lean_from_waist", "overstride"]
    assert "my run.mp4" in client.get("/form").text  # listed under saved checks


@pytest.mark.slow
@pytest.mark.usefixtures("fake_model")
def test_findings_are_kept_only_when_asked_and_unsaved_pictures_go_on_restart(
    client: TestClient, clip: Path, settings: Settings, tmp_path: Path
) -> None:
    job = _upload(client, clip)  # the checkbox left unticked
    engine = client.app.state.web.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        assert form_checks.recent(conn) == []
    kept = _upload(client, clip)
    saved = post(client, f"/form/jobs/{kept['id']}/save", {}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/form/checks/1"
    page = client.get("/form/checks/1").text
    assert "your self-check uses its findings" in page and "my_run.annotated.mp4" in page
    folders = _data_dir(client) / "form"
    assert {p.name for p in folders.iterdir()} == {job["id"], kept["id"]}
    again = create_app(settings, config_path=tmp_path / "c.toml")  # a restart
    assert {p.name for p in folders.iterdir()} == {kept["id"]}
    again.state.web.engine.dispose()
    assert post(client, "/delete-all", {"confirm": "DELETE"}).status_code == 200
    assert not folders.exists() or not any(folders.iterdir())  # the store's folder emptied
    assert client.get("/form/checks/1").status_code == 404


def test_a_file_that_is_not_a_video_shows_the_reason(client: TestClient, tmp_path: Path) -> None:
    bad = tmp_path / "holiday.mp4"
    bad.write_bytes(b"not a video at all" * 300)
    job = _upload(client, bad, use_findings="on")
    assert job["state"] == "failed" and job["saved_id"] is None
    assert "not a video file" in job["message"]
    page = client.get(f"/form/jobs/{job['id']}").text
    assert "This clip can&#39;t be analysed: holiday.mp4: not a video file" in page
    assert "Film again" in page
    assert not (_data_dir(client) / "form" / job["id"]).exists()


def test_too_short_a_clip_says_so(client: TestClient, tmp_path: Path) -> None:
    short = write_clip(tmp_path / "short.mp4", frames=30)
    job = _upload(client, short)
    assert job["state"] == "failed" and "too short to analyse (1.0 s)" in job["message"]


def test_upload_needs_the_form_token_and_the_same_site(client: TestClient, clip: Path) -> None:
    files = {"video": (clip.name, clip.read_bytes(), "video/mp4")}
    no_token = client.post("/form", data={"view": "side"}, files=files)
    assert no_token.status_code == 403 and "security token" in no_token.text
    good = token(client, "/form")
    elsewhere = client.post(
        "/form", data={"csrf_token": good}, files=files,
        headers={"origin": "http://evil.example"},
    )  # fmt: skip
    assert elsewhere.status_code == 403
    bad_view = client.post("/form", data={"csrf_token": good, "view": "top"}, files=files)
    assert bad_view.status_code == 422
    assert not (_data_dir(client) / "uploads").exists()  # nothing was written


def test_a_clip_over_the_upload_limit_is_refused(client: TestClient, clip: Path) -> None:
    client.app.state.web.max_upload_bytes = clip.stat().st_size // 2  # type: ignore[attr-defined]
    response = client.post(
        "/form",
        data={"csrf_token": token(client, "/form"), "view": "side"},
        files={"video": (clip.name, clip.read_bytes(), "video/mp4")},
    )
    assert response.status_code == 413 and "upload too large" in response.text
    assert not (_data_dir(client) / "uploads").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/form/files/..%2F..%2Fweb.db/x.png",
        "/form/files/" + "a" * 32 + "/..%2F..%2Fweb.db",
        "/form/files/" + "a" * 32 + "/x.db",
        "/form/files/not-a-key/x.png",
    ],
)
def test_the_file_route_serves_nothing_outside_a_jobs_folder(client: TestClient, path: str) -> None:
    folder = _data_dir(client) / "form" / ("a" * 32)
    folder.mkdir(parents=True)
    (folder / "x.db").write_bytes(b"secret")
    assert client.get(path).status_code == 404


def test_without_the_video_extra_the_page_says_what_is_needed(
    client: TestClient, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "av", None)  # `import av` now fails
    page = client.get("/form").text
    assert "needs the video extra" in page and "pip install &#39;backstride[video]&#39;" in page
    assert 'action="/form"' not in page
    files = {"video": (clip.name, clip.read_bytes(), "video/mp4")}
    refused = client.post("/form", data={"csrf_token": token(client)}, files=files)
    assert refused.status_code == 501


@pytest.mark.postgres
def test_a_web_form_check_is_saved_in_postgres(
    postgres_engine: Engine, clip: Path, tmp_path: Path
) -> None:
    settings = Settings(database_url="postgresql://unused", data_dir=tmp_path / "data")
    app = create_app(settings, engine=postgres_engine, config_path=tmp_path / "c.toml")
    kp = list(LEANING.keypoints())
    app.state.web.form_jobs.estimator_factory = lambda: FakePoseEstimator(kp)
    with TestClient(app, base_url=BASE, headers={"origin": BASE}) as client:
        job = _upload(client, clip, use_findings="on")
        assert job["state"] == "done"
        assert (
            "Leaning forward from the waist" in client.get(f"/form/checks/{job['saved_id']}").text
        )
    evidence, problems = training_evidence(
        postgres_engine, today=TODAY, settings=settings, rules=load_kb().load_rules
    )
    assert evidence is not None and problems == []
    assert evidence.answers["form_observed"] == ["lean_from_waist", "overstride"]


@pytest.mark.slow
@pytest.mark.usefixtures("fake_model")
@pytest.mark.parametrize(("name", "stem"), [("бег.mp4", "clip"), ("(1) x.mp4", "1_x")])
def test_a_clip_named_outside_ascii_letters_still_shows_its_video_and_pictures(
    client: TestClient, clip: Path, name: str, stem: str
) -> None:
    job = _upload(client, clip.rename(clip.with_name(name)))
    assert job["state"] == "done", job
    page = client.get(f"/form/jobs/{job['id']}").text
    video = f"/form/files/{job['id']}/{stem}.annotated.mp4"
    assert f'<source src="{video}" type="video/mp4">' in page
    assert client.get(video).content[4:8] == b"ftyp"
    frame = client.get(f"/form/files/{job['id']}/{stem}.trunk_lean_forward.png")
    assert frame.status_code == 200 and frame.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_clip_over_two_minutes_is_refused_with_the_reason(
    client: TestClient, tmp_path: Path
) -> None:
    long = write_clip(tmp_path / "long.mp4", frames=125, width=16, height=16, fps=1)
    job = _upload(client, long)
    assert job["state"] == "failed"
    assert "long.mp4: too long to analyse (125 s; the limit is 120 s)" in job["message"]
    page = client.get(f"/form/jobs/{job['id']}").text
    assert "too long to analyse" in page and "trim it to 10-60 s" in page


def test_a_full_disk_during_the_upload_is_507_with_the_reason_and_keeps_nothing(
    client: TestClient, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_upload_disk(monkeypatch)
    response = client.post(
        "/form",
        data={"csrf_token": token(client, "/form"), "view": "side"},
        files={"video": (clip.name, clip.read_bytes(), "video/mp4")},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 507, response.text
    assert "cannot write my run.mp4: No space left on device — the disk is full" in response.text
    assert not any((_data_dir(client) / "uploads").iterdir())
