from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Engine

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.models import TrainingEvidence
from backstride.services import shoes as shoe_service
from backstride.services import training
from backstride.store import activities
from tests.analyse.test_evidence import _history

TODAY = date(2025, 11, 10)
RULES = load_kb().load_rules


def test_no_history_gives_empty_evidence_and_report(engine: Engine) -> None:
    with engine.begin() as conn:
        assert training.training_evidence_from_store(
            conn, today=TODAY, settings=Settings(), rules=RULES
        ) == (TrainingEvidence())
        assert (
            training.load_report(conn, weeks=4, today=TODAY, settings=Settings(), rules=RULES).weeks
            == []
        )


def test_evidence_from_store_with_shoes(engine: Engine) -> None:
    with engine.begin() as conn:
        for run in _history():
            activities.add(conn, activity=replace(run.activity, gear="Pegasus 40"))
        shoe_service.sync_gear(conn, settings=Settings(shoe_limit_km=700))
        ev = training.training_evidence_from_store(
            conn, today=TODAY, settings=Settings(), rules=RULES
        )
    assert ev.answers["recent_changes"] == ["mileage_increase", "long_run_longer"]
    assert ev.answers["longest_run_minutes"] == 169
    # 18 runs: 3 * (19+8+8) / 3 ... = 35 + 35.9 + 32*3 + 44.1 = 211.0 km
    assert ev.answers["shoe_km"] == 211.0
    assert ev.lines["shoe_km"] == [
        "Pegasus 40: 211.0 km in total, the pair you ran in most in the last 28 days (12 runs)"
    ]


def test_report_uses_the_week_start_setting(engine: Engine) -> None:
    with engine.begin() as conn:
        for run in _history():
            activities.add(conn, activity=run.activity)
        report = training.load_report(
            conn, weeks=2, today=TODAY, settings=Settings(week_start="sunday"), rules=RULES
        )
    assert [w.week_start_date for w in report.weeks] == [date(2025, 11, 2), date(2025, 11, 9)]
    assert report.weeks[1].distance_m == 28_100
