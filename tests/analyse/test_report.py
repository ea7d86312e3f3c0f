from __future__ import annotations

import json
import math
from datetime import date, timedelta

import pytest

from backstride.analyse.evidence import flags
from backstride.analyse.report import WeekRow, build_load_report, cadence_trend
from backstride.kb import load_kb
from tests.analyse.test_evidence import TODAY, _history, _km

RULES = load_kb().load_rules


def _row(cadence: float | None) -> WeekRow:
    return WeekRow(
        date(2025, 1, 6),
        False,
        1,
        1.0,
        None,
        1.0,
        None,
        0.0,
        None,
        1.0,
        1.0,
        0,
        None,
        None,
        None,
        None,
        cadence,
    )


def test_cadence_trend_is_the_least_squares_slope() -> None:
    # weeks 0..3 at 160, 162, (missing), 166: slope of (0,160),(1,162),(3,166) = 2.0 spm/week
    rows = [_row(160), _row(162), _row(None), _row(166)]
    assert cadence_trend(rows) == pytest.approx(2.0)
    assert cadence_trend(rows[:2]) is None


def test_week_rows_by_hand() -> None:
    report = build_load_report(_history(), today=TODAY, rules=RULES, weeks=2)
    nov3, nov10 = report.weeks
    assert (nov3.week_start_date, nov3.partial, nov10.partial) == (date(2025, 11, 3), False, True)
    assert nov3.distance_change_ratio == pytest.approx(44.1 / 32.0)
    assert nov3.long_run_share == pytest.approx(28.1 / 44.1)
    # daily km Mon..Sun: 0, 8, 0, 8, 0, 0, 28.1 -> mean 6.3; squared deviations
    # 4 * 6.3^2 + 2 * 1.7^2 + 21.8^2 = 639.78, sd (ddof 0) = sqrt(639.78 / 7) = 9.56019
    assert nov3.monotony == pytest.approx(6.3 / 9.56019, abs=1e-5)
    assert nov3.strain == pytest.approx(44_100 * 6.3 / 9.56019, rel=1e-5)
    # rolling ACWR on Sun 9 Nov: acute 44.1/7 km; chronic (32*3 + 44.1)/28 km (4 whole weeks)
    assert nov3.acwr_rolling == pytest.approx((44.1 / 7) / (140.1 / 28), abs=1e-9)
    assert nov10.monotony is None and nov10.runs == 0


def test_report_json_has_no_infinities() -> None:
    acts = [_km(i, date(2025, 11, 3) + timedelta(days=i), 5.0) for i in range(7)]
    report = build_load_report(acts, today=TODAY, rules=RULES, weeks=2)
    assert report.weeks[0].monotony is None  # inf (no variation) shown as not defined
    text = json.dumps(report.to_dict(), allow_nan=False)
    assert '"monotony": null' in text


def test_since_keeps_weeks_that_end_after_it() -> None:
    found = flags(_history(), today=TODAY, rules=RULES, since=date(2025, 11, 9))
    assert [f.rule_id for f in found] == ["weekly_distance_change", "single_run_spike"]
    assert flags(_history(), today=TODAY, rules=RULES, since=date(2025, 11, 10)) == []


def test_empty_history_report() -> None:
    report = build_load_report([], today=TODAY, rules=RULES)
    assert (report.weeks, report.flags, report.same_route_share) == ([], [], None)
    assert not math.isnan(report.pairs_in_rotation)
