"""The physio report as one self-contained HTML page (Jinja2 template shipped in the package)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from backstride.errors import OptionalDependencyMissing
from backstride.present.report.charts import load_chart, pain_chart

if TYPE_CHECKING:
    from backstride.services.report import ReportData

TEMPLATES = Path(__file__).parent / "templates"


def render_html(data: ReportData) -> str:
    """Render the report; charts are inline SVG, so the page needs no network."""
    try:
        import jinja2
    except ImportError as exc:
        raise OptionalDependencyMissing("the report", "report") from exc
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    view = data.view
    result = data.check["result"]
    causes = [c for c in result.get("causes", []) if c.get("score", 0) > 0][:5]
    return env.get_template("report.html.j2").render(
        today=data.today,
        check=data.check,
        result=result,
        causes=causes,
        view=view,
        plan=view.plan,
        progress=view.progress,
        adherence=view.adherence,
        events=data.events,
        disclaimer=view.plan.disclaimer or result.get("disclaimer", ""),
        pain_svg=pain_chart(view.progress.points),
        load_svg=load_chart(data.weekly_km),
    )
