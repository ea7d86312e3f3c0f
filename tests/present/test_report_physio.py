"""The physio report as a physio reads it: the whole pain diary (also before the plan), every
safety-screen answer, contributors in words, and what raised an escalation, named as such."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backstride.present.cli import cli
from backstride.present.report.charts import load_chart, pad_weeks, pain_chart, week_span
from tests.plan.conftest import GLUTES, LOAD, SAFE

TODAY = date.today()
LATER = TODAY + timedelta(days=3)
#: a score as the report used to print it ("0.77"): never on the page
RAW_SCORE = re.compile(r"(?<![\d.])0\.\d\d(?!\d)")


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> Any:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


def _diary(runner: CliRunner, env: dict[str, str], day: date, pain: int, *extra: str) -> None:
    result = _run(
        runner, env, "diary", "add", "--date", day.isoformat(), "--during", str(pain),
        "--today", LATER.isoformat(), *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.fixture
def history(runner: CliRunner, cli_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """Five weeks of diary before the self-check, then three days on the plan."""
    for weeks_ago, pain in [(5, 7), (4, 7), (3, 6), (2, 6), (1, 5)]:
        _diary(runner, cli_env, TODAY - timedelta(weeks=weeks_ago), pain)
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**SAFE, **GLUTES, **LOAD}))
    assert _run(runner, cli_env, "check", "--answers", str(path)).exit_code == 0
    for i, pain in enumerate([5, 4, 4]):
        _diary(runner, cli_env, TODAY + timedelta(days=i), pain, "--psfs", f"running 10 km={6 + i}")
    return cli_env


def _html(runner: CliRunner, env: dict[str, str], tmp_path: Path) -> str:
    out = tmp_path / "r.html"
    result = _run(runner, env, "report", "--out", str(out), "--today", LATER.isoformat())
    assert result.exit_code == 0, result.output
    return out.read_text()


def test_report_holds_the_whole_diary_the_screen_and_no_raw_score(
    runner: CliRunner, history: dict[str, str], tmp_path: Path
) -> None:
    html = _html(runner, history, tmp_path)
    first = TODAY - timedelta(weeks=5)
    assert f"from {first:%d %b %Y} (worst pain 7)" in html
    assert "5 before the plan began" in html
    assert "minimal important change of 2 points or 30%" in html and "Ostelo" in html
    assert "Screening answers" in html
    from backstride.kb import load_kb

    for q in load_kb().questions_in("safety_screen"):
        assert q.text.replace("'", "&#39;").replace('"', "&#34;") in html, q.id
    assert "Likely contributors" in html and "match" in html
    assert not RAW_SCORE.search(html.split("<body>")[1]), RAW_SCORE.findall(html)
    assert "<li></li>" not in html and not re.search(r"<li>\s*</li>", html)
    assert "running 10 km 6" in html and "running 10 km 8" in html  # PSFS
    assert "Latest self-check (" in html and "Escalation raised" not in html
    # the runner's own evidence: eight diary days are too few to test anything yet
    assert "Your own evidence" in html and "Nothing could be tested yet" in html
    assert "pairs had enough diary days" in html and "0 factor–outcome pairs" not in html


@pytest.mark.slow
def test_an_emergency_from_the_diary_is_named_as_such(
    runner: CliRunner, history: dict[str, str], tmp_path: Path
) -> None:
    _diary(runner, history, TODAY + timedelta(days=3), 6, "--warning", "saddle_numbness")
    html = _html(runner, history, tmp_path)
    day = TODAY + timedelta(days=3)
    assert f"Escalation raised by diary entry on {day:%a %d %b %Y}" in html
    assert f"Current level (raised by diary entry on {day:%d %b %Y})" in html
    assert "Latest self-check" not in html
    assert f"Yes (reported in the diary on {day:%d %b %Y})" in html


@pytest.mark.slow
def test_pdf_report_text_holds_an_entry_older_than_the_plan(
    runner: CliRunner, history: dict[str, str], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    out = tmp_path / "r.pdf"
    result = _run(runner, history, "report", "--out", str(out), "--today", LATER.isoformat())
    assert result.exit_code == 0, result.output
    pages = [
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(out.read_bytes())).pages
    ]
    # the physio's part fits two pages; the runner's exercise cards follow on their own
    physio_end = next(i for i, t in enumerate(pages) if "Latest form check" in t)
    assert physio_end <= 1 and "Exercise cards (for the runner)" in pages[physio_end + 1]
    assert "Glute bridge" in pages[-1] and "Stop if:" in pages[-1] and "Key cue:" in pages[-1]
    text = " ".join(pages)
    first = TODAY - timedelta(weeks=5)
    assert f"{first:%d %b %Y} (worst pain 7)" in text
    assert "Screening answers" in text
    assert not RAW_SCORE.search(text), RAW_SCORE.findall(text)


def test_charts_span_whole_weeks_and_show_empty_ones() -> None:
    monday = date(2026, 11, 2)
    padded = pad_weeks([(monday, 10.0), (monday + timedelta(weeks=3), 5.0)])
    assert [km for _, km in padded] == [10.0, 0.0, 0.0, 5.0]
    assert len(pad_weeks([(monday, 10.0)])) == 4  # one run is not one lone bar
    assert week_span(date(2026, 11, 4), date(2026, 11, 4)) == (
        date(2026, 10, 12),
        date(2026, 11, 9),
    )
    svg = pain_chart([(date(2026, 11, 4), 5)])
    assert svg.count('class="grid"') >= 4 + 3  # week lines and the 0/5/10 levels
    assert load_chart([(monday, 12.0)]).count("<rect") == 4
