"""Every table of the CLI fits an 80-column terminal without cutting an id or a date.

Rich shrinks columns that do not fit and cuts their words with "…"; the tables keep their
key columns whole (fewer columns by default, `--wide` for all) and fold free text instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from backstride.kb import load_kb
from backstride.present.cli import cli
from backstride.store import activities, shoes
from tests.analyse.test_evidence import _history
from tests.plan.conftest import SAFE

NARROW = {"COLUMNS": "80"}
DATE = re.compile(r"\d{4}-\d\d-\d\d")


@pytest.fixture
def stored(engine: Engine, runner: CliRunner, cli_env: dict[str, str], tmp_path: Path) -> None:
    """A history with long names and gear, a shoe with a long name, and a saved check."""
    with engine.begin() as conn:
        for run in _history():
            a = run.activity
            activities.add(
                conn,
                activity=replace(
                    a,
                    name="Long Sunday run along the river with the club, then home the long way",
                    gear="Brooks Ghost 15 (the blue ones with the worn heel)",
                    avg_hr_bpm=151.0,
                    avg_cadence_spm=172.0,
                    elevation_gain_m=123.0,
                    utc_offset_s=3600,
                ),
            )
        shoes.add(
            conn,
            name="Brooks Ghost 15 (the blue ones with the worn heel)",
            limit_km=800,
            added_date=datetime(2025, 1, 1, tzinfo=UTC).date(),
        )
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(SAFE))
    assert runner.invoke(cli, ["check", "--answers", str(answers)], env=cli_env).exit_code == 0


def _lines(runner: CliRunner, env: dict[str, str], *args: str) -> list[str]:
    result = runner.invoke(cli, list(args), env={**env, **NARROW}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    too_long = [line for line in lines if len(line) > 80]
    assert not too_long, "\n".join(too_long)
    table = [line for line in lines if not line.startswith(("Flags", "  [", "Terrain", "Shoes"))]
    cut = [line for line in table if "…" in line]
    assert not cut, "\n".join(cut)
    return lines


@pytest.mark.parametrize(
    "args",
    [
        ("load", "--weeks", "12", "--today", "2025-11-10"),
        ("load", "--weeks", "12", "--today", "2025-11-10", "--wide"),
        ("activities",),
        ("shoes", "list"),
        ("history",),
        ("kb", "questions"),
    ],
    ids=" ".join,
)
def test_tables_fit_80_columns_without_cutting(
    runner: CliRunner, cli_env: dict[str, str], stored: None, args: tuple[str, ...]
) -> None:
    lines = _lines(runner, cli_env, *args)
    assert len(lines) > 3


def test_activities_show_whole_local_dates_moving_time_and_pace(
    runner: CliRunner, cli_env: dict[str, str], stored: None
) -> None:
    lines = _lines(runner, cli_env, "activities")
    rows = [line for line in lines if re.match(r"\s*\d+\s+\d{4}-", line)]
    assert rows and all(DATE.search(r) for r in rows)
    assert "moving" in lines[1] and "pace" in lines[1]
    # the factory's runs start 07:00 UTC; the files say +01:00, so 08:00 local
    assert all(" 08:00 " in r for r in rows), rows[:3]
    data = json.loads(
        runner.invoke(cli, ["activities", "--json"], env=cli_env, catch_exceptions=False).output
    )
    assert data[0]["local_start"].endswith("T08:00:00+01:00")
    assert data[0]["pace_s_per_km"] > 0


@pytest.mark.slow
def test_kb_questions_keep_every_id_and_json_gives_wording_type_and_values(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    kb = load_kb()
    out = "\n".join(_lines(runner, cli_env, "kb", "questions"))
    for q in kb.questions.values():
        if q.group != "derived":
            assert re.search(rf"^\s*{q.id}\s", out, re.M), q.id
    result = runner.invoke(cli, ["kb", "questions", "--json"], env=cli_env)
    data = {q["id"]: q for q in json.loads(result.output)}
    assert data["leg_weakness"]["values"] == ["none", "stable", "worsening"]
    assert data["leg_weakness"]["text"] == kb.questions["leg_weakness"].text
    assert data["saddle_numbness"]["allowed"] == ["true", "false", "unsure"]
    assert data["age"]["type"] == "int" and data["age"]["max"] == 120


def test_a_long_sport_wraps_in_words_and_leaves_the_name_its_room(
    runner: CliRunner, cli_env: dict[str, str], stored: None, engine: Engine
) -> None:
    with engine.begin() as conn:
        first = activities.between(conn)[0]
        activities.set_sport(conn, activity_id=first.id, sport="stand_up_paddleboarding")
    lines = _lines(runner, cli_env, "activities")
    text = " ".join(lines)
    assert "paddleboarding" in text and "stand_up" not in text
    # the name column keeps whole words, not a letter or two per line
    assert "Long Sunday run" in text


def test_wide_shows_every_column_whole_even_in_80_columns(
    runner: CliRunner, cli_env: dict[str, str], stored: None
) -> None:
    result = runner.invoke(
        cli, ["activities", "--wide"], env={**cli_env, **NARROW}, catch_exceptions=False
    )
    header = next(line for line in result.output.splitlines() if " gear " in line)
    assert all(name in header for name in ("sport", "elapsed", "HR", "spm", "gear", "name"))
    assert "Brooks Ghost 15 (the blue ones with the worn heel)" in result.output


@pytest.mark.parametrize("args", [("plan",), ("plan", "--full")], ids=" ".join)
def test_plan_details_wrap_inside_their_indent(
    runner: CliRunner, cli_env: dict[str, str], stored: None, args: tuple[str, ...]
) -> None:
    lines = _lines(runner, cli_env, *args)
    sessions = lines[next(i for i, line in enumerate(lines) if "The sessions" in line) + 1 :]
    warm = next(
        i for i, line in enumerate(sessions) if line.startswith("Five-to-ten-minute warm-up")
    )
    detail = sessions[warm + 1 : warm + 4]  # the warm-up's routine takes several lines at 80
    assert all(line.startswith("  ") and line.strip() for line in detail), detail


def test_diary_list_is_a_table_without_none_and_keeps_long_notes_whole(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    long_note = "felt tight in the lower back at forty minutes along the river, eased after"
    for args in (
        ("--kind", "day", "--during", "4"),
        (
            "--kind",
            "run",
            "--during",
            "2",
            "--after",
            "3",
            "--notes",
            long_note,
            "--psfs",
            "running 10 km=6",
        ),  # fmt: skip
    ):
        added = runner.invoke(cli, ["diary", "add", *args], env=cli_env, catch_exceptions=False)
        assert added.exit_code == 0, added.output
    lines = _lines(runner, cli_env, "diary", "list")
    assert not any("None" in line for line in lines)
    text = " ".join(" ".join(lines).split())
    assert f"{long_note}; PSFS running 10 km: 6/10" in text
    [day_row] = [line for line in lines if DATE.match(line.strip()) and line.split()[1] == "day"]
    assert day_row.split()[2:5] == ["4", "-", "-"]
