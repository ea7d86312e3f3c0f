"""In Debian's headless Chromium: a physio changes a runner's exercise, the runner sees
it, revokes the physio's access, and the physio's page for that runner is gone (404); a
runner's form check and a physio's PDF report from the pages, at phone and desktop width
(docs/screenshots/team-*.png)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from backstride.config import Settings
from backstride.present.web.team import create_team_app
from backstride.team import sharing
from backstride.team.accounts import add_user
from backstride.team.db import TeamDB
from tests.present.web.live import threaded_server
from tests.present.web.test_browser import DOC_SHOTS, SHOTS, WIDTHS
from tests.team.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]


def _log_in(page: Any, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_physio_changes_an_exercise_runner_sees_it_then_revokes(
    team_db: TeamDB, tmp_path: Path, browser: Any
) -> None:
    runner = add_user(team_db, email="runner@example.org", role="runner", password=PASSWORD)
    add_user(team_db, email="physio@example.org", role="physio", password=PASSWORD)
    sharing.share(team_db, runner, with_email="physio@example.org")
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    with threaded_server(app) as url:
        physio = browser.new_context().new_page()
        _log_in(physio, url, "physio@example.org")
        assert physio.url.endswith("/caseload")
        physio.click("text=runner@example.org")
        assert physio.url.endswith(f"/runners/{runner.id}")
        physio.select_option("#add-exercise select[name=exercise_id]", "glute_bridge")
        physio.fill("#add-exercise input[name=dose]", "3 x 12, every other day")
        physio.click("#add-exercise button")
        physio.wait_for_load_state()
        row = physio.locator("#exercises tr[data-exercise=glute_bridge] .dose")
        assert row.inner_text() == "3 x 12, every other day"
        physio.fill("textarea[name=body]", "Bridges before the run, not after.")
        physio.click("text=Leave note")
        physio.wait_for_load_state()

        me = browser.new_context().new_page()
        _log_in(me, url, "runner@example.org")
        assert me.url.endswith("/me")
        mine = me.locator("#my-exercises li[data-exercise=glute_bridge]").inner_text()
        assert "3 x 12, every other day" in mine and "physio@example.org" in mine
        assert "Bridges before the run, not after." in me.content()
        me.click("text=Revoke access for physio@example.org")
        me.wait_for_load_state()
        assert "Nobody: your data is yours alone." in me.locator("#access").inner_text()

        answer = physio.goto(f"{url}/runners/{runner.id}")
        assert answer is not None and answer.status == 404
        assert "runner@example.org" not in physio.content()
        physio.goto(f"{url}/caseload")
        assert "runner@example.org" not in physio.content()


def _drain_beside(db: TeamDB, **queue_args: Any) -> None:
    """Run the queued jobs in a thread of their own: Playwright's loop holds this one."""
    from tests.team.test_jobs import _drain

    failed: list[BaseException] = []

    def run() -> None:
        try:
            _drain(db, **queue_args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failed.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive() and not failed, failed


def _fits_and_shoot(page: Any, where: str, name: str, *, docs: tuple[str, ...] = ()) -> None:
    """No sideways scrolling at phone or desktop width; shots to build/screenshots, the
    widths in `docs` to docs/screenshots when BACKSTRIDE_DOC_SCREENSHOTS=1 asks for them."""
    for label, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= w, f"{where} is {wide}px wide at {w}px"
        folder = DOC_SHOTS if label in docs else SHOTS
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"team-{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_form_check_and_pdf_report_from_the_browser_fit_phone_and_desktop(
    team_db: TeamDB, tmp_path: Path, browser: Any
) -> None:
    """The runner checks their form on /me, the physio reads it on the runner's page and
    makes the PDF report there; every page fits 390 and 1280 px."""
    pytest.importorskip("av", reason="form checks need the video extra")
    pytest.importorskip("weasyprint", reason="PDF reports need the report extra")
    from backstride.present.report.pdf import render_pdf
    from backstride.services.importing import import_paths
    from backstride.video.pose import FakePoseEstimator
    from tests.team.conftest import gpx
    from tests.team.test_jobs import _checked_runner
    from tests.video._runner import LEANING
    from tests.video.conftest import write_clip

    runner = _checked_runner(team_db)
    for day in (0, 2, 4, 7, 9):
        (tmp_path / f"{day}.gpx").write_bytes(gpx(day, points=600))
    import_paths(
        team_db.runner_engine(runner.runner_schema or ""),
        sorted(tmp_path.glob("*.gpx")),
        data_dir=tmp_path / "files",
    )
    add_user(team_db, email="physio@example.org", role="physio", password=PASSWORD)
    sharing.share(team_db, runner, with_email="physio@example.org")
    kp = LEANING.keypoints()
    clip = write_clip(tmp_path / "my run.mp4", frames=len(kp), width=72, height=128)
    app = create_team_app(team_db, Settings(data_dir=tmp_path), today=date(2024, 1, 14))
    with threaded_server(app) as url:
        me = browser.new_context().new_page()
        _log_in(me, url, runner.email)
        me.set_input_files("#form-check input[name=file]", str(clip))
        me.check("#form-check input[value=side]")
        me.click("#form-check button")
        me.wait_for_url("**/me/jobs/*")
        assert "Waiting for a worker" in me.locator("#job-state").inner_text()
        _drain_beside(team_db, estimator_factory=lambda: FakePoseEstimator(list(kp)))
        me.reload()
        assert me.locator("#job-state").inner_text() == "Done."
        assert me.get_by_role("heading", name="Findings").is_visible()
        _fits_and_shoot(me, "/me/jobs/…", "form-check", docs=("phone",))
        me.goto(f"{url}/me")
        _fits_and_shoot(me, "/me", "me")

        physio = browser.new_context(accept_downloads=True).new_page()
        _log_in(physio, url, "physio@example.org")
        physio.click(f"text={runner.email}")
        physio.click("text=Make the PDF report")
        physio.wait_for_load_state()
        assert "waiting for a worker" in physio.locator("#report-jobs").inner_text()
        _drain_beside(team_db, pdf_renderer=render_pdf)
        physio.reload()
        with physio.expect_download() as download:
            physio.click("#report-jobs >> text=Download the PDF")
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
        assert physio.locator("#form").is_visible()
        _fits_and_shoot(physio, "/runners/…", "runner-page", docs=("phone", "desktop"))
        physio.goto(f"{url}/caseload")
        _fits_and_shoot(physio, "/caseload", "caseload")
