"""Answer sets that trigger each stop/forbid rule, for the plan and self-check tests."""

from __future__ import annotations

from typing import Any

#: Answers that give many causes something to recommend (strength, mobility, habits,
#: cues, fuelling, shoes, terrain), so a leak has every chance to show.
EVERYTHING: dict[str, Any] = {
    "recent_changes": ["mileage_increase", "long_run_longer"],
    "hip_flexor_test": "thigh_raised",
    "sitting_worse": True,
    "desk_hours_per_day": 10,
    "single_leg_bridge_reps": 8,
    "uphill_worse": True,
    "single_leg_squat_pelvis_drop": True,
    "side_plank_seconds": 20,
    "strength_sessions_per_week": 0,
    "form_observed": ["overstride", "lean_from_waist"],
    "fuel_on_long_runs": "never",
    "longest_run_minutes": 130,
    "pain_timing": "after_fatigue",
    "warm_up": "never",
    "same_route_most_days": True,
    "sleep_hours": 5,
    "rest_days_per_week": 0,
    "shoe_km": 950,
}

#: rule id -> answers (over the safe defaults) that trigger it. Every rule of
#: stop_rules.yaml needs one (tests/plan/test_stop_rule_plans.py checks).
RULE_ANSWERS: dict[str, dict[str, Any]] = {
    "young_runner_extension_pain": {"age": 16, "pain_arching_back": True},
    "bone_stress_injury": {"bony_tenderness": True},
    "bone_stress_with_energy_deficiency": {
        "bony_tenderness": True,
        "missed_periods_or_stress_fractures": True,
    },
    "stops_running": {"stops_running": True},
    "child_under_16": {"age": 14},
    "pregnancy": {"pregnancy_status": "pregnant"},
    "postpartum": {"pregnancy_status": "postpartum"},
}

#: Combinations: several reasons at once, stop and non-stop mixed.
COMBINATIONS: dict[str, dict[str, Any]] = {
    "spondylolysis_and_sharp": {"age": 17, "pain_arching_back": True, "pain_character": ["sharp"]},
    "bone_stress_and_sciatica": {"bony_tenderness": True, "pain_radiates": "leg"},
    "spondylolysis_and_bone_stress": {
        "age": 15,
        "pain_arching_back": True,
        "bony_tenderness": True,
    },
    "stops_running_and_severe": {"stops_running": True, "pain_worst": 8},
    "severe_only": {"pain_worst": 8},
    "pregnancy_and_sciatica": {"pregnancy_status": "pregnant", "pain_radiates": "leg"},
    "postpartum_and_bone_stress": {"pregnancy_status": "postpartum", "bony_tenderness": True},
    "pregnancy_and_stops_running": {"pregnancy_status": "pregnant", "stops_running": True},
    "energy_deficiency_only": {"missed_periods_or_stress_fractures": True},
}

ALL_CASES: dict[str, dict[str, Any]] = {**RULE_ANSWERS, **COMBINATIONS}
