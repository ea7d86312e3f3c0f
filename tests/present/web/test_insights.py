"""The web Insights page, the one-tap daily pain and the experiment reminder on the diary."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from backstride.kb import load_kb
from backstride.services import experiment
from backstride.store import activities, diary
from tests.analyse.test_personal import _bench
from tests.present.web.conftest import TODAY, post


def _seed(client: TestClient) -> None:
    runs, entries, *_ = _bench().synthetic_runner(10_001, effect=3.0)
    with client.app.state.web.engine.begin() as conn:  # type: ignore[attr-defined]
        for r in runs:
            activities.add(conn, activity=r.activity)
        for e in entries:
            diary.add(conn, entry=e)


@pytest.mark.slow
def test_insights_page_charts_each_credible_finding(client: TestClient) -> None:
    _seed(client)
    page = client.get("/insights")
    assert page.status_code == 200
    assert 'aria-current="page"' in page.text and "Insights" in page.text
    assert page.text.count('class="insight-chart"') == 1
    assert "points higher the day after a run more than 10% over your 30-day longest" in page.text
    assert "not proof" in page.text
    assert page.text.count('class="dot-exposed"') == 6  # the six days behind it, each a dot
    assert "Tested, no clear association" in page.text and "Not enough data yet" in page.text


def test_insights_page_on_an_empty_store(client: TestClient) -> None:
    page = client.get("/insights")
    assert page.status_code == 200
    # nothing could be tested: the page says so and what the first test needs, and no
    # "0 pairs tested" or "no credible association", which would suggest a test was run
    assert "Nothing could be tested yet: the first factor needs" in page.text
    assert "more days with your back pain logged (you have 0)" in page.text
    assert "0 factor–outcome pairs" not in page.text and "No credible association" not in page.text


def test_one_tap_daily_pain_and_the_experiment_reminder(client: TestClient) -> None:
    with client.app.state.web.engine.begin() as conn:  # type: ignore[attr-defined]
        experiment.start(conn, change="strength before runs", kb=load_kb(), today=TODAY, seed=1)
    page = client.get("/diary")
    assert "Today's back pain" in page.text
    assert page.text.count('name="pain_during" value=') == 11
    assert "Experiment, block 1 of 6" in page.text and "strength before runs" in page.text
    saved = post(
        client, "/diary", {"kind": "day", "entry_date": TODAY.isoformat(), "pain_during": "4"}
    )
    assert saved.status_code == 200 and "Saved your entry" in saved.text
    assert "Logged for today" in saved.text
    with client.app.state.web.engine.connect() as conn:  # type: ignore[attr-defined]
        (entry,) = diary.between(conn)
    assert (entry.kind, entry.pain_during, entry.pain_after) == ("day", 4, None)
