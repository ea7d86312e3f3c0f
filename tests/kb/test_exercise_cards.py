"""Every exercise has a card: steps, key cue, stop rule, evidence and a shipped figure."""

from __future__ import annotations

from pathlib import Path

import yaml

from backstride.kb import DATA_DIR, check_kb, load_kb
from backstride.kb.figures import FIGURE_DIR, figure_path, figure_svg, shipped_figure


def test_every_exercise_has_a_full_card() -> None:
    kb = load_kb()
    for ex in kb.exercises.values():
        assert len(ex.steps) >= 2, ex.id
        assert ex.key_cue and ex.avoid_if and ex.evidence, ex.id
        assert ex.figure is not None, ex.id


def test_shipped_figures_are_the_drawers_output() -> None:
    kb = load_kb()
    """`python -m backstride.kb.figures` redraws them after a change to the angle table."""
    for ex in kb.exercises.values():
        svg = figure_svg(ex)
        assert svg.startswith("<svg") and "Start" in svg and "End" in svg
        assert shipped_figure(ex.id) == svg, f"redraw {ex.id}: python -m backstride.kb.figures"
        assert (FIGURE_DIR.parent.parent / figure_path(ex.id)).is_file()


def test_kb_check_names_an_exercise_without_figure_or_stop_rule(tmp_path: Path) -> None:
    for f in DATA_DIR.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    path = tmp_path / "exercises.yaml"
    data = yaml.safe_load(path.read_text())
    first = data["exercises"][0]
    del first["figure"]
    first["avoid_if"] = " "
    first["instructions"] = "Just do it"
    path.write_text(yaml.safe_dump(data))
    _, problems = check_kb(tmp_path)
    joined = "\n".join(problems)
    assert f"{first['id']}: needs a `figure`" in joined
    assert f"{first['id']}: `avoid_if` must not be empty" in joined
    assert f"{first['id']}: `instructions` needs at least two steps" in joined
