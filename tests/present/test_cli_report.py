"""`backstride report`: HTML and a real PDF whose text is extracted back with pypdf."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backstride.present.cli import cli
from backstride.present.report.charts import load_chart, pain_chart
from tests._disk import FullDisk
from tests.plan.conftest import GLUTES, LOAD, SAFE

TODAY = date.today()


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> Any:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def filled(runner: CliRunner, cli_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**SAFE, **GLUTES, **LOAD}))
    assert _run(runner, cli_env, "check", "--answers", str(path)).exit_code == 0
    for i, pain in enumerate([5, 4, 4]):
        day = (TODAY + timedelta(days=i)).isoformat()
        later = (TODAY + timedelta(days=3)).isoformat()
        _run(
            runner, cli_env, "diary", "add", "--date", day, "--during", str(pain), "--today", later
        )
    return cli_env


def test_html_report_holds_check_causes_charts_and_plan(
    runner: CliRunner, filled: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    later = (TODAY + timedelta(days=3)).isoformat()
    result = _run(runner, filled, "report", "--out", str(out), "--today", later)
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Triage: self care" in html
    assert "Sudden increase in training load" in html
    physio = html.split('<section class="cards">')[0]  # the runner's exercise cards follow
    assert physio.count("<svg") == 1  # pain chart; no runs imported, so the load chart says so
    assert "No imported runs in the last weeks." in html
    assert (
        "Strength: glutes, hips and core" in html and "Sessions done since the plan began" in html
    )
    assert "http" not in html.split("<body>")[0]  # no external resources in the head


@pytest.mark.slow
def test_pdf_report_text_extracts_back(
    runner: CliRunner, filled: dict[str, str], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    out = tmp_path / "r.pdf"
    result = _run(runner, filled, "report", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "report for your physiotherapist" in text
    assert "Triage: self care" in text
    assert "Glute bridge" in text
    assert "does not diagnose" in text


def test_report_needs_html_or_pdf(
    runner: CliRunner, filled: dict[str, str], tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["report", "--out", str(tmp_path / "r.docx")], env=filled)
    assert result.exit_code == 2 and "must end in .html or .pdf" in result.output


def test_charts_scale_by_hand() -> None:
    svg = pain_chart([(date(2026, 11, 1), 10), (date(2026, 11, 11), 0)])
    # whole weeks, at least four: Mon 19 Oct to Mon 16 Nov is 28 days over 568 units from
    # x=36; 1 Nov is day 13 (x=299.7) at pain 10 (y=36), 11 Nov day 23 (x=502.6) at 0 (y=164)
    assert 'points="299.7,36.0 502.6,164.0"' in svg
    bars = load_chart([(date(2026, 11, 2), 20.0), (date(2026, 11, 9), 40.0)])
    assert 'height="128.0"' in bars and 'height="64.0"' in bars


@pytest.mark.parametrize("name", ["r.html", "plan.ics"])
def test_a_full_disk_leaves_the_old_report_or_calendar_and_says_so_in_one_line(
    runner: CliRunner,
    filled: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    out = tmp_path / name
    out.write_bytes(b"the report of last week")
    FullDisk(room=100).fill(monkeypatch)
    args = ["report", "--out", str(out)] if name.endswith(".html") else ["plan", "--ics", str(out)]
    result = runner.invoke(cli, args, env=filled)
    monkeypatch.undo()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.output.strip().splitlines()[-1] == (
        f"Error: cannot write {out}: No space left on device — the disk is full: free some "
        "space and try again"
    )
    assert out.read_bytes() == b"the report of last week"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
