"""The report's Insights section (a template include the report wires in) renders a real view."""

from __future__ import annotations

import jinja2

from backstride.analyse.personal import daily_factors, find_insights
from backstride.kb import load_kb
from backstride.present.report.html import TEMPLATES
from backstride.present.report.insight_chart import insights_view
from tests.analyse.test_personal import _bench


def test_insights_include_renders_charts_and_sentences() -> None:
    kb = load_kb()
    runs, entries, shoes, first, last, _ = _bench().synthetic_runner(10_001, effect=3.0)
    data = daily_factors(
        runs, entries, first=first, last=last, rules=kb.insights, load_rules=kb.load_rules,
        shoe_list=shoes,
    )  # fmt: skip
    view = insights_view(find_insights(data, kb.insights))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    html = env.from_string('{% include "_insights.html.j2" %}').render(insights=view)
    assert "Your own evidence" in html and "not proof of cause" in html
    assert html.count("<svg") == len(view.credible) == 1
    assert "the day after a run more than 10% over your 30-day longest" in html
    assert "Bonferroni" in html
