"""The sentences the load flags, the self-check evidence and the personal insights are
shown in.

``analyse`` finds (``analyse.findings``: dates, distances in metres, ratios, windows;
``analyse.personal_findings``: effects with their intervals, what a pair still needs);
this module words a finding in the user's units. It sits beside ``units`` rather than in
``present`` because ``services`` needs the words too: the evidence lines it hands the
self-check, the home page's warnings, the report's events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from backstride.analyse.findings import (
    BreakReturn,
    FewPairs,
    Finding,
    HardStreak,
    HillBlock,
    LongestRun,
    Monotony,
    MoreHard,
    NewShoes,
    NoRecentChange,
    NoSameRoute,
    ReturnRun,
    RunSpike,
    SameRoute,
    ShoeOverLimit,
    ShoeTotal,
    SurfaceShift,
    WeeklyJump,
)
from backstride.analyse.personal_findings import Finding as Insight
from backstride.analyse.personal_findings import Insights, NotEnough, Pair, Verdict
from backstride.units import Units, format_distance

#: Where the self-check ranks no contributor above nothing: said, not an empty table.
NO_LEADING_CAUSE = (
    "No single contributor stands out from your answers. The plan keeps to the measures "
    "that help most runners with back pain; a physiotherapist can look for what a "
    "questionnaire cannot."
)


def format_day(day: date) -> str:
    """ "Sun 9 Nov"."""
    return f"{day:%a} {day.day} {day:%b}"


def finding_text(found: Finding, units: Units = "metric") -> str:
    """The sentence for one finding, distances in `units`."""

    def dist(distance_m: float) -> str:
        return format_distance(distance_m, units)

    match found:
        case RunSpike():
            return (
                f"{format_day(found.run_date)}: {dist(found.distance_m)}, "
                f"{round((found.ratio - 1) * 100)}% longer "
                f"than your longest run in the previous {found.window_days} days "
                f"({dist(found.previous_longest_m)}; {found.band.replace('_', ' ')})"
            )
        case WeeklyJump():
            return (
                f"Week of {format_day(found.week_start_date)}: {dist(found.distance_m)}, "
                f"{round((found.ratio - 1) * 100)}% more than the week before "
                f"({dist(found.previous_m)})"
            )
        case HillBlock():
            return (
                f"Week of {format_day(found.week_start_date)}: {found.climbing_m:.0f} m of "
                f"climbing, {found.ratio:.1f}x your average of the {found.baseline_weeks} "
                f"weeks before ({found.baseline_m:.0f} m)"
            )
        case Monotony():
            value = found.monotony
            shown = "no rest-day variation" if value == float("inf") else f"{value:.1f}"
            return (
                f"Week of {format_day(found.week_start_date)}: monotony {shown} (much the same "
                f"load every day; {found.mark:g} is a commonly quoted mark)"
            )
        case ReturnRun():
            return (
                f"{format_day(found.run_date)}: {dist(found.distance_m)} after "
                f"{found.break_days} days without running (last run "
                f"{format_day(found.last_run_date)}); your longest run in the "
                f"{found.window_days} days before the break was {dist(found.reference_m)} "
                f"({format_day(found.reference_date)}), which the return guide (expert "
                f"opinion) cuts to about {dist(found.allowed_m)} after "
                f"{found.break_days // 7} weeks off"
            )
        case BreakReturn():
            return (
                f"{format_day(found.run_date)}: first run after {found.gap_days} days without "
                f"running (last run {format_day(found.last_run_date)})"
            )
        case HardStreak():
            return (
                f"{format_day(found.first_date)} to {format_day(found.last_date)}: hard runs "
                f"on {found.days} days in a row"
            )
        case MoreHard():
            return (
                f"Last {found.window_days} days: {found.recent_per_week:.1f} hard runs a week, "
                f"up from {found.base_per_week:.1f} a week in the {found.reference_days} "
                "days before"
            )
        case ShoeOverLimit():
            return f"{found.shoe}: {dist(found.distance_m)}, past its {found.limit_km:g} km limit"
        case NewShoes():
            name = found.shoe if found.shoe is not None else f"shoe {found.shoe_id}"
            return f"{format_day(found.run_date)}: first run in {name} (a new pair)"
        case FewPairs():
            return (
                f"Last {found.window_days} days: {found.pairs} pair of shoes in use; runners "
                "who used more than one pair in parallel had fewer injuries"
            )
        case SameRoute():
            return (
                f"Last {found.window_days} days: {found.on_route} of {found.runs_with_route} "
                "runs with a track followed the same route "
                f"(most recently {format_day(found.last_date)})"
            )
        case SurfaceShift():
            return (
                f"Last {found.window_days} days: {found.share:.0%} of distance on "
                f"{found.surface}, up from {found.previous_share:.0%} in the "
                f"{found.baseline_days} days before"
            )
        case NoRecentChange():
            return (
                f"No change found in the last {found.window_days} days: no run more than 10% "
                "longer than the longest of the 30 days before it, no jump in weekly "
                "distance, climbing or hard runs, no break, no new shoes or surface"
            )
        case LongestRun():
            m = found.minutes
            shown = f" ({dist(found.distance_m)})" if found.distance_m else ""
            return (
                f"{format_day(found.run_date)}: {m // 60} h {m % 60:02d} min{shown}, your "
                f"longest run in the last {found.window_days} days"
            )
        case ShoeTotal():
            return (
                f"{found.shoe}: {dist(found.distance_m)} in total, the pair you ran in most "
                f"in the last {found.window_days} days ({found.runs} runs)"
            )
        case NoSameRoute():
            return (
                f"Last {found.window_days} days: at most {found.on_route} of "
                f"{found.runs_with_route} runs with a track followed the same route"
            )


def evidence_lines(
    findings: Mapping[str, Sequence[Finding]], units: Units = "metric"
) -> dict[str, list[str]]:
    """Per self-check question id, the sentences for the findings behind its answer."""
    return {q: [finding_text(f, units) for f in found] for q, found in findings.items()}


def _such(n: int, pair: Pair) -> str:
    """ "6 such days" / "1 such run"."""
    return f"{n} such {pair.unit}{'' if n == 1 else 's'}"


def insight_text(found: Insight) -> str:
    """A tested pair: the effect with its corrected interval and what it rests on, always
    as an association (the runner chose when to run long; Daza 2018)."""
    pair = found.pair
    when = pair.outcome_phrase.format(factor=pair.factor_phrase)
    lo, hi = found.ci
    rests_on = f"{_such(found.n_exposed, pair)} against {found.n_unexposed}"
    if found.verdict is Verdict.UNCLEAR:
        return (
            f"No clear association yet between {pair.factor_phrase} and your back pain "
            f"{when.replace(pair.factor_phrase, 'it')}: {found.effect:+.1f} points, interval "
            f"{lo:+.1f} to {hi:+.1f} includes no difference ({rests_on})."
        )
    return (
        f"Your back pain was on average {abs(found.effect):.1f} points {found.verdict} {when} "
        f"(interval {lo:+.1f} to {hi:+.1f}, corrected for the factors tested; {rests_on}): "
        "an association in your own records, not proof that one causes the other."
    )


def _needs(n: NotEnough) -> list[str]:
    logged = (
        "days with your back pain logged" if n.pair.unit == "day" else "runs with that pain logged"
    )
    needs = []
    if n.more_days:
        needs.append(f"{n.more_days} more {logged}")
    if n.more_exposed:
        needs.append(f"{n.more_exposed} more with {n.pair.factor_phrase}")
    if n.more_unexposed:
        needs.append(f"{n.more_unexposed} more without it")
    return needs or ["days on which it varies"]


def not_enough_text(n: NotEnough) -> str:
    """A pair not yet testable, with what it has and what it still needs."""
    return (
        f"Not enough data yet to look for an association between {n.pair.factor_phrase} and "
        f"{n.pair.outcome_name.lower()}: {n.n_exposed} such of {n.n_days}; needs "
        f"{', '.join(_needs(n))}."
    )


def not_enough_by_factor(items: Sequence[NotEnough]) -> list[str]:
    """One line per factor not yet testable: its outcomes named once, and what the
    neediest of them still lacks (35 pairs read as seven lines, not a page each)."""
    by_factor: dict[str, list[NotEnough]] = {}
    for n in items:
        by_factor.setdefault(n.factor, []).append(n)
    lines = []
    for pairs in by_factor.values():
        outcomes = ", ".join(n.pair.outcome_name.lower() for n in pairs)
        most = max(pairs, key=lambda n: n.more_days + n.more_exposed + n.more_unexposed)
        lines.append(
            f"{pairs[0].pair.factor_name} ({outcomes}): so far on {most.n_exposed} of "
            f"{most.n_days} logged {most.pair.unit}{'' if most.n_days == 1 else 's'}; needs "
            f"{', '.join(_needs(most))}."
        )
    return lines


def nothing_tested_text(found: Insights) -> str | None:
    """When no pair could be tested yet: that, and what the first test needs (None when
    something was tested)."""
    if found.tests:
        return None
    days = [n for n in found.not_enough_data if n.pair.unit == "day"]
    short = min((n.more_days for n in days), default=0)
    if short:
        have = max(n.n_days for n in days)
        return (
            f"Nothing could be tested yet: the first factor needs {short} more "
            f"day{'' if short == 1 else 's'} with your back pain logged (you have {have}), "
            f"on some of which it was present and on some not. {_LISTED}"
        )
    return (
        "Nothing could be tested yet: there are enough days with your back pain logged, "
        f"but no factor was both present and absent on enough of them. {_LISTED}"
    )


_LISTED = "What each factor still needs is listed under “Not enough data yet”."


def insights_window(found: Insights) -> str:
    """ "12 Mar 2025 to 6 Nov 2025 (240 days)", or "" without days."""
    if found.first is None or found.last is None:
        return ""
    days = (found.last - found.first + timedelta(days=1)).days
    return (
        f"{found.first:%-d %b %Y} to {found.last:%-d %b %Y} ({days} day{'' if days == 1 else 's'})"
    )


def insight_evidence_line(found: Insight) -> str:
    """A credible finding of higher pain, as a line under the self-check question its
    factor speaks to."""
    pair = found.pair
    when = pair.outcome_phrase.format(factor=pair.factor_phrase)
    return (
        f"your back pain was on average {found.effect:.1f} points higher {when}; "
        f"{_such(found.n_exposed, pair)} (an association in your diary, not proof of cause)"
    )
