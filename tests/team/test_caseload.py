"""The caseload's cached summaries follow the runner's store."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.models import DiaryEntry
from backstride.store import diary, shoes
from backstride.store.team.caseload import store_state as _state
from backstride.team.accounts import add_user
from backstride.team.caseload import SummaryCache
from backstride.team.db import TeamDB
from tests.team.conftest import PASSWORD

pytestmark = pytest.mark.postgres

TODAY = date(2026, 6, 1)


def test_summaries_follow_the_store(team_db: TeamDB) -> None:
    runner = add_user(team_db, email="s@example.org", role="runner", password=PASSWORD)
    schema = runner.runner_schema or ""
    engine = team_db.runner_engine(schema)
    cache = SummaryCache(kb=load_kb(), settings=Settings(), fresh_for_s=0)
    first = cache.get(schema, engine, today=TODAY)
    assert (first.pain_trend, first.level, first.escalations) == ("no entries", None, [])
    assert cache.get(schema, engine, today=TODAY) is first  # unchanged store: cached
    with engine.begin() as conn:
        for d in range(28):
            pain = 2 if d < 14 else 5  # worse in the last two weeks
            day = TODAY - timedelta(days=27 - d)
            diary.add(conn, entry=DiaryEntry(entry_date=day, kind="day", pain_during=pain))
    later = cache.get(schema, engine, today=TODAY)
    assert later.pain_trend == "worse" and later.pain_recent == 5.0
    assert any("pain up from 2.0 to 5.0" in e for e in later.escalations)
    # shoes change in place (retired): the state changes too
    with engine.begin() as conn:
        before = _state(conn)
        shoe = shoes.add(conn, name="A", limit_km=700, added_date=TODAY)
        added = _state(conn)
        shoes.retire(conn, shoe_id=shoe, retired_date=TODAY)
        retired = _state(conn)
    assert len({before, added, retired}) == 3
