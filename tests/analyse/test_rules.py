from __future__ import annotations

import re

import pytest

from backstride.analyse.rules import RULES_PATH, load_rules, parse_rules

EXPECTED_IDS = {
    "single_run_spike",
    "weekly_distance_change",
    "acwr",
    "monotony_strain",
    "consecutive_hard_days",
    "hard_session",
    "hill_block",
    "returned_after_break",
    "return_after_break",
    "long_run_share",
    "cadence_trend",
    "shoe_life",
    "shoe_rotation",
    "same_route",
    "surface_change",
    "flatness",
    "pain_monitoring",
}


def test_shipped_rules_load_with_every_id() -> None:
    rules = load_rules()
    assert {r.id for r in rules.rules} == EXPECTED_IDS


def test_primary_rule_bands_match_frandsen_2025() -> None:
    rule = load_rules()["single_run_spike"]
    assert rule.thresholds["window_days"] == 30
    assert [(b.label, b.max_ratio, b.hazard_ratio) for b in rule.bands] == [
        ("reference", 1.10, None),
        ("small_spike", 1.30, 1.64),
        ("moderate_spike", 2.00, 1.52),
        ("large_spike", None, 2.28),
    ]
    assert rule.sources == ["frandsen_2025"]


@pytest.mark.parametrize(
    ("ratio", "label"),
    [
        (0.5, "reference"),
        (1.10, "reference"),
        (1.1001, "small_spike"),
        (1.30, "small_spike"),
        (1.41, "moderate_spike"),
        (2.0, "moderate_spike"),
        (2.01, "large_spike"),
    ],
)
def test_band_edges_belong_to_the_lower_band(ratio: float, label: str) -> None:
    assert load_rules()["single_run_spike"].band_for(ratio).label == label


def test_weekly_change_bands_are_10_and_30_percent() -> None:
    rule = load_rules()["weekly_distance_change"]
    assert [b.max_ratio for b in rule.bands] == [1.10, 1.30, None]


def test_threshold_names_carry_a_unit_or_are_unitless_counts() -> None:
    unit = re.compile(
        r"_(m|km|days|weeks|ratio|share|m_per_km|runs|pairs_in_use|per_week|"
        r"similarity|monotony|hard_days|change|with_route|nprs)$"
    )
    for rule in load_rules().rules:
        for name in rule.thresholds:
            assert unit.search(name), f"{rule.id}.{name} has no unit suffix"


def test_unknown_key_is_rejected_with_the_file_name() -> None:
    text = RULES_PATH.read_text().replace("version: 1", "version: 1\nversoin: 2")
    with pytest.raises(ValueError, match=r"(?s)load_rules.yaml.*versoin"):
        parse_rules(text)


def test_rule_citing_an_unknown_source_is_rejected() -> None:
    text = RULES_PATH.read_text().replace("sources: [frandsen_2025]", "sources: [nobody_2030]")
    with pytest.raises(ValueError, match="unknown sources"):
        parse_rules(text)


def test_unknown_rule_id_says_where_ids_are_listed() -> None:
    with pytest.raises(KeyError, match="load_rules.yaml"):
        load_rules()["ten_percent"]
