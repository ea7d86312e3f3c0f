"""FormJobs keeps a bounded number of finished jobs, as ImportJobs does (issue 16, item 6)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from backstride.present.web.form_jobs import FormJob, FormJobs
from backstride.present.web.jobs import KEEP_FINISHED


def test_only_the_latest_finished_jobs_are_kept_and_unsaved_outputs_go(tmp_path: Path) -> None:
    jobs = FormJobs(create_engine("sqlite://"), tmp_path)
    ids = [f"{n:032x}" for n in range(KEEP_FINISHED + 3)]
    for n, job_id in enumerate(ids):
        job = FormJob(job_id, view="side", clip_name="run.mp4", use_findings=False)
        job.state, job.saved_id = "done", (1 if n == 1 else None)
        jobs._jobs[job_id] = job
        (jobs.output_root / job_id).mkdir(parents=True)
        jobs._forget_old(job_id)
    assert [j for j in ids if jobs.get(j)] == ids[3:]
    # The forgotten unsaved jobs' key frames go; the saved one's stay for its saved check.
    assert not (jobs.output_root / ids[0]).exists()
    assert (jobs.output_root / ids[1]).is_dir()
    assert not (jobs.output_root / ids[2]).exists()
    assert all((jobs.output_root / j).is_dir() for j in ids[3:])
