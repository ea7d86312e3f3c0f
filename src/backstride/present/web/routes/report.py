"""Report: the physio report as HTML or PDF; export everything; delete everything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from backstride.present.web.security import checked_form
from backstride.present.web.state import MAX_FORM_BYTES, WebState, render, web
from backstride.services import backup
from backstride.services.report import ReportData, report_data

router = APIRouter()

#: What the runner types to confirm deleting everything.
CONFIRM_WORD = "DELETE"


def _data(state: WebState) -> ReportData:
    with state.engine.connect() as conn:
        return report_data(conn, kb=state.kb, today=state.today(), settings=state.settings)


@router.get("/report")
def report_page(request: Request) -> Any:
    return render(
        request,
        "report.html",
        confirm_word=CONFIRM_WORD,
        deleted=request.query_params.get("deleted"),
        deleted_files=request.query_params.get("files"),
        deleted_bytes=request.query_params.get("bytes"),
    )


# The heavy routes are async: they wait for the bounded worker (web/heavy.py) without
# taking a thread of the server's general pool, which the light pages need.


@router.get("/report.html")
async def report_html(request: Request) -> HTMLResponse:
    # deferred: the report renderers (charts, Jinja2 templates) load on the first report
    from backstride.present.report.html import render_html

    state = web(request)
    html = await state.heavy.run(lambda: render_html(_data(state)))
    return HTMLResponse(
        html, headers={"content-disposition": 'attachment; filename="backstride-report.html"'}
    )


@router.get("/report.pdf")
async def report_pdf(request: Request) -> Response:
    # deferred: WeasyPrint, an optional extra, only when a PDF is asked for
    from backstride.present.report.pdf import render_pdf

    state = web(request)
    pdf = await state.heavy.run(lambda: render_pdf(_data(state)))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": 'attachment; filename="backstride-report.pdf"'},
    )


@router.post("/export")
async def export(request: Request) -> Response:
    state = web(request)
    form = await checked_form(request, max_bytes=MAX_FORM_BYTES)
    fmt = str(form.get("format") or "json")
    if fmt not in ("json", "csv"):
        raise HTTPException(422, "format must be json or csv")
    files = backup.store_files(state.engine, state.settings.store_files_dir)
    archive = await state.heavy.run(
        lambda: backup.export_zip(
            state.engine,
            fmt="json" if fmt == "json" else "csv",
            files=files,
            scratch=_scratch(state.settings.store_files_dir),
        )
    )
    return FileResponse(
        archive,
        media_type="application/zip",
        filename=f"backstride-export-{fmt}.zip",
        background=BackgroundTask(archive.unlink, missing_ok=True),
    )


def _scratch(data_dir: Path) -> Path:
    folder = data_dir / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@router.post("/delete-all")
async def delete_everything(request: Request) -> Any:
    state = web(request)
    form = await checked_form(request, max_bytes=MAX_FORM_BYTES)
    if str(form.get("confirm") or "").strip() != CONFIRM_WORD:
        return render(
            request,
            "report.html",
            confirm_word=CONFIRM_WORD,
            deleted=None,
            error=f"Nothing deleted: type {CONFIRM_WORD} in the box to confirm.",
            status_code=422,
        )
    # Rows, originals, uploads, form-check pictures and videos: the videos show the runner.
    done = backup.delete_everything(
        state.engine, files_dir=state.settings.store_files_dir, data_dir=state.settings.data_dir
    )
    return RedirectResponse(
        f"/report?deleted={sum(done.rows.values())}&files={done.files}&bytes={done.bytes}",
        status_code=303,
    )
