"""The plan, diary and escalation use cases on PostgreSQL (the multi-user store)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine

from backstride.assess import assess
from backstride.kb import load_kb
from backstride.models import DiaryEntry
from backstride.services.diary import add_entry
from backstride.services.plan import plan_view
from backstride.store import checks
from tests.plan.conftest import GLUTES, SAFE


def _flow(engine: Engine) -> None:
    kb = load_kb()
    answers = {**SAFE, **GLUTES}
    result = assess(answers, kb).to_json()
    with engine.begin() as conn:
        checks.add(
            conn, answers=answers, result=result, kb_version=kb.version, triage_level="self_care"
        )
    start = date.today()
    later = start + timedelta(days=15)
    with engine.begin() as conn:
        for i in range(0, 16, 2):
            entry = DiaryEntry(start + timedelta(days=i), "day", pain_during=5)
            add_entry(conn, entry=entry, kb=kb, today=later)
        view = plan_view(conn, kb=kb, today=later)
    assert view.escalated and view.plan.level == "see_clinician"
    with engine.begin() as conn:
        again = plan_view(conn, kb=kb, today=later)  # the note is saved once, not twice
        saved = checks.latest(conn)
    assert again.escalated and saved is not None
    assert saved.notes == [view.plan.advice[0]]


def test_plan_flow(any_engine: Engine) -> None:
    _flow(any_engine)
