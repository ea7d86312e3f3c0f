"""export / import-backup round-trip every table without loss; delete-all removes it all."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from backstride.models import DiaryEntry
from backstride.present.cli import cli
from backstride.services.backup import export_all, import_all
from backstride.store import checks, diary
from tests._disk import FullDisk
from tests.plan.conftest import GLUTES, SAFE
from tests.services.test_importing import _gpx_run


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> Any:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def filled(runner: CliRunner, cli_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**SAFE, **GLUTES}))
    assert _run(runner, cli_env, "check", "--answers", str(path)).exit_code == 0
    _run(runner, cli_env, "diary", "add", "--kind", "run", "--during", "3", "--notes", "")
    _run(
        runner,
        cli_env,
        "diary",
        "add",
        "--during",
        "2",
        "--notes",
        'commas, "quotes"\nand a newline',
    )
    _run(runner, cli_env, "plan", "done", "strength")
    assert _run(runner, cli_env, "plan", "--json").exit_code == 0
    return cli_env


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_round_trip_is_equal(
    runner: CliRunner, filled: dict[str, str], tmp_path: Path, fmt: str
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    result = _run(runner, filled, "export", "--format", fmt, str(first))
    assert result.exit_code == 0, result.output
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["tables"]["checks"] == 1 and manifest["tables"]["diary_entries"] == 2
    other = {**filled, "BACKSTRIDE_DB": f"sqlite:///{tmp_path / 'other.db'}"}
    result = _run(runner, other, "import-backup", str(first))
    assert result.exit_code == 0, result.output
    _run(runner, other, "export", "--format", fmt, str(second))
    for path in sorted(first.iterdir()):
        assert (second / path.name).read_text() == path.read_text(), path.name
    listed = json.loads(_run(runner, other, "diary", "list", "--json").output)
    assert listed[0]["notes"] == 'commas, "quotes"\nand a newline' or listed[1]["notes"].startswith(
        "commas"
    )


@pytest.mark.slow
def test_import_refuses_a_store_that_holds_data(
    runner: CliRunner, filled: dict[str, str], tmp_path: Path
) -> None:
    _run(runner, filled, "export", str(tmp_path / "b"))
    result = runner.invoke(cli, ["import-backup", str(tmp_path / "b")], env=filled)
    assert result.exit_code == 1 and "only into an empty store" in result.output


@pytest.mark.slow
def test_delete_all_needs_yes_and_removes_everything(
    runner: CliRunner, filled: dict[str, str], tmp_path: Path
) -> None:
    refused = runner.invoke(cli, ["delete-all"], env=filled)
    assert refused.exit_code == 2 and "--yes" in refused.output
    assert _run(runner, filled, "delete-all", "--yes").exit_code == 0
    _run(runner, filled, "export", str(tmp_path / "empty"))
    manifest = json.loads((tmp_path / "empty" / "manifest.json").read_text())
    assert set(manifest["tables"].values()) == {0}


@pytest.mark.postgres
def test_round_trip_sqlite_to_postgres(
    engine: Engine, postgres_engine: Engine, tmp_path: Path
) -> None:

    with engine.begin() as conn:
        checks.add(
            conn, answers={"age": 40}, result={"x": 1}, kb_version="k", triage_level="self_care"
        )
        diary.add(conn, entry=DiaryEntry(date(2026, 11, 1), "day", pain_during=4))
        export_all(conn, directory=tmp_path / "a", fmt="json")
    with postgres_engine.begin() as conn:
        import_all(conn, directory=tmp_path / "a")
        export_all(conn, directory=tmp_path / "b", fmt="json")
    for path in sorted((tmp_path / "a").iterdir()):
        assert (tmp_path / "b" / path.name).read_text() == path.read_text(), path.name
    with postgres_engine.begin() as conn:  # the id sequence moved past the imported ids
        assert (
            checks.add(conn, answers={}, result={}, kb_version="k", triage_level="self_care") == 2
        )


@pytest.mark.slow
def test_a_full_disk_mid_export_keeps_the_previous_backup_whole(
    runner: CliRunner, filled: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = tmp_path / "b"
    assert _run(runner, filled, "export", str(backup)).exit_code == 0
    before = {p.name: p.read_bytes() for p in backup.iterdir()}
    _run(runner, filled, "diary", "add", "--during", "7", "--notes", "x" * 5000)
    FullDisk(room=3000).fill(monkeypatch)  # the first few tables fit, then the disk is full
    result = runner.invoke(cli, ["export", str(backup)], env=filled)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: cannot write {backup}/"), lines
    assert "No space left on device — the disk is full: free some space" in lines[0]
    assert {p.name: p.read_bytes() for p in backup.iterdir()} == before  # no temporaries left
    other = {**filled, "BACKSTRIDE_DB": f"sqlite:///{tmp_path / 'other.db'}"}
    restored = runner.invoke(cli, ["import-backup", str(backup)], env=other)
    assert restored.exit_code == 0, restored.output


@pytest.mark.slow
@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        (lambda p: p.write_text(p.read_text()[:40]), "activities.json: the backup is damaged"),
        (lambda p: p.write_text("{}"), "activities.json: the backup is damaged"),
        (lambda p: p.write_text('[{"no_such_column": 1}]'), "cannot take"),
        (lambda p: p.with_name("manifest.json").write_text('{"format": "json"}'), "not a backstride backup"),
        (lambda p: p.with_name("manifest.json").write_text("[" * 100_000), "not a backstride backup"),
    ],
    ids=["truncated", "not-a-list", "unknown-column", "manifest-without-tables", "deep-manifest"],
)  # fmt: skip
def test_a_damaged_backup_is_refused_with_a_message_and_nothing_imported(
    runner: CliRunner,
    filled: dict[str, str],
    tmp_path: Path,
    damage: Callable[[Path], Any],
    fragment: str,
) -> None:
    backup = tmp_path / "b"
    (tmp_path / "run.gpx").write_bytes(_gpx_run(10))
    assert _run(runner, filled, "import", str(tmp_path / "run.gpx")).exit_code == 0
    assert _run(runner, filled, "export", str(backup)).exit_code == 0
    damage(backup / "activities.json")
    other = {**filled, "BACKSTRIDE_DB": f"sqlite:///{tmp_path / 'other.db'}"}
    result = runner.invoke(cli, ["import-backup", str(backup)], env=other)
    assert result.exit_code == 1 and fragment in result.output, result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    listed = runner.invoke(cli, ["diary", "list", "--json"], env=other)
    assert json.loads(listed.output) == []  # the checks and diary before it rolled back too
