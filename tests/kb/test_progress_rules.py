"""progress_rules.yaml agrees with the other KB files that state the same numbers."""

from __future__ import annotations

from backstride.kb import load_kb


def test_pain_band_matches_the_load_rules_copy() -> None:
    kb = load_kb()
    rule = load_kb().load_rules["pain_monitoring"]
    assert (
        kb.progress_rules.pain_monitoring.acceptable_during_max
        == rule.thresholds["acceptable_max_nprs"]
    )


def test_plan_guard_matches_the_load_analysis_spike_rule() -> None:
    kb = load_kb()
    guard = kb.habits["longest_run_guard"].params
    spike = load_kb().load_rules["single_run_spike"]
    assert guard["window_days"] == spike.thresholds["window_days"]
    reference = next(b for b in spike.bands if b.label == "reference")
    assert guard["max_ratio_to_30_day_longest"] == reference.max_ratio


def test_mcid_is_two_points_or_thirty_percent() -> None:
    imp = load_kb().progress_rules.improvement
    assert (imp.mcid_points, imp.mcid_fraction) == (2, 0.30)


def test_plan_restart_after_a_break_matches_the_load_analysis_rule() -> None:
    restart = load_kb().progress_rules.return_after_break
    rule = load_kb().load_rules["return_after_break"].thresholds
    assert restart.reduction_per_week == rule["reduction_per_week"]
    assert restart.min_reference_share == rule["min_reference_share"]
    guard = load_kb().habits["longest_run_guard"].params
    assert rule["window_days"] == guard["window_days"]
