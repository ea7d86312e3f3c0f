"""Today: sessions ticked off with pain in one form, the week grid, exercise cards, safety."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from backstride.store import diary, plans
from tests.plan.conftest import GLUTES, HIPS
from tests.present.web.conftest import BASELINE, TODAY, answer_all, post


@pytest.fixture
def checked(client: TestClient) -> TestClient:
    assert answer_all(client, {**BASELINE, **GLUTES, **HIPS}).status_code == 303
    return client


def _engine(client: TestClient) -> object:
    return client.app.state.web.engine  # type: ignore[attr-defined]


def test_today_without_a_check_points_to_it(client: TestClient) -> None:
    page = client.get("/today")
    assert page.status_code == 200 and "Start the self-check" in page.text


def test_today_shows_sessions_hooks_and_the_week(checked: TestClient) -> None:
    page = checked.get("/today").text
    assert "Today" in page and 'class="week-grid"' in page and "This week" in page
    assert page.count('<li class="wd') == 7
    assert 'action="/today/done"' in page
    # pain is "not recorded" unless the runner picks a score: never a silent 0
    assert '<option value="" selected>not recorded</option>' in page


@pytest.mark.slow
def test_tick_with_pain_saves_the_diary_and_counts_today(checked: TestClient) -> None:
    page = checked.get("/today").text
    kinds = re.findall(r'name="kind" value="(\w+)"', page)
    assert kinds, "a session is planned today"
    kind = next((k for k in kinds if k in ("run", "strength")), kinds[0])
    data = {"date": TODAY.isoformat(), "kind": kind, "pain_during": "3", "pain_after": ""}
    done = post(checked, "/today/done", data, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/today")
    with _engine(checked).connect() as conn:  # type: ignore[attr-defined]
        assert (TODAY, kind) in plans.ticks(conn, start=TODAY, end=TODAY)
        entries = diary.between(conn, end=TODAY)
    if kind in ("run", "strength"):
        saved = [e for e in entries if e.kind == kind]
        assert saved and saved[0].pain_during == 3 and saved[0].pain_after is None
    after = checked.get(done.headers["location"]).text
    assert f"Marked {kind} done" in after and "Sessions done so far: 1 of 1" in after


@pytest.mark.slow
def test_tick_without_pain_saves_no_diary_entry(checked: TestClient) -> None:
    data = {"date": TODAY.isoformat(), "kind": "mobility", "pain_during": "", "pain_after": ""}
    assert post(checked, "/today/done", data).status_code == 200
    with _engine(checked).connect() as conn:  # type: ignore[attr-defined]
        assert diary.between(conn, end=TODAY) == []


def test_tick_refuses_bad_pain_future_and_unknown_kinds(checked: TestClient) -> None:
    today = TODAY.isoformat()
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    bad = {"date": today, "kind": "run", "pain_during": "11"}
    assert post(checked, "/today/done", bad).status_code == 422
    assert post(checked, "/today/done", {"date": tomorrow, "kind": "run"}).status_code == 422
    assert post(checked, "/today/done", {"date": today, "kind": "nap"}).status_code == 422


def test_exercise_card_page_and_index(client: TestClient) -> None:
    page = client.get("/exercises/bird_dog").text
    for text in ("Bird dog", "How to", "Key cue", "Stop if", "evidence: moderate", "<svg"):
        assert text in page
    assert 'class="exercise-figure"' in page
    assert client.get("/exercises/nope").status_code == 404
    index = client.get("/exercises").text
    assert index.count('class="ex-mini"') >= 13


@pytest.mark.slow
def test_plan_page_gives_each_why_once_collapsed(checked: TestClient) -> None:
    page = checked.get("/plan").text
    sessions = page.count('<article class="card session')
    assert sessions >= 3 and page.count('<details class="why">') == sessions
    assert "Why:" not in page  # no "Why" paragraph repeated per day
    assert page.count("Rest day (evidence") == 0


def test_emergency_today_shows_the_escalation_not_exercises(client: TestClient) -> None:
    answers = {**BASELINE, "saddle_numbness": True}
    answer_all(client, answers)
    page = client.get("/today").text
    assert 'role="alert"' in page
    assert "ex-mini" not in page and 'action="/today/done"' not in page


@pytest.mark.slow
def test_one_tap_day_pain_on_today_goes_to_the_diary_and_back(checked: TestClient) -> None:
    page = checked.get("/today").text
    assert 'name="kind" value="day"' in page and 'name="back_to" value="/today"' in page
    data = {"kind": "day", "entry_date": TODAY.isoformat(), "pain_during": "4", "back_to": "/today"}
    saved = post(checked, "/diary", data, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/today"
    with _engine(checked).connect() as conn:  # type: ignore[attr-defined]
        days = [e for e in diary.between(conn, end=TODAY) if e.kind == "day"]
    assert [e.pain_during for e in days] == [4]
    after = checked.get("/today").text
    assert "Logged for today" in after and 'name="kind" value="day"' not in after


def test_day_pain_form_never_redirects_elsewhere(checked: TestClient) -> None:
    data = {"kind": "day", "entry_date": TODAY.isoformat(), "pain_during": "2",
            "back_to": "https://example.org/"}  # fmt: skip
    saved = post(checked, "/diary", data, follow_redirects=False)
    assert saved.headers["location"].startswith("/diary")


@pytest.mark.slow
def test_notes_and_exercises_from_the_physio_show_on_today(checked: TestClient) -> None:
    from backstride.services.care import adjust_exercise, leave_note

    engine = _engine(checked)
    assert "From your physio or coach" not in checked.get("/today").text
    leave_note(engine, author="physio@clinic.example", author_role="physio",  # type: ignore[arg-type]
               body="Keep the long run flat this week.")  # fmt: skip
    adjust_exercise(engine, author="physio@clinic.example", author_role="physio",  # type: ignore[arg-type]
                    exercise_id="bird_dog", action="add", dose="2 x 8 each side")  # fmt: skip
    page = checked.get("/today").text
    assert "From your physio or coach" in page and "Keep the long run flat this week." in page
    assert 'href="/exercises/bird_dog"' in page and "2 x 8 each side" in page
