"""The wording of findings: the same sentence in either unit, and a pair not in the list."""

from __future__ import annotations

from datetime import date

from backstride.analyse.findings import LongestRun, NewShoes, RunSpike, ShoeOverLimit
from backstride.wording import evidence_lines, finding_text, format_day

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
