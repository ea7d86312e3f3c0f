"""Synthetic checks, histories and diaries for the plan tests (no shared files needed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from backstride.assess import assess
from backstride.assess.engine import Assessment
from backstride.kb import KnowledgeBase, load_kb
from backstride.models import Activity

TODAY = date(2026, 11, 25)  # a Wednesday

#: A runner with no warning sign: the vignette defaults' pattern.
SAFE: dict[str, Any] = {
    "saddle_numbness": False,
    "bladder_bowel_change": False,
    "sexual_function_change": False,
    "both_legs_symptoms": False,
    "leg_weakness": "none",
    "trauma": False,
    "fever_or_unwell": False,
    "cancer_history": False,
    "unexplained_weight_loss": False,
    "constant_night_pain": False,
    "age": 38,
    "osteoporosis_or_steroids": False,
    "immunosuppressed_or_iv_drugs": False,
    "recent_spinal_procedure_or_infection": False,
    "pain_radiates": "none",
    "numbness_tingling": False,
    "pain_onset": "gradual",
    "pain_worst": 4,
    "pain_character": ["dull_ache"],
    "stops_running": False,
    "weeks_since_onset": 1,
    "improving": "better",
    "bony_tenderness": False,
    "pain_arching_back": False,
}

LOAD = {"recent_changes": ["mileage_increase", "long_run_longer"], "strength_sessions_per_week": 2}
HIPS = {"hip_flexor_test": "thigh_raised", "sitting_worse": True, "desk_hours_per_day": 3}
GLUTES = {"single_leg_bridge_reps": 10, "uphill_worse": True, "single_leg_squat_pelvis_drop": True}


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture
def check(kb: KnowledgeBase) -> Callable[..., Assessment]:
    """assess() on the safe defaults overlaid by the given answers."""

    def make(**answers: Any) -> Assessment:
        return assess({**SAFE, **answers}, kb)

    return make


def run(day: date, km: float, minutes: float, sport: str = "running") -> Activity:
    started = datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)
    return Activity(
        sport=sport,
        started_at=started,
        elapsed_s=minutes * 60,
        source_file="synthetic.fit",
        content_hash=f"{day}-{km}",
        source_format="fit",
        distance_m=km * 1000,
    )


def weekly_history(long_km: float = 16.0, easy_km: float = 8.0, weeks: int = 6) -> list[Activity]:
    """Three runs a week before TODAY at 6 min/km: Tue and Thu easy, Sun long."""
    out = []
    for w in range(1, weeks + 1):
        monday = TODAY - timedelta(days=TODAY.weekday()) - timedelta(days=7 * w)
        out.append(run(monday + timedelta(days=1), easy_km, easy_km * 6))
        out.append(run(monday + timedelta(days=3), easy_km, easy_km * 6))
        out.append(run(monday + timedelta(days=6), long_km, long_km * 6))
    return out
