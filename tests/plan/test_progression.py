"""The pain-monitoring rule: progress when pain during <= 5/10 and next morning no worse."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from backstride.assess.engine import Assessment
from backstride.kb import KnowledgeBase
from backstride.models import DiaryEntry
from backstride.plan import build_plan
from backstride.plan.progression import dose_at, replay, session_verdict
from tests.plan.conftest import GLUTES, LOAD, TODAY, weekly_history

Check = Callable[..., Assessment]
START = TODAY - timedelta(days=10)


def _s(days: int, during: int | None, morning: int | None, kind: str = "strength") -> DiaryEntry:
    return DiaryEntry(
        START + timedelta(days=days), kind, pain_during=during, pain_next_morning=morning
    )


@pytest.mark.parametrize(
    ("during", "morning", "usual", "verdict"),
    [
        (3, 2, 2, "progress"),
        (5, 2, 2, "progress"),  # 5/10 is still acceptable
        (6, 2, 2, "regress"),  # above the band
        (4, 3, 2, "regress"),  # next morning worse than usual
        (4, None, 2, "hold"),  # next morning not known yet
        (4, 4, None, "progress"),  # no usual morning: no worse than during
    ],
)
def test_session_verdict(kb: KnowledgeBase, during, morning, usual, verdict) -> None:
    e = _s(0, during, morning)
    assert session_verdict(e, usual, kb.progress_rules.pain_monitoring) == verdict


def test_two_good_sessions_add_a_set_and_a_bad_one_takes_it_back(kb: KnowledgeBase) -> None:
    rules = kb.progress_rules.pain_monitoring
    good = [_s(0, 3, 2), _s(3, 3, 2)]
    assert replay(good, rules, since=START, allow_progress=True).strength_step == 1
    bad = [*good, _s(6, 7, 2)]
    assert replay(bad, rules, since=START, allow_progress=True).strength_step == 0
    worse = [*bad, _s(8, 6, 3)]
    assert replay(worse, rules, since=START, allow_progress=True).strength_step == -1


def test_entries_before_the_plan_do_not_count(kb: KnowledgeBase) -> None:
    rules = kb.progress_rules.pain_monitoring
    old = [_s(-5, 2, 1), _s(-3, 2, 1)]
    assert replay(old, rules, since=START, allow_progress=True).strength_step == 0


def test_dose_steps_add_sets_then_move_to_the_harder_exercise(kb: KnowledgeBase) -> None:
    bridge = kb.exercises["glute_bridge"]
    assert (dose_at(bridge, 0, kb).sets, dose_at(bridge, 0, kb).reps) == (2, 12)
    assert dose_at(bridge, 1, kb).sets == 3
    harder = dose_at(bridge, 2, kb)
    assert harder.id == "single_leg_glute_bridge" and harder.sets == 2
    easier = dose_at(bridge, -1, kb)
    assert easier.name.startswith("Short-range bridge hold") and easier.step == -1
    side_plank = dose_at(kb.exercises["side_plank"], 5, kb)
    assert side_plank.name.startswith("Straight-leg side plank")


def test_plan_progresses_strength_from_good_diary_sessions(kb: KnowledgeBase, check: Check) -> None:
    diary = [_s(1, 3, 2), _s(4, 2, 2)]
    plan = build_plan(check(**GLUTES), kb=kb, today=TODAY, plan_start=START, diary=diary)
    ex = next(i for _, i in plan.items if i.kind == "strength").exercises
    bridge = next(e for e in ex if e.id == "glute_bridge")
    assert bridge.sets == 3 and bridge.step == 1


def test_plan_regresses_strength_after_a_painful_session(kb: KnowledgeBase, check: Check) -> None:
    diary = [_s(1, 7, 4)]
    plan = build_plan(check(**GLUTES), kb=kb, today=TODAY, plan_start=START, diary=diary)
    ex = next(i for _, i in plan.items if i.kind == "strength").exercises
    assert all(e.step == -1 for e in ex)
    assert any("regressed" in line for line in plan.advice)


def test_a_painful_run_restarts_the_reduction_the_next_day(kb: KnowledgeBase, check: Check) -> None:
    history = weekly_history()
    yesterday = TODAY - timedelta(days=1)
    diary = [DiaryEntry(yesterday, "run", pain_during=7, pain_next_morning=5)]
    calm = build_plan(check(**GLUTES, recent_changes=["none"]), history, kb=kb, today=TODAY)
    hurt = build_plan(
        check(**GLUTES, recent_changes=["none"]),
        history,
        kb=kb,
        today=TODAY,
        diary=diary,
        plan_start=START,
    )

    def first_week(p):
        return [i.run for d, i in p.items if i.kind == "run" and d < TODAY + timedelta(days=7)]  # noqa: E731

    fraction = kb.habits["temporary_load_reduction"].params["volume_fraction"]
    assert max(r.distance_m for r in first_week(calm)) == pytest.approx(16000)
    assert max(r.distance_m for r in first_week(hurt)) == pytest.approx(16000 * fraction)
    assert all(r.intensity != "hard" for r in first_week(hurt))


def test_see_clinician_never_progresses_strength_or_mobility(
    kb: KnowledgeBase, check: Check
) -> None:
    diary = [_s(1, 2, 1), _s(3, 2, 1), _s(5, 2, 1), _s(7, 2, 1)]
    plan = build_plan(
        check(pain_worst=8, **GLUTES), kb=kb, today=TODAY, plan_start=START, diary=diary
    )
    assert plan.level == "see_clinician"
    assert all(e.step <= 0 for _, i in plan.items for e in i.exercises)


def test_no_improvement_after_two_weeks_escalates_to_see_clinician(
    kb: KnowledgeBase, check: Check
) -> None:
    start = TODAY - timedelta(days=15)
    diary = [DiaryEntry(start + timedelta(days=d), "day", pain_during=5) for d in range(0, 15, 2)]
    plan = build_plan(
        check(**GLUTES, **LOAD), weekly_history(), kb=kb, today=TODAY, plan_start=start, diary=diary
    )
    assert plan.level == "see_clinician"
    assert plan.advice[0].startswith("No clinically important improvement")
    assert "Why: the pain diary shows no clinically important improvement" in plan.message
    assert "strength" not in {i.kind for _, i in plan.items}


def test_improving_pain_does_not_escalate(kb: KnowledgeBase, check: Check) -> None:
    start = TODAY - timedelta(days=15)
    pains = [6, 6, 5, 5, 4, 4, 3, 3]
    diary = [
        DiaryEntry(start + timedelta(days=2 * i), "day", pain_during=p) for i, p in enumerate(pains)
    ]
    plan = build_plan(check(**GLUTES), kb=kb, today=TODAY, plan_start=start, diary=diary)
    assert plan.level == "self_care" and not plan.advice


def test_return_after_reduction_moves_up_only_after_weeks_with_good_runs(
    kb: KnowledgeBase, check: Check
) -> None:
    """Reduction days 0-6, then 0.8, 0.9, 1.0 of the usual volume, one step per good week."""
    start = TODAY - timedelta(days=21)  # two return weeks are over by today
    history = [a for a in weekly_history() if a.started_at.date() < start]
    steps = kb.progress_rules.schedule.return_fractions

    def first_long(diary: list[DiaryEntry]) -> float:
        plan = build_plan(check(**LOAD), history, kb=kb, today=TODAY, plan_start=start, diary=diary)
        longs = [i.run for d, i in plan.items if i.kind == "run" and i.run.intensity == "long"]
        return longs[0].distance_m

    def good(day: int) -> DiaryEntry:
        return DiaryEntry(start + timedelta(days=day), "run", pain_during=2, pain_next_morning=1)

    assert first_long([]) == pytest.approx(16000 * steps[0])  # no diary: the volume holds
    assert first_long([good(9)]) == pytest.approx(16000 * steps[1])  # one good week
    assert first_long([good(9), good(16)]) == pytest.approx(16000 * steps[2])  # two
