"""Notes and exercise changes from the runner's physio, read from the runner's own store
(SQLite here: the same tables exist in every store, team mode or not)."""

from __future__ import annotations

from sqlalchemy import Engine

from backstride.services.care import (
    adjust_exercise,
    leave_note,
    notes_for_runner,
    prescribed_exercises,
)


def test_notes_newest_first(engine: Engine) -> None:
    assert notes_for_runner(engine) == []
    leave_note(engine, author="p@x.org", author_role="physio", body="first")
    leave_note(engine, author="c@x.org", author_role="coach", body="second")
    found = notes_for_runner(engine)
    assert [(n.body, n.author_role) for n in found] == [("second", "coach"), ("first", "physio")]


def test_exercise_changes_fold_into_what_holds_now(engine: Engine) -> None:
    def change(exercise: str, action: str, dose: str | None = None) -> None:
        adjust_exercise(
            engine,
            author="p@x.org",
            author_role="physio",
            exercise_id=exercise,
            action=action,
            dose=dose,
        )

    change("glute_bridge", "add", "3 x 10")
    change("bird_dog", "add")
    change("glute_bridge", "dose", "3 x 15")
    change("bird_dog", "remove")
    change("step_up", "add", "2 x 8")
    change("step_up", "add")  # added again without a dose: keeps the dose it had
    now = {p.exercise_id: p.dose for p in prescribed_exercises(engine)}
    assert now == {"glute_bridge": "3 x 15", "step_up": "2 x 8"}
