"""The cheaper forms in `ingest._samples` against the plain ones they replace, bit for bit.

Climbing goes through a dead band whose edge is a float comparison, so a last-bit change
in the smoothed profile or in the test moves whole metres; the step lengths decide what
counts as moving. Each is held to the straightforward form on corpus and random data.
"""

from __future__ import annotations

import math
import struct

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.ingest import gpx
from backstride.ingest._samples import (
    EARTH_RADIUS_M,
    ELEVATION_HYSTERESIS_M,
    ELEVATION_WINDOW,
    PROFILE_MAX_POINTS,
    _dead_band_m,
    _moving_mask,
    _round_to,
    elevation_change_m,
    haversine_m,
    step_distances_m,
)
from backstride.ingest._samples import (
    profile as thinned_profile,
)
from backstride.ingest._xml import prepare
from tests.conftest import sweep
from tests.ingest._corpus import gpx_read_by_fast_path, read_bytes

Floats = npt.NDArray[np.float64]


def _plain_dead_band(profile: list[float]) -> tuple[float, float]:
    gain = loss = 0.0
    anchor = profile[0]
    for value in profile:
        if value - anchor >= ELEVATION_HYSTERESIS_M:
            gain += value - anchor
            anchor = value
        elif anchor - value >= ELEVATION_HYSTERESIS_M:
            loss += anchor - value
            anchor = value
    return gain, loss


def _plain_elevation_change(ele: Floats) -> tuple[float | None, float | None]:
    ele = ele[~np.isnan(ele)]
    if ele.size < 2:
        return None, None
    if ele.size >= ELEVATION_WINDOW:
        kernel = np.ones(ELEVATION_WINDOW) / ELEVATION_WINDOW
        ele = np.convolve(np.pad(ele, ELEVATION_WINDOW // 2, mode="edge"), kernel, mode="valid")
    return _plain_dead_band(ele.tolist())


def _plain_haversine(lat: Floats, lon: Floats) -> Floats:
    phi = np.radians(lat)
    dphi = np.diff(phi)
    dlmb = np.diff(np.radians(lon))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi[:-1]) * np.cos(phi[1:]) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def _bits(pair: tuple[float | None, float | None]) -> bytes | None:
    if pair == (None, None):
        return None
    gain, loss = pair
    assert gain is not None and loss is not None
    return struct.pack("<2d", gain, loss)


def _edges(anchor: float) -> list[float]:
    """The anchor, then values a few ulps either side of both band edges, then back."""
    out = [anchor]
    for edge in (anchor + ELEVATION_HYSTERESIS_M, anchor - ELEVATION_HYSTERESIS_M):
        below = above = edge
        for _ in range(3):
            below, above = math.nextafter(below, -math.inf), math.nextafter(above, math.inf)
            out += [below, above, anchor]
        out += [edge, anchor]
    return out


@pytest.mark.parametrize(
    "anchor", [0.0, 0.1, -0.3, 3.0, 100.7, 1234.567, 8848.86, 999_999.9, 1e6 + 0.5, 1e7, 1e17]
)
def test_dead_band_equals_the_plain_loop_at_the_band_edges(anchor: float) -> None:
    profile = _edges(anchor)
    assert _bits(_dead_band_m(profile)) == _bits(_plain_dead_band(profile))


def test_a_rise_of_exactly_the_hysteresis_counts() -> None:
    assert _dead_band_m([10.0, 12.0, 13.0, 11.0, 10.0]) == (3.0, 3.0)
    assert _dead_band_m([10.0, 12.0, math.nextafter(13.0, 0.0), 11.0]) == (0.0, 0.0)


@pytest.mark.parametrize(
    "profile",
    [
        [math.nan, 5.0, 10.0, -3.0],  # a NaN anchor never moves
        [1.0, math.nan, 5.0, math.nan, 0.0],
        [1.0, math.inf, 5.0, -math.inf, 7.0],
        [math.inf, math.inf, 1.0],
        [-math.inf, 2.0, 9.0],
        [2e6, 2e6 + 3.0, 2e6 + 2.5, 2e6 - 1.0],  # beyond the bounds' range
    ],
)
def test_dead_band_equals_the_plain_loop_on_nan_and_infinite_values(profile: list[float]) -> None:
    assert _bits(_dead_band_m(profile)) == _bits(_plain_dead_band(profile))


# Multiples of 0.5 or 0.1 m (as GPX writes altitude) make exact and near ties at 3 m common.
_profiles = st.tuples(
    st.sampled_from([0.5, 0.1, 0.2, 1.0]),
    st.lists(st.integers(-12, 12), min_size=1, max_size=200),
    st.floats(-500, 9000),
)


@pytest.mark.slow  # 300 examples
@settings(max_examples=300, deadline=None)
@given(_profiles)
def test_dead_band_equals_the_plain_loop_on_quantised_walks(
    walk: tuple[float, list[int], float],
) -> None:
    unit, steps, start = walk
    raw = [start + unit * total for total in np.cumsum(steps).tolist()]
    rounded = [round(v / unit) * unit for v in raw]
    for profile in (raw, rounded):
        assert _bits(_dead_band_m(profile)) == _bits(_plain_dead_band(profile))


@pytest.mark.parametrize("seed", range(5))
def test_elevation_change_equals_the_plain_form_on_random_profiles(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for n in (0, 1, 2, 4, 5, 6, 50, 3_000):
        ele = np.round(300 + np.cumsum(rng.normal(0, 1.5, n)), 1)
        ele[rng.random(n) < 0.05] = np.nan
        assert _bits(elevation_change_m(ele)) == _bits(_plain_elevation_change(ele))


@pytest.mark.parametrize("name", sweep(gpx_read_by_fast_path()))
def test_elevation_and_steps_equal_the_plain_forms_on_every_corpus_track(name: str) -> None:
    read = gpx._read_fast(prepare(read_bytes("gpx", name), source_file=name))
    assert read is not None
    columns, _labels = read
    ele, lat, lon = columns["ele"], columns["lat"], columns["lon"]
    assert _bits(elevation_change_m(ele)) == _bits(_plain_elevation_change(ele))
    if lat.size >= 2:
        assert haversine_m(lat, lon).tobytes() == _plain_haversine(lat, lon).tobytes()


@pytest.mark.parametrize("n", [2, 3, 7, 8, 9, 16, 17, 1_001, 4_096])
def test_haversine_equals_the_plain_form_on_random_tracks(n: int) -> None:
    rng = np.random.default_rng(n)
    lat, lon = rng.uniform(-90, 90, n), rng.uniform(-180, 180, n)
    lat[rng.random(n) < 0.1] = np.nan
    assert haversine_m(lat, lon).tobytes() == _plain_haversine(lat, lon).tobytes()


ProfilePoints = tuple[tuple[float, float, float | None, float | None], ...]


def _plain_profile(
    dt: Floats, steps: Floats, has_motion: bool, ele: Floats, hr: Floats
) -> ProfilePoints:
    """`profile` as it was: one round() per value."""
    n = ele.size
    if n < 2 or dt.size != n - 1 or steps.size != n - 1:
        return ()
    moving = np.concatenate(
        ([0.0], np.cumsum(np.where(_moving_mask(dt, steps, has_motion), dt, 0.0)))
    )
    dist = np.concatenate(([0.0], np.cumsum(np.nan_to_num(steps, nan=0.0))))
    keep = np.unique(np.linspace(0, n - 1, min(n, PROFILE_MAX_POINTS)).round().astype(np.intp))

    def val(a: Floats, i: int) -> float | None:
        v = float(a[i])
        return None if math.isnan(v) else round(v, 1)

    return tuple(
        (round(float(moving[i]), 1), round(float(dist[i]), 1), val(ele, i), val(hr, i))
        for i in keep
    )


def _hex(points: ProfilePoints) -> list[tuple[str | None, ...]]:
    return [tuple(None if v is None else float(v).hex() for v in point) for point in points]


# Tenths a hair from a half once scaled (x.x5 as decimal strings), ties a double holds
# exactly (k/64), signed zeros, the 8e8 limit of the fast path and beyond, non-finite.
_AWKWARD_TENTHS = np.array(
    [float(f"{sign}{whole}.{frac:02d}5") for sign in "+-" for whole in (0, 3, 42, 1234) for frac in range(100)]
    + [k / 64 for k in range(-300, 300)]
    + [0.0, -0.0, 0.05, -0.05, 7.99999999e8, 8e8, 8.00000001e8, 1e17, np.inf, -np.inf, np.nan]
)  # fmt: skip


def test_round_to_tenths_is_pythons_round_bit_for_bit_on_awkward_values() -> None:
    plain = [round(v, 1) for v in _AWKWARD_TENTHS.tolist()]
    assert np.array(_round_to(_AWKWARD_TENTHS, 1)).tobytes() == np.array(plain).tobytes()
    # ... where plain numpy rounding is not: these values test what they should.
    naive = np.rint(_AWKWARD_TENTHS * 10) / 10
    finite = np.isfinite(_AWKWARD_TENTHS)
    assert naive[finite].tobytes() != np.array(plain)[finite].tobytes()


@pytest.mark.parametrize("seed", range(5))
def test_profile_equals_the_plain_form_on_random_tracks(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for n in (0, 1, 2, 3, 50, PROFILE_MAX_POINTS + 1, 5_000):
        dt = rng.choice([0.0, 1.0, 3.0, 60.0], max(n - 1, 0)) + rng.uniform(0, 1e-3, max(n - 1, 0))
        steps = rng.uniform(0, 12, max(n - 1, 0))
        steps[rng.random(steps.size) < 0.05] = np.nan
        ele = np.round(300 + np.cumsum(rng.normal(0, 1.5, n)), 2)
        hr = rng.uniform(60, 190, n)
        ele[rng.random(n) < 0.05] = np.nan
        hr[rng.random(n) < 0.2] = np.nan
        for has_motion in (True, False):
            new = thinned_profile(dt, steps, has_motion, ele, hr)
            assert _hex(new) == _hex(_plain_profile(dt, steps, has_motion, ele, hr))
            assert len(new) == min(n, PROFILE_MAX_POINTS) if n >= 2 else not new


@pytest.mark.parametrize("name", gpx_read_by_fast_path())
def test_profile_equals_the_plain_form_on_every_corpus_track(name: str) -> None:
    read = gpx._read_fast(prepare(read_bytes("gpx", name), source_file=name))
    assert read is not None
    columns, _labels = read
    lat, lon, seg = columns["lat"], columns["lon"], columns["seg"]
    if lat.size < 2:
        return
    dt = np.diff(columns["time"])
    steps = step_distances_m(lat, lon, seg.astype(np.int64))
    ele, hr = columns["ele"], columns["hr"]
    assert _hex(thinned_profile(dt, steps, True, ele, hr)) == _hex(
        _plain_profile(dt, steps, True, ele, hr)
    )
