"""Exercise cards: an exercise of the knowledge base at its starting dose, with its figure."""

from __future__ import annotations

from backstride.errors import NotFound
from backstride.kb import KnowledgeBase
from backstride.kb.figures import figure_svg
from backstride.plan.model import PlannedExercise
from backstride.plan.progression import dose_at


def exercise_card(kb: KnowledgeBase, exercise_id: str) -> PlannedExercise:
    """The card of `exercise_id` at the starting dose; NotFound lists the known ids."""
    ex = kb.exercises.get(exercise_id)
    if ex is None:
        raise NotFound(f"no exercise `{exercise_id}`: known are {', '.join(sorted(kb.exercises))}")
    return dose_at(ex, 0, kb)


def exercise_cards(kb: KnowledgeBase) -> list[PlannedExercise]:
    """Every exercise's card, in the knowledge base's order."""
    return [dose_at(ex, 0, kb) for ex in kb.exercises.values()]


def figure_of(kb: KnowledgeBase, exercise_id: str) -> str:
    """The exercise's start/end figure as inline SVG ("" when it has none)."""
    ex = kb.exercises.get(exercise_id)
    return figure_svg(ex) if ex is not None else ""
