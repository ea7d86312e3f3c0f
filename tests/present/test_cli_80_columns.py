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
