"""Apply the load rules to a history: one LoadFlag per run, week or state that trips a rule.

Each flag names the run (``activity_id``, ``flag_date``) or week (``week_start_date``)
behind it and, where honest, the self-check's ``recent_changes`` value it supports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from backstride.analyse import intensity, load, shoes, summaries
from backstride.analyse.findings import (
    BreakReturn,
    HardStreak,
    HillBlock,
    LoadFlag,
    Monotony,
    MoreHard,
    ReturnRun,
    RunSpike,
    WeeklyJump,
)
from backstride.models import Shoe, StoredActivity

if TYPE_CHECKING:  # a type only: the caller hands the rules in (kb.load_rules)
    from backstride.kb.schema import LoadRulesFile


@dataclass(frozen=True)
class History:
    """Everything the rules look at, prepared once."""

    runs: list[StoredActivity]
    shoes: list[Shoe]
    shoe_of: dict[int, int]
    today: date
    rules: LoadRulesFile
    week_start: summaries.WeekStart


def prepare(
    activities: Sequence[StoredActivity],
    shoe_list: Sequence[Shoe] = (),
    *,
    today: date,
    rules: LoadRulesFile,
    assignments: Mapping[int, int] | None = None,
    week_start: summaries.WeekStart = "monday",
) -> History:
    """Keep the runs up to `today` and resolve which shoe each was run in."""
    runs = [r for r in summaries.runs_only(activities) if summaries.local_date(r.activity) <= today]
    shoe_of = shoes.shoe_of_runs(runs, shoe_list, assignments or {})
    return History(runs, list(shoe_list), shoe_of, today, rules, week_start)


def _spike_flags(h: History) -> list[LoadFlag]:
    rule = h.rules["single_run_spike"]
    window = int(rule.thresholds["window_days"])
    out = []
    for s in load.longest_run_ratios(h.runs, window_days=window):
        if s.ratio is None or s.previous_longest_m is None:
            continue
        band = rule.band_for(s.ratio)
        if band.severity == "none":
            continue
        found = RunSpike(
            s.run_date, s.distance_m, s.ratio, window, s.previous_longest_m, band.label
        )
        out.append(
            LoadFlag(
                rule.id, band.severity, found, s.run_date, None, s.activity_id, "long_run_longer"
            )
        )
    return out


def weeks_of(h: History) -> list[summaries.WeekSummary]:
    """Weekly summaries from the first run's week to the week holding `today`."""
    if not h.runs:
        return []
    first = summaries.local_date(h.runs[0].activity)
    return summaries.weekly_summaries(
        h.runs, first_date=first, last_date=h.today, week_start=h.week_start
    )


def _week_flags(h: History, weeks: Sequence[summaries.WeekSummary]) -> list[LoadFlag]:
    rule = h.rules["weekly_distance_change"]
    floor_m = rule.thresholds["min_previous_week_distance_m"]
    out = []
    for i, (prev, week) in enumerate(zip(weeks, weeks[1:], strict=False)):
        ratio = load.change_ratio(week.distance_m, prev.distance_m)
        if ratio is None or prev.distance_m < floor_m:
            continue
        band = rule.band_for(ratio)
        if band.severity == "none":
            continue
        found = WeeklyJump(week.week_start_date, week.distance_m, ratio, prev.distance_m)
        # Alternate-day running swings 3- and 4-run weeks by a third; only a week above
        # every one of the 4 before it is a new level, i.e. a "mileage increase".
        new_level = week.distance_m > max(w.distance_m for w in weeks[max(0, i - 3) : i + 1])
        change = "mileage_increase" if new_level else None
        out.append(
            LoadFlag(rule.id, band.severity, found, None, week.week_start_date, None, change)
        )
    return out + _hill_flags(h, weeks) + _monotony_flags(h, weeks)


def _hill_flags(h: History, weeks: Sequence[summaries.WeekSummary]) -> list[LoadFlag]:
    rule = h.rules["hill_block"]
    base_n = int(rule.thresholds["baseline_weeks"])
    ratios = load.hill_block_ratio([w.climbing_m for w in weeks], baseline_weeks=base_n)
    out = []
    for i, (week, ratio) in enumerate(zip(weeks, ratios, strict=True)):
        if ratio is None:
            continue
        base = sum(w.climbing_m for w in weeks[i - base_n : i]) / base_n
        if ratio >= rule.thresholds["min_increase_ratio"] and (
            week.climbing_m - base >= rule.thresholds["min_increase_m"]
        ):
            found = HillBlock(week.week_start_date, week.climbing_m, ratio, base_n, base)
            out.append(
                LoadFlag(
                    rule.id, rule.severity, found, None, week.week_start_date, None, "hills_added"
                )
            )
    return out


def _monotony_flags(h: History, weeks: Sequence[summaries.WeekSummary]) -> list[LoadFlag]:
    rule = h.rules["monotony_strain"]
    if not weeks:
        return []
    first = weeks[0].week_start_date
    all_days = summaries.daily_distance_m(h.runs, first_date=first, last_date=h.today)
    out = []
    for week in weeks:
        offset = (week.week_start_date - first).days
        daily = all_days[offset : offset + 7]
        if len(daily) < 7:
            continue  # a partial week would count the days still to come as rest
        value = load.monotony(daily)
        if value == value and value >= rule.thresholds["high_monotony"]:  # NaN-safe
            found = Monotony(week.week_start_date, value, rule.thresholds["high_monotony"])
            out.append(LoadFlag(rule.id, rule.severity, found, None, week.week_start_date))
    return out


def _return_flags(h: History) -> list[LoadFlag]:
    """A first run after a break longer than the 30-day window, against the running before it.

    The 30-day rule has no reference then, so the longest run before the break, reduced
    for the time off, stands in; a run over it is a warning, as a large spike is.
    """
    rule = h.rules["return_after_break"]
    t = rule.thresholds
    out = []
    for r in load.return_runs(
        h.runs,
        window_days=int(t["window_days"]),
        reduction_per_week=t["reduction_per_week"],
        min_share=t["min_reference_share"],
    ):
        band = rule.band_for(r.ratio)
        if band.severity == "none":
            continue
        found = ReturnRun(
            r.run_date,
            r.distance_m,
            r.break_days,
            r.last_run_date,
            int(t["window_days"]),
            r.reference_m,
            r.reference_date,
            r.allowed_m,
        )
        out.append(
            LoadFlag(
                rule.id,
                band.severity,
                found,
                r.run_date,
                None,
                r.activity_id,
                "returned_after_break",
            )
        )
    return out


def _break_flags(h: History) -> list[LoadFlag]:
    rule = h.rules["returned_after_break"]
    days = [summaries.local_date(r.activity) for r in h.runs]
    ids = {summaries.local_date(r.activity): r.id for r in reversed(h.runs)}
    warned = {f.flag_date: f for f in _return_flags(h)}
    out = list(warned.values())
    for before, after in load.breaks(days, min_gap_days=int(rule.thresholds["min_gap_days"])):
        if after in warned:
            continue  # the warning names the break already
        found = BreakReturn(after, (after - before).days, before)
        out.append(
            LoadFlag(rule.id, rule.severity, found, after, None, ids[after], "returned_after_break")
        )
    return out


def _hard_flags(h: History) -> list[LoadFlag]:
    t = h.rules["hard_session"].thresholds
    sessions = intensity.classify_sessions(
        h.runs,
        reference_days=int(t["reference_days"]),
        min_reference_runs=int(t["min_reference_runs"]),
        hard_hr_ratio=t["hard_hr_ratio"],
        hard_speed_ratio=t["hard_speed_ratio"],
    )
    rule = h.rules["consecutive_hard_days"]
    limit = int(rule.thresholds["max_consecutive_hard_days"])
    hard = [s for s in sessions if s.hard]
    out = []
    for streak in load.consecutive_days([s.run_date for s in hard]):
        if len(streak) <= limit:
            continue
        last_id = max((s for s in hard if s.run_date == streak[-1]), key=lambda s: s.activity_id)
        found = HardStreak(streak[0], streak[-1], len(streak))
        out.append(LoadFlag(rule.id, rule.severity, found, streak[-1], None, last_id.activity_id))
    return out + _more_hard_flag(h, sessions)


def _more_hard_flag(h: History, sessions: Sequence[intensity.SessionIntensity]) -> list[LoadFlag]:
    rule = h.rules["hard_session"]
    recent_start = h.today - timedelta(days=h.rules.recent_window_days - 1)
    base_start = recent_start - timedelta(days=int(rule.thresholds["reference_days"]))
    judged = [s for s in sessions if s.hard is not None]
    if not any(s.run_date < recent_start for s in judged):
        return []
    recent = intensity.hard_sessions_per_week(judged, first_date=recent_start, last_date=h.today)
    base = intensity.hard_sessions_per_week(
        judged, first_date=base_start, last_date=recent_start - timedelta(days=1)
    )
    if recent - base < rule.thresholds["more_hard_per_week"]:
        return []
    found = MoreHard(
        h.rules.recent_window_days, recent, base, int(rule.thresholds["reference_days"])
    )
    return [LoadFlag(rule.id, rule.severity, found, h.today, None, None, "more_hard_sessions")]


def history_flags(h: History) -> list[LoadFlag]:
    """Flags raised by single runs, weeks, breaks and hard days anywhere in the history."""
    return _spike_flags(h) + _week_flags(h, weeks_of(h)) + _break_flags(h) + _hard_flags(h)
