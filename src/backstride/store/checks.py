"""Saved self-checks: keyword-only functions over a Connection, returning SavedCheck."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from backstride.errors import NotFound
from backstride.models import SavedCheck
from backstride.store.schema import checks


def add(
    conn: Connection,
    *,
    answers: dict[str, Any],
    result: dict[str, Any],
    kb_version: str,
    triage_level: str,
    source: str = "cli",
    created_at: datetime | None = None,
) -> int:
    """Save one check and return its id."""
    row = conn.execute(
        insert(checks).values(
            created_at=created_at or datetime.now(UTC),
            kb_version=kb_version,
            triage_level=triage_level,
            answers=answers,
            result=result,
            source=source,
        )
    )
    key = row.inserted_primary_key
    assert key is not None
    return int(key[0])


def _to_model(row: Any) -> SavedCheck:
    return SavedCheck(
        id=row.id,
        created_at=row.created_at,
        kb_version=row.kb_version,
        answers=dict(row.answers),
        result=dict(row.result),
        triage_level=row.triage_level,
        notes=[row.note] if row.note else [],
    )


def get(conn: Connection, *, check_id: int) -> SavedCheck:
    """One saved check by id."""
    row = conn.execute(select(checks).where(checks.c.id == check_id)).first()
    if row is None:
        raise NotFound(f"no saved check with id {check_id}; `backstride history` lists them")
    return _to_model(row)


def recent(conn: Connection, *, limit: int = 50) -> list[SavedCheck]:
    """The newest checks first."""
    rows = conn.execute(
        select(checks).order_by(checks.c.created_at.desc(), checks.c.id.desc()).limit(limit)
    )
    return [_to_model(r) for r in rows]


def latest(conn: Connection) -> SavedCheck | None:
    """The newest saved check, if any."""
    found = recent(conn, limit=1)
    return found[0] if found else None


def add_note(conn: Connection, *, check_id: int, note: str) -> None:
    """Attach advice (e.g. the two-week escalation) to a saved check."""
    conn.execute(update(checks).where(checks.c.id == check_id).values(note=note))
