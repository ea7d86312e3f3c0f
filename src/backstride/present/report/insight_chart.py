"""The days behind one personal-evidence finding as an SVG strip chart.

Two columns of dots, one per day (or run): pain without the factor and with it, each
column's average marked. Deterministic jitter so the same finding draws the same picture.
No script, no external file: it goes inline into the web page and the PDF report.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from backstride.analyse.personal_findings import Finding, Insights
from backstride.wording import (
    insight_text,
    insights_window,
    not_enough_by_factor,
    nothing_tested_text,
)

WIDTH, HEIGHT, PAD_L, PAD_T, PAD_B = 360, 220, 34, 14, 40


def finding_chart(finding: Finding, *, label: str) -> str:
    """An inline SVG of the finding's days: `label` names the factor for screen readers."""
    inner_h = HEIGHT - PAD_T - PAD_B
    col_w = (WIDTH - PAD_L - 10) / 2
    groups = {False: [p for p in finding.points if not p.exposed],
              True: [p for p in finding.points if p.exposed]}  # fmt: skip

    def y(v: float) -> float:
        return PAD_T + inner_h * (1 - v / 10)

    parts = []
    for v in (0, 5, 10):
        parts.append(
            f'<line x1="{PAD_L}" x2="{WIDTH - 10}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
            f'<text x="{PAD_L - 6}" y="{y(v) + 4:.1f}" class="axis" text-anchor="end">{v}</text>'
        )
    for col, exposed in enumerate((False, True)):
        pts = groups[exposed]
        cx = PAD_L + col_w * (col + 0.5)
        spread = col_w * 0.35
        cls = "dot-exposed" if exposed else "dot-other"
        for i, p in enumerate(pts):
            jitter = ((i * 0.618034) % 1.0 - 0.5) * 2 * spread
            parts.append(
                f'<circle cx="{cx + jitter:.1f}" cy="{y(p.pain):.1f}" r="{4 if exposed else 2.5}" '
                f'class="{cls}"><title>{p.day:%a %-d %b %Y}: pain {p.pain:.0f}</title></circle>'
            )
        if pts:
            mean = sum(p.pain for p in pts) / len(pts)
            parts.append(
                f'<line x1="{cx - spread - 6:.1f}" x2="{cx + spread + 6:.1f}" y1="{y(mean):.1f}" '
                f'y2="{y(mean):.1f}" class="mean"/>'
            )
        name = "with it" if exposed else "without"
        unit = finding.pair.unit
        parts.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - 22}" class="axis" text-anchor="middle">{name}</text>'
            f'<text x="{cx:.1f}" y="{HEIGHT - 8}" class="axis" text-anchor="middle">'
            f"{len(pts)} {unit}{'' if len(pts) == 1 else 's'}</text>"
        )
    title = escape(
        f"Back pain 0-10 on each {finding.pair.unit}, "
        f"without and with {label}; the bar is each group's average"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="insight-chart" role="img" aria-label="{title}">'
        "<style>.grid{stroke:#ddd}.axis{font:11px sans-serif;fill:#555}"
        ".dot-other{fill:#9aa3ad;fill-opacity:.6}.dot-exposed{fill:#c0392b}"
        ".mean{stroke:#222;stroke-width:2.5}</style>" + "".join(parts) + "</svg>"
    )


@dataclass(frozen=True)
class InsightItem:
    """One credible finding as shown: the factor's name, the sentence and its chart."""

    name: str
    text: str
    svg: str


@dataclass(frozen=True)
class InsightsView:
    """What `_insights.html` renders (the web page and the report's section)."""

    credible: list[InsightItem]
    others: list[str]
    not_enough: list[str]
    tests: int
    window: str
    method: str
    #: set when no pair could be tested yet: that, and what the first test needs
    nothing_tested: str | None = None


def insights_view(found: Insights) -> InsightsView:
    """The findings ready to render: a chart per credible finding, the rest as sentences."""
    credible = [
        InsightItem(
            f"{f.pair.factor_name}: {f.pair.outcome_name.lower()}",
            insight_text(f),
            finding_chart(f, label=f.pair.factor_phrase),
        )
        for f in found.credible
    ]
    return InsightsView(
        credible,
        [insight_text(f) for f in found.findings if not f.credible],
        not_enough_by_factor(found.not_enough_data),
        found.tests,
        insights_window(found),
        found.method,
        nothing_tested_text(found),
    )
