"""Uploads run as a background import; the training page and home view follow the store."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backstride.store import activities
from tests.conftest import shared_path
from tests.present.web.conftest import fill_upload_disk, token

pytestmark = pytest.mark.shared


def _wait(client: TestClient, job_url: str, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(job_url).json()
        if job["state"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError(f"import still running after {timeout_s} s")


def _settled_page(client: TestClient, url: str, timeout_s: float = 60) -> str:
    """The page once the refresh after an import is over (until then it says "Updating")."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page = client.get(url).text
        if "Updating after your import" not in page:
            return page
        time.sleep(0.05)
    raise AssertionError(f"{url} still updating after {timeout_s} s")


def _upload(
    client: TestClient, files: list[Path], names: list[str] | None = None
) -> dict[str, Any]:
    good = token(client, "/training")
    payload = [
        ("files", (name, path.read_bytes(), "application/octet-stream"))
        for path, name in zip(files, names or [p.name for p in files], strict=True)
    ]
    response = client.post(
        "/training/import", data={"csrf_token": good}, files=payload,
        headers={"accept": "application/json"},
    )  # fmt: skip
    assert response.status_code == 202, response.text
    return _wait(client, response.json()["status"])


def test_upload_imports_in_the_background_and_reports_each_file(client: TestClient) -> None:
    fit = shared_path("corpus", "activities", "fit", "Runalyze__FR920xt-with-Stryd.fit")
    gpx_dir = shared_path("corpus", "activities", "gpx")
    gpx = sorted(gpx_dir.glob("*.gpx"))[0]
    job = _upload(client, [fit, gpx, fit], ["run/one.fit", "two.gpx", "copy/one.fit"])
    report = job["report"]
    assert job["state"] == "done" and job["percent"] == 100
    assert report["imported"] >= 1
    assert report["duplicates"] and report["duplicates"][0]["file"] in (
        "run/one.fit",
        "copy/one.fit",
    )
    with client.app.state.web.engine.connect() as conn:  # type: ignore[attr-defined]
        assert activities.count(conn) == report["activities_total"] >= 1
    folder = Path(client.app.state.web.settings.store_files_dir) / "uploads"  # type: ignore[attr-defined]
    assert not any(folder.iterdir())  # the private copies are gone; originals are kept
    page = _settled_page(client, "/training")
    assert f"{report['activities_total']} activities stored" in page
    assert 'aria-label="Distance per week in km"' in page
    assert "against the 30-day longest run</title>" in page  # the guard chart, not its empty note


def test_broken_files_are_listed_by_their_uploaded_name(client: TestClient) -> None:
    folder = shared_path("corpus", "activities", "fit_broken")
    broken = [folder / "fit__activity-unexpected-eof.fit", folder / "fit__activity-filecrc.fit"]
    job = _upload(client, broken, [f"mine/{p.name}" for p in broken])
    report = job["report"]
    listed = {e["file"] for e in report["failed"] + report["skipped"]}
    assert listed <= {f"mine/{p.name}" for p in broken}
    assert report["failed"] and "mine/fit__activity-unexpected-eof.fit" in listed
    page = client.get(f"/training/import/{job['id']}").text
    assert "Import finished" in page and "Files that failed" in page
    for entry in report["failed"]:
        assert entry["file"] in page
    assert "uploads/" not in page  # the private copy's path never shows


def test_an_archive_upload_is_expanded_by_the_ingest_layer(client: TestClient) -> None:
    archive = shared_path("corpus", "activities", "compressed", "GoldenCheetah__4077461142.zip")
    job = _upload(client, [archive])
    assert job["state"] == "done"
    assert job["report"]["imported"] == 1


def test_upload_without_files_is_refused(client: TestClient) -> None:
    good = token(client, "/training")
    response = client.post("/training/import", data={"csrf_token": good})
    assert response.status_code == 422


@pytest.mark.slow
def test_without_javascript_the_upload_redirects_to_a_self_refreshing_status_page(
    client: TestClient,
) -> None:
    fit = shared_path("corpus", "activities", "fit", "Runalyze__FR630-with-lth.fit")
    good = token(client, "/training")
    response = client.post(
        "/training/import", data={"csrf_token": good},
        files=[("files", ("a.fit", fit.read_bytes(), "application/octet-stream"))],
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    location = response.headers["location"]
    job_id = location.rsplit("/", 1)[1]
    page = client.get(location).text
    assert 'http-equiv="refresh"' in page or "Import finished" in page
    _wait(client, f"/api/import/{job_id}")
    page = client.get(location).text
    assert "Import finished" in page and 'http-equiv="refresh"' not in page
    assert "Imported 1 new activities" in page


def test_values_left_out_are_listed_by_the_uploaded_name(
    client: TestClient, tmp_path: Path
) -> None:
    from tests.ingest._hostile import gpx

    path = tmp_path / "private.gpx"
    path.write_bytes(gpx(bad={30: {"lat": "999"}, 31: {"hr": "1e20"}}))
    job = _upload(client, [path], ["Morning/run.gpx"])
    assert job["report"]["dropped"] == [
        {"file": "Morning/run.gpx", "values": {"heart rate": 1, "position": 1}}
    ]
    page = client.get(f"/training/import/{job['id']}").text
    assert "Values left out" in page and "1 heart rate, 1 position out of physical bounds" in page


def test_a_full_disk_during_an_upload_is_507_naming_the_file_and_keeps_nothing(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_upload_disk(monkeypatch)
    response = client.post(
        "/training/import",
        data={"csrf_token": token(client, "/training")},
        files=[("files", ("long run.gpx", b"<gpx/>", "application/gpx+xml"))],
        headers={"accept": "application/json"},
    )
    assert response.status_code == 507, response.text
    assert "cannot write long run.gpx: No space left on device" in response.text
    uploads = Path(client.app.state.web.settings.store_files_dir) / "uploads"  # type: ignore[attr-defined]
    assert not uploads.exists() or not any(uploads.iterdir())


def test_a_deeply_nested_answers_field_starts_the_check_afresh(client: TestClient) -> None:
    data = {"csrf_token": token(client, "/check"), "step": 0, "answers": "[" * 60_000}
    from backstride.kb import load_kb
    from backstride.present.web.routes.check import steps

    for q in steps(load_kb())[0].questions:  # the first page of the safety screen
        data[q.id] = "no" if q.type == "bool" else "none"
    response = client.post("/check", data=data)
    assert response.status_code == 200  # the next step, not a 500
