"""Background form checks: the uploaded clip goes to a private folder, one thread at a time runs
`services.form.analyse_video` on it, and the page polls the job's progress.

Key frames and the annotated video go to ``data_dir/form/<job id>/``; that folder is kept
while a saved check refers to it (``form_checks.output_key``) and removed otherwise when
the app starts (a job is forgotten on restart, so nothing could show it). Only the last
`KEEP_FINISHED` finished jobs are remembered, as for imports; an unsaved one's folder goes
with it.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from backstride.analyse.form import View
from backstride.assess.form import FormReport
from backstride.errors import OptionalDependencyMissing, VideoError
from backstride.present.web.jobs import KEEP_FINISHED, new_upload_dir, safe_base
from backstride.services import records
from backstride.services.form import FORM_OUTPUT_DIR, analyse_video, save_form_evidence
from backstride.video.pipeline import OUTPUT_FILE
from backstride.video.pose import PoseEstimator

log = logging.getLogger(__name__)

_KEY = re.compile(r"[0-9a-f]{32}")
#: Share of the progress bar for reading the clip through the pose model; drawing the rest.
_POSE_SHARE = 80


@dataclass
class FormJob:
    """One form check's progress and result as the page shows it."""

    id: str
    view: str
    clip_name: str
    use_findings: bool
    state: str = "waiting"  # waiting | running | done | failed
    stage: str = ""  # pose | drawing
    done_frames: int = 0
    total_frames: int = 0
    report: dict[str, Any] | None = None
    error: str | None = None
    #: the error is the clip's own problem (what `backstride form` exits 2 with)
    not_analysable: bool = False
    saved_id: int | None = None
    #: the typed result `report` was rendered from: saving it needs no round trip through JSON
    result: FormReport | None = None

    @property
    def percent(self) -> int:
        if self.state in ("done", "failed"):
            return 100
        if not self.total_frames:
            return 0
        part = min(1.0, self.done_frames / self.total_frames)
        if self.stage == "drawing":
            return _POSE_SHARE + int((100 - _POSE_SHARE) * part)
        return int(_POSE_SHARE * part)

    @property
    def message(self) -> str:
        if self.state == "waiting":
            return "Waiting for the check before it to finish…"
        if self.state == "running" and self.stage == "drawing":
            return f"Drawing the key frames and the annotated video… {self.percent}%"
        if self.state == "running":
            return f"Finding your joints in each frame… {self.percent}%"
        if self.state == "failed":
            return f"This clip can't be analysed: {self.error}"
        return "Analysis finished."

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "percent": self.percent,
            "message": self.message,
            "error": self.error,
            "saved_id": self.saved_id,
        }


@dataclass
class FormJobs:
    """Runs each check in a thread of its own, one analysis at a time (the model uses both cores).

    `estimator_factory` stands in for the real pose model (tests give a fake one per job).
    Each job is kept until `KEEP_FINISHED` newer ones have finished after it.
    """

    engine: Engine
    data_dir: Path
    estimator_factory: Callable[[], PoseEstimator] | None = None
    _jobs: dict[str, FormJob] = field(default_factory=dict)
    _one_at_a_time: threading.Lock = field(default_factory=threading.Lock)
    _finished: deque[str] = field(default_factory=deque)  # ids, the oldest finished first
    _lock: threading.Lock = field(default_factory=threading.Lock)  # guards both collections

    @property
    def output_root(self) -> Path:
        return self.data_dir / FORM_OUTPUT_DIR

    def new_upload(self, filename: str) -> tuple[str, Path]:
        """A job id and the private path to write the uploaded clip to."""
        job_id, folder = new_upload_dir(self.data_dir)
        return job_id, folder / safe_base(filename)

    def get(self, job_id: str) -> FormJob | None:
        return self._jobs.get(job_id)

    def start(self, job_id: str, clip: Path, *, view: str, clip_name: str, use: bool) -> FormJob:
        job = FormJob(job_id, view=view, clip_name=clip_name, use_findings=use)
        with self._lock:
            self._jobs[job_id] = job
        thread = threading.Thread(
            target=self._run, args=(job, clip), name=f"form-{job_id[:8]}", daemon=True
        )
        thread.start()
        return job

    def _run(self, job: FormJob, clip: Path) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done_frames, job.total_frames = stage, done, total

        out_dir = self.output_root / job.id
        try:
            with self._one_at_a_time:
                job.state = "running"
                estimator = self.estimator_factory() if self.estimator_factory else None
                view: View = "rear" if job.view == "rear" else "side"
                report = analyse_video(clip, view, out_dir, estimator=estimator, progress=progress)
            job.result, job.report = report, report.to_json()
            if job.use_findings:
                with self.engine.begin() as conn:
                    job.saved_id = save_form_evidence(
                        conn, report, source="web", clip_name=job.clip_name, output_key=job.id
                    )
            job.state = "done"
        except (VideoError, OptionalDependencyMissing) as exc:
            # The private copy's name is the uploaded one made safe: show the runner's own.
            job.error = str(exc).replace(clip.name, job.clip_name)
            job.not_analysable = isinstance(exc, VideoError)
            job.state = "failed"
        except Exception as exc:  # shown on the page; the server keeps running
            log.exception("form check %s failed", job.id)
            job.error, job.state = f"the analysis stopped unexpectedly ({exc})", "failed"
        finally:
            shutil.rmtree(clip.parent, ignore_errors=True)  # the clip itself is never kept
            if job.state == "failed":
                shutil.rmtree(out_dir, ignore_errors=True)
        self._forget_old(job.id)

    def _forget_old(self, finished_id: str) -> None:
        """Forget the oldest finished jobs past `KEEP_FINISHED`, and unsaved ones' outputs."""
        with self._lock:
            self._finished.append(finished_id)
            while len(self._finished) > KEEP_FINISHED:
                old = self._jobs.pop(self._finished.popleft(), None)
                if old is not None and old.saved_id is None:
                    shutil.rmtree(self.output_root / old.id, ignore_errors=True)

    def save(self, job: FormJob) -> int:
        """Keep a finished job's findings for the self-check (once)."""
        if job.saved_id is None:
            if job.result is None:
                raise ValueError("only a finished check can be saved")
            with self.engine.begin() as conn:
                job.saved_id = save_form_evidence(
                    conn, job.result, source="web", clip_name=job.clip_name, output_key=job.id
                )
        return job.saved_id

    def file(self, key: str, name: str) -> Path | None:
        """A key frame or annotated video of job `key`, or None: never a path the request made up.

        Both parts must match a strict pattern, and the file must be a regular file directly
        inside that job's output folder.
        """
        if not _KEY.fullmatch(key) or not OUTPUT_FILE.fullmatch(name):
            return None
        folder = self.output_root / key
        path = folder / name
        if path.is_symlink() or not path.is_file() or path.resolve().parent != folder.resolve():
            return None
        return path

    def media(self, key: str | None, finding_ids: list[str]) -> dict[str, Any]:
        """URLs of the annotated video and each finding's key frame that exist for `key`."""
        found: dict[str, Any] = {"video": None, "frames": {}}
        if key is None or not _KEY.fullmatch(key) or not (self.output_root / key).is_dir():
            return found
        for path in sorted((self.output_root / key).iterdir()):
            url = f"/form/files/{key}/{path.name}"
            if path.name.endswith(".annotated.mp4") and self.file(key, path.name):
                found["video"] = url
            for fid in finding_ids:
                if path.name.endswith(f".{fid}.png") and self.file(key, path.name):
                    found["frames"][fid] = url
        return found

    def prune(self) -> int:
        """Remove output folders no saved check refers to; returns how many went."""
        if not self.output_root.is_dir():
            return 0
        with self.engine.connect() as conn:
            keep = records.form_output_keys(conn)
        removed = 0
        for folder in self.output_root.iterdir():
            if folder.is_dir() and folder.name not in keep and folder.name not in self._jobs:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed
