"""End to end on real watch files from ../shared: import, then `backstride load` and evidence."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.present.cli import cli
from backstride.services import training
from backstride.services.importing import import_paths
from backstride.store import activities
from tests.conftest import shared_path

# Garmin runs of one runner: Tue 26 Dec 2017 (fenix 5X), Sun 21 Jan and Sat 27 Jan 2018.
FILES = (
    "Runalyze__garmin-runPower-2.fit",
    "Runalyze__Fenix-3-with-runscribe-v1-38.fit",
    "Runalyze__FR920xt-with-runscribe-plus.fit",
)

pytestmark = pytest.mark.shared


@pytest.fixture
def imported(engine: Engine, tmp_path: Path) -> dict[date, tuple[int, float]]:
    paths = [shared_path("corpus", "activities", "fit", name) for name in FILES]
    report = import_paths(engine, paths, data_dir=tmp_path / "data")
    assert report.imported == 3, report.to_dict()
    with engine.connect() as conn:
        stored = activities.between(conn)
    return {a.activity.started_at.date(): (a.id, a.activity.distance_m or 0.0) for a in stored}


def test_load_report_flags_the_real_spike(
    runner: CliRunner, cli_env: dict[str, str], imported: dict[date, tuple[int, float]]
) -> None:
    (_, dec_m), (jan_id, jan_m) = imported[date(2017, 12, 26)], imported[date(2018, 1, 21)]
    assert (dec_m, jan_m) == (pytest.approx(6740, abs=10), pytest.approx(10300, abs=10))
    result = runner.invoke(
        cli, ["load", "--weeks", "6", "--json", "--today", "2018-01-31"], env=cli_env
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    spikes = [f for f in data["flags"] if f["rule_id"] == "single_run_spike"]
    assert [(f["activity_id"], f["flag_date"], f["severity"]) for f in spikes] == [
        (jan_id, "2018-01-21", "caution")
    ]
    pct = round((jan_m / dec_m - 1) * 100)  # ~53%: a moderate spike (>30-100%)
    assert f"{pct}% longer than your longest run in the previous 30 days" in spikes[0]["text"]
    assert "moderate spike" in spikes[0]["text"]
    week = next(w for w in data["weeks"] if w["week_start_date"] == "2018-01-15")
    assert (week["runs"], week["distance_m"]) == (1, pytest.approx(jan_m))


def test_evidence_from_real_files(engine: Engine, imported: dict[date, tuple[int, float]]) -> None:
    with engine.connect() as conn:
        ev = training.training_evidence_from_store(
            conn, today=date(2018, 1, 31), settings=Settings(), rules=load_kb().load_rules
        )
    # 26 days without running before 21 Jan, and that run 53% past the 26 Dec one
    assert ev.answers["recent_changes"] == ["long_run_longer", "returned_after_break"]
    assert sorted(ev.lines["recent_changes"]) == [
        "Sun 21 Jan: 10.3 km, 53% longer than your longest run in the previous 30 days "
        "(6.7 km; moderate spike)",
        "Sun 21 Jan: first run after 26 days without running (last run Tue 26 Dec)",
    ]
    assert ev.answers["longest_run_minutes"] == 46
