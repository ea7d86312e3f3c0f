"""load_rules.yaml: part of the one knowledge base, loaded and checked by load_kb()."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.kb import DATA_DIR, check_kb, load_kb
from backstride.kb.schema import LoadRulesFile


def load_rules() -> LoadRulesFile:
    return load_kb().load_rules


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


def _broken(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    for path in DATA_DIR.glob("*.yaml"):
        (folder / path.name).write_text(path.read_text())
    (folder / "load_rules.yaml").write_text(text)
    return folder


def test_unknown_key_is_rejected_with_the_file_name(tmp_path: Path) -> None:
    text = (DATA_DIR / "load_rules.yaml").read_text()
    text = text.replace("recent_window_days: 28", "recent_window_days: 28\nrecent_windw_days: 2")
    _, problems = check_kb(_broken(tmp_path, text))
    assert problems == ["load_rules.yaml: -: recent_windw_days: Extra inputs are not permitted"]


def test_rule_citing_an_unknown_source_is_rejected(tmp_path: Path) -> None:
    text = (DATA_DIR / "load_rules.yaml").read_text()
    text = text.replace("sources: [frandsen_2025]", "sources: [nobody_2030]", 1)
    _, problems = check_kb(_broken(tmp_path, text))
    assert problems == ["load_rules.yaml: single_run_spike: unknown source `nobody_2030`"]


def test_bands_must_end_open_and_ids_be_unique(tmp_path: Path) -> None:
    data: Any = yaml.safe_load((DATA_DIR / "load_rules.yaml").read_text())
    data["rules"][0]["bands"].pop()
    data["rules"].append(data["rules"][1])
    _, problems = check_kb(_broken(tmp_path, yaml.safe_dump(data, sort_keys=False)))
    assert sorted(problems) == [
        "load_rules.yaml: single_run_spike: the last band needs max_ratio: null",
        "load_rules.yaml: weekly_distance_change: duplicate id",
    ]


def test_load_rules_keep_no_source_table_of_their_own() -> None:
    """One source table: every load rule's sources resolve in sources.yaml."""
    raw = yaml.safe_load((DATA_DIR / "load_rules.yaml").read_text())
    assert "sources" not in raw
    kb = load_kb()
    assert all(s in kb.sources for r in kb.load_rules.rules for s in r.sources)


def test_unknown_rule_id_says_where_ids_are_listed() -> None:
    with pytest.raises(KeyError, match="load_rules.yaml"):
        load_rules()["ten_percent"]
