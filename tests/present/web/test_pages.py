"""Plan, diary, report, settings and home pages over a store holding one check."""

from __future__ import annotations

import html
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backstride.store import checks, diary, plans
from tests.conftest import sweep
from tests.plan.conftest import GLUTES, HIPS
from tests.present.web.conftest import BASELINE, TODAY, answer_all, post


@pytest.fixture
def checked(client: TestClient) -> TestClient:
    assert answer_all(client, {**BASELINE, **GLUTES, **HIPS}).status_code == 303
    return client


def _engine(client: TestClient) -> Any:
    return client.app.state.web.engine  # type: ignore[attr-defined]


def test_every_page_renders_on_an_empty_store(client: TestClient) -> None:
    for path in ("/", "/check", "/training", "/plan", "/diary", "/report", "/settings"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<main id="main"' in response.text
    assert "Start the self-check" in client.get("/").text
    assert "No self-check saved yet" in client.get("/plan").text


def test_static_files_are_served_from_the_package(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "@media (max-width: 640px)" in css.text
    assert client.get("/static/app.js").status_code == 200
    assert "http" not in client.get("/").text.split("<body>")[0].replace("http-equiv", "")


def test_home_shows_level_causes_and_this_week(checked: TestClient) -> None:
    page = checked.get("/home").text
    assert "Self-care" in page and "Top likely contributors" in page
    assert "This week's plan" in page and "Open the plan" in page


@pytest.mark.slow
def test_plan_shows_this_and_next_week_and_ticks_a_session(checked: TestClient) -> None:
    page = checked.get("/plan")
    assert page.status_code == 200
    assert "This week" in page.text and "Next week" in page.text
    assert 'class="week-grid"' in page.text and 'href="/today"' in page.text
    done = post(
        checked,
        "/plan/done",
        {"date": TODAY.isoformat(), "kind": "strength"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with _engine(checked).connect() as conn:
        assert (TODAY, "strength") in plans.ticks(conn, start=TODAY, end=TODAY)


@pytest.mark.slow
def test_plan_refuses_ticking_the_future_or_unknown_kinds(checked: TestClient) -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert post(checked, "/plan/done", {"date": tomorrow, "kind": "run"}).status_code == 422
    assert (
        post(checked, "/plan/done", {"date": TODAY.isoformat(), "kind": "nap"}).status_code == 422
    )
    assert post(checked, "/plan/done", {"date": "soon", "kind": "run"}).status_code == 422


@pytest.mark.slow
def test_plan_calendar_download(checked: TestClient) -> None:
    response = checked.get("/plan.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in response.text


def test_diary_entry_is_saved_and_shown(client: TestClient) -> None:
    data = {"entry_date": TODAY.isoformat(), "kind": "run", "pain_during": "3", "pain_after": "4",
            "pain_next_morning_skip": "1", "onset": "after_fatigue", "character": ["dull_ache", "stiffness"],
            "notes": "hilly loop"}  # fmt: skip
    response = post(client, "/diary", data, follow_redirects=False)
    assert response.status_code == 303
    with _engine(client).connect() as conn:
        [entry] = diary.between(conn)
    assert (entry.pain_during, entry.pain_after, entry.pain_next_morning) == (3, 4, None)
    assert entry.character == ("dull_ache", "stiffness") and entry.onset == "after_fatigue"
    page = client.get(response.headers["location"]).text
    assert "Saved your entry" in page and "hilly loop" in page and "<svg" in page


def test_diary_refuses_an_invalid_entry_with_the_services_message(client: TestClient) -> None:
    future = (TODAY + timedelta(days=3)).isoformat()
    response = post(client, "/diary", {"entry_date": future, "kind": "day", "pain_during": "2"})
    assert response.status_code == 422
    assert "is in the future" in response.text
    with _engine(client).connect() as conn:
        assert diary.between(conn) == []


@pytest.mark.slow
def test_diary_warning_sign_reruns_the_safety_screen_first(checked: TestClient) -> None:
    data = {"kind": "day", "pain_during": "5", "warning": "saddle"}
    response = post(checked, "/diary", data, follow_redirects=False)
    assert response.status_code == 303 and "/check/result/" in response.headers["location"]
    with _engine(checked).connect() as conn:
        latest = checks.latest(conn)
    assert latest is not None and latest.triage_level == "emergency"
    assert "Emergency" in checked.get(response.headers["location"]).text
    assert "This week" not in checked.get("/plan").text  # the plan is withdrawn


@pytest.mark.slow
def test_diary_shows_plan_adherence_from_the_ticks(client: TestClient) -> None:
    from datetime import UTC, datetime, time

    from backstride.assess import assess
    from backstride.kb import load_kb

    answers = {**BASELINE, **GLUTES}
    result = assess(answers, load_kb()).to_json()
    start = TODAY - timedelta(days=6)
    with _engine(client).begin() as conn:
        checks.add(conn, answers=answers, result=result, kb_version="t", triage_level="self_care",
                   created_at=datetime.combine(start, time(8), UTC))  # fmt: skip
    before = client.get("/diary").text
    assert "Plan adherence: 0 of " in before
    planned = int(before.split("Plan adherence: 0 of ")[1].split()[0])
    assert planned > 0
    for n in range(6):  # tick every kind on every past day: every planned session is done
        for kind in ("strength", "mobility", "run"):
            day = (start + timedelta(days=n)).isoformat()
            assert post(client, "/plan/done", {"date": day, "kind": kind}).status_code == 200
    after = client.get("/diary").text
    assert f"Plan adherence: {planned} of {planned} sessions done (100%)" in after


@pytest.mark.slow
def test_report_html_download(checked: TestClient) -> None:
    response = checked.get("/report.html")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert "<title>backstride report" in response.text
    assert "No pain diary entries yet." in response.text  # the chart's empty state


@pytest.mark.slow
def test_report_pdf_download_text_extracts_back(checked: TestClient) -> None:
    from pypdf import PdfReader

    response = checked.get("/report.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "report for your physiotherapist" in text and "Rest day" in text


def test_report_without_a_check_says_so(client: TestClient) -> None:
    response = client.get("/report.html")
    assert response.status_code == 404
    assert "no saved self-check yet" in response.text


@pytest.mark.parametrize("fmt", sweep(["json", "csv"]))
def test_export_is_a_zip_of_every_table(checked: TestClient, fmt: str) -> None:
    response = post(checked, "/export", {"format": fmt})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("backstride-export/manifest.json"))
    assert manifest["format"] == fmt and manifest["tables"]["checks"] == 1
    assert f"backstride-export/checks.{fmt}" in archive.namelist()


@pytest.mark.slow
def test_delete_all_needs_the_confirmation_word(checked: TestClient) -> None:
    refused = post(checked, "/delete-all", {"confirm": "yes"})
    assert refused.status_code == 422 and "Nothing deleted" in refused.text
    with _engine(checked).connect() as conn:
        assert checks.latest(conn) is not None
    done = post(checked, "/delete-all", {"confirm": "DELETE"}, follow_redirects=False)
    assert done.status_code == 303
    with _engine(checked).connect() as conn:
        assert checks.latest(conn) is None


def test_settings_are_saved_to_the_config_file_and_used(client: TestClient, tmp_path: Path) -> None:
    response = post(client, "/settings", {"units": "imperial", "week_start": "sunday", "shoe_limit_km": "650"}, follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    saved = (tmp_path / "config.toml").read_text()
    assert 'units = "imperial"' in saved and 'week_start = "sunday"' in saved and "650.0" in saved
    assert client.app.state.web.settings.units == "imperial"  # type: ignore[attr-defined]
    page = client.get("/settings").text
    assert 'value="imperial" checked' in page
    assert "sqlite:///" in page


def test_settings_refuse_a_bad_value_and_keep_the_old_ones(
    client: TestClient, tmp_path: Path
) -> None:
    response = post(client, "/settings", {"units": "furlongs"})
    assert response.status_code == 422 and "Settings not saved" in response.text
    assert not (tmp_path / "config.toml").exists()


def test_settings_change_a_pairs_limit(client: TestClient) -> None:
    from backstride.config import Settings
    from backstride.services.shoes import add_shoe

    with _engine(client).begin() as conn:
        pair = add_shoe(conn, name="Trail pair", today=TODAY, settings=Settings())
    post(client, "/settings", {f"shoe_limit_{pair.id}": "500"})
    from backstride.store import shoes

    with _engine(client).connect() as conn:
        assert shoes.get(conn, shoe_id=pair.id).limit_km == 500


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    sweep(
        [
            ("pair", "nan", "Trail pair: limit nan km: a shoe limit must be a number above 0"),
            ("pair", "inf", "Trail pair: limit inf km: a shoe limit must be a number above 0"),
            ("pair", "1e9", "at most 10000 km"),
            ("pair", "-5", "Trail pair: limit -5 km"),
            ("shoe_limit_km", "nan", "shoe_limit_km: Input should be a finite number"),
            ("shoe_limit_km", "inf", "shoe_limit_km: Input should be a finite number"),
            (
                "shoe_limit_km",
                "20000",
                "shoe_limit_km: Input should be less than or equal to 10000",
            ),
        ]
    ),
)
def test_settings_refuse_a_non_finite_or_out_of_range_limit_and_write_nothing(
    client: TestClient, tmp_path: Path, field: str, value: str, fragment: str
) -> None:
    from backstride.config import Settings
    from backstride.services.shoes import add_shoe
    from backstride.store import shoes

    with _engine(client).begin() as conn:
        pair = add_shoe(conn, name="Trail pair", today=TODAY, settings=Settings())
    name = f"shoe_limit_{pair.id}" if field == "pair" else field
    response = post(client, "/settings", {"units": "imperial", name: value})
    assert response.status_code == 422 and "Settings not saved: " in response.text
    assert fragment in html.unescape(response.text)
    assert not (tmp_path / "config.toml").exists()  # the units change was not written either
    assert client.app.state.web.settings.units == "metric"  # type: ignore[attr-defined]
    with _engine(client).connect() as conn:
        assert shoes.get(conn, shoe_id=pair.id).limit_km == 800


@pytest.mark.slow
def test_plan_page_shows_how_to_do_each_exercise(checked: TestClient) -> None:
    from backstride.kb import load_kb

    page = html.unescape(checked.get("/plan").text)
    bridge = load_kb().exercises["glute_bridge"]
    assert all(f"<li>{step}</li>" in page for step in bridge.steps)
    assert f"Key cue:</strong> {bridge.key_cue}" in page
    assert f"Stop if:</strong> {bridge.avoid_if}" in page
    assert 'href="/exercises/glute_bridge"' in page  # the full card: muscles, easier, harder
    card = html.unescape(checked.get("/exercises/glute_bridge").text)
    assert ", ".join(bridge.muscles) in card


@pytest.mark.slow
def test_landing_page_is_today_once_a_plan_exists(client: TestClient) -> None:
    first = client.get("/", follow_redirects=False)
    assert first.status_code == 200 and "Start the self-check" in first.text
    assert answer_all(client, BASELINE).status_code == 303
    landing = client.get("/", follow_redirects=False)
    assert landing.status_code == 303 and landing.headers["location"] == "/today"
    assert "Self-care" in client.get("/home").text
