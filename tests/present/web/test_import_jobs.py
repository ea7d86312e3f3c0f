"""An import's report names its own uploads; finished imports are forgotten after a while."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backstride.present.web.jobs import KEEP_FINISHED, ImportJob, ImportJobs, safe_name
from tests.present.web.conftest import token


def _upload(client: TestClient, files: dict[str, bytes]) -> dict[str, Any]:
    payload = [("files", (name, data, "application/octet-stream")) for name, data in files.items()]
    response = client.post(
        "/training/import", data={"csrf_token": token(client, "/training")}, files=payload,
        headers={"accept": "application/json"},
    )  # fmt: skip
    assert response.status_code == 202, response.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(response.json()["status"]).json()
        if job["state"] != "running":
            return job
        time.sleep(0.02)
    raise AssertionError("import still running after 30 s")


def test_a_report_names_its_own_upload_when_stored_names_repeat(client: TestClient) -> None:
    # Both uploads keep their first file as 00000_x.fit in their private folder.
    assert safe_name("first/x.fit", 0) == safe_name("second/x.fit", 0) == "00000_x.fit"
    first = _upload(client, {"first/x.fit": b"not a fit file, one"})
    second = _upload(client, {"second/x.fit": b"not a fit file, two"})
    listed = [e["file"] for e in first["report"]["failed"] + first["report"]["skipped"]]
    assert listed == ["first/x.fit"]
    listed = [e["file"] for e in second["report"]["failed"] + second["report"]["skipped"]]
    assert listed == ["second/x.fit"]
    page = client.get(f"/training/import/{second['id']}").text
    assert "second/x.fit" in page and "first/x.fit" not in page


def _finish(jobs: ImportJobs, count: int) -> list[ImportJob]:
    started = []
    for _ in range(count):
        job_id, folder = jobs.new_upload_dir()
        started.append(jobs.start(job_id, folder, {}))
        deadline = time.monotonic() + 30
        while started[-1].state == "running":  # one at a time: the order they finish in
            assert time.monotonic() < deadline, "an empty import still running after 30 s"
            time.sleep(0.01)
    return started


def test_only_the_latest_finished_imports_are_kept(engine: Engine, tmp_path: Path) -> None:
    jobs = ImportJobs(engine, tmp_path / "data", on_done=lambda: None)
    started = _finish(jobs, KEEP_FINISHED + 3)
    assert [jobs.get(j.id) for j in started[:3]] == [None, None, None]
    assert all(jobs.get(j.id) is j for j in started[3:])


def test_a_running_import_is_never_forgotten(engine: Engine, tmp_path: Path) -> None:
    in_refresh, release = threading.Event(), threading.Event()

    def on_done() -> None:  # the first import's refresh hangs until released
        if not in_refresh.is_set():
            in_refresh.set()
            release.wait(30)

    jobs = ImportJobs(engine, tmp_path / "data", on_done=on_done)
    job_id, folder = jobs.new_upload_dir()
    slow = jobs.start(job_id, folder, {})
    assert in_refresh.wait(30)
    others = _finish(jobs, KEEP_FINISHED + 1)
    assert slow.state == "running" and jobs.get(job_id) is slow
    assert jobs.get(others[0].id) is None  # the oldest finished one went instead
    release.set()
    deadline = time.monotonic() + 30
    while slow.state == "running":
        assert time.monotonic() < deadline, "the released import never finished"
        time.sleep(0.01)
    assert jobs.get(job_id) is slow
    assert jobs.get(others[1].id) is None and jobs.get(others[2].id) is others[2]


def test_an_unknown_import_says_why_it_may_be_gone(client: TestClient) -> None:
    response = client.get("/api/import/0123456789abcdef")
    assert response.status_code == 404
    assert f"once {KEEP_FINISHED} newer ones have finished" in response.text
