"""Saved form checks live in the store: export/import-backup carry them, delete-all removes them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backstride.present.cli import cli

#: Each test encodes a clip and runs the form check through the CLI first (~0.5 s).
pytestmark = pytest.mark.slow
BASELINE = Path(__file__).resolve().parent.parent / "data" / "answers" / "baseline.yaml"


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> Any:
    result = runner.invoke(cli, list(args), env=env)
    assert result.exit_code == 0, (args, result.output)
    return result


def _prefilled(runner: CliRunner, env: dict[str, str]) -> Any:
    out = _run(runner, env, "check", "--answers", str(BASELINE), "--json", "--no-save").output
    return json.loads(out).get("filled_from_training", {}).get("form_observed")


@pytest.fixture
def saved(
    leaning_clip: tuple[Path, Path], runner: CliRunner, cli_env: dict[str, str]
) -> dict[str, str]:
    clip, keys = leaning_clip
    _run(runner, cli_env, "form", str(clip), "--save", "--replay-keypoints", str(keys))
    return cli_env


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_and_import_backup_carry_the_form_check(
    runner: CliRunner, saved: dict[str, str], tmp_path: Path, fmt: str
) -> None:
    backup = tmp_path / "backup"
    _run(runner, saved, "export", "--format", fmt, str(backup))
    assert json.loads((backup / "manifest.json").read_text())["tables"]["form_checks"] == 1
    other = {
        "BACKSTRIDE_DB": f"sqlite:///{tmp_path / 'other.db'}",
        "BACKSTRIDE_DATA_DIR": str(tmp_path / "other"),
    }
    assert _prefilled(runner, other) is None
    _run(runner, other, "import-backup", str(backup))
    assert _prefilled(runner, other) == ["lean_from_waist", "overstride"]
    mine = json.loads(_run(runner, saved, "form-history", "--json").output)
    theirs = json.loads(_run(runner, other, "form-history", "--json").output)
    assert theirs == mine and theirs[0]["clip_name"] == "run.mp4"
    assert theirs[0]["metrics"]["trunk_lean_deg"]["unit"] == "deg"


def test_delete_all_removes_form_checks_and_their_pictures(
    runner: CliRunner, saved: dict[str, str]
) -> None:
    data_dir = Path(saved["BACKSTRIDE_DATA_DIR"])
    pictures = data_dir / "form" / ("0f" * 16)
    pictures.mkdir(parents=True)
    (pictures / "run.annotated.mp4").write_bytes(b"video of the runner")
    assert _prefilled(runner, saved) == ["lean_from_waist", "overstride"]
    result = _run(runner, saved, "delete-all", "--yes")
    assert "and 1 files" in result.output and "form-check pictures and videos" in result.output
    assert _prefilled(runner, saved) is None
    assert "No saved form checks" in _run(runner, saved, "form-history").output
    assert not pictures.exists()


def test_form_history_lists_newest_first(
    runner: CliRunner, saved: dict[str, str], leaning_clip: tuple[Path, Path]
) -> None:
    clip, keys = leaning_clip
    _run(
        runner,
        saved,
        "form",
        str(clip),
        "--view",
        "side",
        "--save",
        "--replay-keypoints",
        str(keys),
    )
    text = _run(runner, saved, "form-history").output
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert [ln.split()[0] for ln in lines] == ["2", "1"]
    assert "run.mp4: Leaning forward from the waist" in lines[0]
