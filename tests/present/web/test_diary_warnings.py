"""The web diary form records the warning signs it lacked, and each re-runs the screen."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from backstride.store import checks, diary
from tests.plan.conftest import GLUTES
from tests.present.web.conftest import BASELINE, answer_all, post


@pytest.fixture
def checked(client: TestClient) -> TestClient:
    assert answer_all(client, {**BASELINE, **GLUTES}).status_code == 303
    return client


def _engine(client: TestClient) -> Any:
    return client.app.state.web.engine  # type: ignore[attr-defined]


def test_diary_form_offers_the_new_signs_in_words(client: TestClient) -> None:
    page = client.get("/diary").text
    for sign in ("sexual_function_change", "bony_tenderness", "trauma", "unexplained_weight_loss"):
        assert f'name="warning" value="{sign}"' in page
    assert "pain when you hop on one leg" in page and "Losing weight without trying" in page


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sign", "level", "shown"),
    [
        ("sexual_function_change", "emergency", "Emergency"),
        ("trauma", "urgent", "Urgent"),
        ("unexplained_weight_loss", "urgent", "Urgent"),
        ("bony_tenderness", "see_clinician", "clinician"),
    ],
)
def test_new_warning_sign_from_the_form_reruns_the_safety_screen(
    checked: TestClient, sign: str, level: str, shown: str
) -> None:
    data = {"kind": "day", "pain_during": "3", "warning": sign}
    response = post(checked, "/diary", data, follow_redirects=False)
    assert response.status_code == 303 and "/check/result/" in response.headers["location"]
    with _engine(checked).connect() as conn:
        latest = checks.latest(conn)
        entries = diary.between(conn)
    assert latest is not None and latest.triage_level == level
    assert latest.answers[sign] is True
    assert [e.warnings for e in entries] == [(sign,)]
    assert shown in checked.get(response.headers["location"]).text
    if level in ("emergency", "urgent"):
        assert "This week" not in checked.get("/plan").text  # the plan is withdrawn


def test_a_fall_before_any_check_shows_the_urgent_result_on_the_diary_page(
    client: TestClient,
) -> None:
    data = {"kind": "day", "pain_during": "3", "warning": "trauma"}
    response = post(client, "/diary", data)
    assert response.status_code == 200
    assert "Urgent" in response.text and "fall, collision or accident" in response.text
    with _engine(client).connect() as conn:
        assert [e.warnings for e in diary.between(conn)] == [("trauma",)]
