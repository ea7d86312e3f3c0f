"""Notes and exercise changes a runner's physio or coach left (team mode), per store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from backstride.store import _bounded
from backstride.store.schema import care_notes, exercise_adjustments

ACTIONS = ("add", "remove", "dose")


@dataclass(frozen=True)
class CareNote:
    id: int
    created_at: datetime
    author: str
    author_role: str
    body: str


@dataclass(frozen=True)
class Adjustment:
    id: int
    created_at: datetime
    author: str
    author_role: str
    exercise_id: str
    action: str
    dose: str | None


def add_note(
    conn: Connection, *, author: str, author_role: str, body: str, at: datetime | None = None
) -> int:
    row = conn.execute(
        insert(care_notes).values(
            created_at=at or datetime.now(UTC),
            author=_bounded.text(author, 320),
            author_role=author_role,
            body=_bounded.text(body),
        )
    )
    return int(row.inserted_primary_key[0])  # type: ignore[index]


def notes(conn: Connection, *, limit: int = 50) -> list[CareNote]:
    rows = conn.execute(
        select(care_notes)
        .order_by(care_notes.c.created_at.desc(), care_notes.c.id.desc())
        .limit(limit)
    )
    return [CareNote(r.id, r.created_at, r.author, r.author_role, r.body) for r in rows]


def add_adjustment(
    conn: Connection,
    *,
    author: str,
    author_role: str,
    exercise_id: str,
    action: str,
    dose: str | None = None,
    at: datetime | None = None,
) -> int:
    if action not in ACTIONS:
        raise ValueError(f"action {action!r}: one of {', '.join(ACTIONS)}")
    row = conn.execute(
        insert(exercise_adjustments).values(
            created_at=at or datetime.now(UTC),
            author=_bounded.text(author, 320),
            author_role=author_role,
            exercise_id=_bounded.text(exercise_id, 80),
            action=action,
            dose=None if dose is None else _bounded.text(dose, 200),
        )
    )
    return int(row.inserted_primary_key[0])  # type: ignore[index]


def adjustments(conn: Connection) -> list[Adjustment]:
    """Every change, oldest first."""
    rows = conn.execute(
        select(exercise_adjustments).order_by(
            exercise_adjustments.c.created_at, exercise_adjustments.c.id
        )
    )
    return [
        Adjustment(r.id, r.created_at, r.author, r.author_role, r.exercise_id, r.action, r.dose)
        for r in rows
    ]
