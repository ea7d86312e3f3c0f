"""Evidence answers fit the public answers spec, and shared defaults agree."""

from __future__ import annotations

import yaml

from backstride.analyse.evidence import RECENT_CHANGES
from backstride.config import Settings
from backstride.kb import load_kb
from tests.conftest import shared_path


def test_recent_changes_vocabulary_matches_the_answers_spec() -> None:
    spec = yaml.safe_load(shared_path("spec", "answers.yaml").read_text())
    found = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {
                    "recent_changes",
                    "shoe_km",
                    "same_route_most_days",
                    "longest_run_minutes",
                } and isinstance(value, dict):
                    found[key] = value
                walk(value)

    walk(spec)
    assert tuple(found["recent_changes"]["values"]) == RECENT_CHANGES
    assert (
        found["shoe_km"]["type"],
        found["same_route_most_days"]["type"],
        found["longest_run_minutes"]["type"],
    ) == ("number", "bool", "int")


def test_default_shoe_limit_setting_matches_the_rule() -> None:
    assert Settings().shoe_limit_km == load_kb().load_rules.threshold(
        "shoe_life", "default_limit_km"
    )
