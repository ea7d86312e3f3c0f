"""The caseload's cached summaries follow the runner's store, through its change counter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.models import DiaryEntry
from backstride.present.web.team import create_team_app
from backstride.services.care import leave_note
from backstride.services.importing import import_paths
from backstride.store import diary, shoes
from backstride.store.schema import metadata as store_metadata
from backstride.store.team import versions
from backstride.team import sharing
from backstride.team.accounts import User, add_user, by_email
from backstride.team.caseload import RunnerCache
from backstride.team.db import TeamDB
from tests.team.conftest import ORIGIN, PASSWORD, gpx

pytestmark = pytest.mark.postgres

TODAY = date(2026, 6, 1)


def _version(db: TeamDB, runner: User) -> int:
    with db.engine.connect() as conn:
        found = sharing.runners_of(conn, _viewer(db))
    return next(s.store_version for s in found if s.user.id == runner.id)


def _viewer(db: TeamDB) -> User:
    with db.engine.connect() as conn:
        viewer = by_email(conn, "physio@example.org")
    assert viewer is not None
    return viewer


@pytest.fixture
def shared(team_db: TeamDB) -> Iterator[tuple[TeamDB, User]]:
    runner = add_user(team_db, email="s@example.org", role="runner", password=PASSWORD)
    add_user(team_db, email="physio@example.org", role="physio", password=PASSWORD)
    sharing.share(team_db, runner, with_email="physio@example.org")
    yield team_db, runner


def test_every_table_of_a_runner_store_carries_the_version_trigger(
    shared: tuple[TeamDB, User],
) -> None:
    db, runner = shared
    with db.runner_engine(runner.runner_schema or "").connect() as conn:
        triggered = set(
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND t.tgname = :name"
                ),
                {"name": versions.TRIGGER},
            ).scalars()
        )
    assert set(store_metadata.tables) <= triggered


def test_every_committed_write_bumps_the_version_and_a_rolled_back_one_does_not(
    shared: tuple[TeamDB, User], tmp_path: Path
) -> None:
    db, runner = shared
    engine = db.runner_engine(runner.runner_schema or "")
    seen = [_version(db, runner)]
    with engine.begin() as conn:
        diary.add(conn, entry=DiaryEntry(entry_date=TODAY, kind="day", pain_during=3))
    seen.append(_version(db, runner))
    with engine.begin() as conn:
        shoe = shoes.add(conn, name="A", limit_km=700, added_date=TODAY)
    seen.append(_version(db, runner))
    with engine.begin() as conn:  # shoes change in place: an UPDATE counts too
        shoes.retire(conn, shoe_id=shoe, retired_date=TODAY)
    seen.append(_version(db, runner))
    path = tmp_path / "run.gpx"
    path.write_bytes(gpx(3))
    assert import_paths(engine, [path], data_dir=tmp_path / "data").imported == 1
    seen.append(_version(db, runner))
    assert seen == sorted(set(seen)), seen  # strictly rising
    with pytest.raises(RuntimeError), engine.begin() as conn:
        diary.add(
            conn, entry=DiaryEntry(entry_date=TODAY - timedelta(days=1), kind="day", pain_during=9)
        )
        raise RuntimeError("rolled back")
    assert _version(db, runner) == seen[-1]


def test_summaries_are_cached_under_the_version_and_recomputed_when_it_moves(
    shared: tuple[TeamDB, User],
) -> None:
    db, runner = shared
    schema = runner.runner_schema or ""
    engine = db.runner_engine(schema)
    cache = RunnerCache(kb=load_kb(), settings=Settings())
    version = _version(db, runner)
    first = cache.summary(schema, engine, today=TODAY, version=version)
    assert (first.pain_trend, first.level, first.escalations) == ("no entries", None, [])
    assert cache.summary(schema, engine, today=TODAY, version=version) is first
    with engine.begin() as conn:
        for d in range(28):
            pain = 2 if d < 14 else 5  # worse in the last two weeks
            day = TODAY - timedelta(days=27 - d)
            diary.add(conn, entry=DiaryEntry(entry_date=day, kind="day", pain_during=pain))
    # the same version (as a request that read it before the write) keeps the cached one
    assert cache.summary(schema, engine, today=TODAY, version=version) is first
    later = cache.summary(schema, engine, today=TODAY, version=_version(db, runner))
    assert later.pain_trend == "worse" and later.pain_recent == 5.0
    assert any("pain up from 2.0 to 5.0" in e for e in later.escalations)
    # a new day is a new summary, even with nothing written
    next_day = cache.summary(schema, engine, today=TODAY + timedelta(days=1), version=version)
    assert next_day is not later


def _weekly_km(page: str) -> str:
    """The caseload's "weekly km (last 4)" cell of its one runner."""
    return page.split('<td data-label="Weekly km (last 4)">')[1].split("</td>")[0].strip()


def test_a_diary_entry_or_import_shows_on_the_caseload_at_the_next_load(
    shared: tuple[TeamDB, User], tmp_path: Path
) -> None:
    db, runner = shared
    engine = db.runner_engine(runner.runner_schema or "")
    day = date(2024, 1, 1) + timedelta(days=40)  # the day of gpx(40)
    app = create_team_app(db, Settings(data_dir=tmp_path / "server"), today=day)
    with TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN}) as client:
        login = {"email": "physio@example.org", "password": PASSWORD}
        assert client.post("/login", data=login, follow_redirects=False).status_code == 303
        page = client.get("/caseload").text
        assert "no entries" in page and _weekly_km(page) == ""
        with engine.begin() as conn:  # as the runner's API or a worker would
            diary.add(conn, entry=DiaryEntry(entry_date=day, kind="day", pain_during=7))
        assert "new (7.0/10)" in client.get("/caseload").text
        path = tmp_path / "run.gpx"
        # 2,000 points 5e-5 degrees of latitude apart: 1,999 x 5.56 m = 11.1 km on `day`
        path.write_bytes(gpx(40, points=2000))
        assert import_paths(engine, [path], data_dir=tmp_path / "data").imported == 1
        assert _weekly_km(client.get("/caseload").text).endswith("11.1")
        runner_page = client.get(f"/runners/{runner.id}").text
    guard_row = f'<td data-label="Date">{day}</td><td data-label="km">11.1</td>'
    assert guard_row in runner_page  # the 30-day guard


def test_care_is_cached_under_the_version_and_a_new_note_moves_it(
    shared: tuple[TeamDB, User],
) -> None:
    db, runner = shared
    schema = runner.runner_schema or ""
    engine = db.runner_engine(schema)
    cache = RunnerCache(kb=load_kb(), settings=Settings())
    before = cache.care(schema, engine, version=_version(db, runner))
    assert (before.notes, before.prescribed) == ([], [])
    leave_note(engine, author="physio@example.org", author_role="physio", body="easy week")
    after = cache.care(schema, engine, version=_version(db, runner))
    assert [n.body for n in after.notes] == ["easy week"]
