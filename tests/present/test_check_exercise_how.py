"""The check's result shows how to do each exercise it suggests (exercises.yaml)."""

from __future__ import annotations

from rich.console import Console

from backstride.assess import assess
from backstride.kb import load_kb
from backstride.present.report.terminal import render_result
from tests.plan.conftest import GLUTES, SAFE


def test_check_result_shows_how_key_cue_stop_if_and_muscles() -> None:
    kb = load_kb()
    assessment = assess({**SAFE, **GLUTES}, kb)
    result = assessment.to_json()
    entry = next(e for e in result["plan"]["exercises"] if e["id"] == "glute_bridge")
    bridge = kb.exercises["glute_bridge"]
    assert (entry["instructions"], entry["key_cue"], entry["avoid_if"]) == (
        bridge.instructions,
        bridge.key_cue,
        bridge.avoid_if,
    )
    console = Console(width=200, record=True, color_system=None)
    render_result(console, assessment)
    out = " ".join(console.export_text().replace("│", " ").split())
    for line in (
        f"How: {bridge.instructions}",
        f"Key cue: {bridge.key_cue}",
        f"Stop if: {bridge.avoid_if}",
        f"Muscles: {', '.join(bridge.muscles)}",
    ):
        assert " ".join(line.split()) in out
