"""`backstride load` and `backstride shoes` through CliRunner on a small stored history."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from backstride.present.cli import cli
from backstride.store import activities
from tests.analyse.test_evidence import _history

ASOF = ["--today", "2025-11-10"]


@pytest.fixture
def history(engine: Engine) -> dict[int, int]:
    """The hand-built history of tests/analyse/test_evidence.py; factory id -> stored id."""
    ids = {}
    with engine.begin() as conn:
        for run in _history():
            gear = "Pegasus 40" if run.id % 2 else None
            ids[run.id] = activities.add(conn, activity=replace(run.activity, gear=gear))
    return ids


def test_load_without_history_says_how_to_import(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    result = runner.invoke(cli, ["load"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "No runs stored yet: `backstride import FILE...`" in result.output


def test_load_of_an_old_history_names_its_latest_run_and_the_command_for_its_weeks(
    runner: CliRunner, cli_env: dict[str, str], history: dict[int, int]
) -> None:
    result = runner.invoke(cli, ["load", "--today", "2027-06-01"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "No runs stored yet" not in result.output
    assert "No runs in the 8 weeks to 01 Jun 2027; your latest run was on" in result.output
    suggested = re.search(r"`backstride (load --today \d{4}-\d\d-\d\d)`", result.output)
    assert suggested is not None, result.output
    shown = runner.invoke(cli, suggested.group(1).split(), env={**cli_env, "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "Running by week to" in shown.output and "No runs in the" not in shown.output


def test_load_table_names_the_run_and_the_week(
    runner: CliRunner, cli_env: dict[str, str], history: dict[int, int]
) -> None:
    result = runner.invoke(cli, ["load", "--weeks", "6", *ASOF], env={**cli_env, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert (
        "[caution] Sun 9 Nov: 28.1 km, 41% longer than your longest run in the previous 30 "
        f"days (19.9 km; moderate spike) (run #{history[24]}; rule single_run_spike)"
    ) in result.output
    assert "Week of Mon 3 Nov: 44.1 km, 38% more than the week before (32.0 km)" in result.output
    assert "descriptive trend only" in result.output


def test_load_in_miles(runner: CliRunner, cli_env: dict[str, str], history: dict[int, int]) -> None:
    env = {**cli_env, "BACKSTRIDE_UNITS": "imperial", "COLUMNS": "200"}
    result = runner.invoke(cli, ["load", *ASOF], env=env)
    assert result.exit_code == 0, result.output
    assert "Sun 9 Nov: 17.5 mi, 41% longer" in result.output


def test_load_json_keys_and_si_units(
    runner: CliRunner, cli_env: dict[str, str], history: dict[int, int]
) -> None:
    result = runner.invoke(cli, ["load", "--weeks", "2", "--json", *ASOF], env=cli_env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {
        "today",
        "weeks",
        "flags",
        "shoes",
        "pairs_in_rotation",
        "cadence_trend_spm_per_week",
        "climbing_m_per_km",
        "flatness",
        "surface_shares",
        "same_route_share",
        "acwr_note",
    }
    assert [w["week_start_date"] for w in data["weeks"]] == ["2025-11-03", "2025-11-10"]
    assert data["weeks"][0]["distance_m"] == pytest.approx(44_100)
    assert data["weeks"][1]["partial"] is True
    spike = next(f for f in data["flags"] if f["rule_id"] == "single_run_spike")
    assert (spike["activity_id"], spike["flag_date"]) == (history[24], "2025-11-09")


def test_load_rejects_zero_weeks(runner: CliRunner, cli_env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["load", "--weeks", "0"], env=cli_env)
    assert result.exit_code == 2
    assert "0 is not in the range 1<=x<=520" in result.output


@pytest.mark.slow
def test_shoes_add_assign_list_retire(
    runner: CliRunner, cli_env: dict[str, str], history: dict[int, int]
) -> None:
    result = runner.invoke(
        cli, ["shoes", "add", "Speedgoat", "--limit-km", "600", "--start-km", "50"], env=cli_env
    )
    assert (result.exit_code, result.output) == (0, "added shoes #1 Speedgoat (limit 600 km)\n")
    result = runner.invoke(
        cli, ["shoes", "assign", "1", str(history[22]), "--since", "2025-11-09"], env=cli_env
    )
    assert (result.exit_code, result.output) == (0, "linked 2 activities to shoes #1\n")
    data = json.loads(runner.invoke(cli, ["shoes", "list", "--json"], env=cli_env).output)
    # 50 km start + 8 km (Thu 6 Nov) + 28.1 km (Sun 9 Nov)
    assert data[0]["distance_m"] == pytest.approx(86_100)
    assert set(data[0]) == {
        "id",
        "name",
        "distance_m",
        "limit_km",
        "start_distance_m",
        "added_date",
        "over_limit",
        "retired_date",
    }
    result = runner.invoke(cli, ["shoes", "retire", "1", "--date", "2025-11-20"], env=cli_env)
    assert (result.exit_code, result.output) == (0, "retired shoes #1 Speedgoat\n")
    result = runner.invoke(cli, ["shoes", "list"], env=cli_env)
    assert "retired 2025-11-20" in result.output


def test_shoes_sync_gear_creates_pairs_from_imported_gear(
    runner: CliRunner, cli_env: dict[str, str], history: dict[int, int]
) -> None:
    result = runner.invoke(cli, ["shoes", "sync-gear"], env=cli_env)
    assert (result.exit_code, result.output) == (0, "created shoes #1 Pegasus 40: 9 runs linked\n")
    result = runner.invoke(cli, ["shoes", "sync-gear"], env=cli_env)
    assert result.output == "no unlinked runs with a gear name\n"
    data = json.loads(runner.invoke(cli, ["shoes", "list", "--json"], env=cli_env).output)
    assert (data[0]["limit_km"], data[0]["added_date"]) == (800.0, "2025-09-30")


def test_shoes_errors_exit_with_what_to_do(runner: CliRunner, cli_env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["shoes", "assign", "1"], env=cli_env)
    assert result.exit_code == 2
    assert "give ACTIVITY_ID... or --since YYYY-MM-DD" in result.output
    result = runner.invoke(cli, ["shoes", "retire", "9"], env=cli_env)
    assert result.exit_code == 1
    assert "no shoes with id 9; `backstride shoes list` shows the ids" in result.output
    runner.invoke(cli, ["shoes", "add", "Pegasus"], env=cli_env)
    result = runner.invoke(cli, ["shoes", "add", "pegasus"], env=cli_env)
    assert result.exit_code == 1 and "already exists" in result.output
    result = runner.invoke(cli, ["shoes", "add", "X", "--limit-km", "0"], env=cli_env)
    assert result.exit_code == 2 and "must be a number above 0" in result.output


def test_shoes_set_limit(runner: CliRunner, cli_env: dict[str, str]) -> None:
    runner.invoke(cli, ["shoes", "add", "Pegasus"], env=cli_env)
    result = runner.invoke(cli, ["shoes", "set-limit", "1", "650"], env=cli_env)
    assert (result.exit_code, result.output) == (0, "shoes #1 Pegasus: limit 650 km\n")
    result = runner.invoke(cli, ["shoes", "set-limit", "1", "0"], env=cli_env)
    assert result.exit_code == 2 and "must be a number above 0" in result.output


@pytest.mark.parametrize("value", ["nan", "inf", "-3", "0", "1e9", "many"])
def test_a_shoe_limit_that_is_not_a_finite_distance_in_range_exits_2(
    runner: CliRunner, cli_env: dict[str, str], value: str
) -> None:
    added = runner.invoke(cli, ["shoes", "add", "Road pair", "--limit-km", value], env=cli_env)
    assert added.exit_code == 2 and "Invalid value for '--limit-km'" in added.output
    assert runner.invoke(cli, ["shoes", "add", "Road pair"], env=cli_env).exit_code == 0
    changed = runner.invoke(cli, ["shoes", "set-limit", "--", "1", value], env=cli_env)
    assert changed.exit_code == 2 and "Invalid value for 'LIMIT_KM'" in changed.output
    listed = json.loads(runner.invoke(cli, ["shoes", "list", "--json"], env=cli_env).output)
    assert [pair["limit_km"] for pair in listed] == [800]
