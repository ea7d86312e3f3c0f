"""A real `backstride import` process killed (SIGKILL) mid-run, several times over.

The in-process crash test in test_importing.py raises inside one statement; this one
kills the whole process wherever it happens to be (between statements, mid-commit,
writing an original), which is what a runner's closed laptop lid or OOM killer does.
It runs on the embedded SQLite store and on PostgreSQL: the same code, the same promise.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from backstride import store
from tests.conftest import postgres_schema

N_FILES = 1500
#: Activity counts at which each run is killed; the last run completes.
KILL_AT = (40, 400, 900)


def _gpx(day: int) -> bytes:
    """A 10-minute run on its own day, so that every file is a distinct activity."""
    start = datetime(2015, 1, 1, 6, 0, tzinfo=UTC) + timedelta(days=day)
    points = "\n".join(
        f'   <trkpt lat="{46 + i * 5e-5:.6f}" lon="{7 + (day % 50) * 1e-3:.6f}">'
        f"<ele>{500 + i % 7}</ele>"
        f"<time>{(start + timedelta(seconds=2 * i)):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for i in range(300)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f" <trk><name>Run {day}</name><type>running</type><trkseg>\n{points}\n"
        " </trkseg></trk>\n</gpx>\n"
    ).encode()


def _reader(url: str) -> Engine:
    """The test's own look at the store: read-only on SQLite, so that it never creates
    the file or sets its journal mode before the import does, as a runner's first run."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return store.engine.create(url)
    return create_engine(f"sqlite:///file:{parsed.database}?mode=ro&uri=true")


def _count(db: Engine) -> int:
    try:
        with db.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM activities")).scalar_one())
    except DBAPIError:  # not created yet, or the schema not migrated yet
        return 0


def _import(folder: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "backstride", "import", "--json", "--quiet", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _kill_when(process: subprocess.Popen[bytes], db: Engine, stored: int) -> int:
    """SIGKILL the import once `stored` activities are in; the count at that moment."""
    deadline = time.monotonic() + 120
    while _count(db) < stored:
        assert process.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return _count(db)


def _consistent(db: Engine, files_dir: Path) -> None:
    """What a killed import must leave: an intact database, every stored session with
    its ledger row and original, every remembered path with its content settled."""
    with db.connect() as conn:
        if db.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        stored = set(conn.execute(text("SELECT content_hash FROM activities")).scalars())
        ledgered = set(
            conn.execute(
                text("SELECT content_hash FROM source_files WHERE status = 'imported'")
            ).scalars()
        )
        assert stored == ledgered
        seen = set(conn.execute(text("SELECT content_hash FROM seen_paths")).scalars())
        assert None not in seen and seen <= ledgered  # plain files: each row has its hash
        originals = list(
            conn.execute(
                text(
                    "SELECT content_hash, stored_path FROM source_files "
                    "WHERE status IN ('imported', 'duplicate')"
                )
            )
        )
        in_database = set(conn.execute(text("SELECT content_hash FROM original_files")).scalars())
        twice = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT content_hash, session_index FROM activities "
                "GROUP BY content_hash, session_index HAVING count(*) > 1) AS repeated"
            )
        ).scalar_one()
    assert twice == 0
    for digest, stored_path in originals:  # written and renamed before its row commits
        # Named relative to the store's folder (SQLite), or kept in the database.
        assert stored_path is not None and stored_path.startswith("originals/")
        if db.dialect.name == "sqlite":
            assert (files_dir / stored_path).is_file()
        else:
            assert digest in in_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The embedded default, and PostgreSQL in a schema of its own (same code)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    with postgres_schema() as url:
        yield url


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_an_import_killed_three_times_leaves_a_consistent_store_and_completes(
    tmp_path: Path, store_url: str
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for day in range(N_FILES):
        (folder / f"{day:05d}.gpx").write_bytes(_gpx(day))
    data_dir = tmp_path / "data"
    files_dir = tmp_path / "store.files"  # beside store.db (SQLite)
    env = {**os.environ, "BACKSTRIDE_DB": store_url, "BACKSTRIDE_DATA_DIR": str(data_dir)}
    db = _reader(store_url)
    try:
        counts = []
        for stored in KILL_AT:
            counts.append(_kill_when(_import(folder, env), db, stored))
            _consistent(db, files_dir)
        assert counts == sorted(counts) and counts[-1] < N_FILES  # each run went on
        out, err = _import(folder, env).communicate(timeout=300)
        report = json.loads(out)
        assert report["failed"] == [], err
        assert report["activities_total"] == N_FILES
        assert report["imported"] == N_FILES - counts[-1]
        _consistent(db, files_dir)
        again = json.loads(_import(folder, env).communicate(timeout=300)[0])
        assert again["imported"] == 0 and again["activities_total"] == N_FILES
    finally:
        db.dispose()
