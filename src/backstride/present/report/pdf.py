"""The physio report as PDF, through WeasyPrint (HTML and CSS to PDF; no browser, no network)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backstride.errors import OptionalDependencyMissing
from backstride.present.report.html import render_html

if TYPE_CHECKING:
    from backstride.services.report import ReportData


def render_pdf(data: ReportData) -> bytes:
    """PDF bytes of the same report the HTML renderer gives."""
    try:  # the optional extra `report` (and Pango), needed only when a PDF is written
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango system library is missing
        raise OptionalDependencyMissing("PDF reports", "report") from exc
    pdf: bytes = weasyprint.HTML(string=render_html(data)).write_pdf()
    return pdf
