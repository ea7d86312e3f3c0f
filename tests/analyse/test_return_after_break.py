"""The 30-day rule after a break: a return run against the last known running."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backstride.analyse import load
from backstride.analyse.evidence import flags
from backstride.kb import load_kb
from backstride.models import StoredActivity
from backstride.wording import finding_text
from tests.analyse._factory import run

RULES = load_kb().load_rules

LAST = date(2025, 10, 1)  # a Wednesday: the last run before the break


def _before_break() -> list[StoredActivity]:
    """Six weeks of 10 km every other day up to LAST, with a 16 km long run three days before."""
    runs = [run(i, LAST - timedelta(days=2 * i), 10.0) for i in range(21, 0, -1)]
    return [*runs, run(30, LAST - timedelta(days=3), 16.0), run(31, LAST, 10.0)]


def test_20_km_after_49_days_off_is_a_warning_naming_the_break_and_the_reference() -> None:
    back = LAST + timedelta(days=49)
    found = flags([*_before_break(), run(40, back, 20.0)], today=back, rules=RULES)
    assert [(f.rule_id, f.severity, f.activity_id) for f in found if f.flag_date == back] == [
        ("return_after_break", "warning", 40)
    ]
    warning = next(f for f in found if f.rule_id == "return_after_break")
    assert finding_text(warning.finding) == (
        "Wed 19 Nov: 20.0 km after 49 days without running (last run Wed 1 Oct); your longest "
        "run in the 30 days before the break was 16.0 km (Sun 28 Sep), which the return guide "
        "(expert opinion) cuts to about 4.8 km after 7 weeks off"
    )
    assert warning.recent_change == "returned_after_break"


def test_a_gentle_return_run_keeps_only_the_break_note() -> None:
    back = LAST + timedelta(days=49)
    found = flags([*_before_break(), run(40, back, 4.0)], today=back, rules=RULES)
    assert [(f.rule_id, f.severity) for f in found if f.flag_date == back] == [
        ("returned_after_break", "info")
    ]


def test_a_break_inside_the_30_days_is_left_to_the_30_day_rule() -> None:
    back = LAST + timedelta(days=20)
    found = flags([*_before_break(), run(40, back, 20.0)], today=back, rules=RULES)
    assert {f.rule_id for f in found if f.flag_date == back} == {
        "single_run_spike",
        "returned_after_break",
    }


def test_steady_running_raises_no_return_flag() -> None:
    found = flags(_before_break(), today=LAST, rules=RULES)
    assert not [f for f in found if f.rule_id == "return_after_break"]


@pytest.mark.parametrize(
    ("days", "share"), [(31, 1 - 0.1 * 31 / 7), (49, 0.3), (150, 0.3), (35, 0.5)]
)
def test_return_reference_falls_10_percent_a_week_off_down_to_30_percent(
    days: int, share: float
) -> None:
    assert load.return_fraction(days, reduction_per_week=0.1, min_share=0.3) == pytest.approx(share)


def test_return_runs_only_judges_the_first_run_after_an_empty_window() -> None:
    back = LAST + timedelta(days=40)
    acts = [*_before_break(), run(40, back, 5.0), run(41, back + timedelta(days=2), 5.0)]
    found = load.return_runs(acts, window_days=30)
    assert [(r.activity_id, r.break_days, r.reference_id) for r in found] == [(40, 40, 30)]
    assert found[0].allowed_m == pytest.approx(16000 * (1 - 0.1 * 40 / 7))
