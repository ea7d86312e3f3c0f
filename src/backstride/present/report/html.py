"""The physio report as one self-contained HTML page (Jinja2 template shipped in the package)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from backstride.errors import OptionalDependencyMissing
from backstride.kb import load_kb
from backstride.present.report.charts import load_chart, pain_chart
from backstride.present.report.insight_chart import insights_view
from backstride.services.exercises import figure_of
from backstride.services.today import plan_sessions

if TYPE_CHECKING:
    from backstride.services.report import ReportData

TEMPLATES = Path(__file__).parent / "templates"

#: The charts' own style: WeasyPrint draws inline SVG with the SVG's styles only, not the page's.
SVG_STYLE = (
    "<style>.line{fill:none;stroke:#1a5fb4;stroke-width:2}circle{fill:#1a5fb4}"
    "rect,.bar{fill:#7a9cc6}.grid{stroke:#e2e2e2}.mark{stroke:#666;stroke-dasharray:4 3}"
    ".trend{stroke:#b60;stroke-width:1.5;stroke-dasharray:8 3}"
    ".axis{font-size:13px;fill:#444;font-family:DejaVu Sans,Arial,sans-serif}"
    ".line[class*=ref]{stroke:#666;stroke-dasharray:5 4}.line.limit{stroke:#b60}.over{fill:#b00}</style>"
)


def _styled(svg: str) -> str:
    """The chart with its style inside (an empty-state paragraph stays as it is)."""
    if not svg.startswith("<svg"):
        return svg
    end = svg.index(">") + 1
    return svg[:end] + SVG_STYLE + svg[end:]


def render_html(data: ReportData) -> str:
    """Render the report; charts are inline SVG, so the page needs no network."""
    try:  # the optional extra `report`, needed only when a report is written
        import jinja2
    except ImportError as exc:
        raise OptionalDependencyMissing("the report", "report") from exc
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    view = data.view
    pain = data.pain
    pain_svg = ""
    if pain is not None:
        target = None if pain.first_mean is None else pain.first_mean - pain.mcid_points
        pain_svg = pain_chart(
            pain.points, plan_start=pain.plan_start, target=target, trend=pain.slope_per_week
        )
    kb = load_kb()
    cards = list({ex.id: ex for i in plan_sessions(view) for ex in i.exercises}.values())
    return env.get_template("report.html.j2").render(
        cards=cards,
        figures={ex.id: _styled(figure_of(kb, ex.id)) for ex in cards},
        data=data,
        today=data.today,
        check=data.check,
        result=data.result,
        plan=view.plan,
        adherence=view.adherence,
        events=data.events,
        pain=pain,
        disclaimer=view.plan.disclaimer or data.result.disclaimer,
        pain_svg=_styled(pain_svg),
        load_svg=_styled(load_chart(data.weekly_km)),
        insights=None if data.insights is None else insights_view(data.insights),
    )
