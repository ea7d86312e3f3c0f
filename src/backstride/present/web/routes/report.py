"""Report: the physio report as HTML or PDF; export everything; delete everything."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

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
    archive = await state.heavy.run(lambda: _export_zip(state, "json" if fmt == "json" else "csv"))
    return Response(
        archive,
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="backstride-export-{fmt}.zip"'},
    )


def _export_zip(state: WebState, fmt: Literal["json", "csv"]) -> bytes:
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(dir=_scratch(state.settings.store_files_dir)) as tmp:
        with state.engine.connect() as conn:
            # The tables only: the originals of a whole history would not fit a reply
            # built in memory (`backstride export` writes them too).
            backup.export_all(conn, directory=Path(tmp), fmt=fmt)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(tmp).iterdir()):
                archive.write(path, f"backstride-export/{path.name}")
    return buffer.getvalue()


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
