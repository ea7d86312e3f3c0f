"""The physical bounds of every value an import accepts: one table, and the checks.

A file is data from outside: a device glitch, a broken exporter or a hostile file can
put `inf`, `1e20` or latitude 999 anywhere a number goes. Every reader passes what it
read through here, so no value outside these bounds reaches the store or the analysis.

Per sample (a track point or FIT record), a value outside its bound is **dropped**: set
to NaN, as if the device had not recorded it, and counted; the rest of the sample stays.

============== ========== ========== =====================================================
sample field   low        high       why
============== ========== ========== =====================================================
latitude       -90°       90°        the globe; lat and lon are dropped together
longitude      -180°      180°       the globe
altitude       -500 m     9000 m     Dead Sea shore -430 m, Everest 8849 m
heart rate     20 bpm     250 bpm    below: no live runner; above: no human heart
cadence        0 /min     300 /min   sprinters reach ~300 steps/min; pedals ~200 rpm
distance       0 m        2000 km    cumulative distance a device records
time           1990-01-01 now + 1 day no GPS watch before; a day ahead allows clock skew
============== ========== ========== =====================================================

A point whose time is out of bounds is dropped whole: its time is what places it.

Per activity, an **impossible total** fails the file with a message naming the value
(`CorruptFile`): a start date out of the time bounds, an elapsed time over 10 days
(Tor des Géants, the longest single-file races, take ~6), a distance over 2000 km
(Paris-Brest-Paris is 1200), climbing or descent over 50 km (Tor des Géants: 24 km)
or an average speed over the sport's limit below (distance / elapsed time). Averages
and maxima that are out of bounds (heart rate, cadence) are dropped and counted, the
activity kept; a moving time beyond the elapsed time is capped to it.

============ =========== ===============================================================
sport family max speed   why
============ =========== ===============================================================
run, walk    12 m/s      Bolt's 100 m world record averages 10.4 m/s
ride         40 m/s      144 km/h, well past any ride's average
swim         5 m/s       twice the 50 m freestyle world record
row          10 m/s      Olympic boats average ~6 m/s
ski          40 m/s      downhill races average ~30 m/s
other        100 m/s     sports not known here: only a flight would exceed it
============ =========== ===============================================================
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from backstride.errors import CorruptFile
from backstride.models import Activity, sport_family

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Bound:
    """An inclusive range [low, high] in the unit its name carries."""

    low: float
    high: float

    def holds(self, value: float) -> bool:
        """Whether `value` is finite and within the range (NaN and ±inf are not)."""
        return self.low <= value <= self.high


LATITUDE_DEG = Bound(-90.0, 90.0)
LONGITUDE_DEG = Bound(-180.0, 180.0)
ALTITUDE_M = Bound(-500.0, 9000.0)
HEART_RATE_BPM = Bound(20.0, 250.0)
CADENCE_PER_MIN = Bound(0.0, 300.0)
DISTANCE_M = Bound(0.0, 2_000_000.0)
ELAPSED_S = Bound(0.0, 10 * 86400.0)
ELEVATION_CHANGE_M = Bound(0.0, 50_000.0)
#: The earliest start accepted; the latest is `latest_start()`.
EARLIEST_START = datetime(1990, 1, 1, tzinfo=UTC)
#: How far ahead of the clock a start may be (a device whose clock runs a little fast).
FUTURE_SLACK = timedelta(days=1)
#: Average speed (distance / elapsed time) per sport family [m/s].
MAX_SPEED_M_PER_S: dict[str, float] = {
    "run": 12.0,
    "walk": 12.0,
    "ride": 40.0,
    "swim": 5.0,
    "row": 10.0,
    "ski": 40.0,
    "other": 100.0,
}
#: UTC offsets beyond this are no real zone [s] (the furthest is +14 h, Kiribati).
MAX_UTC_OFFSET_S = 14 * 3600


def latest_start() -> datetime:
    """The latest start accepted: now plus `FUTURE_SLACK`."""
    return datetime.now(UTC) + FUTURE_SLACK


def time_bound_s() -> Bound:
    """The time bounds as seconds since 1970 (UTC), for sample columns."""
    return Bound(_EARLIEST_S, time.time() + FUTURE_SLACK.total_seconds())


_EARLIEST_S = EARLIEST_START.timestamp()


def _within(values: Floats, bound: Bound) -> bool:
    """Whether no value lies outside `bound` (NaN is "not recorded", never outside).

    Runs once per column of every file read, so it first tries the two cheapest
    reductions: min and max are NaN where any value is, and only then do the NaN-aware
    ones (fmin/fmax skip NaN) decide. No mask is built unless a value is outside.
    """
    if not values.size:
        return True
    if bound.low <= values.min() and values.max() <= bound.high:
        return True
    low, high = np.fmin.reduce(values), np.fmax.reduce(values)
    return not (low < bound.low or high > bound.high)  # all-NaN: both NaN, so True


def _outside(values: Floats, bound: Bound) -> npt.NDArray[np.bool_]:
    # NaN compares False both ways: it is not counted as outside.
    return (values < bound.low) | (values > bound.high)


@dataclass
class Dropped:
    """How many values of each field an import dropped as out of bounds."""

    counts: dict[str, int]

    @classmethod
    def none(cls) -> Dropped:
        return cls({})

    def add(self, name: str, count: int) -> None:
        if count:
            self.counts[name] = self.counts.get(name, 0) + count

    def as_tuple(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(self.counts.items()))


def drop_outside(values: Floats, bound: Bound, name: str, dropped: Dropped) -> Floats:
    """`values` with those outside `bound` set to NaN (a copy only where one is)."""
    if _within(values, bound):
        return values
    bad = _outside(values, bound)
    dropped.add(name, int(bad.sum()))
    out = values.copy()
    out[bad] = np.nan
    return out


def clean_positions(lat: Floats, lon: Floats, dropped: Dropped) -> tuple[Floats, Floats]:
    """Positions with either coordinate off the globe dropped, both together."""
    if _within(lat, LATITUDE_DEG) and _within(lon, LONGITUDE_DEG):
        return lat, lon
    bad = _outside(lat, LATITUDE_DEG) | _outside(lon, LONGITUDE_DEG)
    dropped.add("position", int(bad.sum()))
    lat, lon = lat.copy(), lon.copy()
    lat[bad] = np.nan
    lon[bad] = np.nan
    return lat, lon


def timed_within(time_s: Floats, dropped: Dropped) -> npt.NDArray[np.bool_] | None:
    """A mask of the samples dated within the time bounds, or None when all are."""
    bounds = time_bound_s()
    if not time_s.size or (bounds.low <= time_s.min() and time_s.max() <= bounds.high):
        return None
    good = (time_s >= bounds.low) & (time_s <= bounds.high)
    dropped.add("time", int((~good).sum()))
    return good


def _fail(activity: Activity, what: str) -> CorruptFile:
    where = activity.source_file
    if activity.session_index:
        where += f" (session {activity.session_index})"
    return CorruptFile(f"{where}: {what}; the file is damaged or its device misrecorded it")


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def _total(activity: Activity, name: str, value: float | None, bound: Bound, unit: str) -> None:
    if value is not None and not bound.holds(value):
        raise _fail(
            activity,
            f"impossible {name} {_number(value)} {unit} (accepted: {bound.low:g} to "
            f"{bound.high:g} {unit})",
        )


def _start(activity: Activity) -> None:
    started = activity.started_at
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    if not EARLIEST_START <= started <= latest_start():
        raise _fail(
            activity,
            f"impossible start date {started.date().isoformat()} (accepted: "
            f"{EARLIEST_START.date().isoformat()} to tomorrow)",
        )


def _speed(activity: Activity) -> None:
    distance, elapsed = activity.distance_m, activity.elapsed_s
    if not distance or not elapsed:
        return
    family = sport_family(activity.sport)
    limit = MAX_SPEED_M_PER_S[family]
    speed = distance / elapsed
    if speed > limit:
        raise _fail(
            activity,
            f"impossible average speed {speed:.1f} m/s for a {family} ({distance:g} m in "
            f"{elapsed:g} s; accepted up to {limit:g} m/s)",
        )


def _kept(value: float | None, bound: Bound, name: str, dropped: Dropped) -> float | None:
    if value is None or bound.holds(value):
        return value
    if not math.isnan(value):
        dropped.add(name, 1)
    return None


def _route(
    route: tuple[tuple[float, float], ...], dropped: Dropped
) -> tuple[tuple[float, float], ...]:
    kept = tuple(p for p in route if LATITUDE_DEG.holds(p[0]) and LONGITUDE_DEG.holds(p[1]))
    dropped.add("position", len(route) - len(kept))
    return kept


def check_activity(activity: Activity) -> Activity:
    """The activity with out-of-bounds averages dropped, or CorruptFile for an impossible total.

    Raises:
        CorruptFile: a start date, elapsed time, distance, climb, descent or average
            speed outside the bounds in the module docstring, naming the value.
    """
    _start(activity)
    _total(activity, "elapsed time", activity.elapsed_s, ELAPSED_S, "s")
    _total(activity, "distance", activity.distance_m, DISTANCE_M, "m")
    _total(activity, "climb", activity.elevation_gain_m, ELEVATION_CHANGE_M, "m")
    _total(activity, "descent", activity.elevation_loss_m, ELEVATION_CHANGE_M, "m")
    _speed(activity)
    dropped = Dropped(dict(activity.dropped))
    moving = _kept(activity.moving_s, ELAPSED_S, "moving time", dropped)
    if moving is not None:
        moving = min(moving, activity.elapsed_s)
    offset = activity.utc_offset_s
    if offset is not None and abs(offset) > MAX_UTC_OFFSET_S:
        offset = None
    return replace(
        activity,
        moving_s=moving,
        utc_offset_s=offset,
        avg_hr_bpm=_kept(activity.avg_hr_bpm, HEART_RATE_BPM, "heart rate", dropped),
        max_hr_bpm=_kept(activity.max_hr_bpm, HEART_RATE_BPM, "heart rate", dropped),
        avg_cadence_spm=_kept(activity.avg_cadence_spm, CADENCE_PER_MIN, "cadence", dropped),
        route=_route(activity.route, dropped),
        dropped=dropped.as_tuple(),
    )
