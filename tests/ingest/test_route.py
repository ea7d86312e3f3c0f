"""The batched Douglas-Peucker route against the textbook recursive form.

`simplify_route` splits every open segment in one numpy round; the recursive form
below, one segment at a time, is the reference, and every route must be the same
points exactly, on real tracks and on shapes that stress ties and degenerate segments.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.ingest import gpx
from backstride.ingest._samples import (
    EARTH_RADIUS_M,
    ROUTE_MAX_POINTS,
    ROUTE_TOLERANCE_M,
    _round6,
    simplify_route,
)
from backstride.ingest._xml import prepare
from tests.conftest import sweep
from tests.ingest._corpus import gpx_read_by_fast_path, read_bytes

Floats = npt.NDArray[np.float64]


def _recursive(lat: Floats, lon: Floats) -> tuple[tuple[float, float], ...]:
    keep = ~(np.isnan(lat) | np.isnan(lon))
    lat, lon = lat[keep], lon[keep]
    if lat.size == 0:
        return ()
    y = np.radians(lat) * EARTH_RADIUS_M
    x = np.radians(lon) * EARTH_RADIUS_M * np.cos(np.radians(float(np.mean(lat))))
    chosen = np.zeros(lat.size, dtype=bool)
    chosen[[0, -1]] = True
    stack = [(0, lat.size - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        dx, dy = x[last] - x[first], y[last] - y[first]
        px, py = x[first + 1 : last] - x[first], y[first + 1 : last] - y[first]
        norm = float(np.hypot(dx, dy))
        dist = np.abs(dx * py - dy * px) / norm if norm > 0 else np.hypot(px, py)
        worst = int(np.argmax(dist))
        if dist[worst] > ROUTE_TOLERANCE_M:
            middle = first + 1 + worst
            chosen[middle] = True
            stack.extend(((first, middle), (middle, last)))
    index = np.flatnonzero(chosen)
    if index.size > ROUTE_MAX_POINTS:
        index = index[np.linspace(0, index.size - 1, ROUTE_MAX_POINTS).round().astype(int)]
    return tuple((round(float(lat[i]), 6), round(float(lon[i]), 6)) for i in index)


def _walk(n: int, seed: int, step: float = 1e-4) -> tuple[Floats, Floats]:
    rng = np.random.default_rng(seed)
    return 45 + np.cumsum(rng.normal(0, step, n)), 5 + np.cumsum(rng.normal(0, step, n))


SHAPES = {
    "empty": (np.zeros(0), np.zeros(0)),
    "one point": (np.array([45.0]), np.array([5.0])),
    "two points": (np.array([45.0, 45.1]), np.array([5.0, 5.1])),
    "standing still": (np.full(60, 45.0), np.full(60, 5.0)),
    "out and back (coinciding ends)": (
        np.r_[np.linspace(45, 45.01, 50), np.linspace(45.01, 45, 50)],
        np.full(100, 5.0),
    ),
    "zigzag with tied maxima": (np.tile([45.0, 45.001], 400), np.linspace(5, 5.1, 800)),
    "gaps in position": (np.r_[45.0, np.nan, 45.001, 45.0, np.nan, 45.002], np.full(6, 5.0)),
    "short walk": _walk(30, 1),
    "long noisy walk": _walk(20_000, 2),
    "more than the point cap": _walk(5_000, 3, step=1e-3),
}


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_route_equals_the_recursive_form_on_odd_shapes(shape: str) -> None:
    lat, lon = SHAPES[shape]
    assert simplify_route(lat, lon) == _recursive(lat, lon)


def test_a_long_walk_is_actually_simplified_and_capped() -> None:
    lat, lon = _walk(5_000, 3, step=1e-3)
    route = simplify_route(lat, lon)
    assert 2 < len(route) <= ROUTE_MAX_POINTS


@pytest.mark.parametrize("name", sweep(gpx_read_by_fast_path()))
def test_route_equals_the_recursive_form_on_every_corpus_track(name: str) -> None:
    read = gpx._read_fast(prepare(read_bytes("gpx", name), source_file=name))
    assert read is not None
    columns, _labels = read
    assert simplify_route(columns["lat"], columns["lon"]) == _recursive(
        columns["lat"], columns["lon"]
    )


# Points on a coarse grid (about 1.1 m in latitude), so that many distances tie exactly
# and segments often have coinciding ends; optionally closed (the last point the first).
_grid_tracks = st.tuples(
    st.lists(st.tuples(st.integers(-40, 40), st.integers(-40, 40)), max_size=80),
    st.booleans(),
)


@pytest.mark.slow  # 300 examples
@settings(max_examples=300, deadline=None)
@given(_grid_tracks)
def test_route_equals_the_recursive_form_on_grid_tracks(
    track: tuple[list[tuple[int, int]], bool],
) -> None:
    cells, closed = track
    if closed and cells:
        cells = [*cells, cells[0]]
    lat = 45 + 1e-5 * np.array([c[0] for c in cells], dtype=float)
    lon = 5 + 1e-5 * np.array([c[1] for c in cells], dtype=float)
    assert simplify_route(lat, lon) == _recursive(lat, lon)


def _bits(values: list[float]) -> bytes:
    return np.array(values, dtype=np.float64).tobytes()


def _python_round6(values: Floats) -> list[float]:
    return [round(v, 6) for v in values.tolist()]


# Decimal strings whose value * 1e6 sits a hair from a half, ties a binary double holds
# exactly (k/128), signed zeros and values near zero, the 8e3 limit and beyond, non-finite.
_AWKWARD = np.array(
    [
        float(f"{sign}{whole}.{frac:07d}")
        for sign in "+-"
        for whole in (0, 5, 45, 179)
        for frac in range(5, 10_000_000, 1_234_570)
    ]
    + [k / 128 for k in range(-300, 300)]
    + [
        0.0,
        -0.0,
        5e-7,
        -5e-7,
        1.5e-6,
        2.5e-6,
        4.9999999e-7,
        1e-300,
        7999.9999995,
        8e3,
        8000.0000005,
        123456.7890125,
        1e17,
        1e300,
        np.inf,
        -np.inf,
        np.nan,
    ]
)


def test_round6_is_pythons_round_bit_for_bit_on_awkward_values() -> None:
    assert _bits(_round6(_AWKWARD)) == _bits(_python_round6(_AWKWARD))
    # ... where the plain numpy rounding is not: these values test what they should.
    naive = (np.rint(_AWKWARD * 1e6) / 1e6).tolist()
    finite = np.isfinite(_AWKWARD)
    assert _bits(np.array(naive)[finite].tolist()) != _bits(
        np.array(_python_round6(_AWKWARD))[finite].tolist()
    )


@pytest.mark.parametrize("seed", range(5))
def test_round6_is_pythons_round_bit_for_bit_on_random_values(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = np.r_[
        rng.uniform(-180, 180, 20_000),
        np.round(rng.uniform(-180, 180, 20_000), 7),  # as GPX writes them, 7 decimals
        rng.uniform(-1e-3, 1e-3, 2_000),
    ]
    assert _bits(_round6(values)) == _bits(_python_round6(values))


@pytest.mark.parametrize("name", sweep(gpx_read_by_fast_path()))
def test_round6_is_pythons_round_bit_for_bit_on_every_corpus_point(name: str) -> None:
    read = gpx._read_fast(prepare(read_bytes("gpx", name), source_file=name))
    assert read is not None
    columns, _labels = read
    for values in (columns["lat"], columns["lon"]):
        assert _bits(_round6(values)) == _bits(_python_round6(values))
