"""Personal evidence: which factors in a runner's own training go with their own back pain.

``daily_factors`` turns the stored runs and diary into one exposure per factor per day
(definitions and thresholds in kb/data/insights.yaml); ``find_insights`` tests each
factor against each of its pain outcomes with the AR(1) regression of ``analyse.nof1``,
widens every interval for the number of pairs tested (Bonferroni), and says what more
data a pair needs when it has too little. Pure functions: no store, no clock.

The findings are values (``analyse.personal_findings``); ``backstride.wording`` words
them, and every sentence says association: the runner chose when to run long, so a
factor's days differ from the others in more than the factor (Daza 2018).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from backstride.analyse import intensity, load, shoes, summaries, terrain
from backstride.analyse.nof1 import Fit, bonferroni_level, fit_ar1, t_cdf
from backstride.analyse.personal_findings import (
    Finding,
    Insights,
    NotEnough,
    Pair,
    Point,
    Verdict,
)
from backstride.models import DiaryEntry, Shoe, StoredActivity

if TYPE_CHECKING:  # types only: the caller hands the rules in (kb.insights, kb.load_rules)
    from backstride.kb.schema import InsightFactor, InsightOutcome, InsightsFile, LoadRulesFile

NAN = float("nan")
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class DailyData:
    """Per day from `days[0]` to `days[-1]`: each factor's exposure (1, 0 or NaN where
    unknown), whether a run happened, the day's pain, and the run entries' pains."""

    days: list[date]
    exposures: dict[str, list[float]]
    ran: list[float]
    day_pain: list[float]
    #: (day, pain during, pain after) of each `run` diary entry in the range, oldest first
    run_entries: list[tuple[date, float, float]] = field(default_factory=list)


def _by_day(runs: Sequence[StoredActivity]) -> dict[date, list[StoredActivity]]:
    out: dict[date, list[StoredActivity]] = defaultdict(list)
    for r in runs:
        out[summaries.local_date(r.activity)].append(r)
    return out


def _rolling(values: Floats, width: int) -> Floats:
    """Sum of the `width` values ending at each index (fewer at the start)."""
    c = np.concatenate([[0.0], np.cumsum(values)])
    idx = np.arange(1, len(values) + 1)
    out: Floats = c[idx] - c[np.maximum(idx - width, 0)]
    return out


def _run_exposures(
    f: InsightFactor,
    runs: Sequence[StoredActivity],
    *,
    shoe_list: Sequence[Shoe],
    assignments: Mapping[int, int],
    load_rules: LoadRulesFile,
    fuelled: Mapping[date, bool],
) -> dict[date, float]:
    """Days a run factor was present (1.0) or known absent on a run day (0.0); a missing
    day had no such run (0), and NaN marks a run day where the factor is unknown."""
    t = f.thresholds
    out: dict[date, float] = {}

    def mark(day: date, value: float) -> None:
        old = out.get(day, 0.0)
        out[day] = value if np.isnan(old) or value > old else old

    if f.id == "run_over_30d_longest":
        for s in load.longest_run_ratios(runs, window_days=int(t["window_days"])):
            mark(s.run_date, 1.0 if s.ratio is not None and s.ratio > t["min_ratio"] else 0.0)
    elif f.id == "hard_consecutive_days":
        h = load_rules.threshold
        sessions = intensity.classify_sessions(
            runs,
            reference_days=int(h("hard_session", "reference_days")),
            min_reference_runs=int(h("hard_session", "min_reference_runs")),
            hard_hr_ratio=h("hard_session", "hard_hr_ratio"),
            hard_speed_ratio=h("hard_session", "hard_speed_ratio"),
        )
        hard = {x.run_date for x in sessions if x.hard}
        for x in sessions:
            mark(
                x.run_date, 1.0 if x.run_date in hard and x.run_date - timedelta(1) in hard else 0.0
            )
    elif f.id in ("long_run", "unfuelled_long_run"):
        for r in runs:
            day = summaries.local_date(r.activity)
            long = summaries.duration_s(r.activity) >= t["min_minutes"] * 60
            if f.id == "long_run":
                mark(day, 1.0 if long else 0.0)
            elif not long:
                mark(day, 0.0)
            elif day in fuelled:
                mark(day, 0.0 if fuelled[day] else 1.0)
            else:
                mark(day, NAN)
    elif f.id in ("shoes_over_limit", "new_shoes"):
        shoe_of = shoes.shoe_of_runs(runs, shoe_list, assignments)
        by_id = {s.id: s for s in shoe_list}
        worn = {s.id: s.start_distance_m for s in shoe_list}
        for r in runs:
            day = summaries.local_date(r.activity)
            sid = shoe_of.get(r.id)
            if sid is None or sid not in by_id:
                mark(day, NAN)
                continue
            before = worn[sid]
            worn[sid] = before + (r.activity.distance_m or 0.0)
            if f.id == "shoes_over_limit":
                mark(day, 1.0 if before > by_id[sid].limit_km * 1000 else 0.0)
            else:
                mark(day, 1.0 if before < t["new_pair_km"] * 1000 else 0.0)
    elif f.id == "evening_run":
        for r in runs:
            local = summaries.local_start(r.activity)
            mark(local.date(), 1.0 if local.hour >= t["from_hour"] else 0.0)
    elif f.id == "same_route_repeat":
        previous: StoredActivity | None = None
        for r in runs:
            day = summaries.local_date(r.activity)
            if not r.activity.route:
                mark(day, NAN)
                continue
            near = (
                previous is not None
                and (day - summaries.local_date(previous.activity)).days <= t["max_gap_days"]
            )
            same = (
                near
                and previous is not None
                and terrain.route_similarity(
                    previous.activity.route, r.activity.route, cell_m=t["grid_cell_m"]
                )
                >= t["min_similarity"]
            )
            mark(day, 1.0 if same else 0.0)
            previous = r
    else:
        raise KeyError(f"insights.yaml factor {f.id!r} has no definition in analyse.personal")
    return out


def _day_exposure(
    f: InsightFactor,
    dist: Floats,
    climb: Floats,
    all_days: list[date],
    diary: Sequence[DiaryEntry],
) -> Floats:
    t = f.thresholds
    n = len(all_days)
    if f.id == "weekly_distance_up":
        last7 = _rolling(dist, 7)
        prev7 = np.concatenate([np.zeros(7), last7[:-7]])[:n]
        out = ((prev7 >= t["min_previous_m"]) & (last7 > t["min_ratio"] * prev7)).astype(float)
        out[:14] = NAN  # no full fortnight behind these days
        return out
    if f.id == "weekly_climbing_up":
        base_days = int(t["baseline_days"])
        last7 = _rolling(climb, 7)
        base = np.concatenate([np.zeros(7), _rolling(climb, base_days)[:-7]])[:n] * 7 / base_days
        out = ((last7 >= t["min_ratio"] * base) & (last7 - base >= t["min_increase_m"])).astype(
            float
        )
        out[: base_days + 7] = NAN
        return out
    index = {d: i for i, d in enumerate(all_days)}
    if f.id == "strength_session":
        out = np.zeros(n)
        for e in diary:
            if e.kind == "strength" and e.entry_date in index:
                out[index[e.entry_date]] = 1.0
        return out
    if f.id == "short_sleep":
        out = np.full(n, NAN)
        for e in diary:
            if e.kind == "day" and e.sleep_h is not None and e.entry_date in index:
                out[index[e.entry_date]] = 1.0 if e.sleep_h < t["max_hours"] else 0.0
        return out
    raise KeyError(f"insights.yaml factor {f.id!r} has no definition in analyse.personal")


def daily_factors(
    activities: Sequence[StoredActivity],
    diary: Sequence[DiaryEntry],
    *,
    first: date,
    last: date,
    rules: InsightsFile,
    load_rules: LoadRulesFile,
    shoe_list: Sequence[Shoe] = (),
    assignments: Mapping[int, int] | None = None,
) -> DailyData:
    """Each factor of `rules` per day from `first` to `last`; runs before `first` are the
    look-back (the 30-day longest, the weeks before, the shoes' distance)."""
    runs = [r for r in summaries.runs_only(activities) if summaries.local_date(r.activity) <= last]
    start = min([first] + [summaries.local_date(r.activity) for r in runs])
    all_days = [start + timedelta(days=i) for i in range((last - start).days + 1)]
    index = {d: i for i, d in enumerate(all_days)}
    dist, climb = np.zeros(len(all_days)), np.zeros(len(all_days))
    by_day = _by_day(runs)
    for day, day_runs in by_day.items():
        dist[index[day]] = sum(r.activity.distance_m or 0.0 for r in day_runs)
        climb[index[day]] = sum(r.activity.elevation_gain_m or 0.0 for r in day_runs)
    ran = np.array([1.0 if d in by_day else 0.0 for d in all_days])
    fuelled = {e.entry_date: e.fuelled for e in diary if e.kind == "run" and e.fuelled is not None}
    exposures: dict[str, list[float]] = {}
    cut = index[first]
    for f in rules.factors:
        if f.id == "rest_day":
            values = 1.0 - ran
        elif f.kind == "run":
            marks = _run_exposures(
                f,
                runs,
                shoe_list=shoe_list,
                assignments=assignments or {},
                load_rules=load_rules,
                fuelled=fuelled,
            )
            values = np.array([marks.get(d, 0.0) for d in all_days])
        else:
            values = _day_exposure(f, dist, climb, all_days, diary)
        exposures[f.id] = [float(v) for v in values[cut:]]
    day_pain = {e.entry_date: e.pain_during for e in diary if e.kind == "day"}
    days = all_days[cut:]
    runs_logged = [
        (e.entry_date, _num(e.pain_during), _num(e.pain_after))
        for e in diary
        if e.kind == "run" and first <= e.entry_date <= last
    ]
    return DailyData(
        days=days,
        exposures=exposures,
        ran=[float(v) for v in ran[cut:]],
        day_pain=[_num(day_pain.get(d)) for d in days],
        run_entries=sorted(runs_logged),
    )


def _num(value: int | float | None) -> float:
    return NAN if value is None else float(value)


def _series(
    data: DailyData, f: InsightFactor, o: InsightOutcome
) -> tuple[list[date], Floats, Floats, NDArray[np.int64], list[list[float]]]:
    """Rows (day of the factor, pain, exposure, time index, covariates) for one pair."""
    x_all: Floats = np.array(data.exposures[f.id], dtype=np.float64)
    if o.unit == "day":
        pain = np.array(data.day_pain, dtype=np.float64)
        y: Floats = np.concatenate([pain[o.lag_days :], np.full(o.lag_days, NAN)])
        cov = [data.ran] if f.kind == "run" and f.id != "rest_day" else []
        return data.days, y, x_all, np.arange(len(y), dtype=np.int64), cov
    index = {d: i for i, d in enumerate(data.days)}
    rows = [
        (d, (during if o.id == "pain_during_run" else after))
        for d, during, after in data.run_entries
    ]
    rows = [(d, p) for d, p in rows if d in index]
    days = [d for d, _ in rows]
    y_run: Floats = np.array([p for _, p in rows], dtype=np.float64)
    x_run: Floats = np.array([x_all[index[d]] for d in days], dtype=np.float64)
    return days, y_run, x_run, np.arange(len(rows), dtype=np.int64), []


def find_insights(data: DailyData, rules: InsightsFile) -> Insights:
    """Test every factor against each of its outcomes; see the module docstring."""
    m = rules.method
    outcomes = {o.id: o for o in rules.outcomes}
    fits: list[tuple[InsightFactor, InsightOutcome, Fit, list[Point]]] = []
    short: list[NotEnough] = []
    for f in rules.factors:
        for oid in f.outcomes:
            o = outcomes[oid]
            days, y, x, t, cov = _series(data, f, o)
            ok = np.isfinite(y) & np.isfinite(x)
            n, n_exp = int(ok.sum()), int(np.sum(ok & (x > 0.5)))
            n_unexp = n - n_exp
            min_rows = m.min_days if o.unit == "day" else m.min_runs
            fit = None
            if n >= min_rows and n_exp >= m.min_exposed and n_unexp >= m.min_unexposed:
                fit = fit_ar1(y, x, t=t, covariates=cov)
            if fit is None:
                short.append(
                    _not_enough(f, o, n, n_exp, n_unexp, min_rows, m.min_exposed, m.min_unexposed)
                )
                continue
            points = [Point(days[i], float(y[i]), bool(x[i] > 0.5)) for i in np.flatnonzero(ok)]
            fits.append((f, o, fit, points))
    # Bonferroni (the only correction insights.yaml allows): every interval at 1 - alpha/m.
    level = bonferroni_level(len(fits), m.alpha) if m.correction == "bonferroni" else 1 - m.alpha
    findings = []
    for f, o, fit, points in fits:
        ci = fit.interval(level)
        findings.append(
            Finding(
                pair=_pair(f, o),
                effect=fit.effect,
                ci=ci,
                level=level,
                n_exposed=fit.n_exposed,
                n_unexposed=fit.n_unexposed,
                rho=fit.rho,
                verdict=_verdict(ci),
                p_value=_p_value(fit),
                se=fit.se,
                df=fit.df,
                points=tuple(points),
            )
        )
    # the largest effect first, as shown (to 0.01): pairs that tie there keep their order
    findings.sort(key=lambda x: (not x.credible, -abs(round(x.effect, 2))))
    return Insights(
        findings,
        short,
        len(fits),
        level,
        m.text,
        data.days[0] if data.days else None,
        data.days[-1] if data.days else None,
    )


def _pair(f: InsightFactor, o: InsightOutcome) -> Pair:
    return Pair(f.id, o.id, f.name, f.phrase, o.name, o.phrase, o.unit)


def _verdict(ci: tuple[float, float]) -> Verdict:
    if ci[0] > 0:
        return Verdict.HIGHER
    if ci[1] < 0:
        return Verdict.LOWER
    return Verdict.UNCLEAR


def _p_value(fit: Fit) -> float:
    if fit.se <= 0.0:
        return 0.0 if fit.effect else 1.0
    return 2.0 * (1.0 - t_cdf(abs(fit.effect) / fit.se, fit.df))


def _not_enough(
    f: InsightFactor, o: InsightOutcome, n: int, n_exp: int, n_unexp: int,
    min_rows: int, min_exp: int, min_unexp: int,
) -> NotEnough:  # fmt: skip
    return NotEnough(
        _pair(f, o), n_exp, n_unexp, n,
        max(0, min_rows - n), max(0, min_exp - n_exp), max(0, min_unexp - n_unexp),
    )  # fmt: skip
