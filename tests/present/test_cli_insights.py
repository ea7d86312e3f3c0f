"""`backstride diary import` (its error paths, all-or-nothing) and `backstride insights`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from backstride.present.cli import cli
from backstride.store import activities, diary
from tests.analyse.test_personal import _bench
from tests.conftest import shared_path

HEADER = "date,kind,during,after,next_morning,notes\n"


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> Any:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


def _import(runner: CliRunner, env: dict[str, str], tmp_path: Path, text: str) -> Any:
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    return _run(runner, env, "diary", "import", str(path), "--today", "2025-06-30")


def _listed(runner: CliRunner, env: dict[str, str]) -> list[dict[str, Any]]:
    return json.loads(_run(runner, env, "diary", "list", "--json").output)  # type: ignore[no-any-return]


def test_import_reads_a_spreadsheet_log(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    text = (
        "date,kind,during,after,next_morning,notes,sleep_h,fuelled,stiffness\n"
        "2025-06-01,day,3,,,stiff morning,6.5,,4\n"
        "2025-06-01,run,2,4,3,10 km easy,,no,\n"
        "\n"
        "2025-06-02,strength,1,,,,,,\n"
    )
    result = _import(runner, cli_env, tmp_path, text)
    assert result.exit_code == 0, result.output
    assert "Imported 3 diary entries" in result.output
    rows = _listed(runner, cli_env)
    assert [(r["entry_date"], r["kind"]) for r in rows] == [
        ("2025-06-01", "day"), ("2025-06-01", "run"), ("2025-06-02", "strength"),
    ]  # fmt: skip
    assert rows[0]["sleep_h"] == 6.5 and rows[0]["morning_stiffness"] == 4
    assert rows[1]["fuelled"] is False and rows[1]["pain_after"] == 4


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("2025-13-01,day,3,,,\n", "line 2: date `2025-13-01` is not a date"),
        ("01/06/2025,day,3,,,\n", "line 2: date `01/06/2025` is not a date"),
        ("2025-06-01,day,11,,,\n", "line 2: during 11 is out of range 0-10"),
        ("2025-06-01,day,,-1,,\n", "line 2: after -1 is out of range 0-10"),
        ("2025-06-01,day,three,,,\n", "line 2: during `three` is not a whole number"),
        ("2025-06-01,swim,3,,,\n", "line 2: kind `swim` is not one of day, run, strength"),
        ("2025-06-01,day,3,,,\n2025-06-01,day,4,,,\n", "line 3: duplicate of line 2"),
        ("2025-07-09,day,3,,,\n", "line 2: date 2025-07-09 is in the future"),
        ("2025-06-01,day,,,,\n", "line 2: give at least one pain value"),
    ],
)
def test_import_names_each_bad_row_and_imports_nothing(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path, rows: str, message: str
) -> None:
    good = "2025-05-30,day,2,,,fine\n"
    result = _import(runner, cli_env, tmp_path, HEADER + good + rows)
    # the good first row shifts the bad one to line 3 (and a duplicate's to lines 3 and 4)
    expected = message.replace("line 3", "line 4").replace("line 2", "line 3")
    assert result.exit_code != 0
    assert "nothing imported" in result.output
    assert expected in result.output
    assert _listed(runner, cli_env) == []


def test_import_refuses_missing_columns_and_rows_already_in_the_diary(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = _import(runner, cli_env, tmp_path, "date,kind,during\n2025-06-01,day,3\n")
    assert result.exit_code != 0
    assert "missing column(s) after, next_morning, notes" in result.output
    assert _import(runner, cli_env, tmp_path, HEADER + "2025-06-01,day,3,,,\n").exit_code == 0
    again = _import(
        runner, cli_env, tmp_path, HEADER + "2025-06-02,day,3,,,\n2025-06-01,day,5,,,\n"
    )
    assert again.exit_code != 0
    assert "day entry for 2025-06-01 is in the diary already" in again.output
    assert [r["entry_date"] for r in _listed(runner, cli_env)] == ["2025-06-01"]


def _seed(engine: Engine, seed: int, effect: float) -> None:
    runs, entries, *_ = _bench().synthetic_runner(seed, effect=effect)
    with engine.begin() as conn:
        for r in runs:
            activities.add(conn, activity=r.activity)
        for e in entries:
            diary.add(conn, entry=e)


@pytest.mark.slow
def test_insights_json_contract(runner: CliRunner, cli_env: dict[str, str], engine: Engine) -> None:
    _seed(engine, 10_001, 3.0)
    result = _run(runner, cli_env, "insights", "--json", "--today", "2025-12-31")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert {"findings", "not_enough_data", "method"} <= set(out)
    top = out["findings"][0]
    assert {
        "factor",
        "outcome",
        "effect",
        "ci",
        "n_exposed",
        "n_unexposed",
        "credible",
        "text",
    } <= set(top)
    assert (top["factor"], top["outcome"], top["credible"], top["n_exposed"]) == (
        "run_over_30d_longest", "pain_next_day", True, 6,
    )  # fmt: skip
    assert top["ci"][0] > 0 and top["ci"][0] < top["effect"] < top["ci"][1]
    assert all(f["credible"] == (f["ci"][0] > 0 or f["ci"][1] < 0) for f in out["findings"])
    assert "Bonferroni" in out["method"] and "AR(1)" in out["method"]
    text = _run(runner, cli_env, "insights", "--today", "2025-12-31").output
    assert "Credible associations" in text and "not proof" in text


def test_insights_on_an_empty_store(runner: CliRunner, cli_env: dict[str, str]) -> None:
    out = json.loads(_run(runner, cli_env, "insights", "--json").output)
    assert out["findings"] == []
    assert out["not_enough_data"] and all(n["more_days_needed"] > 0 for n in out["not_enough_data"])


@pytest.mark.slow
def test_insights_on_real_files_with_a_generated_diary(
    runner: CliRunner, cli_env: dict[str, str], engine: Engine, tmp_path: Path
) -> None:
    """Real imported runs, a diary generated around them: the command works end to end."""
    folder = shared_path("corpus", "activities", "gpx")
    assert _run(runner, cli_env, "import", str(folder)).exit_code == 0
    with engine.connect() as conn:
        runs = activities.between(conn, sport="run", with_route=False)
    assert len(runs) >= 3, "the shared GPX folder's runs are imported as runs"
    last = max(r.activity.started_at.date() for r in runs)
    lines = [HEADER.strip()]
    import random
    from datetime import timedelta

    rng = random.Random(1)
    for i in range(120):
        day = last - timedelta(days=i)
        lines.append(f"{day},day,{rng.randint(1, 5)},,,")
    for r in runs:
        day = r.activity.started_at.date()
        if last - day < timedelta(days=120):
            lines.append(f"{day},run,{rng.randint(1, 5)},{rng.randint(1, 6)},,")
    lines = list(dict.fromkeys(lines))
    csv_path = tmp_path / "diary.csv"
    csv_path.write_text("\n".join(lines) + "\n")
    imported = _run(runner, cli_env, "diary", "import", str(csv_path), "--today", str(last))
    assert imported.exit_code == 0, imported.output
    out = json.loads(_run(runner, cli_env, "insights", "--json", "--today", str(last)).output)
    assert out["findings"] or out["not_enough_data"]
    assert all("association" in f["text"] for f in out["findings"])


def test_not_enough_data_reads_as_one_line_per_factor(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    """A new runner has nothing testable: each factor is listed once with what it needs,
    not once per factor and outcome (35 paragraphs)."""
    added = _run(runner, cli_env, "diary", "add", "--kind", "day", "--during", "3")
    assert added.exit_code == 0, added.output
    data = json.loads(_run(runner, cli_env, "insights", "--json").output)
    factors = {n["factor"] for n in data["not_enough_data"]}
    assert data["tests"] == 0 and len(data["not_enough_data"]) > len(factors) > 1
    out = _run(runner, {**cli_env, "COLUMNS": "80"}, "insights").output
    section = out.split("Not enough data yet\n", 1)[1].split("Method:", 1)[0]
    bullets = [line for line in section.splitlines() if line.lstrip().startswith("•")]
    assert len(bullets) == len(factors)
    assert "Nothing could be tested yet" in out and "0 factor" not in out
    assert all(len(line) <= 80 for line in out.splitlines())
