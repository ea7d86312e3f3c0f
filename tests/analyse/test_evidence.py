"""Flags and self-check evidence on small hand-built histories (today = Mon 10 Nov 2025)."""

from __future__ import annotations

from datetime import date, timedelta

from backstride.analyse.evidence import HistoryEvidence, flags, training_evidence
from backstride.analyse.findings import LoadFlag
from backstride.kb import load_kb
from backstride.models import Shoe, StoredActivity
from backstride.units import Units
from backstride.wording import evidence_lines, finding_text
from tests.analyse._factory import run
from tests.analyse.test_terrain import ELSEWHERE, LOOP

RULES = load_kb().load_rules

TODAY = date(2025, 11, 10)


def _text(flag: LoadFlag) -> str:
    """The flag's sentence as the shells show it (metric)."""
    return finding_text(flag.finding)


def _lines(ev: HistoryEvidence, units: Units = "metric") -> dict[str, list[str]]:
    """The evidence lines the self-check is handed."""
    return evidence_lines(ev.findings, units)


def _km(i: int, day: date, km: float, **kw: object) -> StoredActivity:
    return run(i, day, km, minutes=km * 6, **kw)  # 6:00 /km, so no run is hard by pace


def _history() -> list[StoredActivity]:
    """Weeks Mon 29 Sep .. Sun 9 Nov: Tue 8 km, Thu 8 km, Sun long; the last long run 28.1 km."""
    longs = [19.9, 16.0, 16.0, 16.0, 28.1]
    acts = [
        _km(1, date(2025, 9, 30), 19.0),
        _km(2, date(2025, 10, 2), 8.0),
        _km(3, date(2025, 10, 5), 8.0),
    ]
    monday = date(2025, 10, 6)
    for w, long_km in enumerate(longs):
        base = 10 + 3 * w
        day = monday + timedelta(weeks=w)
        acts += [
            _km(base, day + timedelta(days=1), 8.0),
            _km(base + 1, day + timedelta(days=3), 8.0),
            _km(base + 2, day + timedelta(days=6), long_km),
        ]
    return acts


def test_spike_and_weekly_change_name_the_run_and_the_week() -> None:
    found = flags(_history(), today=TODAY, rules=RULES, since=date(2025, 10, 13))
    assert [
        (f.rule_id, f.severity, f.activity_id, f.flag_date, f.week_start_date) for f in found
    ] == [
        ("weekly_distance_change", "caution", None, None, date(2025, 11, 3)),
        ("single_run_spike", "caution", 24, date(2025, 11, 9), None),
    ]
    assert _text(found[0]) == "Week of Mon 3 Nov: 44.1 km, 38% more than the week before (32.0 km)"
    assert _text(found[1]) == (
        "Sun 9 Nov: 28.1 km, 41% longer than your longest run in the previous 30 days "
        "(19.9 km; moderate spike)"
    )


def test_evidence_cites_the_runs_behind_each_answer() -> None:
    ev = training_evidence(_history(), today=TODAY, rules=RULES)
    assert ev.answers == {
        "recent_changes": ["mileage_increase", "long_run_longer"],
        "longest_run_minutes": 169,
    }
    assert _lines(ev)["recent_changes"][1].startswith("Sun 9 Nov: 28.1 km, 41% longer than your")
    assert _lines(ev)["longest_run_minutes"] == [
        "Sun 9 Nov: 2 h 49 min (28.1 km), your longest run in the last 28 days"
    ]
    assert "shoe_km" not in ev.answers and "same_route_most_days" not in ev.answers


def test_distance_text_follows_the_units() -> None:
    ev = training_evidence(_history(), today=TODAY, rules=RULES)
    assert _lines(ev, "imperial")["longest_run_minutes"][0].endswith(
        "(17.5 mi), your longest run in the last 28 days"
    )


def test_no_history_or_only_old_history_gives_empty_evidence() -> None:
    assert training_evidence([], today=TODAY, rules=RULES).answers == {}
    old = [_km(1, date(2025, 9, 1), 10.0)]
    assert training_evidence(old, today=TODAY, rules=RULES).answers == {}


def test_steady_running_answers_none() -> None:
    acts = [_km(i, TODAY - timedelta(days=2 * i), 8.0) for i in range(1, 30)]
    ev = training_evidence(acts, today=TODAY, rules=RULES)
    assert ev.answers["recent_changes"] == ["none"]
    assert _lines(ev)["recent_changes"][0].startswith("No change found in the last 28 days")


def test_return_after_a_break() -> None:
    acts = [
        _km(1, date(2025, 10, 8), 8.0),
        _km(2, date(2025, 10, 12), 8.0),
        _km(3, date(2025, 11, 1), 6.0),
    ]
    found = [
        f for f in flags(acts, today=TODAY, rules=RULES) if f.rule_id == "returned_after_break"
    ]
    assert [(f.activity_id, _text(f)) for f in found] == [
        (3, "Sat 1 Nov: first run after 20 days without running (last run Sun 12 Oct)")
    ]
    assert (
        "returned_after_break"
        in training_evidence(acts, today=TODAY, rules=RULES).answers["recent_changes"]
    )


def test_hard_days_in_a_row_and_more_hard_sessions() -> None:
    start = date(2025, 9, 1)
    easy = [run(i, start + timedelta(days=3 * i), 8.0, avg_hr_bpm=140) for i in range(1, 18)]
    hard = [
        run(100, date(2025, 11, 4), 8.0, avg_hr_bpm=156),
        run(101, date(2025, 11, 5), 8.0, avg_hr_bpm=158),
        run(102, date(2025, 11, 8), 8.0, avg_hr_bpm=160),
        run(103, date(2025, 10, 20), 8.0, avg_hr_bpm=160),
    ]
    found = {f.rule_id: f for f in flags(easy + hard, today=TODAY, rules=RULES)}
    streak = found["consecutive_hard_days"]
    assert (streak.activity_id, streak.flag_date) == (101, date(2025, 11, 5))
    assert _text(streak) == "Tue 4 Nov to Wed 5 Nov: hard runs on 2 days in a row"
    more = found["hard_session"]
    # 4 hard runs in the last 28 days = 1.0 a week, none in the 56 days before: +1.0 a week
    assert more.recent_change == "more_hard_sessions"
    assert _text(more) == (
        "Last 28 days: 1.0 hard runs a week, up from 0.0 a week in the 56 days before"
    )


def test_shoes_over_limit_new_pair_single_pair_and_shoe_km() -> None:
    old = Shoe(
        id=1, name="Pegasus 40", limit_km=800, added_date=date(2025, 1, 1), start_distance_m=790_000
    )
    new = Shoe(id=2, name="Pegasus 41", limit_km=800, added_date=date(2025, 11, 1))
    acts = [
        _km(1, date(2025, 10, 1), 8.0),
        _km(2, date(2025, 10, 3), 8.0),
        _km(3, date(2025, 11, 2), 10.0),
        _km(4, date(2025, 11, 4), 12.0),
        _km(5, date(2025, 11, 6), 12.0, gear="pegasus 41"),
    ]
    assignments = {1: 1, 2: 1, 3: 2, 4: 2}
    found = [
        f
        for f in flags(acts, [old, new], today=TODAY, rules=RULES, assignments=assignments)
        if f.rule_id.startswith("shoe")
    ]
    assert [(f.rule_id, _text(f), f.recent_change) for f in found] == [
        ("shoe_life", "Sun 2 Nov: first run in Pegasus 41 (a new pair)", "new_shoes"),
        ("shoe_life", "Pegasus 40: 806.0 km, past its 800 km limit", None),
        (
            "shoe_rotation",
            "Last 30 days: 1 pair of shoes in use; runners who used more than one "
            "pair in parallel had fewer injuries",
            None,
        ),
    ]
    ev = training_evidence(acts, [old, new], today=TODAY, rules=RULES, assignments=assignments)
    assert ev.answers["shoe_km"] == 34.0
    assert _lines(ev)["shoe_km"] == [
        "Pegasus 41: 34.0 km in total, the pair you ran in most in the last 28 days (3 runs)"
    ]
    assert "new_shoes" in ev.answers["recent_changes"]


def test_same_route_most_days() -> None:
    acts = [_km(i, TODAY - timedelta(days=2 * i), 5.0, route=LOOP) for i in range(1, 5)]
    acts.append(_km(9, TODAY - timedelta(days=1), 5.0, route=ELSEWHERE))
    ev = training_evidence(acts, today=TODAY, rules=RULES)
    assert ev.answers["same_route_most_days"] is True
    assert _lines(ev)["same_route_most_days"] == [
        "Last 28 days: 4 of 5 runs with a track followed the same route (most recently Sat 8 Nov)"
    ]
    varied = acts[:2] + [
        _km(
            10 + i,
            TODAY - timedelta(days=i),
            5.0,
            route=tuple((a + 0.05 * (i + 2), b) for a, b in LOOP),
        )
        for i in range(3)
    ]
    ev = training_evidence(varied, today=TODAY, rules=RULES)
    assert ev.answers["same_route_most_days"] is False
    assert _lines(ev)["same_route_most_days"][0].startswith("Last 28 days: at most 2 of 5 runs")


def test_too_few_tracks_leave_same_route_unanswered() -> None:
    acts = [_km(i, TODAY - timedelta(days=2 * i), 5.0, route=LOOP) for i in range(1, 4)]
    assert "same_route_most_days" not in training_evidence(acts, today=TODAY, rules=RULES).answers


def test_hill_block_week() -> None:
    monday = date(2025, 10, 6)
    acts = []
    for w in range(5):
        climb = 600.0 if w == 4 else 100.0
        day = monday + timedelta(weeks=w)
        acts += [
            _km(10 * w + k, day + timedelta(days=2 * k), 8.0, elevation_gain_m=climb / 3)
            for k in range(3)
        ]
    found = [f for f in flags(acts, today=TODAY, rules=RULES) if f.rule_id == "hill_block"]
    assert [(f.week_start_date, _text(f)) for f in found] == [
        (
            date(2025, 11, 3),
            "Week of Mon 3 Nov: 600 m of climbing, 6.0x your average of the 4 weeks before (100 m)",
        )
    ]
    assert (
        "hills_added" in training_evidence(acts, today=TODAY, rules=RULES).answers["recent_changes"]
    )


def test_surface_change_to_trail() -> None:
    road = [
        _km(i, date(2025, 9, 1) + timedelta(days=3 * i), 8.0, surface="road") for i in range(15)
    ]
    trail = [
        _km(100 + i, date(2025, 10, 20) + timedelta(days=3 * i), 8.0, sub_sport="trail")
        for i in range(6)
    ]
    found = [
        f for f in flags(road + trail, today=TODAY, rules=RULES) if f.rule_id == "surface_change"
    ]
    assert [_text(f) for f in found] == [
        "Last 28 days: 100% of distance on trail, up from 0% in the 56 days before"
    ]


def test_same_load_every_day_is_flagged_as_monotonous() -> None:
    acts = [_km(i, date(2025, 11, 3) + timedelta(days=i), 5.0) for i in range(7)]
    found = [f for f in flags(acts, today=TODAY, rules=RULES) if f.rule_id == "monotony_strain"]
    assert [(f.week_start_date, _text(f)) for f in found] == [
        (
            date(2025, 11, 3),
            "Week of Mon 3 Nov: monotony no rest-day variation (much the same "
            "load every day; 2 is a commonly quoted mark)",
        )
    ]


def test_partial_week_is_not_judged_for_monotony() -> None:
    acts = [_km(i, date(2025, 11, 10) - timedelta(days=i), 5.0) for i in range(3)]
    assert not [f for f in flags(acts, today=TODAY, rules=RULES) if f.rule_id == "monotony_strain"]
