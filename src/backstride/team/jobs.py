"""Heavy work as jobs on procrastinate: a PostgreSQL-backed queue, no extra server.

The web app writes a row in ``jobs`` (what the user sees: state, progress, report) and
the uploaded files in ``job_files`` (so a worker on another machine can read them), then
defers a procrastinate job naming that row. Any number of `backstride worker` processes,
on any machine that reaches the database, take jobs from the queue.

Crash safety:
- an import stores each file in one transaction of the runner's store and finds stored
  files again by content hash, so a worker killed mid-import leaves no half-imported file
  and the retry adds no duplicate;
- each worker beats a heartbeat (procrastinate's ``procrastinate_workers`` table) every
  `HEARTBEAT_S`; every worker also looks, every `RECOVER_EVERY_S`, for jobs still marked
  as running by a worker whose heartbeat is older than `STALLED_AFTER_S` (killed, machine
  gone, network cut) and puts them back on the queue; procrastinate's row lock lets only
  one worker take each job;
- a job that raised is retried up to `MAX_ATTEMPTS` times (procrastinate's RetryStrategy),
  then shown as failed with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import procrastinate
from sqlalchemy.engine import make_url

from backstride.config import Settings
from backstride.errors import BackstrideError, NotFound
from backstride.kb import KnowledgeBase, load_kb
from backstride.services.importing import import_paths
from backstride.services.report import ReportData, report_data
from backstride.store.team import jobs as rows
from backstride.store.team.engine import TeamDB
from backstride.store.team.jobs import JobView
from backstride.team.accounts import User

if TYPE_CHECKING:
    from backstride.video.pose import PoseEstimator

__all__ = ["MAX_ATTEMPTS", "QUEUE", "JobView", "Queue", "conninfo"]

log = logging.getLogger(__name__)

QUEUE = "backstride"
MAX_ATTEMPTS = 5
HEARTBEAT_S = 5.0
STALLED_AFTER_S = 20.0
RECOVER_EVERY_S = 5.0
#: The largest upload one job takes (the web server's own request limit is lower).
MAX_JOB_BYTES = 512 * 1024 * 1024
PROGRESS_EVERY_S = 1.0


def conninfo(url: str) -> str:
    """The libpq URL for procrastinate (no SQLAlchemy driver, no search_path option)."""
    parsed = make_url(url).set(drivername="postgresql", query={})
    return parsed.render_as_string(hide_password=False)


class Queue:
    """The procrastinate app of one team database, with the tasks the workers run."""

    def __init__(
        self,
        db: TeamDB,
        *,
        data_dir: Path | None = None,
        heartbeat_s: float = HEARTBEAT_S,
        stalled_after_s: float = STALLED_AFTER_S,
        pdf_renderer: Callable[[ReportData], bytes] | None = None,
        settings: Settings | None = None,
        estimator_factory: Callable[[], PoseEstimator] | None = None,
    ) -> None:
        self.db = db
        self.pdf_renderer = pdf_renderer
        # None: the real pose model; tests replay recorded keypoints instead
        self.estimator_factory = estimator_factory
        self.settings = settings or Settings()
        self._kb: KnowledgeBase | None = None
        self.heartbeat_s = heartbeat_s
        self.stalled_after_s = stalled_after_s
        self.data_dir = data_dir or Path(tempfile.gettempdir()) / "backstride-team"
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(
                conninfo=conninfo(db.url),
                kwargs={"options": f"-c search_path={db.schema}"},
            )
        )
        retry = procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=1)
        self._tasks = {
            kind: self.app.task(
                name=f"backstride.{kind}", queue=QUEUE, pass_context=True, retry=retry
            )(run)
            for kind, run in (
                ("import", self._run_import),
                ("report", self._run_report),
                ("form", self._run_form),
            )
        }
        self._opened = False
        self._open_lock = threading.Lock()

    # -- the queue's own schema ----------------------------------------------------------

    def apply_schema(self) -> bool:
        """Create procrastinate's tables in the team schema unless there; True if created."""
        with self.db.engine.connect() as conn:
            present = rows.queue_installed(conn, self.db.schema)
        if present:
            return False
        with self.app.open():
            self.app.schema_manager.apply_schema()
        return True

    # -- the web side: queue a job, read it back ---------------------------------------

    def open(self) -> None:
        with self._open_lock:  # request threads may queue their first jobs together
            if not self._opened:
                self.app.open()
                self._opened = True

    def close(self) -> None:
        with self._open_lock:
            if self._opened:
                self.app.close()
                self._opened = False

    def submit_import(self, runner: User, files: list[tuple[str, bytes]]) -> int:
        """Store the uploads and queue their import; the team job's id."""
        progress = {
            "bytes_done": 0,
            "bytes_total": sum(len(data) for _, data in files),
            "files_total": len(files),
        }
        return self._submit("import", runner.id, runner.id, files, progress)

    def submit_report(self, runner: User, *, requested_by: User) -> int:
        """Queue a PDF report of `runner`'s data for `requested_by` (the runner or a viewer)."""
        return self._submit("report", runner.id, requested_by.id, [], {})

    def submit_form_check(self, runner: User, name: str, data: bytes, view: str) -> int:
        """Queue the form check of one uploaded clip, saved to the runner's store."""
        return self._submit("form", runner.id, runner.id, [(name, data)], {"view": view})

    def _submit(
        self,
        kind: str,
        runner_id: int,
        requested_by: int,
        files: list[tuple[str, bytes]],
        progress: dict[str, Any],
    ) -> int:
        with self.db.engine.begin() as conn:
            job_id = rows.add(
                conn,
                kind=kind,
                runner_id=runner_id,
                requested_by=requested_by,
                files=files,
                progress=progress,
                created_at=datetime.now(UTC),
            )
        self.open()
        queue_id = self._tasks[kind].defer(team_job_id=job_id)
        with self.db.engine.begin() as conn:
            rows.set_queue_job_id(conn, job_id, queue_id)
        return job_id

    def recent(
        self,
        *,
        runner_id: int,
        limit: int = 5,
        kind: str | None = None,
        requested_by: int | None = None,
    ) -> list[JobView]:
        """The runner's latest jobs, newest first (their page shows progress and failures);
        only those of one `kind` or asked for by `requested_by` when given."""
        with self.db.engine.connect() as conn:
            return rows.recent(
                conn, runner_id=runner_id, limit=limit, kind=kind, requested_by=requested_by
            )

    def output(self, job_id: int) -> tuple[str, bytes] | None:
        """A finished job's file (the PDF of a report job), by name."""
        with self.db.engine.connect() as conn:
            return rows.output(conn, job_id)

    def job(self, job_id: int, *, runner_id: int) -> JobView:
        """A job about `runner_id` or asked for by them; NotFound for anyone else's, as
        for a missing one (the API checks a viewer's share is still there)."""
        with self.db.engine.connect() as conn:
            return rows.get(conn, job_id, runner_id=runner_id)

    # -- the worker side ---------------------------------------------------------------

    def _run_import(self, context: procrastinate.JobContext, team_job_id: int) -> None:
        self._run(context, team_job_id, self._import_files)

    def _run_report(self, context: procrastinate.JobContext, team_job_id: int) -> None:
        self._run(context, team_job_id, self._report)

    def _run_form(self, context: procrastinate.JobContext, team_job_id: int) -> None:
        self._run(context, team_job_id, self._form_check)

    def _run(
        self,
        context: procrastinate.JobContext,
        team_job_id: int,
        work: Callable[[int, str, bool], dict[str, Any]],
    ) -> None:
        """Mark the job running, do `work`, record the outcome.

        A BackstrideError (no self-check to report on, not a video) fails the job at once:
        trying again would fail the same way. Anything else is retried by procrastinate
        until the last attempt, then shown as failed.
        """
        attempt = (context.job.attempts if context.job else 0) + 1
        with self.db.engine.begin() as conn:
            runner_schema = rows.start(
                conn,
                team_job_id,
                attempt=attempt,
                worker=f"{context.worker_name}:{os.getpid()}",
                at=datetime.now(UTC),
            )
            if runner_schema is None:  # the runner was deleted meanwhile: nothing to do
                return
        try:
            report = work(team_job_id, runner_schema, attempt > 1)
        except Exception as exc:
            final = attempt >= MAX_ATTEMPTS or isinstance(exc, BackstrideError)
            message = (
                str(exc) if isinstance(exc, BackstrideError) else f"{type(exc).__name__}: {exc}"
            )
            with self.db.engine.begin() as conn:
                rows.fail(conn, team_job_id, final=final, error=message[:500], at=datetime.now(UTC))
            if isinstance(exc, BackstrideError):
                log.info("job %s failed: %s", team_job_id, exc)
                return
            raise
        with self.db.engine.begin() as conn:
            rows.finish(conn, team_job_id, report=report, at=datetime.now(UTC))

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            self._kb = load_kb()
        return self._kb

    def _report(self, team_job_id: int, schema: str, _resumed: bool) -> dict[str, Any]:
        if self.pdf_renderer is None:
            raise RuntimeError("this worker cannot write PDFs: install the `report` extra")
        engine = self.db.runner_engine(schema)
        with engine.connect() as conn:
            try:
                data = report_data(conn, kb=self.kb, today=date.today(), settings=self.settings)
            except NotFound as exc:
                raise NotFound(f"nothing to report yet: {exc}") from exc
        pdf = self.pdf_renderer(data)
        name = "backstride-report.pdf"
        with self.db.engine.begin() as conn:
            rows.set_output(conn, team_job_id, name=name, data=pdf)
        return {"file": name, "bytes": len(pdf)}

    def _form_check(self, team_job_id: int, schema: str, _resumed: bool) -> dict[str, Any]:
        from backstride.services.form import analyse_video, save_form_evidence

        with self.db.engine.connect() as conn:
            view = rows.progress(conn, team_job_id)["view"]
            name, data = rows.one_file(conn, team_job_id)
        estimator = self.estimator_factory() if self.estimator_factory else None
        with tempfile.TemporaryDirectory(prefix="backstride-form-") as folder:
            path = _write(Path(folder), 0, name, data)
            report = analyse_video(
                path,
                view,
                None,
                estimator=estimator,
                kb=self.kb,
                annotate=False,
                progress=self._frames_progress(team_job_id, view),
            )
        engine = self.db.runner_engine(schema)
        with engine.begin() as conn:
            saved = save_form_evidence(conn, report, source="team", clip_name=name)
        return {"saved_id": saved, **report.to_json()}

    def _frames_progress(self, team_job_id: int, view: str) -> Callable[[str, int, int], None]:
        """Write the frames the pose model has read, at most every `PROGRESS_EVERY_S`
        (the pipeline calls this after every frame, from its worker threads)."""
        last = [0.0]
        lock = threading.Lock()

        def progress(_stage: str, done: int, of: int) -> None:
            with lock:
                now = time.monotonic()
                if now - last[0] < PROGRESS_EVERY_S and done < of:
                    return
                last[0] = now
            with self.db.engine.begin() as conn:
                rows.set_progress(
                    conn, team_job_id, {"view": view, "frames_done": done, "frames_total": of}
                )

        return progress

    def _import_files(self, team_job_id: int, schema: str, resumed: bool) -> dict[str, Any]:
        """Import the job's files in one run over the runner's store (a transaction per
        file); progress is written at most every `PROGRESS_EVERY_S`."""
        engine = self.db.runner_engine(schema)
        with self.db.engine.connect() as conn:
            files = rows.files(conn, team_job_id)
        total = len(files)
        last = [0.0]

        def progress(_name: str, done: int, of: int) -> None:
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY_S and done < of:
                return
            last[0] = now
            with self.db.engine.begin() as conn:
                rows.set_progress(
                    conn, team_job_id, {"bytes_done": done, "bytes_total": of, "files_total": total}
                )

        with tempfile.TemporaryDirectory(prefix="backstride-job-") as folder:
            paths = _write_uploads(Path(folder), files)
            # Parsed in this process, not by a pool per job: each pool process spawned
            # for a job spent longer importing the readers than parsing its share of
            # the files, and the workers themselves are how team mode uses more cores
            # (start one per core). The copies are this job's own: not remembered by path.
            report = import_paths(
                engine,
                paths,
                data_dir=self.data_dir / schema,
                progress=progress,
                workers=1,
                remember_paths=False,
            ).to_dict()
        if resumed:
            # Files stored before a worker died are listed as duplicates of themselves.
            report["resumed"] = True
        return report

    async def recover_stalled(self) -> int:
        """Put back on the queue the jobs of workers whose heartbeat stopped."""
        recovered = 0
        stalled = await self.app.job_manager.get_stalled_jobs(
            seconds_since_heartbeat=self.stalled_after_s
        )
        for job in stalled:
            try:
                await self.app.job_manager.retry_job(job)
                recovered += 1
                log.warning("job %s of a stalled worker put back on the queue", job.id)
            except Exception as exc:  # noqa: BLE001 - another worker retried it first
                log.info("job %s not retried here: %s", job.id, exc)
        return recovered

    def run_worker(self, *, concurrency: int = 1, name: str | None = None) -> None:
        """Run jobs until SIGINT/SIGTERM, recovering stalled jobs meanwhile."""

        async def main() -> None:
            async with self.app.open_async():
                recovery = asyncio.create_task(self._recover_forever())
                try:
                    await self.app.run_worker_async(
                        queues=[QUEUE],
                        concurrency=concurrency,
                        name=name or f"backstride-{os.getpid()}",
                        update_heartbeat_interval=self.heartbeat_s,
                        stalled_worker_timeout=self.stalled_after_s,
                        delete_jobs="successful",
                    )
                finally:
                    recovery.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await recovery

        asyncio.run(main())

    async def _recover_forever(self) -> None:
        while True:
            try:
                await self.recover_stalled()
            except Exception as exc:  # noqa: BLE001 - keep the worker running
                log.warning("stalled-job check failed: %s", exc)
            await asyncio.sleep(min(RECOVER_EVERY_S, self.stalled_after_s / 2))


def _write(folder: Path, index: int, name: str, data: bytes) -> Path:
    """The upload under the name the runner gave it, in a folder of its own (names may repeat)."""
    path = folder / str(index) / (Path(name).name or "upload")
    path.parent.mkdir()
    path.write_bytes(data)
    return path


def _write_uploads(folder: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """The uploads under the names the runner gave them, in one folder; a repeated name
    in a numbered folder of its own beside it (where no upload's name can clash with it).
    A folder for every file cost a mkdir per file, as much as writing the file."""
    together = folder / "uploads"
    together.mkdir()
    paths = []
    for index, (name, data) in enumerate(files):
        path = together / (Path(name).name or "upload")
        try:
            with path.open("xb") as handle:
                handle.write(data)
        except FileExistsError:
            path = _write(folder, index, name, data)
        paths.append(path)
    return paths
