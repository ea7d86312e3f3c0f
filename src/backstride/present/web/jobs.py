"""Background imports: uploaded files go to a private folder under the data dir, a thread runs
`services.importing.import_paths` on them, and pages poll the job's progress."""

from __future__ import annotations

import logging
import re
import shutil
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import HTTPException
from sqlalchemy import Engine
from starlette.datastructures import UploadFile

from backstride.files import write_error
from backstride.services.importing import import_paths

log = logging.getLogger(__name__)

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")

#: Finished imports whose status pages stay available; older ones are forgotten (a
#: running import never is), so a long-lived server keeps no more than this many reports.
KEEP_FINISHED = 20


def safe_base(filename: str) -> str:
    """A file name with no folders and no leading dots, in safe characters.

    A folder upload sends names like ``export/activities/1.fit``; only the last part is
    kept, so no request-given path ever reaches the filesystem.
    """
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return (_SAFE.sub("_", base).lstrip(".") or "upload")[:120]


async def copy_upload(
    upload: UploadFile, target: Path, *, shown: str, written: int, limit: int
) -> int:
    """Copy one uploaded file to `target`, counting against the upload's byte `limit`.

    Returns the bytes written so far across the upload. Past the limit it is a 413; a full
    or read-only disk is one WriteError (507) naming the file as the runner called it.
    """
    try:
        with target.open("wb") as out:
            while chunk := await upload.read(2**20):
                written += len(chunk)
                if written > limit:
                    raise HTTPException(413, "upload too large")
                out.write(chunk)
    except OSError as exc:
        raise write_error(Path(shown), exc) from exc
    return written


def safe_name(filename: str, index: int) -> str:
    """`safe_base` with a numbered prefix, so files of one upload never collide."""
    return f"{index:05d}_{safe_base(filename)}"


def new_upload_dir(data_dir: Path) -> tuple[str, Path]:
    """A fresh job id and its private upload folder, ``data_dir/uploads/<id>/``."""
    job_id = uuid.uuid4().hex
    folder = data_dir / "uploads" / job_id
    folder.mkdir(parents=True, exist_ok=False)
    return job_id, folder


@dataclass
class ImportJob:
    """One import's progress as the page shows it."""

    id: str
    files: int
    state: str = "running"  # running | done | failed
    current: str = ""
    done_bytes: int = 0
    total_bytes: int = 0
    report: dict[str, Any] | None = None
    error: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # stored name -> uploaded name

    @property
    def percent(self) -> int:
        if self.state != "running":
            return 100
        return int(100 * self.done_bytes / self.total_bytes) if self.total_bytes else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "percent": self.percent,
            "current": self.current,
            "files": self.files,
            "report": self.report,
            "error": self.error,
        }


class ImportJobs:
    """Runs one thread per import; a store write lock keeps SQLite to one writer at a time.

    Each import is kept until `KEEP_FINISHED` newer ones have finished after it.
    """

    def __init__(self, engine: Engine, data_dir: Path, on_done: Callable[[], Any]) -> None:
        self._engine = engine
        self._data_dir = data_dir
        self._on_done = on_done
        self._jobs: dict[str, ImportJob] = {}
        self._finished: deque[str] = deque()  # ids, the oldest finished first
        self._lock = threading.Lock()  # guards both, which request and job threads change
        self._writer = threading.Lock()

    def new_upload_dir(self) -> tuple[str, Path]:
        return new_upload_dir(self._data_dir)

    def get(self, job_id: str) -> ImportJob | None:
        return self._jobs.get(job_id)

    def start(self, job_id: str, folder: Path, names: dict[str, str]) -> ImportJob:
        job = ImportJob(job_id, files=len(names), names=names)
        with self._lock:
            self._jobs[job_id] = job
        thread = threading.Thread(
            target=self._run, args=(job, folder), name=f"import-{job_id[:8]}", daemon=True
        )
        thread.start()
        return job

    def _run(self, job: ImportJob, folder: Path) -> None:
        def progress(name: str, done: int, total: int) -> None:
            job.current = job.names.get(Path(name).name, Path(name).name)
            job.done_bytes, job.total_bytes = done, total

        try:
            with self._writer:
                report = import_paths(
                    self._engine, [folder], data_dir=self._data_dir, progress=progress
                )
            job.report = _readable(report.to_dict(), folder, job.names)
            state = "done"
        except Exception as exc:  # shown on the page; the server keeps running
            log.exception("import %s failed", job.id)
            job.error, state = str(exc), "failed"
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # originals are kept by the import
            # The refresh starts before the job says done, so the page that follows
            # finds it running and is served at once with an "updating" notice.
            self._on_done()
        job.state = state
        self._forget_old(job.id)

    def _forget_old(self, finished_id: str) -> None:
        with self._lock:
            self._finished.append(finished_id)
            while len(self._finished) > KEEP_FINISHED:
                self._jobs.pop(self._finished.popleft(), None)


def _readable(report: dict[str, Any], folder: Path, names: dict[str, str]) -> dict[str, Any]:
    """Report entries name the file as uploaded, not the private copy.

    `names` is this import's own map: every upload numbers its files from 00000, so a
    stored name such as ``00000_run.fit`` recurs across imports.
    """

    def name(path: str) -> str:
        text = path.replace(str(folder) + "/", "")
        head, _, rest = text.partition("!")  # members of an archive: "zip!member"
        shown = names.get(head, head)
        return f"{shown}!{rest}" if rest else shown

    for key in ("duplicates", "skipped", "failed", "dropped"):
        for entry in report[key]:
            entry["file"] = name(entry["file"])
    return report
