"""In Debian's Chromium: the Insights page's charts and the diary's one-tap daily pain."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backstride.config import Settings
from backstride.store import activities, diary
from tests.analyse.test_personal import _bench
from tests.present.web.live import threaded_server
from tests.present.web.test_browser import browser, page, shoot  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from backstride import store
    from backstride.present.web import create_app

    tmp = tmp_path_factory.mktemp("insights")
    url = f"sqlite:///{tmp / 'e2e.db'}"
    engine = store.connect(url)
    runs, entries, *_ = _bench().synthetic_runner(10_001, effect=3.0)
    with engine.begin() as conn:
        for r in runs:
            activities.add(conn, activity=r.activity)
        for e in entries:
            diary.add(conn, entry=e)
    engine.dispose()
    app = create_app(Settings(database_url=url, data_dir=tmp / "data"), config_path=tmp / "c.toml")
    with threaded_server(app) as base:
        yield base
    app.state.web.engine.dispose()


def test_insights_and_one_tap_pain(server: str, page: Any) -> None:  # noqa: F811
    page.goto(f"{server}/insights")
    chart = page.locator("svg.insight-chart")
    assert chart.count() == 1
    box = chart.first.bounding_box()
    assert box is not None and box["width"] > 200
    assert page.locator("svg.insight-chart circle.dot-exposed").count() == 6
    shoot(page, "20-insights")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/diary")
    shoot(page, "21-diary-daily-pain")
    page.get_by_role("button", name="Pain 3 of 10").click()
    page.wait_for_url("**/diary?saved=*")
    assert page.get_by_text("Logged for today").count() == 1
