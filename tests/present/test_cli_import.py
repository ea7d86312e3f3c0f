"""`backstride import` and `backstride activities` through the CLI: JSON keys, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from backstride.present.cli import cli
from tests._disk import FullDisk
from tests.ingest.helpers import corpus
from tests.services.test_importing import _gpx_run

ACTIVITY_KEYS = {
    "id",
    "sport",
    "started_at",
    "distance_m",
    "elapsed_s",
    "moving_s",
    "elevation_gain_m",
    "avg_hr_bpm",
    "avg_cadence_spm",
    "gear",
    "source_file",
}


def test_import_json_has_exactly_the_documented_keys_and_exits_0_despite_failures(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "empty.gpx").write_bytes(b"")
    paths = [str(corpus("compressed", "elevate__samples.zip")), str(tmp_path / "empty.gpx")]
    result = runner.invoke(cli, ["import", "--json", *paths], env=cli_env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert list(report) == [
        "imported",
        "duplicates",
        "skipped",
        "failed",
        "dropped",
        "activities_total",
    ]
    assert report["imported"] == 1 and report["activities_total"] == 1
    assert report["failed"] == [
        {"file": str(tmp_path / "empty.gpx"), "error": "empty file (0 bytes)"}
    ]
    assert all(set(d) == {"file", "duplicate_of"} for d in report["duplicates"])


def test_strict_makes_any_failure_exit_1(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "empty.fit").write_bytes(b"")
    result = runner.invoke(
        cli, ["import", "--strict", "--quiet", str(tmp_path / "empty.fit")], env=cli_env
    )
    assert result.exit_code == 1
    assert "1 file(s) failed to import (--strict)" in result.output


def test_strict_without_failures_exits_0_and_quiet_prints_nothing(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    path = str(corpus("tcx", "Runalyze__Dakota.tcx"))
    result = runner.invoke(cli, ["import", "--strict", "--quiet", path], env=cli_env)
    assert result.exit_code == 0 and result.output == ""


def test_import_summary_names_failures_and_skips(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    result = runner.invoke(cli, ["import", str(corpus("other_formats"))], env=cli_env)
    assert result.exit_code == 0
    assert (
        "Imported 0 new activities (0 stored); 0 duplicates, 5 skipped, 0 failed." in result.output
    )
    assert "Runalyze__15031201.hrm: unsupported format (.hrm)" in result.output


def test_activities_json_lists_each_with_the_documented_keys(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    runner.invoke(
        cli, ["import", "-q", str(corpus("tcx", "Runalyze__Multisport.tcx"))], env=cli_env
    )
    result = runner.invoke(cli, ["activities", "--json"], env=cli_env)
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [a["sport"] for a in listed] == ["cycling", "running", "cycling"]
    assert all(ACTIVITY_KEYS <= set(a) for a in listed)
    runs = json.loads(
        runner.invoke(cli, ["activities", "--json", "--sport", "run"], env=cli_env).output
    )
    assert [a["sport"] for a in runs] == ["running"]
    later = runner.invoke(cli, ["activities", "--json", "--since", "2013-04-19"], env=cli_env)
    assert json.loads(later.output) == []


def test_activities_table_renders(runner: CliRunner, cli_env: dict[str, str]) -> None:
    runner.invoke(cli, ["import", "-q", str(corpus("tcx", "Runalyze__Dakota.tcx"))], env=cli_env)
    result = runner.invoke(cli, ["activities"], env=cli_env)
    assert result.exit_code == 0 and "cycling" in result.output and "2.34" in result.output


def test_a_full_disk_stops_the_import_with_the_json_report_and_one_clear_line(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for minute in range(3):
        (inbox / f"{minute}.gpx").write_bytes(_gpx_run(10 * minute))
    size = len(_gpx_run(0))
    FullDisk(room=size + size // 2).fill(monkeypatch)  # the first original fits, not the second
    result = runner.invoke(cli, ["import", "--json", str(inbox)], env=cli_env)
    monkeypatch.undo()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    report = json.loads(result.stdout)
    assert report["imported"] == 1 and report["activities_total"] == 1
    files = Path(cli_env["BACKSTRIDE_DB"].removeprefix("sqlite:///")).with_suffix(".files")
    assert report["stopped"].startswith(f"cannot write {files}/originals/")  # beside the store
    assert "No space left on device — the disk is full" in report["stopped"]
    assert report["failed"] == [{"file": str(inbox / "1.gpx"), "error": report["stopped"]}]
    assert result.stderr.strip() == f"Error: import stopped: {report['stopped']}"
    again = runner.invoke(cli, ["import", "--json", str(inbox)], env=cli_env)  # room again
    assert json.loads(again.stdout)["imported"] == 2


def test_a_named_pipe_or_device_is_skipped_unread_with_the_reason(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    import os

    pipe = tmp_path / "run.gpx"
    os.mkfifo(pipe)  # opening it would wait for a writer for ever
    result = runner.invoke(cli, ["import", "--json", str(pipe), "/dev/zero"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["skipped"] == [
        {"file": str(pipe), "reason": "not a regular file (a named pipe): skipped unread"},
        {"file": "/dev/zero", "reason": "not a regular file (a device): skipped unread"},
    ]
