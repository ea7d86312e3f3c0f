"""Import jobs on the real queue with real worker processes: killed mid-import, shared.

A worker is SIGKILLed while it imports; its heartbeat stops, another worker finds the
stalled job (procrastinate's worker heartbeats) and runs it again. Each file is stored in
one transaction and recognised by content hash, so the end state holds every activity
exactly once and none half-stored.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from backstride.store.schema import activities, source_files
from backstride.store.team.schema import jobs
from backstride.team.accounts import User, add_user
from backstride.team.db import TeamDB
from backstride.team.jobs import Queue
from tests.team.conftest import PASSWORD, gpx

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
STALLED_AFTER = 3.0


def _worker(db: TeamDB, tmp: Path, name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "BACKSTRIDE_DATA_DIR": str(tmp / name),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backstride",
            "--db",
            db.url,
            "worker",
            "--name",
            name,
            "--stalled-after",
            str(STALLED_AFTER),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp,
    )


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _count(db: TeamDB, runner: User) -> int:
    with db.runner_engine(runner.runner_schema or "").connect() as conn:
        return int(conn.execute(select(func.count()).select_from(activities)).scalar_one())


def _job(db: TeamDB, job_id: int) -> tuple[str, int, str | None]:
    with db.engine.connect() as conn:
        row = conn.execute(
            select(jobs.c.state, jobs.c.attempts, jobs.c.worker).where(jobs.c.id == job_id)
        ).one()
    return row.state, row.attempts, row.worker


def _wait(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_worker_killed_mid_import_leaves_no_partial_file_and_another_finishes(
    team_db: TeamDB, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    runner = add_user(team_db, email="kill@example.org", role="runner", password=PASSWORD)
    n_files = 400
    files = [(f"run{day:04d}.gpx", gpx(day, points=400)) for day in range(n_files)]
    queue = Queue(team_db)
    job_id = queue.submit_import(runner, files)
    queue.close()

    first = _worker(team_db, tmp_path, "first")
    workers.append(first)
    _wait(lambda: _count(team_db, runner) >= 40, 120, "the first worker to import 40 files")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    at_kill = _count(team_db, runner)
    assert at_kill < n_files, "the import finished before it could be killed"
    assert _job(team_db, job_id)[0] == "running"  # as the dead worker left it

    second = _worker(team_db, tmp_path, "second")
    workers.append(second)
    _wait(lambda: _job(team_db, job_id)[0] == "done", 240, "the second worker to finish")

    state, attempts, worker = _job(team_db, job_id)
    assert attempts == 2 and worker is not None and worker.startswith("second")
    engine = team_db.runner_engine(runner.runner_schema or "")
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(activities)).scalar_one()
        distinct = conn.execute(
            select(func.count(func.distinct(activities.c.started_at)))
        ).scalar_one()
        ledger = conn.execute(
            select(func.count())
            .select_from(source_files)
            .where(source_files.c.status == "imported")
        ).scalar_one()
        # every stored activity is whole: its ledger row and its track are there
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM activities a WHERE NOT EXISTS "
                "(SELECT 1 FROM source_files s WHERE s.content_hash = a.content_hash)"
            )
        ).scalar_one()
    assert (count, distinct, ledger, orphans) == (n_files, n_files, n_files, 0)
    report = queue.job(job_id, runner_id=runner.id).report or {}
    assert report["activities_total"] == n_files
    assert report["imported"] + len(report["duplicates"]) == n_files
    assert report["failed"] == [] and report.get("resumed") is True


def test_two_workers_share_the_queue(
    team_db: TeamDB, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    runners = [
        add_user(team_db, email=f"w{i}@example.org", role="runner", password=PASSWORD)
        for i in range(6)
    ]
    queue = Queue(team_db)
    ids = [
        queue.submit_import(r, [(f"r{d}.gpx", gpx(d + 100 * i)) for d in range(40)])
        for i, r in enumerate(runners)
    ]
    queue.close()
    workers += [_worker(team_db, tmp_path, "a"), _worker(team_db, tmp_path, "b")]

    def all_done() -> bool:
        return all(_job(team_db, j)[0] == "done" for j in ids)

    _wait(all_done, 240, "both workers to finish six jobs")
    names = {(_job(team_db, j)[2] or "")[0] for j in ids}
    assert names == {"a", "b"}, "each worker took some of the jobs"
    assert [_count(team_db, r) for r in runners] == [40] * 6
