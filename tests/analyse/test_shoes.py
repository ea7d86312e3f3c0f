from __future__ import annotations

from datetime import date

from backstride.analyse import shoes
from backstride.models import Shoe
from tests.analyse._factory import run

PEG = Shoe(
    id=1, name="Pegasus 40", limit_km=800, added_date=date(2025, 1, 1), start_distance_m=100_000
)
TRAIL = Shoe(id=2, name="Speedgoat", limit_km=600, added_date=date(2025, 6, 1))


def test_assignments_win_over_gear_names() -> None:
    acts = [
        run(1, date(2025, 11, 1), 10.0, gear="pegasus 40 "),
        run(2, date(2025, 11, 2), 8.0, gear="Pegasus 40"),
        run(3, date(2025, 11, 3), 5.0, gear="Unknown"),
    ]
    assert shoes.shoe_of_runs(acts, [PEG, TRAIL], {2: 2}) == {1: 1, 2: 2}


def test_distance_per_shoe_adds_the_start_distance() -> None:
    acts = [
        run(1, date(2025, 11, 1), 10.0),
        run(2, date(2025, 11, 2), 8.0),
        run(3, date(2025, 11, 3), 30.0, sport="cycling"),
    ]
    out = shoes.distance_per_shoe_m(acts, [PEG, TRAIL], {1: 1, 2: 1, 3: 1})
    assert out == {1: 118_000, 2: 0.0}


def test_over_limit_at_the_limit() -> None:
    assert shoes.over_limit(PEG, 800_000)
    assert not shoes.over_limit(PEG, 799_999)


def test_use_and_rotation() -> None:
    acts = [
        run(1, date(2025, 10, 1), 10.0),
        run(2, date(2025, 11, 2), 8.0),
        run(3, date(2025, 11, 3), 5.0),
        run(4, date(2025, 11, 4), 5.0),
    ]
    shoe_of = {1: 2, 2: 1, 3: 1, 4: 2}
    use = shoes.shoe_use(acts, shoe_of)
    assert list(use) == [2, 1]  # tie on 2 runs: the more recently used first
    assert (use[2].first_date, use[2].last_date) == (date(2025, 10, 1), date(2025, 11, 4))
    assert shoes.pairs_in_rotation(acts, shoe_of, today=date(2025, 11, 4)) == 2
    assert shoes.pairs_in_rotation(acts, {2: 1, 3: 1}, today=date(2025, 11, 4)) == 1
