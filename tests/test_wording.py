"""The wording of findings: the same sentence in either unit, and a pair not in the list;
the personal insights' sentences."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from backstride.analyse.findings import LongestRun, NewShoes, RunSpike, ShoeOverLimit
from backstride.analyse.personal_findings import Finding as Insight
from backstride.analyse.personal_findings import Insights, NotEnough, Pair, Verdict
from backstride.wording import (
    evidence_lines,
    finding_text,
    format_day,
    insight_evidence_line,
    insight_text,
    insights_window,
    not_enough_text,
    nothing_tested_text,
)

NOV_9 = date(2025, 11, 9)


def test_format_day() -> None:
    assert format_day(NOV_9) == "Sun 9 Nov"


def test_distances_follow_the_units_and_the_rest_does_not() -> None:
    spike = RunSpike(NOV_9, 28_100, 1.41, 30, 19_900, "large_spike")
    assert finding_text(spike) == (
        "Sun 9 Nov: 28.1 km, 41% longer than your longest run in the previous 30 days "
        "(19.9 km; large spike)"
    )
    assert finding_text(spike, "imperial") == (
        "Sun 9 Nov: 17.5 mi, 41% longer than your longest run in the previous 30 days "
        "(12.4 mi; large spike)"
    )
    # the shoe's own limit is kept in km, as the runner entered it
    over = ShoeOverLimit("Pegasus", 810_000, 800)
    assert finding_text(over, "imperial") == "Pegasus: 503.3 mi, past its 800 km limit"


def test_a_pair_missing_from_the_shoe_list_is_named_by_its_id() -> None:
    assert finding_text(NewShoes(NOV_9, 7, None)) == "Sun 9 Nov: first run in shoe 7 (a new pair)"


def test_evidence_lines_per_question() -> None:
    no_distance = LongestRun(NOV_9, 125, None, 28)
    assert evidence_lines({"longest_run_minutes": [no_distance]}) == {
        "longest_run_minutes": ["Sun 9 Nov: 2 h 05 min, your longest run in the last 28 days"]
    }


LONG = Pair(
    "run_over_30d_longest", "pain_next_day", "Run over your 30-day longest",
    "a run more than 10% over your 30-day longest", "Back pain the next day",
    "the day after {factor}", "day",
)  # fmt: skip


def _insight(effect: float, ci: tuple[float, float], verdict: Verdict, n: int = 6) -> Insight:
    return Insight(LONG, effect, ci, 0.997, n, 110, 0.3, verdict, 0.001)


def test_an_insight_says_its_effect_interval_and_association() -> None:
    higher = _insight(2.96, (1.349, 4.571), Verdict.HIGHER)
    assert insight_text(higher) == (
        "Your back pain was on average 3.0 points higher the day after a run more than 10% "
        "over your 30-day longest (interval +1.3 to +4.6, corrected for the factors tested; "
        "6 such days against 110): an association in your own records, not proof that one "
        "causes the other."
    )
    lower = _insight(-1.04, (-1.9, -0.2), Verdict.LOWER, n=1)
    assert "1.0 points lower the day after" in insight_text(lower)
    assert "1 such day against 110" in insight_text(lower)
    unclear = _insight(0.46, (-0.8, 1.7), Verdict.UNCLEAR)
    assert insight_text(unclear) == (
        "No clear association yet between a run more than 10% over your 30-day longest and "
        "your back pain the day after it: +0.5 points, interval -0.8 to +1.7 includes no "
        "difference (6 such days against 110)."
    )
    assert insight_evidence_line(higher) == (
        "your back pain was on average 3.0 points higher the day after a run more than 10% "
        "over your 30-day longest; 6 such days (an association in your diary, not proof of cause)"
    )


def test_a_pair_not_yet_testable_says_what_it_needs() -> None:
    short = NotEnough(LONG, 1, 19, 20, 22, 1)
    assert not_enough_text(short) == (
        "Not enough data yet to look for an association between a run more than 10% over "
        "your 30-day longest and back pain the next day: 1 such of 20; needs 22 more days "
        "with your back pain logged, 1 more with a run more than 10% over your 30-day longest."
    )
    runs = replace(LONG, outcome="pain_after_run", unit="run")
    assert "needs 3 more runs with that pain logged, 2 more without it." in not_enough_text(
        NotEnough(runs, 9, 0, 7, 3, 0, 2)
    )
    assert not_enough_text(NotEnough(LONG, 9, 40, 49, 0, 0)).endswith(
        "needs days on which it varies."
    )


def test_when_nothing_was_tested_the_words_say_so_and_what_the_first_test_needs() -> None:
    rows = [NotEnough(LONG, 0, 20, 20, 22, 2), NotEnough(replace(LONG, unit="run"), 0, 3, 3, 7, 2)]
    none = Insights([], rows, 0, 0.95, "method")
    assert nothing_tested_text(none) == (
        "Nothing could be tested yet: the first factor needs 22 more days with your back "
        "pain logged (you have 20), on some of which it was present and on some not. What "
        "each factor still needs is listed under “Not enough data yet”."
    )
    long_enough = Insights([], [NotEnough(LONG, 0, 60, 60, 0, 2)], 0, 0.95, "method")
    assert "no factor was both present and absent" in str(nothing_tested_text(long_enough))
    one = Insights([_insight(0.4, (-1.0, 1.8), Verdict.UNCLEAR)], rows, 1, 0.95, "method")
    assert nothing_tested_text(one) is None


def test_the_insights_window_counts_both_ends() -> None:
    found = Insights([], [], 0, 0.95, "m", date(2025, 3, 12), date(2025, 11, 6))
    assert insights_window(found) == "12 Mar 2025 to 6 Nov 2025 (240 days)"
    assert insights_window(Insights([], [], 0, 0.95, "m")) == ""
    one_day = Insights([], [], 0, 0.95, "m", date(2025, 3, 12), date(2025, 3, 12))
    assert insights_window(one_day) == "12 Mar 2025 to 12 Mar 2025 (1 day)"
