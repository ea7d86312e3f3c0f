"""The weekly load table and everything `backstride load` shows, assembled from plain values."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from backstride.analyse import intensity, load, shoes, summaries, terrain
from backstride.analyse.evidence import flags as all_flags
from backstride.analyse.findings import LoadFlag
from backstride.analyse.flags import prepare
from backstride.models import Shoe, StoredActivity

if TYPE_CHECKING:  # a type only: the caller hands the rules in (kb.load_rules)
    from backstride.kb.schema import LoadRulesFile

ACWR_NOTE = (
    "ACWR (7-day vs 28-day running distance) is shown as a descriptive trend only: its use "
    "as an injury predictor is contested (Impellizzeri 2020), and backstride never flags on it."
)


@dataclass(frozen=True)
class WeekRow:
    """One row of the weekly table (SI units; ratios are this week / last week)."""

    week_start_date: date
    partial: bool
    runs: int
    distance_m: float
    distance_change_ratio: float | None
    duration_s: float
    duration_change_ratio: float | None
    climbing_m: float
    climbing_change_ratio: float | None
    longest_run_m: float
    long_run_share: float | None
    hard_runs: int
    monotony: float | None
    strain: float | None
    acwr_rolling: float | None
    acwr_ewma: float | None
    avg_cadence_spm: float | None


@dataclass(frozen=True)
class ShoeStatus:
    """A pair with the distance the analysis counts (links plus matching gear names)."""

    shoe: Shoe
    distance_m: float
    over_limit: bool


#: The flags' type: `LoadFlag` here; `services.training` hands on a subtype with words.
FlagT = TypeVar("FlagT", bound=LoadFlag)


@dataclass(frozen=True)
class LoadReport(Generic[FlagT]):
    """What `backstride load` prints: weekly rows, flags, terrain, shoes, trends."""

    today: date
    weeks: list[WeekRow]
    flags: list[FlagT]
    shoes: list[ShoeStatus] = field(default_factory=list)
    pairs_in_rotation: int = 0
    cadence_trend_spm_per_week: float | None = None
    climbing_m_per_km: float | None = None
    flatness: str | None = None
    surface_shares: dict[str, float] = field(default_factory=dict)
    same_route_share: float | None = None
    acwr_note: str = ACWR_NOTE

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, inf/NaN as None."""
        out: dict[str, Any] = _jsonable(asdict(self))
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def cadence_trend(weeks: Sequence[WeekRow], *, min_weeks: int = 3) -> float | None:
    """Least-squares slope of weekly average cadence [steps/min per week]."""
    points = [(i, w.avg_cadence_spm) for i, w in enumerate(weeks) if w.avg_cadence_spm]
    if len(points) < min_weeks:
        return None
    x, y = np.array([p[0] for p in points], float), np.array([p[1] for p in points], float)
    return float(np.polyfit(x, y, 1)[0])


def _rows(
    runs: Sequence[StoredActivity],
    today: date,
    first: date,
    weeks_n: int,
    week_start: summaries.WeekStart,
    rules: LoadRulesFile,
) -> list[WeekRow]:
    all_weeks = summaries.weekly_summaries(
        runs, first_date=first, last_date=today, week_start=week_start
    )
    daily = summaries.daily_distance_m(runs, first_date=first, last_date=today)
    acute, chronic = (
        int(rules.threshold("acwr", "acute_days")),
        int(rules.threshold("acwr", "chronic_days")),
    )
    rolling = load.acwr_rolling(daily, acute_days=acute, chronic_days=chronic)
    ewma = load.acwr_ewma(daily, acute_days=acute, chronic_days=chronic)
    hard_days = [s.run_date for s in intensity.classify_sessions(runs) if s.hard]
    rows = []
    for i, w in enumerate(all_weeks):
        prev = all_weeks[i - 1] if i else None
        end = min(w.week_start_date + timedelta(days=6), today)
        idx = (end - first).days
        span = daily[max(0, (w.week_start_date - first).days) : idx + 1]
        full = len(span) == 7
        rows.append(
            WeekRow(
                week_start_date=w.week_start_date,
                partial=end < w.week_start_date + timedelta(days=6),
                runs=w.runs,
                distance_m=w.distance_m,
                distance_change_ratio=load.change_ratio(w.distance_m, prev.distance_m)
                if prev
                else None,
                duration_s=w.duration_s,
                duration_change_ratio=load.change_ratio(w.duration_s, prev.duration_s)
                if prev
                else None,
                climbing_m=w.climbing_m,
                climbing_change_ratio=load.change_ratio(w.climbing_m, prev.climbing_m)
                if prev
                else None,
                longest_run_m=w.longest_run_m,
                long_run_share=w.long_run_share,
                hard_runs=sum(1 for d in hard_days if w.week_start_date <= d <= end),
                monotony=_finite(load.monotony(span)) if full else None,
                strain=_finite(load.strain(span)) if full else None,
                acwr_rolling=_finite(float(rolling[idx])),
                acwr_ewma=_finite(float(ewma[idx])),
                avg_cadence_spm=w.avg_cadence_spm,
            )
        )
    return rows[-weeks_n:]


def build_load_report(
    activities: Sequence[StoredActivity],
    shoe_list: Sequence[Shoe] = (),
    *,
    today: date,
    weeks: int = 8,
    rules: LoadRulesFile,
    assignments: Mapping[int, int] | None = None,
    week_start: summaries.WeekStart = "monday",
) -> LoadReport[LoadFlag]:
    """The last `weeks` weeks up to `today`, the flags raised in them, shoes and terrain."""
    h = prepare(
        activities,
        shoe_list,
        today=today,
        rules=rules,
        assignments=assignments,
        week_start=week_start,
    )
    if not h.runs:
        return LoadReport(today=today, weeks=[], flags=[])
    first = summaries.local_date(h.runs[0].activity)
    rows = _rows(h.runs, today, first, weeks, week_start, h.rules)
    since = rows[0].week_start_date
    recent = [r for r in h.runs if summaries.local_date(r.activity) >= since]
    totals = shoes.distance_per_shoe_m(h.runs, h.shoes, h.shoe_of)
    # Pairwise route comparison is quadratic, so it looks only at the rule's own window.
    route_since = today - timedelta(days=int(h.rules.threshold("same_route", "window_days")) - 1)
    repeated = terrain.most_repeated_route(
        [r for r in h.runs if summaries.local_date(r.activity) >= route_since],
        cell_m=h.rules.threshold("same_route", "grid_cell_m"),
        min_similarity=h.rules.threshold("same_route", "min_similarity"),
    )
    climb = terrain.climbing_m_per_km(recent)
    return LoadReport(
        today=today,
        weeks=rows,
        flags=all_flags(
            activities,
            shoe_list,
            today=today,
            since=since,
            rules=h.rules,
            assignments=assignments,
            week_start=week_start,
        ),
        shoes=[ShoeStatus(s, totals[s.id], shoes.over_limit(s, totals[s.id])) for s in h.shoes],
        pairs_in_rotation=shoes.pairs_in_rotation(
            h.runs,
            h.shoe_of,
            today=today,
            window_days=int(h.rules.threshold("shoe_rotation", "window_days")),
        ),
        cadence_trend_spm_per_week=cadence_trend(
            rows, min_weeks=int(h.rules.threshold("cadence_trend", "min_weeks"))
        ),
        climbing_m_per_km=climb,
        flatness=None
        if climb is None
        else terrain.flatness(
            climb,
            flat_max_m_per_km=h.rules.threshold("flatness", "flat_max_m_per_km"),
            rolling_max_m_per_km=h.rules.threshold("flatness", "rolling_max_m_per_km"),
        ),
        surface_shares=terrain.surface_shares(recent),
        same_route_share=repeated.share if repeated else None,
    )
