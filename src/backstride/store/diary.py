"""The pain diary: keyword-only functions over a Connection, returning DiaryEntry."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from backstride.errors import DuplicateDiaryEntry, NotFound
from backstride.models import DiaryEntry
from backstride.store.schema import diary_entries


def _exists(conn: Connection, entry_date: date, kind: str) -> bool:
    found = conn.execute(
        select(diary_entries.c.id).where(
            diary_entries.c.entry_date == entry_date, diary_entries.c.kind == kind
        )
    ).first()
    return found is not None


def add(conn: Connection, *, entry: DiaryEntry, created_at: datetime | None = None) -> DiaryEntry:
    """Save one entry; a second entry for the same date and kind raises DuplicateDiaryEntry."""
    duplicate = DuplicateDiaryEntry(
        f"a {entry.kind} entry for {entry.entry_date} exists already (kept as it was); "
        "`backstride diary list` shows it"
    )
    if _exists(conn, entry.entry_date, entry.kind):
        raise duplicate
    try:
        with conn.begin_nested():  # a savepoint: a lost race leaves the outer transaction usable
            row = conn.execute(
                insert(diary_entries).values(
                    entry_date=entry.entry_date,
                    kind=entry.kind,
                    pain_during=entry.pain_during,
                    pain_after=entry.pain_after,
                    pain_next_morning=entry.pain_next_morning,
                    onset=entry.onset,
                    character=list(entry.character),
                    helped=entry.helped,
                    notes=entry.notes,
                    warnings=list(entry.warnings),
                    psfs=[[name, score] for name, score in entry.psfs],
                    activity_id=entry.activity_id,
                    morning_stiffness=entry.morning_stiffness,
                    sleep_h=entry.sleep_h,
                    fuelled=entry.fuelled,
                    created_at=created_at or datetime.now(UTC),
                )
            )
    except IntegrityError as exc:
        raise duplicate from exc
    key = row.inserted_primary_key
    assert key is not None
    return get(conn, entry_id=int(key[0]))


def _to_model(row: Any) -> DiaryEntry:
    return DiaryEntry(
        id=row.id,
        entry_date=row.entry_date,
        kind=row.kind,
        pain_during=row.pain_during,
        pain_after=row.pain_after,
        pain_next_morning=row.pain_next_morning,
        onset=row.onset,
        character=tuple(row.character or ()),
        helped=row.helped,
        notes=row.notes or "",
        warnings=tuple(row.warnings or ()),
        psfs=tuple((str(n), int(s)) for n, s in (row.psfs or ())),
        activity_id=row.activity_id,
        morning_stiffness=row.morning_stiffness,
        sleep_h=row.sleep_h,
        fuelled=row.fuelled,
    )


def get(conn: Connection, *, entry_id: int) -> DiaryEntry:
    """One entry by id."""
    row = conn.execute(select(diary_entries).where(diary_entries.c.id == entry_id)).first()
    if row is None:
        raise NotFound(f"no diary entry with id {entry_id}; `backstride diary list` shows them")
    return _to_model(row)


def between(
    conn: Connection, *, start: date | None = None, end: date | None = None
) -> list[DiaryEntry]:
    """Entries with start <= entry_date <= end (either bound open), oldest first."""
    query = select(diary_entries)
    if start is not None:
        query = query.where(diary_entries.c.entry_date >= start)
    if end is not None:
        query = query.where(diary_entries.c.entry_date <= end)
    rows = conn.execute(query.order_by(diary_entries.c.entry_date, diary_entries.c.kind))
    return [_to_model(r) for r in rows]


def remove(conn: Connection, *, entry_id: int) -> None:
    """Delete one entry."""
    get(conn, entry_id=entry_id)
    conn.execute(delete(diary_entries).where(diary_entries.c.id == entry_id))
