"""Form: upload a running clip, analyse it in the background, show figures, findings and pictures."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from starlette.datastructures import UploadFile

from backstride.assess.form_model import FormResult
from backstride.present.web.form_jobs import FormJob
from backstride.present.web.jobs import copy_upload
from backstride.present.web.security import checked_form
from backstride.present.web.state import MAX_FORM_BYTES, render, web
from backstride.services import records
from backstride.services.form import missing_video_support
from backstride.units import FORM_UNIT_LABELS

router = APIRouter()


def _job(request: Request, job_id: str) -> FormJob:
    job = web(request).form_jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such form check (they are forgotten when the app restarts)")
    return job


def _result_context(request: Request, result: FormResult, key: str | None) -> dict[str, Any]:
    """What `_form_result.html` needs: the typed result `r`, the pictures, the units."""
    media = web(request).form_jobs.media(key, [f.id for f in result.findings])
    return {
        "r": result,
        "media": media,
        "unit_labels": FORM_UNIT_LABELS,
    }


@router.get("/form")
def form_page(request: Request) -> Any:
    state = web(request)
    with state.engine.connect() as conn:
        saved = records.recent_form_checks(conn, limit=20)
        latest = records.latest_form_checks(conn)
    return render(
        request,
        "form.html",
        missing=missing_video_support(),
        saved=saved,
        findings={c.id: FormResult.from_json(c.report).findings for c in saved},
        latest=latest,
        max_mb=state.max_upload_bytes // 2**20,
    )


@router.post("/form")
async def start_check(request: Request) -> Any:
    state = web(request)
    form = await checked_form(request, max_bytes=state.max_upload_bytes, max_files=1)
    missing = missing_video_support()
    if missing:
        raise HTTPException(501, missing)
    upload = form.get("video")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise HTTPException(422, "choose a video file of your running")
    view = str(form.get("view") or "side")
    if view not in ("side", "rear"):
        raise HTTPException(422, "the camera view must be side or rear")
    clip_name = Path(upload.filename.replace("\\", "/")).name or "clip"
    job_id, target = state.form_jobs.new_upload(clip_name)
    try:
        await copy_upload(upload, target, shown=clip_name, written=0, limit=state.max_upload_bytes)
    except BaseException:
        shutil.rmtree(target.parent, ignore_errors=True)  # keep nothing half-written
        raise
    use = str(form.get("use_findings") or "") in ("on", "yes", "1")
    state.form_jobs.start(job_id, target, view=view, clip_name=clip_name, use=use)
    if request.headers.get("accept", "").startswith("application/json"):
        return JSONResponse({"job": job_id, "status": f"/api/form/{job_id}"}, status_code=202)
    return RedirectResponse(f"/form/jobs/{job_id}", status_code=303)


@router.get("/form/jobs/{job_id}")
def job_page(request: Request, job_id: str) -> Any:
    job = _job(request, job_id)
    context = _result_context(request, job.result.result(), job.id) if job.result else {}
    return render(request, "form_job.html", job=job, **context)


@router.get("/api/form/{job_id}")
def job_status(request: Request, job_id: str) -> dict[str, Any]:
    return _job(request, job_id).to_json()


@router.post("/form/jobs/{job_id}/save")
async def save_job(request: Request, job_id: str) -> Any:
    await checked_form(request, max_bytes=MAX_FORM_BYTES)
    job = _job(request, job_id)
    if job.report is None:
        raise HTTPException(
            409, "this check has no findings to save (it is still running or failed)"
        )
    saved_id = web(request).form_jobs.save(job)
    return RedirectResponse(f"/form/checks/{saved_id}", status_code=303)


@router.get("/form/checks/{check_id}")
def saved_page(request: Request, check_id: int) -> Any:
    state = web(request)
    with state.engine.connect() as conn:
        saved = records.saved_form_check(conn, check_id=check_id)
        latest = records.latest_form_checks(conn)
    in_use = latest.get(saved.view) == saved
    context = _result_context(request, FormResult.from_json(saved.report), saved.output_key)
    return render(request, "form_saved.html", saved=saved, in_use=in_use, **context)


@router.get("/form/files/{key}/{name}")
def output_file(request: Request, key: str, name: str) -> FileResponse:
    path = web(request).form_jobs.file(key, name)
    if path is None:
        raise HTTPException(404, "no such picture or video")
    kind = "video/mp4" if name.endswith(".mp4") else "image/png"
    return FileResponse(path, media_type=kind)
