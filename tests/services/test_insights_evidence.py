"""Credible personal findings reach the self-check's cause lines ("from your training")."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.services.selfcheck import training_evidence
from backstride.store import activities, diary
from tests.analyse.test_personal import _bench


@pytest.mark.slow
def test_credible_finding_is_an_evidence_line(engine: Engine) -> None:
    runs, entries, *_ = _bench().synthetic_runner(10_001, effect=3.0)
    with engine.begin() as conn:
        for r in runs:
            activities.add(conn, activity=r.activity)
        for e in entries:
            diary.add(conn, entry=e)
    kb = load_kb()
    found, problems = training_evidence(
        engine, today=date(2025, 11, 1), settings=Settings(), rules=kb.load_rules
    )
    assert problems == [] and found is not None
    lines = found.lines["recent_changes"]
    assert any(
        "points higher the day after a run more than 10% over your 30-day longest; 6 such days" in x
        and "not proof of cause" in x
        for x in lines
    ), lines
