from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstride.analyse import terrain
from tests.analyse._factory import run

# ~1 km east-west at 52 N: 0.01464 deg of longitude is ~1004 m
LOOP = ((52.0, 13.0), (52.0, 13.01464), (52.009, 13.01464), (52.009, 13.0), (52.0, 13.0))
ELSEWHERE = tuple((lat + 0.05, lon) for lat, lon in LOOP)


def test_route_cells_fill_the_gap_between_far_apart_points() -> None:
    cells = terrain.route_cells(((52.0, 13.0), (52.0, 13.01464)), cell_m=100)
    # a 1 km straight line crosses about 10-11 cells of 100 m, all in one row
    assert 10 <= len(cells) <= 12
    assert len({lat for lat, _ in cells}) == 1


def test_similarity_same_reversed_and_disjoint() -> None:
    assert terrain.route_similarity(LOOP, LOOP) == 1.0
    assert terrain.route_similarity(LOOP, tuple(reversed(LOOP))) == 1.0
    assert terrain.route_similarity(LOOP, ELSEWHERE) == 0.0
    assert terrain.route_similarity((), ()) == 0.0


def test_half_the_route_shared_scores_about_a_third() -> None:
    a = ((52.0, 13.0), (52.0, 13.01464))
    b = ((52.0, 13.00732), (52.0, 13.02196))  # shifted half a km east
    # |A & B| ~ 5 cells, |A | B| ~ 15 cells
    assert terrain.route_similarity(a, b) == pytest.approx(1 / 3, abs=0.08)


coords = st.tuples(st.floats(51.9, 52.1), st.floats(12.9, 13.1))


@pytest.mark.slow
@given(st.lists(coords, min_size=1, max_size=6), st.lists(coords, min_size=1, max_size=6))
def test_similarity_is_symmetric_and_bounded(a: list, b: list) -> None:  # type: ignore[type-arg]
    s = terrain.route_similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == terrain.route_similarity(b, a)


def test_most_repeated_route_share() -> None:
    d = date(2025, 11, 1)
    acts = [run(i, d + timedelta(days=i), 5.0, route=LOOP) for i in range(1, 4)]
    acts += [run(9, d, 5.0, route=ELSEWHERE), run(10, d, 5.0)]  # no track: not counted
    found = terrain.most_repeated_route(acts)
    assert found is not None
    assert (found.share, found.activity_ids, found.runs_with_route) == (0.75, (1, 2, 3), 4)
    assert terrain.most_repeated_route([run(1, d)]) is None


def test_climbing_per_km() -> None:
    d = date(2025, 11, 1)
    acts = [
        run(1, d, 10.0, elevation_gain_m=50),
        run(2, d, 5.0, elevation_gain_m=100),
        run(3, d, 8.0),
    ]  # no elevation: left out of both sums
    assert terrain.climbing_m_per_km(acts) == pytest.approx(10.0)
    assert terrain.climbing_m_per_km([run(4, d, 8.0)]) is None


def test_surface_from_field_sub_sport_or_sport() -> None:
    d = date(2025, 11, 1)
    assert terrain.surface_of(run(1, d, surface="Trail").activity) == "trail"
    assert terrain.surface_of(run(1, d, sub_sport="treadmill").activity) == "treadmill"
    assert terrain.surface_of(run(1, d, sport="Trail Run").activity) == "trail"
    assert terrain.surface_of(run(1, d, sub_sport="street").activity) == "road"
    assert terrain.surface_of(run(1, d).activity) is None


def test_surface_shares_and_change() -> None:
    d = date(2025, 11, 1)
    acts = [run(1, d, 6.0, surface="road"), run(2, d, 2.0, surface="trail"), run(3, d, 50.0)]
    shares = terrain.surface_shares(acts)
    assert shares == {"road": pytest.approx(0.75), "trail": pytest.approx(0.25)}
    assert terrain.share_change({"road": 1.0}, shares) == pytest.approx(0.25)
    assert terrain.share_change({"road": 1.0}, {"trail": 1.0}) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("m_per_km", "label"),
    [(0, "flat"), (5, "flat"), (5.1, "rolling"), (15, "rolling"), (22, "hilly")],
)
def test_flatness_bands(m_per_km: float, label: str) -> None:
    assert terrain.flatness(m_per_km) == label
