"""Training: upload files, an archive or a folder; a background import with progress; charts."""

from __future__ import annotations

import shutil
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.datastructures import UploadFile

from backstride.errors import NotFound
from backstride.present.web.jobs import KEEP_FINISHED, ImportJob, copy_upload, safe_name
from backstride.present.web.security import checked_form
from backstride.present.web.state import MAX_FORM_BYTES, render, render_cached, web
from backstride.services.activities import delete_activity

router = APIRouter()

#: Files one upload may hold (a folder of a few years of FIT files).
MAX_FILES = 20_000


@router.get("/training")
def training_page(request: Request) -> Any:
    state = web(request)
    cached, updating = state.cache.get("training")
    view, drawn = cached
    return render_cached(
        request,
        "training.html",
        cached,
        view=view,
        updating=updating,
        charts=drawn,
        max_mb=state.max_upload_bytes // 2**20,
    )


@router.post("/training/activities/{activity_id}/delete")
async def delete_activity_post(request: Request, activity_id: int) -> Any:
    """Delete one activity from the list (the form's token checked as for every POST)."""
    state = web(request)
    await checked_form(request, max_bytes=MAX_FORM_BYTES)
    try:
        delete_activity(state.engine, activity_id=activity_id, data_dir=state.settings.data_dir)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    return RedirectResponse("/training#h-acts", status_code=303)


@router.post("/training/import")
async def start_import(request: Request) -> Any:
    state = web(request)
    form = await checked_form(request, max_bytes=state.max_upload_bytes, max_files=MAX_FILES)
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not uploads:
        raise HTTPException(422, "choose at least one file or folder to import")
    job_id, folder = state.jobs.new_upload_dir()
    names: dict[str, str] = {}
    written = 0
    try:
        for i, upload in enumerate(uploads):
            stored = safe_name(upload.filename or "", i)
            names[stored] = upload.filename or stored
            written = await copy_upload(
                upload,
                folder / stored,
                shown=names[stored],
                written=written,
                limit=state.max_upload_bytes,
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    state.jobs.start(job_id, folder, names)
    if request.headers.get("accept", "").startswith("application/json"):
        return JSONResponse({"job": job_id, "status": f"/api/import/{job_id}"}, status_code=202)
    return RedirectResponse(f"/training/import/{job_id}", status_code=303)


def _job(request: Request, job_id: str) -> ImportJob:
    job = web(request).jobs.get(job_id)
    if job is None:
        raise HTTPException(
            404,
            "no such import (imports are forgotten when the app restarts, and once "
            f"{KEEP_FINISHED} newer ones have finished)",
        )
    return job


@router.get("/training/import/{job_id}")
def import_status(request: Request, job_id: str) -> Any:
    return render(request, "import.html", job=_job(request, job_id))


@router.get("/api/import/{job_id}")
def import_status_json(request: Request, job_id: str) -> dict[str, Any]:
    return _job(request, job_id).to_json()
