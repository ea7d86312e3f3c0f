"""Which weekday gets what: run days, strength days, rest days (Monday = 0; pure)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class WeekPattern:
    """The weekly rhythm the plan repeats."""

    run_days: tuple[int, ...]
    long_day: int | None
    hard_days: tuple[int, ...]
    strength_days: tuple[int, ...]
    rest_days: tuple[int, ...]


def _gap(a: int, b: int) -> int:
    """Days between two weekdays, going round the week either way."""
    d = abs(a - b) % 7
    return min(d, 7 - d)


def trim_run_days(
    run_days: tuple[int, ...], *, long_day: int | None, hard_days: tuple[int, ...], min_rest: int
) -> tuple[int, ...]:
    """Drop easy run days until at least `min_rest` days a week are free of running."""
    days = sorted(set(run_days))
    while 7 - len(days) < min_rest and days:
        easy = [d for d in days if d != long_day and d not in hard_days]
        # drop the easy day that sits closest after another run: it has the least recovery
        victim = easy[-1] if easy else days[-1]
        days.remove(victim)
    return tuple(days)


def pick_strength_days(
    run_days: tuple[int, ...],
    *,
    long_day: int | None,
    hard_days: tuple[int, ...],
    sessions: int,
    min_gap_days: int,
    min_rest: int = 0,
) -> tuple[int, ...]:
    """`sessions` weekdays without a hard or long run, at least `min_gap_days` apart.

    The gap is measured round the week too, so the pattern can repeat. Preferred, in
    order: leaving `min_rest` days with neither run nor strength, days without a run,
    the widest spacing, the earliest days.
    """
    blocked = set(hard_days) | ({long_day} if long_day is not None else set())
    free = [d for d in range(7) if d not in blocked]
    best: tuple[tuple[int, int, int, tuple[int, ...]], tuple[int, ...]] | None = None
    for combo in combinations(free, sessions):
        gaps = [_gap(a, b) for a, b in combinations(combo, 2)]
        if gaps and min(gaps) < min_gap_days:
            continue
        off_run = sum(1 for d in combo if d not in run_days)
        keeps_rest = int(7 - len(set(run_days) | set(combo)) >= min_rest)
        key = (keeps_rest, off_run, min(gaps, default=7), tuple(-d for d in combo))
        if best is None or key > best[0]:
            best = (key, combo)
    if best is None:
        # too few free days: fewer sessions, still never on a hard or long day
        return (
            pick_strength_days(
                run_days,
                long_day=long_day,
                hard_days=hard_days,
                sessions=sessions - 1,
                min_gap_days=min_gap_days,
                min_rest=min_rest,
            )
            if sessions > 1
            else ()
        )
    return best[1]


def week_pattern(
    run_days: tuple[int, ...],
    *,
    long_day: int | None,
    hard_days: tuple[int, ...],
    strength_sessions: int,
    min_gap_days: int,
    min_rest: int,
) -> WeekPattern:
    """The weekly pattern: runs trimmed to leave rest days, strength placed between them.

    If strength sessions would fill the last rest day, one more easy run goes instead;
    hard and long runs are never dropped for this.
    """
    runs = trim_run_days(run_days, long_day=long_day, hard_days=hard_days, min_rest=min_rest)
    while True:
        long_ = long_day if long_day in runs else None
        hard = tuple(d for d in hard_days if d in runs and d != long_)
        strength = pick_strength_days(
            runs,
            long_day=long_,
            hard_days=hard,
            sessions=strength_sessions,
            min_gap_days=min_gap_days,
            min_rest=min_rest,
        )
        rest = tuple(d for d in range(7) if d not in runs and d not in strength)
        easy = [d for d in runs if d != long_ and d not in hard]
        if len(rest) >= min_rest or not easy:
            return WeekPattern(runs, long_, hard, strength, rest)
        runs = tuple(d for d in runs if d != easy[-1])
