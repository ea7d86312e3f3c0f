"""build_plan: content per cause, the triage bounds and the JSON contract."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from backstride.assess.engine import Assessment
from backstride.kb import KnowledgeBase
from backstride.plan import Plan, PlanPreferences, build_plan
from tests.plan.conftest import GLUTES, HIPS, LOAD, TODAY, weekly_history

Check = Callable[..., Assessment]


def _kinds(plan: Plan) -> set[str]:
    return {item.kind for _, item in plan.items}


def _items(plan: Plan, kind: str) -> list:
    return [(d, i) for d, i in plan.items if i.kind == kind]


@pytest.mark.parametrize(
    "answers",
    [
        {"saddle_numbness": True, "bladder_bowel_change": True},
        {"leg_weakness": "worsening"},
        {"trauma": True},
        {"fever_or_unwell": True},
    ],
    ids=["emergency_ces", "emergency_weakness", "urgent_trauma", "urgent_fever"],
)
def test_emergency_and_urgent_give_no_weeks_and_the_advice_first(
    kb: KnowledgeBase, check: Check, answers: dict
) -> None:
    a = check(**answers, **LOAD)
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    assert plan.weeks == ()
    assert plan.level in ("emergency", "urgent")
    assert plan.message.startswith(a.to_json()["triage"]["message"])
    assert "Why:" in plan.message
    data = plan.to_json()
    assert data["weeks"] == [] and data["message"]


def test_see_clinician_keeps_gentle_mobility_and_easy_reduced_runs_only(
    kb: KnowledgeBase, check: Check
) -> None:
    a = check(pain_worst=8, **HIPS, **GLUTES, **LOAD)
    assert a.level.value == "see_clinician"
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    assert plan.level == "see_clinician"
    assert plan.message.startswith(kb.meta.level_messages["see_clinician"])
    assert "Why:" in plan.message and "7" in plan.message  # the worst-pain rule's reason
    assert "strength" not in _kinds(plan)
    assert _items(plan, "mobility")
    runs = [i.run for _, i in _items(plan, "run")]
    assert runs and all(r.intensity != "hard" for r in runs)
    fraction = kb.habits["temporary_load_reduction"].params["volume_fraction"]
    # every run stays at the reduced volume: no return build-up until seen
    assert max(r.distance_m for r in runs if r.intensity == "long") <= 16000 * fraction + 1
    assert all(e.step <= 0 for _, i in plan.items for e in i.exercises)


def test_see_clinician_with_a_stop_rule_plans_no_running(kb: KnowledgeBase, check: Check) -> None:
    a = check(bony_tenderness=True, **HIPS)
    assert any(r.running == "stop" for r in a.reasons)
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    assert "run" not in _kinds(plan) and "warm_up" not in _kinds(plan)
    assert "strength" not in _kinds(plan)


def test_self_care_plan_starts_today_and_has_the_requested_weeks(
    kb: KnowledgeBase, check: Check
) -> None:
    plan = build_plan(check(**GLUTES), (), PlanPreferences(weeks=3), kb=kb, today=TODAY)
    assert plan.level == "self_care"
    assert "Likely causes: weak or tired glutes" in plan.message
    assert len(plan.weeks) == 3
    monday = TODAY - timedelta(days=TODAY.weekday())  # TODAY is a Wednesday
    assert [w.start_date for w in plan.weeks] == [monday + timedelta(days=7 * i) for i in range(3)]
    assert [d.date for w in plan.weeks for d in w.days] == [
        TODAY + timedelta(days=i) for i in range(21 - 2)
    ]
    for week in plan.weeks:
        assert all(
            week.start_date <= d.date < week.start_date + timedelta(days=7) for d in week.days
        )


def test_weeks_start_on_the_runners_setting(kb: KnowledgeBase, check: Check) -> None:
    prefs = PlanPreferences(weeks=2, week_start=6)  # Sunday
    plan = build_plan(check(**GLUTES), (), prefs, kb=kb, today=TODAY)
    assert {w.start_date.weekday() for w in plan.weeks} == {6}
    assert plan.weeks[0].days[0].date == TODAY


def test_json_follows_the_cli_contract(kb: KnowledgeBase, check: Check) -> None:
    data = build_plan(check(**GLUTES, **HIPS), kb=kb, today=TODAY).to_json()
    assert data["level"] == "self_care"
    week = data["weeks"][0]
    assert set(week) >= {"start_date", "days"}
    day = week["days"][0]
    assert set(day) >= {"date", "items"}
    kinds = {"strength", "mobility", "warm_up", "run", "rest", "habit", "fuel"}
    exercises = []
    for w in data["weeks"]:
        for d in w["days"]:
            for item in d["items"]:
                assert item["kind"] in kinds
                assert item["title"] and item["why"] and item["sources"]
                assert isinstance(item["exercises"], list)
                exercises += item["exercises"]
    assert exercises
    for ex in exercises:
        assert {"id", "name", "sets"} <= set(ex)
        assert ("reps" in ex) or ("hold_s" in ex)


def test_glute_cause_puts_glute_exercises_with_dose_and_variants_in_strength(
    kb: KnowledgeBase, check: Check
) -> None:
    plan = build_plan(check(**GLUTES), kb=kb, today=TODAY)
    sessions = _items(plan, "strength")
    ids = [e.id for e in sessions[0][1].exercises]
    assert "glute_bridge" in ids
    assert "single_leg_glute_bridge" not in ids  # reached by progression, not at the start
    bridge = next(e for e in sessions[0][1].exercises if e.id == "glute_bridge")
    dose = kb.exercises["glute_bridge"].dosage
    assert (bridge.sets, bridge.reps, bridge.rest_s) == (dose.sets, dose.reps, dose.rest_s)
    assert "Short-range bridge hold" in bridge.regression
    assert "Banded bridge" in bridge.progression
    assert "weak or tired glutes" in sessions[0][1].why.lower()


def test_without_a_strength_cause_the_prevention_rule_still_gives_two_sessions(
    kb: KnowledgeBase, check: Check
) -> None:
    a = check(**HIPS, single_leg_bridge_reps=40, side_plank_seconds=120)
    assert not {"weak_glutes", "core_weakness"} & set(a.plan.focus_causes)
    plan = build_plan(a, kb=kb, today=TODAY)
    full = [w for w in plan.weeks if len(w.days) == 7]  # the first week starts today, part-way
    strength = [i for w in full for d in w.days for i in d.items if i.kind == "strength"]
    assert len(strength) == 2 * len(full) >= 2
    assert "two short sessions a week" in _items(plan, "strength")[0][1].why.lower()


def test_hip_flexor_cause_gives_mobility_every_day(kb: KnowledgeBase, check: Check) -> None:
    plan = build_plan(check(**HIPS), kb=kb, today=TODAY)
    days = [d for w in plan.weeks for d in w.days]
    assert all(any(i.kind == "mobility" for i in d.items) for d in days)
    ids = {e.id for _, i in _items(plan, "mobility") for e in i.exercises}
    assert "half_kneeling_hip_flexor_stretch" in ids


def test_no_hip_flexor_cause_no_daily_mobility(kb: KnowledgeBase, check: Check) -> None:
    plan = build_plan(check(**GLUTES, hip_flexor_test="thigh_flat"), kb=kb, today=TODAY)
    assert "mobility" not in _kinds(plan)


def test_every_run_has_a_warm_up_the_same_day(kb: KnowledgeBase, check: Check) -> None:
    plan = build_plan(check(**GLUTES), weekly_history(), kb=kb, today=TODAY)
    for w in plan.weeks:
        for d in w.days:
            kinds = [i.kind for i in d.items]
            if "run" in kinds:
                assert kinds.index("warm_up") < kinds.index("run")
                warm = d.items[kinds.index("warm_up")]
                assert 5 <= warm.duration_min <= 10


def test_load_cause_reduces_volume_and_drops_hard_sessions_then_returns(
    kb: KnowledgeBase, check: Check
) -> None:
    params = kb.habits["temporary_load_reduction"].params
    plan = build_plan(check(**LOAD), weekly_history(), kb=kb, today=TODAY)
    runs = [(d, i.run) for d, i in _items(plan, "run")]
    reduction = [r for d, r in runs if d < TODAY + timedelta(days=params["days"])]
    later = [r for d, r in runs if d >= TODAY + timedelta(days=params["days"])]
    assert reduction and all(r.intensity != "hard" for r in reduction)
    long_runs = [r.distance_m for r in reduction if r.intensity == "long"]
    assert long_runs == [pytest.approx(16000 * params["volume_fraction"])]
    assert max(r.distance_m for r in later) > max(r.distance_m for r in reduction)
    assert any(r.intensity == "hard" for r in later)  # hard sessions come back at full volume
    why = next(i for _, i in _items(plan, "run")).why
    assert "sudden increase in training load" in why.lower()
    assert "weekly distance went up recently" in why.lower()


def test_without_load_cause_runs_keep_the_usual_volume(kb: KnowledgeBase, check: Check) -> None:
    plan = build_plan(
        check(**GLUTES, recent_changes=["none"]), weekly_history(), kb=kb, today=TODAY
    )
    longs = [i.run.distance_m for _, i in _items(plan, "run") if i.run.intensity == "long"]
    assert longs and all(x == pytest.approx(16000) for x in longs)


def test_form_faults_attach_their_cues_to_every_run(kb: KnowledgeBase, check: Check) -> None:
    plan = build_plan(check(form_observed=["overstride", "arms_cross"]), kb=kb, today=TODAY)
    expected = {kb.cues["land_under_centre_of_mass"].text, kb.cues["arms_not_crossing"].text}
    runs = _items(plan, "run")
    assert runs and all(set(i.run.cues) == expected for _, i in runs)


def test_fuel_for_every_run_over_75_minutes_with_grams_per_hour(
    kb: KnowledgeBase, check: Check
) -> None:
    a = check(longest_run_minutes=120, fuel_on_long_runs="never")
    assert "fueling_fatigue" in a.plan.focus_causes
    plan = build_plan(a, kb=kb, today=TODAY)
    limit = kb.habits["fuel_long_runs"].params["min_run_minutes"]
    for w in plan.weeks:
        for d in w.days:
            run = next((i.run for i in d.items if i.kind == "run"), None)
            fuel = [i for i in d.items if i.kind == "fuel"]
            if run and run.duration_s / 60 > limit:
                assert len(fuel) == 1
                assert fuel[0].fuel_g_per_h == (
                    (30, 60) if run.duration_s <= 150 * 60 else (60, 90)
                )
                assert "start after 20 minutes" in fuel[0].detail
    assert any(i.kind == "fuel" for _, i in plan.items)
    practise = [i for _, i in plan.items if i.title.startswith("Practise")]
    assert practise  # shorter long runs practise it when fuelling ranks


def test_runs_over_two_and_a_half_hours_get_the_higher_carbohydrate_band(
    kb: KnowledgeBase, check: Check
) -> None:
    plan = build_plan(check(longest_run_minutes=180), kb=kb, today=TODAY)
    fuel = [i for _, i in plan.items if i.kind == "fuel" and i.title.startswith("Fuel")]
    assert (60, 90) in {f.fuel_g_per_h for f in fuel}
    long_fuel = next(f for f in fuel if f.fuel_g_per_h == (60, 90))
    assert "180 minutes (about 180-270 g in all)" in long_fuel.detail


def test_worn_shoes_past_the_limit_are_replaced_and_rotation_suggested(
    kb: KnowledgeBase, check: Check
) -> None:
    plan = build_plan(check(shoe_km=900), kb=kb, today=TODAY)
    first_day = plan.weeks[0].days[0]
    titles = [i.title for i in first_day.items]
    assert "Replace worn shoes" in titles and "Rotate two pairs" in titles
    detail = next(i.detail for i in first_day.items if i.title == "Replace worn shoes")
    assert "900 km" in detail and "800 km" in detail


def test_the_runners_own_shoe_limit_wins(kb: KnowledgeBase, check: Check) -> None:
    prefs = PlanPreferences(shoe_km=650, shoe_limit_km=600)
    plan = build_plan(check(shoe_km=650), (), prefs, kb=kb, today=TODAY)
    detail = next(i.detail for _, i in plan.items if i.title == "Replace worn shoes")
    assert "past your limit of 600 km" in detail


def test_monotonous_terrain_swaps_one_easy_run_a_week(kb: KnowledgeBase, check: Check) -> None:
    plan = build_plan(check(same_route_most_days=True), weekly_history(), kb=kb, today=TODAY)
    for w in [w for w in plan.weeks if len(w.days) == 7]:
        swapped = [i for d in w.days for i in d.items if i.kind == "run" and i.run.terrain]
        assert len(swapped) == 1 and swapped[0].run.intensity == "easy"


def test_poor_recovery_gives_sleep_protein_and_rest_habits_without_products(
    kb: KnowledgeBase, check: Check
) -> None:
    plan = build_plan(check(sleep_hours=5, rest_days_per_week=0), kb=kb, today=TODAY)
    titles = {i.title for _, i in plan.items}
    assert {"Sleep 7-9 hours", "Protein with meals and after runs", "Rest day"} <= titles
    text = " ".join(i.why + i.detail for _, i in plan.items).lower()
    assert "supplement treats" in text  # says no supplement is a treatment; names none


def test_every_item_says_why_and_cites_a_source(kb: KnowledgeBase, check: Check) -> None:
    a = check(**LOAD, **HIPS, **GLUTES, shoe_km=900, same_route_most_days=True)
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    citations = {s.citation for s in kb.sources.values()}
    for _, item in plan.items:
        assert item.why.strip()
        assert item.sources and set(item.sources) <= citations


#: Per cause: answers that make it rank, and what the plan must then contain.
CAUSE_SIGNS = {
    "training_load_spike": (
        LOAD,
        lambda p: any("training load" in i.why.lower() for _, i in p.items if i.kind == "run"),
    ),
    "tight_hip_flexors": (HIPS, lambda p: any(i.kind == "mobility" for _, i in p.items)),
    "weak_glutes": (
        GLUTES,
        lambda p: any(e.id == "glute_bridge" for _, i in p.items for e in i.exercises),
    ),
    "core_weakness": (
        {"side_plank_seconds": 20},
        lambda p: any(e.id == "dead_bug" for _, i in p.items for e in i.exercises),
    ),
    "worn_footwear": (
        {"shoe_km": 950},
        lambda p: any(i.title == "Rotate two pairs" for _, i in p.items),
    ),
    "monotonous_terrain": (
        {"same_route_most_days": True},
        lambda p: any(i.run and i.run.terrain for _, i in p.items),
    ),
    "poor_recovery": (
        {"sleep_hours": 5, "rest_days_per_week": 0},
        lambda p: any(i.title.startswith("Sleep") for _, i in p.items),
    ),
    "fueling_fatigue": (
        {"longest_run_minutes": 120, "fuel_on_long_runs": "never"},
        lambda p: any(i.kind == "fuel" for _, i in p.items),
    ),
    "running_form": (
        {"form_observed": ["lean_from_waist", "torso_rotation"]},
        lambda p: any(i.title == "Film your running" for _, i in p.items),
    ),
    "prolonged_sitting": (
        {"desk_hours_per_day": 10, "sitting_worse": True},
        lambda p: any(i.title == "Break up long sitting" for _, i in p.items),
    ),
}


@pytest.mark.parametrize(
    "combo",
    [
        ("training_load_spike", "weak_glutes"),
        ("tight_hip_flexors", "core_weakness"),
        ("worn_footwear", "monotonous_terrain"),
        ("poor_recovery", "fueling_fatigue"),
        ("running_form", "prolonged_sitting"),
        ("training_load_spike", "worn_footwear", "poor_recovery"),
    ],
    ids="+".join,
)
def test_plan_content_per_cause_combination(
    kb: KnowledgeBase, check: Check, combo: tuple[str, ...]
) -> None:
    answers: dict = {
        "recent_changes": ["none"],
        "single_leg_bridge_reps": 35,
        "side_plank_seconds": 100,
    }
    for cause in combo:
        answers.update(CAUSE_SIGNS[cause][0])
    a = check(**answers)
    ranked = set(a.plan.focus_causes)
    assert set(combo) <= ranked, f"{combo} should rank, got {ranked}"
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    for cause in ranked:
        assert CAUSE_SIGNS[cause][1](plan), f"plan lacks what {cause} needs"
    for cause in set(CAUSE_SIGNS) - ranked - {"fueling_fatigue", "weak_glutes", "core_weakness"}:
        assert not CAUSE_SIGNS[cause][1](plan), f"{cause} did not rank but shaped the plan"
