"""What the runner's physio or coach asked of them (team mode): notes and exercises.

`notes_for_runner` is what a Today page shows under "notes from your physio";
`prescribed_exercises` folds the physio's changes (add, remove, dose) into the list that
holds now. Both read the runner's own store only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from backstride.store import care


@dataclass(frozen=True)
class Note:
    at: datetime
    author: str
    author_role: str
    body: str


@dataclass(frozen=True)
class Prescribed:
    exercise_id: str
    dose: str | None
    changed_at: datetime
    changed_by: str


def notes_for_runner(engine: Engine, *, limit: int = 20) -> list[Note]:
    """The newest notes first, as the runner's Today page lists them."""
    with engine.connect() as conn:
        found = care.notes(conn, limit=limit)
    return [Note(n.created_at, n.author, n.author_role, n.body) for n in found]


def prescribed_exercises(engine: Engine) -> list[Prescribed]:
    """The exercises the physio added and has not removed, each at its latest dose."""
    with engine.connect() as conn:
        changes = care.adjustments(conn)
    current: dict[str, Prescribed] = {}
    for c in changes:
        if c.action == "remove":
            current.pop(c.exercise_id, None)
            continue
        kept = current.get(c.exercise_id)
        dose = c.dose if c.dose is not None else (kept.dose if kept else None)
        current[c.exercise_id] = Prescribed(c.exercise_id, dose, c.created_at, c.author)
    return sorted(current.values(), key=lambda p: p.exercise_id)


def leave_note(engine: Engine, *, author: str, author_role: str, body: str) -> int:
    with engine.begin() as conn:
        return care.add_note(conn, author=author, author_role=author_role, body=body)


def adjust_exercise(
    engine: Engine,
    *,
    author: str,
    author_role: str,
    exercise_id: str,
    action: str,
    dose: str | None = None,
) -> int:
    with engine.begin() as conn:
        return care.add_adjustment(
            conn,
            author=author,
            author_role=author_role,
            exercise_id=exercise_id,
            action=action,
            dose=dose,
        )
