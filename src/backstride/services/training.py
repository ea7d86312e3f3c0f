"""Training analysis over the stored history: the load report and the self-check evidence."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from backstride.analyse.findings import LoadFlag
from backstride.analyse.summaries import local_date, runs_only
from backstride.config import Settings
from backstride.kb.schema import LoadRulesFile
from backstride.models import StoredActivity, TrainingEvidence
from backstride.store import activities, shoes
from backstride.units import Units
from backstride.wording import evidence_lines, finding_text

if TYPE_CHECKING:
    from backstride.analyse.report import LoadReport

#: History read before the first day analysed: the 30-day spike window, the 56-day
#: intensity reference and the 28-day ACWR lead-in all need earlier runs.
LOOKBACK_DAYS = 120


def _history(conn: Connection, *, first_date: date, today: date) -> list[StoredActivity]:
    # A day of margin both sides: stored times are UTC, the analysis uses local days.
    start = datetime.combine(first_date - timedelta(days=LOOKBACK_DAYS + 1), time(), tzinfo=UTC)
    end = datetime.combine(today + timedelta(days=2), time(), tzinfo=UTC)
    return activities.between(conn, start=start, end=end)


@dataclass(frozen=True)
class WordedFlag(LoadFlag):
    """A load flag with its sentence in the user's units (`wording.finding_text`)."""

    text: str = ""


def worded(flag: LoadFlag, units: Units) -> WordedFlag:
    """`flag` with its sentence."""
    kept = {f.name: getattr(flag, f.name) for f in fields(flag)}
    return WordedFlag(**kept, text=finding_text(flag.finding, units))


def load_report(
    conn: Connection, *, weeks: int, today: date, settings: Settings, rules: LoadRulesFile
) -> LoadReport[WordedFlag]:
    """The weekly table and flags (worded in the user's units) for the last `weeks` weeks."""
    # Imported on use, as in training_evidence_from_store: the analysis brings numpy.
    from backstride.analyse.report import LoadReport, build_load_report

    first = today - timedelta(weeks=weeks)
    report = build_load_report(
        _history(conn, first_date=first, today=today),
        shoes.list_all(conn),
        today=today,
        weeks=weeks,
        rules=rules,
        assignments=shoes.assignments(conn),
        week_start=settings.week_start,
    )
    kept = {f.name: getattr(report, f.name) for f in fields(report)}
    kept["flags"] = [worded(f, settings.units) for f in report.flags]
    return LoadReport[WordedFlag](**kept)


def latest_run_date(conn: Connection) -> date | None:
    """The local day of the newest stored run: where an old history's report should end
    when the weeks up to today hold none (routes are not read)."""
    runs = runs_only(activities.between(conn, sport="run", with_route=False))
    return local_date(runs[-1].activity) if runs else None


def training_evidence_from_store(
    conn: Connection, *, today: date, settings: Settings, rules: LoadRulesFile
) -> TrainingEvidence:
    """Answers the history can give the self-check; empty when there is no recent running."""
    first = today - timedelta(days=rules.recent_window_days)
    history = _history(conn, first_date=first, today=today)
    if not history:  # a first check on an empty store: no need to import numpy and the analysis
        return TrainingEvidence()
    from backstride.analyse.evidence import training_evidence

    found = training_evidence(
        history,
        shoes.list_all(conn),
        today=today,
        rules=rules,
        assignments=shoes.assignments(conn),
        week_start=settings.week_start,
    )
    return TrainingEvidence(found.answers, evidence_lines(found.findings, settings.units))
