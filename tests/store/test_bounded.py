"""The store's last guard: no non-finite number, over-long or non-UTF-8 text reaches a row."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from backstride.errors import StoreError
from backstride.models import Activity
from backstride.store import activities
from backstride.store._bounded import text

RUN = Activity(
    sport="running",
    started_at=datetime(2025, 5, 1, 7, tzinfo=UTC),
    elapsed_s=1800.0,
    source_file="run.gpx",
    content_hash="a" * 64,
    source_format="gpx",
)


def test_non_finite_optional_numbers_are_stored_as_unknown(engine: Engine) -> None:
    odd = Activity(
        **{
            **vars(RUN),
            "distance_m": math.inf,
            "avg_hr_bpm": math.nan,
            "route": ((46.0, 7.0), (46.0, math.inf), (999.0, 7.0), (46.1, 7.1)),
            "device": "D" * 500,
        }
    )
    with engine.begin() as conn:
        stored = activities.get(conn, activity_id=activities.add(conn, activity=odd)).activity
    assert stored.distance_m is None and stored.avg_hr_bpm is None
    assert stored.route == ((46.0, 7.0), (46.1, 7.1))
    assert stored.device == "D" * 119 + "…"


def test_a_non_finite_required_number_is_refused_by_name(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(StoreError, match="activities.elapsed_s is inf"):
        activities.add(conn, activity=Activity(**{**vars(RUN), "elapsed_s": math.inf}))


@pytest.mark.parametrize(
    "raw,shown",
    [("caf\udce9.fit", "caf\\xe9.fit"), ("a\x00b", "ab"), ("\ud800x", "?x"), ("ok", "ok")],
)
def test_text_is_valid_utf8_without_control_characters(raw: str, shown: str) -> None:
    assert text(raw) == shown
