"""What each load rule and self-check evidence item found, as plain values (no words).

One frozen dataclass per rule: the run's or week's dates, distances in metres, ratios and
the rule's window. ``backstride.wording`` turns a finding into a sentence in the user's
units; analyse never words them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RunSpike:
    """single_run_spike: a run longer than the longest of the `window_days` before it."""

    run_date: date
    distance_m: float
    ratio: float
    window_days: int
    previous_longest_m: float
    band: str  # the rule's band label, e.g. "large_spike"


@dataclass(frozen=True)
class WeeklyJump:
    """weekly_distance_change: a week's distance against the week before."""

    week_start_date: date
    distance_m: float
    ratio: float
    previous_m: float


@dataclass(frozen=True)
class HillBlock:
    """hill_block: a week's climbing against the average of the `baseline_weeks` before."""

    week_start_date: date
    climbing_m: float
    ratio: float
    baseline_weeks: int
    baseline_m: float


@dataclass(frozen=True)
class Monotony:
    """monotony_strain: a week of much the same load every day (inf: no rest-day variation)."""

    week_start_date: date
    monotony: float
    mark: float  # the rule's high_monotony threshold


@dataclass(frozen=True)
class ReturnRun:
    """return_after_break: a first run after a break longer than the pre-break allowance."""

    run_date: date
    distance_m: float
    break_days: int
    last_run_date: date
    window_days: int
    reference_m: float
    reference_date: date
    allowed_m: float


@dataclass(frozen=True)
class BreakReturn:
    """returned_after_break: a first run after `gap_days` without running."""

    run_date: date
    gap_days: int
    last_run_date: date


@dataclass(frozen=True)
class HardStreak:
    """consecutive_hard_days: hard runs on `days` days in a row."""

    first_date: date
    last_date: date
    days: int


@dataclass(frozen=True)
class MoreHard:
    """hard_session: more hard runs a week in the recent window than in the weeks before."""

    window_days: int
    recent_per_week: float
    base_per_week: float
    reference_days: int


@dataclass(frozen=True)
class ShoeOverLimit:
    """shoe_life: a pair past its distance limit."""

    shoe: str
    distance_m: float
    limit_km: float


@dataclass(frozen=True)
class NewShoes:
    """shoe_life: the first run in a new pair."""

    run_date: date
    shoe_id: int
    shoe: str | None  # None when the pair is not in the shoe list


@dataclass(frozen=True)
class FewPairs:
    """shoe_rotation: fewer pairs in use in the window than the rule's minimum."""

    window_days: int
    pairs: int


@dataclass(frozen=True)
class SameRoute:
    """same_route: most runs with a track in the window followed one route."""

    window_days: int
    on_route: int
    runs_with_route: int
    last_date: date


@dataclass(frozen=True)
class SurfaceShift:
    """surface_change: a surface's share of distance grew against the days before."""

    window_days: int
    surface: str
    share: float
    previous_share: float
    baseline_days: int


@dataclass(frozen=True)
class NoRecentChange:
    """Self-check evidence: no load flag with a recent change in the window."""

    window_days: int


@dataclass(frozen=True)
class LongestRun:
    """Self-check evidence: the longest run of the recent window."""

    run_date: date
    minutes: int
    distance_m: float | None
    window_days: int


@dataclass(frozen=True)
class ShoeTotal:
    """Self-check evidence: the pair run in most in the recent window, and its total."""

    shoe: str
    distance_m: float
    window_days: int
    runs: int


@dataclass(frozen=True)
class NoSameRoute:
    """Self-check evidence: at most `on_route` runs of the window followed one route."""

    window_days: int
    on_route: int
    runs_with_route: int


#: A load flag's finding.
FlagFinding = (
    RunSpike
    | WeeklyJump
    | HillBlock
    | Monotony
    | ReturnRun
    | BreakReturn
    | HardStreak
    | MoreHard
    | ShoeOverLimit
    | NewShoes
    | FewPairs
    | SameRoute
    | SurfaceShift
)

#: Anything the wording module words: a flag's finding or a self-check evidence item.
Finding = FlagFinding | NoRecentChange | LongestRun | ShoeTotal | NoSameRoute


@dataclass(frozen=True)
class LoadFlag:
    """One rule tripped by one run (``activity_id``/``flag_date``), week, or the current state."""

    rule_id: str
    severity: str
    finding: FlagFinding  # what the rule found; backstride.wording words it
    flag_date: date | None = None
    week_start_date: date | None = None
    activity_id: int | None = None
    recent_change: str | None = None  # a value of the answers spec's recent_changes
