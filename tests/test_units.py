from __future__ import annotations

import pytest

from backstride import units


def test_distance_conversions() -> None:
    assert units.km_from_m(28_100) == pytest.approx(28.1)
    assert units.mi_from_m(1609.344) == pytest.approx(1.0)
    assert units.m_from_display(10, "imperial") == pytest.approx(16_093.44)
    assert units.format_distance(28_100) == "28.1 km"
    assert units.format_distance(28_100, "imperial") == "17.5 mi"


def test_format_duration_hours_and_minutes() -> None:
    assert units.format_duration(169 * 60) == "2:49"
    assert units.format_duration(59) == "0:01"
