"""In Debian's headless Chromium: a physio changes a runner's exercise, the runner sees
it, revokes the physio's access, and the physio's page for that runner is gone (404)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backstride.config import Settings
from backstride.present.web.team import create_team_app
from backstride.team import sharing
from backstride.team.accounts import add_user
from backstride.team.db import TeamDB
from tests.present.web.live import threaded_server
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
