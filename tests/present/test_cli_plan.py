"""`backstride plan`, `diary`, `progress` through the CLI against a temporary SQLite store."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from backstride.present.cli import cli
from tests.plan.conftest import GLUTES, HIPS, SAFE

TODAY = date.today()


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> Any:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def checked(runner: CliRunner, cli_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A store holding one self-care check with glute and hip-flexor causes."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({**SAFE, **GLUTES, **HIPS}))
    result = _run(runner, cli_env, "check", "--answers", str(path), "--json")
    assert result.exit_code == 0, result.output
    return cli_env


def test_plan_without_a_check_says_run_check_first(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    result = runner.invoke(cli, ["plan", "--json"], env=cli_env)
    assert result.exit_code == 1
    assert "run `backstride check` first" in result.output


def test_plan_json_contract(runner: CliRunner, checked: dict[str, str]) -> None:
    result = _run(runner, checked, "plan", "--json", "--weeks", "2")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["level"] == "self_care" and len(out["weeks"]) == 2
    # weeks start on the runner's first weekday (Monday by default); the plan starts today
    assert out["weeks"][0]["start_date"] == (TODAY - timedelta(days=TODAY.weekday())).isoformat()
    assert out["weeks"][0]["days"][0]["date"] == TODAY.isoformat()
    item = out["weeks"][0]["days"][0]["items"][0]
    assert {"kind", "title", "exercises", "why", "sources"} <= set(item)
    kinds = {i["kind"] for w in out["weeks"] for d in w["days"] for i in d["items"]}
    assert {"strength", "mobility", "warm_up", "run"} <= kinds


def test_plan_ics_parses_back_with_a_real_icalendar_parser(
    runner: CliRunner, checked: dict[str, str], tmp_path: Path
) -> None:
    ics = tmp_path / "plan.ics"
    result = _run(runner, checked, "plan", "--weeks", "1", "--ics", str(ics), "--json")
    assert result.exit_code == 0, result.output
    days = json.loads(result.output)["weeks"][0]["days"]
    training = [d for d in days if any(i["kind"] != "rest" for i in d["items"])]
    cal = Calendar.from_ical(ics.read_bytes())
    events = list(cal.walk("VEVENT"))
    # one event a training day, listing that day's items; rest days get none
    assert len(events) == len(training) >= 1
    starts = [e.decoded("DTSTART") for e in events]
    assert len(set(starts)) == len(starts)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert min(starts) >= TODAY
    strength = next(e for e in events if "Strength" in str(e["SUMMARY"]))
    assert "Glute bridge: 2 x 12" in str(strength["DESCRIPTION"])


def test_diary_add_list_and_duplicate_is_a_clear_error(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    ok = _run(runner, checked, "diary", "add", "--kind", "run", "--during", "3", "--next-morning", "2",
              "--onset", "after_fatigue", "--character", "stiffness", "--psfs", "running 10 km=6")  # fmt: skip
    assert ok.exit_code == 0, ok.output
    dup = runner.invoke(cli, ["diary", "add", "--kind", "run", "--during", "8"], env=checked)
    assert dup.exit_code == 2
    assert f"a run entry for {TODAY} exists already" in dup.output
    listed = json.loads(_run(runner, checked, "diary", "list", "--json").output)
    assert len(listed) == 1 and listed[0]["pain_during"] == 3  # the first entry is kept
    assert listed[0]["psfs"] == [["running 10 km", 6]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--during", "11"], "is not in the range 0<=x<=10"),
        (["--during", "3", "--date", (TODAY + timedelta(days=2)).isoformat()], "is in the future"),
        (["--during", "3", "--onset", "lunchtime"], "onset `lunchtime` is not one of"),
        (["--during", "3", "--warning", "headache"], "warning `headache` is not one of"),
        (["--kind", "run"], "give at least one pain value"),
        (["--during", "3", "--psfs", "running"], "write ACTIVITY=SCORE"),
    ],
)
def test_invalid_diary_values_exit_2_and_save_nothing(
    runner: CliRunner, checked: dict[str, str], args: list[str], message: str
) -> None:
    result = runner.invoke(cli, ["diary", "add", *args], env=checked)
    assert result.exit_code == 2
    assert message in result.output
    assert json.loads(_run(runner, checked, "diary", "list", "--json").output) == []


def test_diary_warning_reruns_the_safety_screen_first_and_withdraws_the_plan(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    result = _run(runner, checked, "diary", "add", "--during", "6", "--warning", "saddle")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("emergency department") < out.index("Saved day entry")
    assert "withdrawn" in out
    plan = json.loads(_run(runner, checked, "plan", "--json").output)
    assert plan["level"] == "emergency" and plan["weeks"] == []
    assert plan["message"].startswith("Go to an emergency department now")
    history = json.loads(_run(runner, checked, "history", "--json").output)
    assert [h["level"] for h in history][:2] == ["emergency", "self_care"]


def test_leg_pain_warning_lowers_to_see_clinician_without_strength(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    _run(runner, checked, "diary", "add", "--during", "4", "--warning", "leg_pain")
    plan = json.loads(_run(runner, checked, "plan", "--json").output)
    assert plan["level"] == "see_clinician"
    kinds = {i["kind"] for w in plan["weeks"] for d in w["days"] for i in d["items"]}
    assert "strength" not in kinds


@pytest.mark.slow
def test_two_weeks_without_improvement_escalates_and_is_saved_with_the_check(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    later = TODAY + timedelta(days=15)
    for i in range(0, 16, 2):
        day = (TODAY + timedelta(days=i)).isoformat()
        r = _run(
            runner,
            checked,
            "diary",
            "add",
            "--date",
            day,
            "--during",
            "5",
            "--today",
            later.isoformat(),
        )
        assert r.exit_code == 0, r.output
    progress = _run(runner, checked, "progress", "--today", later.isoformat())
    assert progress.exit_code == 0, progress.output
    out = progress.output
    assert "See a clinician" in out and out.index("See a clinician") < out.index("5/10")
    data = json.loads(
        _run(runner, checked, "progress", "--json", "--today", later.isoformat()).output
    )
    assert data["escalate"] is True and data["improved"] is False
    assert data["advice"][0].startswith("No clinically important improvement")
    plan = json.loads(_run(runner, checked, "plan", "--json", "--today", later.isoformat()).output)
    assert plan["level"] == "see_clinician" and plan["escalated"] is True
    history = json.loads(_run(runner, checked, "history", "--json").output)
    assert history[0]["note"].startswith("No clinically important improvement")


@pytest.mark.slow
def test_progress_shows_improvement_and_adherence(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    later = TODAY + timedelta(days=15)
    pains = [6, 6, 6, 6, 3, 3, 3, 2]
    for i, pain in enumerate(pains):
        day = (TODAY + timedelta(days=2 * i)).isoformat()
        _run(runner, checked, "diary", "add", "--date", day, "--kind", "strength", "--during", str(pain),
             "--next-morning", str(pain), "--today", later.isoformat())  # fmt: skip
    data = json.loads(
        _run(runner, checked, "progress", "--json", "--today", later.isoformat()).output
    )
    assert data["improved"] is True and data["escalate"] is False
    a = data["adherence"]
    assert a["planned"] > 0 and 0 < a["done"] <= a["planned"]
    assert 4 <= a["by_kind"]["strength"]["planned"] <= 5  # two a week over 15 days
    text = _run(runner, checked, "progress", "--today", later.isoformat()).output
    # the verdict names the knowledge base's MCID (progress_rules.yaml), not a copy in code
    assert "improved (an important change: 2 points or 30% less than at the start)" in text


def test_plan_text_shows_each_exercise_how_to_once(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    from backstride.kb import load_kb

    result = _run(runner, {**checked, "COLUMNS": "400"}, "plan", "--weeks", "2", "--full")
    assert result.exit_code == 0, result.output
    bridge = load_kb().exercises["glute_bridge"]
    assert result.output.count(f"Key cue: {bridge.key_cue}") == 1
    assert f"How: {bridge.instructions}" in result.output
    assert f"Stop if: {bridge.avoid_if}" in result.output
    assert f"Muscles: {', '.join(bridge.muscles)}" in result.output


def test_plan_json_carries_each_exercise_how_to(runner: CliRunner, checked: dict[str, str]) -> None:
    out = json.loads(_run(runner, checked, "plan", "--json", "--weeks", "1").output)
    exercises = [
        e for w in out["weeks"] for d in w["days"] for i in d["items"] for e in i["exercises"]
    ]
    assert exercises and all(
        e["instructions"] and e["key_cue"] and e["avoid_if"] for e in exercises
    )
    assert all(e["muscles"] for e in exercises)


def test_plan_text_is_a_line_a_day_then_each_session_once(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    out = _run(runner, {**checked, "COLUMNS": "80"}, "plan", "--weeks", "2").output
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    day_lines = [line for line in lines if re.match(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d  ", line)]
    assert 8 <= len(day_lines) <= 14  # two weeks, the first from today
    assert out.count("The sessions") == 1
    assert out.count("Glute bridge (glute_bridge)") == 1 and "Stop if:" in out
    assert "How:" not in out and "backstride exercise" in out
    full = _run(runner, checked, "plan", "--weeks", "2", "--full").output
    assert full.count("How:") >= 3 and full.count("Glute bridge (glute_bridge)") == 1
