"""Background imports: uploaded files go to a private folder under the data dir, a thread runs
`services.importing.import_paths` on them, and pages poll the job's progress."""

from __future__ import annotations

import logging
import re
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from backstride.services.importing import import_paths

log = logging.getLogger(__name__)

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_base(filename: str) -> str:
    """A file name with no folders and no leading dots, in safe characters.

    A folder upload sends names like ``export/activities/1.fit``; only the last part is
    kept, so no request-given path ever reaches the filesystem.
    """
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return (_SAFE.sub("_", base).lstrip(".") or "upload")[:120]


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
    """Runs one thread per import; a store write lock keeps SQLite to one writer at a time."""

    def __init__(self, engine: Engine, data_dir: Path, on_done: Callable[[], Any]) -> None:
        self._engine = engine
        self._data_dir = data_dir
        self._on_done = on_done
        self._jobs: dict[str, ImportJob] = {}
        self._writer = threading.Lock()

    def new_upload_dir(self) -> tuple[str, Path]:
        return new_upload_dir(self._data_dir)

    def get(self, job_id: str) -> ImportJob | None:
        return self._jobs.get(job_id)

    def start(self, job_id: str, folder: Path, names: dict[str, str]) -> ImportJob:
        job = ImportJob(job_id, files=len(names), names=names)
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
            job.report = self._readable(report.to_dict(), folder)
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

    def _readable(self, report: dict[str, Any], folder: Path) -> dict[str, Any]:
        """Report entries name the file as uploaded, not the private copy."""

        def name(path: str) -> str:
            text = path.replace(str(folder) + "/", "")
            head, _, rest = text.partition("!")  # members of an archive: "zip!member"
            shown = self._names_get(head)
            return f"{shown}!{rest}" if rest else shown

        for key in ("duplicates", "skipped", "failed", "dropped"):
            for entry in report[key]:
                entry["file"] = name(entry["file"])
        return report

    def _names_get(self, stored: str) -> str:
        for job in self._jobs.values():
            if stored in job.names:
                return job.names[stored]
        return stored
