"""A team deployment of its own per test module: a fresh team schema, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import POSTGRES_URL

pytest.importorskip("procrastinate", reason="team mode needs the `team` extra")
pytest.importorskip("argon2", reason="team mode needs the `team` extra")

from backstride.team.db import TeamDB  # noqa: E402
from backstride.team.jobs import Queue  # noqa: E402
from tests.present.web.test_browser import browser  # noqa: E402, F401 - the one Chromium fixture

PASSWORD = "correct horse battery staple"
ORIGIN = "http://127.0.0.1:8765"


def team_url() -> str:
    if not POSTGRES_URL:
        pytest.skip("BACKSTRIDE_TEST_POSTGRES_URL is unset: team mode runs on PostgreSQL only")
    schema = f"tm_{uuid.uuid4().hex[:10]}"
    return POSTGRES_URL + f"?options=-csearch_path%3D{schema}"


def drop_team(db: TeamDB) -> None:
    db.dispose()
    admin = TeamDB.open(db.url)
    with admin.engine.connect() as conn:
        schemas = list(
            conn.execute(
                text("SELECT nspname FROM pg_namespace WHERE nspname = :s OR nspname LIKE :r"),
                {"s": db.schema, "r": db.schema + "\\_r%"},
            ).scalars()
        )
    for name in schemas:  # one transaction each, or many runners exhaust the lock table
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture
def team_db() -> Iterator[TeamDB]:
    db = TeamDB.open(team_url())
    try:
        db.upgrade_team()
        Queue(db).apply_schema()
        yield db
    finally:
        drop_team(db)


def gpx(day: int, points: int = 120) -> bytes:
    """A short run on its own day, so every file is a distinct activity."""
    start = datetime(2024, 1, 1, 6, 0, tzinfo=UTC) + timedelta(days=day)
    rows = "\n".join(
        f'   <trkpt lat="{46 + i * 5e-5:.6f}" lon="{7 + (day % 50) * 1e-3:.6f}">'
        f"<ele>{500 + i % 7}</ele>"
        f"<time>{(start + timedelta(seconds=3 * i)):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for i in range(points)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f" <trk><name>Run {day}</name><type>running</type><trkseg>\n{rows}\n"
        " </trkseg></trk>\n</gpx>\n"
    ).encode()


def write_password(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n")
    return path
