"""From sample streams to an activity summary: distance, moving time, climbing, route.

Pure numpy over the samples of one session; shared by the GPX and TCX readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backstride.ingest import bounds

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
    #: Values dropped as out of bounds, per field (bounds.py), as Activity.dropped.
    dropped: tuple[tuple[str, int], ...] = ()
    #: The first sample's time within the bounds [s since 1970]; None if none is.
    start_s: float | None = None
    #: The session's samples thinned for charts, as Activity.profile (not stored).
    profile: tuple[tuple[float, float, float | None, float | None], ...] = ()


def haversine_m(lat: Floats, lon: Floats) -> Floats:
    """Great-circle length of each step between consecutive points [m].

    References:
        R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2), 1984.
    """
    phi = np.radians(lat)
    dphi = np.diff(phi)
    dlmb = np.diff(np.radians(lon))
    cos_phi = np.cos(phi)  # once per point rather than at both ends of every step
    a = np.sin(dphi / 2) ** 2 + cos_phi[:-1] * cos_phi[1:] * np.sin(dlmb / 2) ** 2
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
        edge = ELEVATION_WINDOW // 2
        # The edge values repeated, as np.pad(mode="edge") would, at a third of its cost.
        padded = np.concatenate((np.full(edge, ele[0]), ele, np.full(edge, ele[-1])))
        ele = np.convolve(padded, kernel, mode="valid")
    return _dead_band_m(ele.tolist())


def _dead_band_m(profile: list[float]) -> tuple[float, float]:
    """Ascent and descent [m] of a profile through the ELEVATION_HYSTERESIS_M dead band.

    The anchor moves one value at a time, so this stays a Python loop; what it saves is
    work per value. Most values lie well inside the band, and one chained comparison
    with bounds set at each anchor passes them by; only values near or past an edge take
    the exact test, whose rounding of `value - anchor` decides ties at the edge.
    """
    gain = loss = 0.0
    anchor = profile[0]
    low, high = _surely_inside(anchor)
    for value in profile:
        if low < value < high:
            continue
        if value - anchor >= ELEVATION_HYSTERESIS_M:
            gain += value - anchor
        elif anchor - value >= ELEVATION_HYSTERESIS_M:
            loss += anchor - value
        else:
            continue
        anchor = value
        low, high = _surely_inside(anchor)
    return gain, loss


def _surely_inside(anchor: float) -> tuple[float, float]:
    """Bounds between which a value cannot pass the dead band's exact test.

    They lie 1e-6 m inside the band. Subtraction rounds monotonically, so a value between
    them differs from the anchor by no more than a bound does, and within 1e6 m of zero
    a bound is off by ~1e-10 m at most: still inside. Beyond that, or for an infinite or
    NaN anchor, the range is empty and every value takes the exact test.
    """
    if -1e6 < anchor < 1e6:
        inside = ELEVATION_HYSTERESIS_M - 1e-6
        return anchor - inside, anchor + inside
    return math.inf, -math.inf


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
    index = _douglas_peucker(x, y)
    if index.size > ROUTE_MAX_POINTS:
        index = index[np.linspace(0, index.size - 1, ROUTE_MAX_POINTS).round().astype(int)]
    return tuple(zip(_round6(lat[index]), _round6(lon[index]), strict=True))


def _douglas_peucker(x: Floats, y: Floats) -> npt.NDArray[np.intp]:
    """Indices of the points Douglas-Peucker keeps at ROUTE_TOLERANCE_M, in track order.

    Every open segment is split in the same round, a few numpy calls per round rather
    than per segment: the same points as the recursive form (each segment's split does
    not depend on the others), at a fraction of the cost on a long track. What belongs
    to a segment (its ends, length, worst distance) is computed once per segment and
    handed to its points with repeat, cheaper than looking up each point's segment; the
    distance takes the same float operations, in the same order, as the recursive form.
    Most rounds hold few points, so the number of numpy calls is what costs: hence the
    array methods, which skip the Python wrappers of np.repeat, np.cumsum and the like.
    """
    # Complex points, so that one gather or subtraction does both coordinates (exactly:
    # a complex subtraction is the two real ones).
    z = np.empty(x.size, dtype=np.complex128)
    z.real, z.imag = x, y
    chosen = np.zeros(x.size, dtype=bool)
    chosen[[0, -1]] = True
    # The points inside open segments, segment after segment. A segment holds all the
    # points between its ends, so `counts` (points per segment) is all it needs besides.
    todo = np.arange(1, x.size - 1)
    counts = np.full(1, todo.size)
    while todo.size:
        ends = np.add.accumulate(counts)
        starts = ends - counts
        firsts = todo[starts] - 1
        z_first = z[firsts]
        d = z[todo[ends - 1] + 1] - z_first
        norm = np.hypot(d.real, d.imag)
        p = z[todo] - z_first.repeat(counts)
        dist = np.abs(d.real.repeat(counts) * p.imag - d.imag.repeat(counts) * p.real)
        if norm.all():
            dist /= norm.repeat(counts)
        else:  # a segment whose ends coincide measures from them
            coincide = norm == 0.0
            dist /= np.where(coincide, 1.0, norm).repeat(counts)
            at_end = coincide.repeat(counts)
            dist[at_end] = np.hypot(p.real[at_end], p.imag[at_end])
        worst = np.maximum.reduceat(dist, starts)
        split = worst > ROUTE_TOLERANCE_M
        # A segment's split point is its first maximum: the first hit at or after its start.
        hits = (dist == worst.repeat(counts)).nonzero()[0]
        at = hits[hits.searchsorted(starts[split])]
        chosen[todo[at]] = True
        inside = split.repeat(counts)
        inside[at] = False
        todo = todo[inside]
        # Each split segment becomes its two halves, in track order; empty halves close.
        left = at - starts[split]
        counts = _interleave(left, counts[split] - left - 1)
        counts = counts[counts > 0]
    return chosen.nonzero()[0]


def _interleave(left: npt.NDArray[np.intp], right: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    out = np.empty(2 * left.size, dtype=np.intp)
    out[0::2], out[1::2] = left, right
    return out


def _round6(values: Floats) -> list[float]:
    """round(v, 6) of every value, bit for bit (`_round_to`)."""
    return _round_to(values, 6)


def _round_to(values: Floats, digits: int) -> list[float]:
    """round(v, digits) of every value, bit for bit, at a fraction of its cost per value.

    Python rounds the exact binary value half to even, then takes the double nearest the
    decimal; rint(v * 10**digits) / 10**digits does the same wherever the product,
    itself rounded (by at most 2**-21 while it stays below 8e9), cannot have crossed a
    half. Values whose product lies within 1e-6 of a half (GPX's 7-decimal coordinates
    ending in 5 land there for 6 digits) or beyond 8e9 go to round().
    """
    scale = 10.0**digits
    scaled = values * scale
    whole = np.rint(scaled)
    rounded: list[float] = (whole / scale).tolist()
    with np.errstate(invalid="ignore"):  # inf - inf; infinite values go to round() anyway
        # NaN stays NaN either way: not sent to round() (a track without heart rate is
        # all NaN), where infinite values are.
        unsure = (np.abs(np.abs(scaled - whole) - 0.5) < 1e-6) | (np.abs(values) >= 8e9 / scale)
    for i in np.flatnonzero(unsure).tolist():
        rounded[i] = round(float(values[i]), digits)
    return rounded


def _round1_or_none(values: Floats) -> list[float | None]:
    """round(v, 1) of every value, None where it is NaN (a sample without it)."""
    out: list[float | None] = [*_round_to(values, 1)]
    for i in np.flatnonzero(np.isnan(values)).tolist():
        out[i] = None
    return out


#: The most samples a profile keeps (a chart needs no more; an import stays light).
PROFILE_MAX_POINTS = 600


def _moving_mask(dt: Floats, steps: Floats, has_motion: bool) -> npt.NDArray[np.bool_]:
    if has_motion:
        with np.errstate(divide="ignore", invalid="ignore"):
            speed = np.where(dt > 0, steps / dt, 0.0)
        return np.asarray((dt > 0) & (speed >= MOVING_SPEED_M_PER_S))
    return np.asarray((dt > 0) & (dt <= PAUSE_GAP_S))


def profile(
    dt: Floats, steps: Floats, has_motion: bool, ele: Floats, hr: Floats
) -> tuple[tuple[float, float, float | None, float | None], ...]:
    """(moving time [s], distance [m], altitude [m], heart rate [bpm]) at each kept sample.

    `dt` and `steps` are the time and distance between consecutive samples; time counts
    only while moving, so pace and splits leave pauses out. Thinned to PROFILE_MAX_POINTS.
    """
    n = ele.size
    if n < 2 or dt.size != n - 1 or steps.size != n - 1:
        return ()
    moving = np.concatenate(
        ([0.0], np.cumsum(np.where(_moving_mask(dt, steps, has_motion), dt, 0.0)))
    )
    dist = np.concatenate(([0.0], np.cumsum(np.nan_to_num(steps, nan=0.0))))
    keep = np.unique(np.linspace(0, n - 1, min(n, PROFILE_MAX_POINTS)).round().astype(np.intp))
    # Rounded a column at a time: one round() per value was most of a GPX file's parse.
    return tuple(
        zip(
            _round_to(moving[keep], 1),
            _round_to(dist[keep], 1),
            _round1_or_none(ele[keep]),
            _round1_or_none(hr[keep]),
            strict=True,
        )
    )


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
    foot pods, devices that smooth GPS), else the sum of haversine steps. Values out
    of their physical bounds (bounds.py) are dropped first, and samples dated out of
    them altogether.
    """
    dropped = bounds.Dropped.none()
    keep = bounds.timed_within(time_s, dropped)
    if keep is not None:
        time_s, lat, lon, ele, hr, cad = (a[keep] for a in (time_s, lat, lon, ele, hr, cad))
        recorded_distance_m, segment = recorded_distance_m[keep], segment[keep]
    lat, lon = bounds.clean_positions(lat, lon, dropped)
    ele = bounds.drop_outside(ele, bounds.ALTITUDE_M, "altitude", dropped)
    hr = bounds.drop_outside(hr, bounds.HEART_RATE_BPM, "heart rate", dropped)
    cad = bounds.drop_outside(cad, bounds.CADENCE_PER_MIN, "cadence", dropped)
    recorded_distance_m = bounds.drop_outside(
        recorded_distance_m, bounds.DISTANCE_M, "distance", dropped
    )
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
        dropped=dropped.as_tuple(),
        start_s=float(time_s[0]) if time_s.size else None,
        profile=profile(dt, motion, distance is not None, ele, hr)
        if motion.size == dt.size
        else (),
    )
