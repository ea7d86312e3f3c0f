"""From sample streams to an activity summary: distance, moving time, climbing, route.

Pure numpy over the samples of one session; shared by the GPX and TCX readers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

EARTH_RADIUS_M = 6_371_008.8
#: Slower than this between two samples counts as standing still [m/s].
MOVING_SPEED_M_PER_S = 0.5
#: A gap longer than this between samples is a pause when nothing says otherwise [s].
PAUSE_GAP_S = 30.0
#: Climbing counts only once the smoothed altitude has moved this far [m].
ELEVATION_HYSTERESIS_M = 3.0
#: Samples averaged when smoothing altitude (odd).
ELEVATION_WINDOW = 5
#: A simplified route keeps points that deviate more than this from it [m].
ROUTE_TOLERANCE_M = 10.0
#: ... and never more than this many points.
ROUTE_MAX_POINTS = 500
#: Running cadence above this median can only be steps/min already, not strides/min.
STRIDES_PER_MIN_MAX = 110.0

_FOOT_FAMILIES = ("run", "walk")


@dataclass(frozen=True)
class TrackSummary:
    """What a session's sample streams add up to (SI units; None = not recorded)."""

    elapsed_s: float
    moving_s: float | None
    distance_m: float | None
    elevation_gain_m: float | None
    elevation_loss_m: float | None
    avg_hr_bpm: float | None
    max_hr_bpm: float | None
    avg_cadence_spm: float | None
    route: tuple[tuple[float, float], ...]


def haversine_m(lat: Floats, lon: Floats) -> Floats:
    """Great-circle length of each step between consecutive points [m].

    References:
        R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2), 1984.
    """
    phi = np.radians(lat)
    dphi = np.diff(phi)
    dlmb = np.diff(np.radians(lon))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi[:-1]) * np.cos(phi[1:]) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def step_distances_m(lat: Floats, lon: Floats, segment: npt.NDArray[np.int64]) -> Floats:
    """Step lengths [m]; zero across segment breaks and where a position is missing."""
    if lat.size < 2:
        return np.zeros(0)
    steps = haversine_m(lat, lon)
    steps[np.isnan(steps) | (np.diff(segment) != 0)] = 0.0
    return steps


def elevation_change_m(ele: Floats) -> tuple[float | None, float | None]:
    """Total ascent and descent [m] of a smoothed altitude profile, with hysteresis.

    GPS altitude jitters by metres from sample to sample; summing raw differences
    invents hundreds of metres of climbing on a flat run. A moving average followed
    by a dead band (ascent counts once the profile has risen ELEVATION_HYSTERESIS_M
    above its last low) keeps real hills and drops the noise.
    """
    ele = ele[~np.isnan(ele)]
    if ele.size < 2:
        return None, None
    if ele.size >= ELEVATION_WINDOW:
        kernel = np.ones(ELEVATION_WINDOW) / ELEVATION_WINDOW
        pad = ELEVATION_WINDOW // 2
        ele = np.convolve(np.pad(ele, pad, mode="edge"), kernel, mode="valid")
    gain = loss = 0.0
    anchor = float(ele[0])
    for value in ele.tolist():
        if value - anchor >= ELEVATION_HYSTERESIS_M:
            gain += value - anchor
            anchor = value
        elif anchor - value >= ELEVATION_HYSTERESIS_M:
            loss += anchor - value
            anchor = value
    return gain, loss


def simplify_route(lat: Floats, lon: Floats) -> tuple[tuple[float, float], ...]:
    """A Douglas-Peucker simplification of the track, at most ROUTE_MAX_POINTS points.

    References:
        D. Douglas and T. Peucker, "Algorithms for the reduction of the number of points
        required to represent a digitized line", Cartographica 10(2), 1973.
    """
    keep = ~(np.isnan(lat) | np.isnan(lon))
    lat, lon = lat[keep], lon[keep]
    if lat.size == 0:
        return ()
    # Local equirectangular projection: plenty for metres-scale tolerances.
    y = np.radians(lat) * EARTH_RADIUS_M
    x = np.radians(lon) * EARTH_RADIUS_M * np.cos(np.radians(float(np.mean(lat))))
    chosen = np.zeros(lat.size, dtype=bool)
    chosen[[0, -1]] = True
    # Every open segment is split in the same round, a few numpy calls per round rather
    # than per segment: the same points as the recursive form (each segment's split does
    # not depend on the others), at a fraction of the cost on a long track.
    todo = np.arange(1, lat.size - 1)  # points still inside a segment to be examined
    while todo.size:
        ends = chosen.nonzero()[0]
        after = np.searchsorted(ends, todo)
        first, last = ends[after - 1], ends[after]
        dx, dy = x[last] - x[first], y[last] - y[first]
        px, py = x[todo] - x[first], y[todo] - y[first]
        norm = np.hypot(dx, dy)
        slanted = norm > 0
        dist = np.hypot(px, py)  # distance to a segment whose ends coincide
        dist[slanted] = (
            np.abs(dx[slanted] * py[slanted] - dy[slanted] * px[slanted]) / norm[slanted]
        )
        # A segment is a run of equal `after`; its worst point is its first maximum.
        heads = _run_starts(after)
        worst = np.maximum.reduceat(dist, heads.nonzero()[0])
        segment = np.cumsum(heads) - 1
        hits = (dist == worst[segment]).nonzero()[0]
        hits = hits[_run_starts(segment[hits])]
        split = worst[segment[hits]] > ROUTE_TOLERANCE_M
        chosen[todo[hits[split]]] = True
        todo = todo[split[segment] & ~chosen[todo]]
    index = np.flatnonzero(chosen)
    if index.size > ROUTE_MAX_POINTS:
        index = index[np.linspace(0, index.size - 1, ROUTE_MAX_POINTS).round().astype(int)]
    return tuple(
        zip(
            [round(v, 6) for v in lat[index].tolist()],
            [round(v, 6) for v in lon[index].tolist()],
            strict=True,
        )
    )


def _run_starts(values: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """True where a run of equal values begins (np.r_ costs more than the work here)."""
    starts = np.empty(values.size, dtype=bool)
    starts[:1] = True
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _moving_s(dt: Floats, steps: Floats, has_motion: bool) -> float:
    if has_motion:
        with np.errstate(divide="ignore", invalid="ignore"):
            speed = np.where(dt > 0, steps / dt, 0.0)
        return float(dt[(dt > 0) & (speed >= MOVING_SPEED_M_PER_S)].sum())
    return float(dt[(dt > 0) & (dt <= PAUSE_GAP_S)].sum())


def _cadence_spm(cad: Floats, family: str) -> float | None:
    if family not in _FOOT_FAMILIES:
        return None  # pedal or stroke rate is not steps per minute
    cad = cad[~np.isnan(cad) & (cad > 0)]
    if cad.size == 0:
        return None
    mean = float(cad.mean())
    # GPX/TCX carry strides (one foot) per minute, but some devices write steps/min
    # into the same field (Runalyze issue 1679); only the latter can exceed ~110.
    return mean if float(np.median(cad)) > STRIDES_PER_MIN_MAX else 2.0 * mean


def _stat(values: Floats) -> tuple[float | None, float | None]:
    values = values[~np.isnan(values) & (values > 0)]
    if values.size == 0:
        return None, None
    return float(values.mean()), float(values.max())


def summarise(
    *,
    family: str,
    time_s: Floats,
    lat: Floats,
    lon: Floats,
    ele: Floats,
    hr: Floats,
    cad: Floats,
    recorded_distance_m: Floats,
    segment: npt.NDArray[np.int64],
) -> TrackSummary:
    """Summarise one session's samples (NaN where a sample lacks a value).

    Distance is the file's own cumulative distance where it has one (treadmills,
    foot pods, devices that smooth GPS), else the sum of haversine steps.
    """
    steps = step_distances_m(lat, lon, segment)
    recorded = recorded_distance_m[~np.isnan(recorded_distance_m)]
    distance: float | None
    if recorded.size >= 2 and float(recorded.max()) > 0:
        distance = float(recorded.max() - recorded.min())
        motion = np.diff(np.fmax.accumulate(np.nan_to_num(recorded_distance_m, nan=0.0)))
    elif np.any(steps > 0):
        distance, motion = float(steps.sum()), steps
    else:
        distance, motion = None, np.zeros(max(time_s.size - 1, 0))
    dt = np.diff(time_s)
    dt[np.diff(segment) != 0] = 0.0  # time between segments is a pause
    gain, loss = elevation_change_m(ele)
    avg_hr, max_hr = _stat(hr)
    elapsed = max(float(time_s[-1] - time_s[0]), 0.0) if time_s.size else 0.0
    # Clocks that jump back (Runalyze "negative pause") must not make moving > elapsed.
    moving = min(_moving_s(dt, motion, distance is not None), elapsed) if elapsed else None
    return TrackSummary(
        elapsed_s=elapsed,
        moving_s=moving,
        distance_m=distance,
        elevation_gain_m=gain,
        elevation_loss_m=loss,
        avg_hr_bpm=avg_hr,
        max_hr_bpm=max_hr,
        avg_cadence_spm=_cadence_spm(cad, family),
        route=simplify_route(lat, lon),
    )
