"""`backstride today`, `exercise`, and the plan's exercise cards and adherence through the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from backstride.present.cli import cli
from tests.plan.conftest import GLUTES, HIPS, SAFE

TODAY = date.today()
CARD = ("how_to", "key_cue", "stop_if", "evidence", "figure")


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> Any:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


def _check(runner: CliRunner, env: dict[str, str], tmp_path: Path, answers: dict[str, Any]) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    result = _run(runner, env, "check", "--answers", str(path), "--json")
    assert result.exit_code == 0, result.output


@pytest.fixture
def checked(runner: CliRunner, cli_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    _check(runner, cli_env, tmp_path, {**SAFE, **GLUTES, **HIPS})
    return cli_env


def test_today_json_contract(runner: CliRunner, checked: dict[str, str]) -> None:
    out = json.loads(_run(runner, checked, "today", "--json").output)
    assert out["date"] == TODAY.isoformat()
    assert out["items"] and all(isinstance(i["done"], bool) for i in out["items"])
    assert {"kind", "title", "exercises", "why", "sources"} <= set(out["items"][0])
    assert len(out["week"]) == 7 and [d["today"] for d in out["week"]].count(True) == 1


def test_every_exercise_in_plan_and_today_json_carries_its_card(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    plan = json.loads(_run(runner, checked, "plan", "--json").output)
    today = json.loads(_run(runner, checked, "today", "--json").output)
    items = [i for w in plan["weeks"] for d in w["days"] for i in d["items"]] + today["items"]
    exercises = [e for i in items for e in i["exercises"]]
    assert exercises
    for ex in exercises:
        assert set(CARD) <= set(ex), ex["id"]
        assert len(ex["how_to"]) >= 2 and ex["key_cue"] and ex["stop_if"] and ex["evidence"]
        assert ex["figure"] == f"kb/figures/{ex['id']}.svg"
        assert (Path(__file__).parents[2] / "src" / "backstride" / ex["figure"]).is_file()


def test_ticked_today_counts_in_progress_and_today(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    today = json.loads(_run(runner, checked, "today", "--json").output)
    kind = next(i["kind"] for i in today["items"] if i["kind"] in ("run", "strength", "mobility"))
    before = json.loads(_run(runner, checked, "progress", "--json").output)["adherence"]
    assert _run(runner, checked, "plan", "done", kind).exit_code == 0
    after = json.loads(_run(runner, checked, "progress", "--json").output)["adherence"]
    assert after["done"] == before["done"] + 1 and after["planned"] == before["planned"] + 1
    ticked = json.loads(_run(runner, checked, "today", "--json").output)
    assert any(i["done"] for i in ticked["items"] if i["kind"] == kind)


def test_ics_has_at_most_one_event_a_day(
    runner: CliRunner, checked: dict[str, str], tmp_path: Path
) -> None:
    ics = tmp_path / "plan.ics"
    assert _run(runner, checked, "plan", "--weeks", "2", "--ics", str(ics)).exit_code == 0
    starts = [e.decoded("DTSTART") for e in Calendar.from_ical(ics.read_bytes()).walk("VEVENT")]
    assert starts and len(starts) == len(set(starts)) <= 14


def test_ics_reminds_each_experiment_day_in_that_days_one_event(
    runner: CliRunner, checked: dict[str, str], tmp_path: Path
) -> None:
    _run(runner, checked, "experiment", "start", "strength before runs",
         "--start", TODAY.isoformat(), "--seed", "1")  # fmt: skip
    ics = tmp_path / "plan.ics"
    assert _run(runner, checked, "plan", "--weeks", "2", "--ics", str(ics)).exit_code == 0
    events = list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    starts = [e.decoded("DTSTART") for e in events]
    assert len(starts) == len(set(starts))  # still one event a day
    by_day = {e.decoded("DTSTART"): str(e.get("DESCRIPTION")) for e in events}
    assert "Experiment, block 1" in by_day[TODAY]
    # every day of the plan from the experiment's start carries its instruction
    assert all("Experiment, block" in by_day[d] for d in by_day if d >= TODAY)


def test_exercise_card_command(runner: CliRunner, cli_env: dict[str, str]) -> None:
    result = _run(runner, cli_env, "exercise", "glute_bridge")
    for text in ("Glute bridge", "1. Lie on your back", "Key cue", "Stop if", "Evidence: weak"):
        assert text in result.output
    card = json.loads(_run(runner, cli_env, "exercise", "glute_bridge", "--json").output)
    assert set(CARD) <= set(card)
    missing = runner.invoke(cli, ["exercise", "nope"], env=cli_env)
    assert missing.exit_code != 0 and "glute_bridge" in missing.output


def test_emergency_today_shows_the_escalation_and_no_exercises(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    _check(runner, cli_env, tmp_path, {**SAFE, "saddle_numbness": True})
    out = json.loads(_run(runner, cli_env, "today", "--json").output)
    assert out["stopped"] and out["items"] == [] and out["level"] == "emergency"
    text = _run(runner, cli_env, "today").output
    assert "EMERGENCY" in text and "Strength" not in text


def test_week_days_run_from_the_first_weekday(runner: CliRunner, checked: dict[str, str]) -> None:
    out = json.loads(_run(runner, checked, "today", "--json").output)
    first = date.fromisoformat(out["week"][0]["date"])
    assert first == TODAY - timedelta(days=TODAY.weekday())  # Monday by default


@pytest.mark.slow
def test_today_carries_the_day_pain_and_the_running_experiment(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    before = json.loads(_run(runner, checked, "today", "--json").output)
    assert before["day_pain"] is None and before["experiment"] is None
    _run(runner, checked, "diary", "add", "--kind", "day", "--during", "3",
         "--date", TODAY.isoformat())  # fmt: skip
    _run(runner, checked, "experiment", "start", "strength before runs",
         "--start", TODAY.isoformat(), "--seed", "1")  # fmt: skip
    after = json.loads(_run(runner, checked, "today", "--json").output)
    assert after["day_pain"] == 3
    assert after["experiment"]["change"] == "strength before runs"
    assert after["experiment"]["arm"] in ("change", "usual") and after["experiment"]["block"] == 1
    text = _run(runner, checked, "today").output
    assert "Today's back pain: 3/10" in text and "Experiment, block 1" in text


def test_today_at_80_columns_keeps_details_under_their_session(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    """Every line fits 80 columns; a wrapped detail stays indented under its session,
    and sessions that are not ticked off carry a bullet rather than a stray space."""
    day = TODAY
    for _ in range(7):  # a day of the coming week that has a session with details
        out = _run(runner, {**checked, "COLUMNS": "80"}, "today", "--today", day.isoformat())
        lines = out.output.splitlines()
        sessions = [i for i, line in enumerate(lines) if line.startswith(("[ ] ", "✓ done "))]
        if any(i + 1 < len(lines) and lines[i + 1].startswith("    ") for i in sessions):
            break
        day += timedelta(days=1)
    assert all(len(line) <= 80 for line in lines), out.output
    end = next(i for i, line in enumerate(lines) if line.startswith(("Tick one off", "Tomorrow")))
    details = [
        line for line in lines[sessions[0] : end] if not line.startswith(("[ ] ", "✓ done ", "• "))
    ]
    assert details and all(line.startswith("    ") for line in details), details
    assert not any(line.startswith(" ") and line[1:2] != " " for line in lines)
