"""The inline SVG charts of the training page: meaning carried by text and shape, not colour."""

from __future__ import annotations

from datetime import date, timedelta

from backstride.present.report.charts import guard_chart, shoe_chart, trend_chart, weekly_bars

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
    svg = trend_chart(points, label="ACWR", marks=(0.8, 1.3))
    assert svg.count("<polyline") == 2  # two runs of values, split by the gap
    assert svg.count('class="dot"') == 4
    assert trend_chart([(D, None)], label="ACWR", marks=(1.0,)).startswith('<p class="empty">')


def test_shoe_chart_says_over_limit_in_words() -> None:
    svg = shoe_chart([("Road pair", 820.0, 800.0), ("Trail pair", 120.0, 700.0)], unit="km")
    assert "820 / 800 km (over limit)" in svg and "120 / 700 km<" in svg
    assert 'class="bar over"' in svg
