"""Job bookkeeping as the team schema keeps it: the `jobs` rows users see and the
uploads in `job_files` a worker reads. Only SQL: the queue itself is `team.jobs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from backstride.errors import NotFound
from backstride.store.team.schema import job_files, jobs


@dataclass(frozen=True)
class JobView:
    id: int
    runner_id: int
    requested_by: int | None
    kind: str
    state: str
    progress: dict[str, Any]
    report: dict[str, Any] | None
    error: str | None
    attempts: int
    created_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "progress": self.progress,
            "report": self.report or {},
            "attempts": self.attempts,
        }
        if self.error:
            out["error"] = self.error
        return out


#: Everything a view shows: not the PDF, which only the download reads.
_VIEW_COLUMNS = [c for c in jobs.c if c.name != "output"]


def queue_installed(conn: Connection, schema: str) -> bool:
    """Whether procrastinate's tables are in `schema`."""
    present = conn.exec_driver_sql(
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_schema = %s AND table_name = 'procrastinate_jobs'",
        (schema,),
    ).first()
    return present is not None


def add(
    conn: Connection,
    *,
    kind: str,
    runner_id: int,
    requested_by: int,
    files: list[tuple[str, bytes]],
    progress: dict[str, Any],
    created_at: datetime,
) -> int:
    """A queued job's row and its uploads; the job's id."""
    job_id = int(
        conn.execute(
            insert(jobs).values(
                runner_id=runner_id,
                requested_by=requested_by,
                kind=kind,
                state="queued",
                progress=progress,
                created_at=created_at,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    for name, data in files:
        conn.execute(insert(job_files).values(job_id=job_id, name=name, data=data))
    return job_id


def set_queue_job_id(conn: Connection, job_id: int, queue_job_id: int) -> None:
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(queue_job_id=queue_job_id))


def recent(
    conn: Connection,
    *,
    runner_id: int,
    limit: int,
    kind: str | None = None,
    requested_by: int | None = None,
) -> list[JobView]:
    """The runner's latest jobs, newest first: of one `kind`, or asked for by one user."""
    query = select(*_VIEW_COLUMNS).where(jobs.c.runner_id == runner_id)
    if kind is not None:
        query = query.where(jobs.c.kind == kind)
    if requested_by is not None:
        query = query.where(jobs.c.requested_by == requested_by)
    return [_view(r) for r in conn.execute(query.order_by(jobs.c.id.desc()).limit(limit))]


def output(conn: Connection, job_id: int) -> tuple[str, bytes] | None:
    """A job's file by name, None when it has none (yet)."""
    row = conn.execute(select(jobs.c.output_name, jobs.c.output).where(jobs.c.id == job_id)).first()
    if row is None or row.output is None:
        return None
    return row.output_name, bytes(row.output)


def get(conn: Connection, job_id: int, *, runner_id: int) -> JobView:
    """A job about `runner_id` or asked for by them; NotFound for anyone else's."""
    row = conn.execute(
        select(*_VIEW_COLUMNS).where(
            jobs.c.id == job_id,
            (jobs.c.runner_id == runner_id) | (jobs.c.requested_by == runner_id),
        )
    ).first()
    if row is None:
        raise NotFound(f"no job {job_id}")
    return _view(row)


def _view(row: Row[Any]) -> JobView:
    return JobView(
        row.id,
        row.runner_id,
        row.requested_by,
        row.kind,
        row.state,
        dict(row.progress or {}),
        row.report,
        row.error,
        row.attempts,
        row.created_at,
    )


def start(conn: Connection, job_id: int, *, attempt: int, worker: str, at: datetime) -> str | None:
    """Mark the job running; its runner's store schema, None when the job is gone."""
    row = conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(state="running", attempts=attempt, started_at=at, worker=worker)
        .returning(jobs.c.runner_id)
    ).first()
    if row is None:
        return None
    schema: str = conn.exec_driver_sql(
        "SELECT runner_schema FROM users WHERE id = %s", (row.runner_id,)
    ).scalar_one()
    return schema


def fail(conn: Connection, job_id: int, *, final: bool, error: str, at: datetime) -> None:
    """Record a failed attempt: failed for good when `final`, else queued again."""
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(
            state="failed" if final else "queued",
            error=error,
            finished_at=at if final else None,
        )
    )


def finish(conn: Connection, job_id: int, *, report: dict[str, Any], at: datetime) -> None:
    """Mark the job done with its report and empty its uploads."""
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(state="done", report=report, error=None, finished_at=at)
    )
    conn.execute(update(job_files).where(job_files.c.job_id == job_id).values(data=b""))


def set_output(conn: Connection, job_id: int, *, name: str, data: bytes) -> None:
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(output_name=name, output=data))


def set_progress(conn: Connection, job_id: int, progress: dict[str, Any]) -> None:
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(progress=progress))


def progress(conn: Connection, job_id: int) -> dict[str, Any]:
    found: dict[str, Any] = conn.execute(
        select(jobs.c.progress).where(jobs.c.id == job_id)
    ).scalar_one()
    return found


def files(conn: Connection, job_id: int) -> list[tuple[str, bytes]]:
    """The job's uploads (name, content), in upload order."""
    rows = conn.execute(
        select(job_files.c.name, job_files.c.data)
        .where(job_files.c.job_id == job_id)
        .order_by(job_files.c.id)
    ).all()
    return [(r.name, r.data) for r in rows]


def one_file(conn: Connection, job_id: int) -> tuple[str, bytes]:
    """The job's only upload (a form check's clip); fails unless there is exactly one."""
    row = conn.execute(
        select(job_files.c.name, job_files.c.data).where(job_files.c.job_id == job_id)
    ).one()
    return row.name, row.data
