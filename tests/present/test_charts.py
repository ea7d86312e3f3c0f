"""The inline SVG charts of the training page: meaning carried by text and shape, not colour."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from backstride.present.report.charts import guard_chart, shoe_chart, trend_chart, weekly_bars
from backstride.present.web.views import charts

D = date(2025, 3, 3)


def test_weekly_bars_write_each_value_and_week() -> None:
    svg = weekly_bars([(D, 20.0), (D + timedelta(weeks=1), 31.4)], label="Distance", unit="km")
    assert svg.startswith("<svg") and 'aria-label="Distance per week in km"' in svg
    assert "03 Mar 2025: 20.0 km" in svg and "10 Mar 2025: 31.4 km" in svg
    assert ">31</text>" in svg  # the value above the bar, rounded


def test_weekly_bars_without_data_say_so() -> None:
    assert weekly_bars([(D, 0.0)], label="Climbing", unit="m") == (
        '<p class="empty">No climbing in these weeks.</p>'
    )


def test_guard_chart_marks_runs_above_the_guard_with_a_triangle_and_words() -> None:
    runs = [
        (D, 10.0, None),
        (D + timedelta(days=2), 10.5, 10.0),
        (D + timedelta(days=4), 14.0, 10.5),
    ]
    svg = guard_chart(runs, bands=[(1.10, "reference")], unit="km")
    assert svg.count('class="over"') == 1  # 14.0 > 1.1 x 10.5; 10.5 is within 1.1 x 10.0
    assert "07 Mar: 14.0 km (above the guard)" in svg
    assert "05 Mar: 10.5 km</title>" in svg
    assert svg.count("<polyline") == 2  # the 30-day longest and the 10% guard above it


def test_trend_chart_leaves_gaps_where_there_is_no_value() -> None:
    points = [(D + timedelta(weeks=i), v) for i, v in enumerate([None, 1.0, 1.2, None, 0.9, 1.1])]
    svg = trend_chart(points, label="ACWR")
    assert svg.count("<polyline") == 2  # two runs of values, split by the gap
    assert svg.count('class="dot"') == 4
    assert trend_chart([(D, None)], label="ACWR").startswith('<p class="empty">')


def test_trend_chart_of_a_single_value_without_marks_draws() -> None:
    # A runner's first week: one ACWR value, and the ACWR chart passes no marks.
    assert 'class="dot"' in trend_chart([(D, 1.0)], label="ACWR")


def test_trend_chart_draws_reference_lines_only_where_asked() -> None:
    points = [(D + timedelta(weeks=i), v) for i, v in enumerate([1.0, 1.2])]
    assert 'class="grid"' not in trend_chart(points, label="ACWR")
    assert trend_chart(points, label="Ratio", marks=(1.0,)).count('class="grid"') == 1


def test_training_page_acwr_chart_has_no_sweet_spot_lines() -> None:
    # ACWR is descriptive only (load_rules.yaml): no 0.8-1.3 "sweet spot" drawn as if it were safe
    weeks = [
        SimpleNamespace(week_start_date=D + timedelta(weeks=i), distance_m=20_000.0,
                        climbing_m=100.0, acwr_rolling=v)
        for i, v in enumerate([None, 0.7, 1.0, 1.4])
    ]  # fmt: skip
    view = SimpleNamespace(load=SimpleNamespace(weeks=weeks), spikes=[], shoes=[], guard_bands=[])
    acwr = charts(view, "metric")["acwr"]  # type: ignore[arg-type]
    assert acwr.startswith("<svg") and acwr.count('class="dot"') == 3
    assert 'class="grid"' not in acwr
    assert ">0.8</text>" not in acwr and ">1.3</text>" not in acwr


def test_shoe_chart_says_over_limit_in_words() -> None:
    svg = shoe_chart([("Road pair", 820.0, 800.0), ("Trail pair", 120.0, 700.0)], unit="km")
    assert "820 / 800 km (over limit)" in svg and "120 / 700 km<" in svg
    assert 'class="bar over"' in svg
