"""In Chromium at phone and desktop width: the activity page and the paced self-check fit
the screen (no sideways scrolling) and are shot for docs/screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backstride.config import Settings
from tests.conftest import shared_path
from tests.present.web.live import threaded_server
from tests.present.web.test_browser import SHOTS, WIDTHS, browser, page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIT = ("corpus", "activities", "fit", "Runalyze__Fenix-3-with-runscribe-v1-38.fit")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    from backstride.present.web import create_app
    from backstride.services.importing import import_paths
    from backstride.store import activities

    tmp = tmp_path_factory.mktemp("activity")
    settings = Settings(database_url=f"sqlite:///{tmp / 'a.db'}", data_dir=tmp / "data")
    app = create_app(settings, config_path=tmp / "config.toml")
    engine = app.state.web.engine
    import_paths(engine, [shared_path(*FIT)], data_dir=settings.store_files_dir)
    with engine.connect() as conn:
        activity_id = activities.between(conn)[0].id
    with threaded_server(app) as url:
        yield url, activity_id
    engine.dispose()


def _fits(pg: Any, path: str, name: str) -> None:
    for label, (w, h) in WIDTHS.items():
        pg.set_viewport_size({"width": w, "height": h})
        pg.reload()
        wide = pg.evaluate("document.documentElement.scrollWidth")
        assert wide <= w, f"{path} is {wide}px wide at {w}px"
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)


def test_activity_page_fits_phone_and_desktop(seeded: tuple[str, int], page: Any) -> None:  # noqa: F811
    url, activity_id = seeded
    page.goto(url + "/training")
    page.get_by_role("link", name="2018-01-21 10:40").click()
    page.wait_for_url(f"**/activities/{activity_id}")
    assert page.get_by_role("term").filter(has_text="Moving time").is_visible()
    assert page.get_by_role("heading", name="Splits per km").is_visible()
    assert page.locator("svg.route-map polyline").count() == 1
    _fits(page, f"/activities/{activity_id}", "activity")


def test_self_check_pages_fit_and_pain_is_a_slider(seeded: tuple[str, int], page: Any) -> None:  # noqa: F811
    url, _ = seeded
    page.goto(url + "/check")
    assert page.get_by_text("Page 1 of").is_visible()
    _fits(page, "/check", "check-safety")
    page.set_viewport_size({"width": 1280, "height": 900})
    for radio in page.locator('input[value="no"]').all():
        radio.check()
    page.locator('input[name="leg_weakness"][value="none"]').check()
    page.get_by_role("button", name="Next").click()
    assert page.get_by_text("Page 2 of").is_visible()
    for radio in page.locator('input[value="no"]').all():
        radio.check()
    page.get_by_role("button", name="Next").click()
    for radio in page.locator('input[value="no"]').all():
        radio.check()
    page.locator('input[name="age"]').fill("40")
    page.get_by_role("button", name="Next").click()
    slider = page.locator('input[type="range"][name="pain_worst"]')
    assert slider.is_visible() and page.get_by_text("10 Worst imaginable").is_visible()
    slider.fill("7")
    assert page.locator("output#q-pain_worst-out").text_content() == "7"
    assert page.get_by_text("Gradually, over days or weeks").is_visible()
    _fits(page, "/check", "check-pain")
