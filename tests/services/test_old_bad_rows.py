"""A store that already holds inf, NaN or year-0001 rows (older versions took them)
still serves every command and page: the bad values are skipped, never a traceback."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import insert

from backstride import store
from backstride.analyse.terrain import route_cells
from backstride.config import Settings
from backstride.models import Activity
from backstride.present.cli import cli
from backstride.present.web import create_app
from backstride.store import activities
from backstride.store.schema import activities as activities_table
from tests.plan.conftest import GLUTES, HIPS, SAFE

NOW = datetime.now(UTC).replace(microsecond=0)


def _run(day: int, **values: Any) -> Activity:
    base: dict[str, Any] = {
        "sport": "running",
        "started_at": NOW - timedelta(days=day),
        "elapsed_s": 1800.0,
        "source_file": f"run{day}.gpx",
        "content_hash": f"{day:064d}",
        "source_format": "gpx",
        "distance_m": 5000.0,
        "elevation_gain_m": 20.0,
        "route": ((46.0, 7.0), (46.01, 7.01)),
    }
    return Activity(**(base | values))


def _old_store(path: Path, *, only_year_one: bool = False) -> str:
    """A store with good runs and rows as an older version wrote them (raw inserts)."""
    url = f"sqlite:///{path}"
    engine = store.connect(url)
    with engine.begin() as conn:
        if not only_year_one:
            for day in range(1, 15):
                activities.add(conn, activity=_run(day))
        raw = [
            {"route": [[46.0, 7.0], [46.0, math.inf]], "started_at": NOW - timedelta(days=2)},
            {"distance_m": math.inf, "elevation_gain_m": math.nan, "avg_hr_bpm": 1e20},
            {"started_at": datetime(1, 1, 1, 0, 5, tzinfo=UTC)},
        ]
        for i, bad in enumerate(raw, start=100):
            values = activities._values(_run(3, content_hash=f"{i:064d}"))  # noqa: SLF001
            conn.execute(insert(activities_table), values | bad)
    engine.dispose()
    return url


@pytest.mark.slow
@pytest.mark.parametrize("only_year_one", [False, True])
def test_cli_commands_skip_bad_stored_values(
    tmp_path: Path, runner: CliRunner, only_year_one: bool
) -> None:
    env = {
        "BACKSTRIDE_DB": _old_store(tmp_path / "old.db", only_year_one=only_year_one),
        "BACKSTRIDE_DATA_DIR": str(tmp_path / "data"),
    }
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({**SAFE, **GLUTES, **HIPS}))
    for args in (
        ["load", "--json"],
        ["check", "--answers", str(answers), "--json"],
        ["plan", "--json"],
        ["progress"],
        ["report", "--out", str(tmp_path / "r.html")],
        ["activities", "--json"],
    ):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == 0, (args, result.output, result.exception)
    listed = json.loads(runner.invoke(cli, ["activities", "--json"], env=env).output)
    assert len(listed) == (3 if only_year_one else 17)  # the list shows every row
    assert "Infinity" not in result.output and "NaN" not in result.output


@pytest.mark.slow
@pytest.mark.parametrize("only_year_one", [False, True])
def test_web_pages_skip_bad_stored_values(tmp_path: Path, only_year_one: bool) -> None:
    url = _old_store(tmp_path / "old.db", only_year_one=only_year_one)
    app = create_app(
        Settings(database_url=url, data_dir=tmp_path / "data"), config_path=tmp_path / "c.toml"
    )
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        for page in ("/", "/training", "/plan", "/report"):
            assert client.get(page).status_code == 200, page
    app.state.web.engine.dispose()


def test_route_cells_skip_points_that_are_not_finite() -> None:
    good = route_cells([(46.0, 7.0), (46.001, 7.0)])
    assert route_cells([(46.0, 7.0), (46.0, math.inf), (math.nan, 7.0), (46.001, 7.0)]) == good
