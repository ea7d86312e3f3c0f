"""The saved records the shells list, show and edit one by one, without a use case around them.

Checks, form checks, diary entries, activities, shoes and plan ticks as the store keeps
them: the pages and commands that only read or change a single record go through here,
so `present` never imports `store` (the import rule of STYLE.md section 2). Each function
takes the Connection the shell opened (see the package docstring for who opens it).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection

from backstride.models import DiaryEntry, SavedCheck, SavedFormCheck, Shoe, StoredActivity
from backstride.store import activities, checks, diary, form_checks, plans, shoes


def recent_checks(conn: Connection, *, limit: int = 50) -> list[SavedCheck]:
    """The latest saved self-checks, newest first."""
    return checks.recent(conn, limit=limit)


def saved_check(conn: Connection, *, check_id: int) -> SavedCheck:
    """One saved self-check; NotFound when there is no such id."""
    return checks.get(conn, check_id=check_id)


def recent_form_checks(conn: Connection, *, limit: int = 50) -> list[SavedFormCheck]:
    """The latest saved form checks, newest first."""
    return form_checks.recent(conn, limit=limit)


def saved_form_check(conn: Connection, *, check_id: int) -> SavedFormCheck:
    """One saved form check; NotFound when there is no such id."""
    return form_checks.get(conn, check_id=check_id)


def latest_form_checks(conn: Connection) -> dict[str, SavedFormCheck]:
    """The latest saved form check of each camera view (the ones the self-check uses)."""
    return form_checks.latest_per_view(conn)


def form_output_keys(conn: Connection) -> set[str]:
    """Output folders some saved form check still refers to (the rest may be deleted)."""
    return form_checks.output_keys(conn)


def diary_entries(
    conn: Connection, *, start: date | None = None, end: date | None = None
) -> list[DiaryEntry]:
    """Diary entries between start and end inclusive (either open), oldest first."""
    return diary.between(conn, start=start, end=end)


def activities_between(
    conn: Connection,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    sport: str | None = None,
    with_route: bool = True,
    implausible: bool = False,
) -> list[StoredActivity]:
    """Activities starting in [start, end), oldest first (as `store.activities.between`);
    `with_route=False` leaves the GPS tracks out (the team API's listing)."""
    return activities.between(
        conn, start=start, end=end, sport=sport, with_route=with_route, implausible=implausible
    )


def activity(conn: Connection, *, activity_id: int) -> StoredActivity:
    """One stored activity; NotFound when there is no such id."""
    return activities.get(conn, activity_id=activity_id)


def all_shoes(conn: Connection, *, include_retired: bool = True) -> list[Shoe]:
    """Every pair, oldest first."""
    return shoes.list_all(conn, include_retired=include_retired)


def retire_shoe(conn: Connection, *, shoe_id: int, retired_date: date) -> Shoe:
    """Mark a pair retired; its runs and distance stay."""
    return shoes.retire(conn, shoe_id=shoe_id, retired_date=retired_date)


def set_shoe_limit(conn: Connection, *, shoe_id: int, limit_km: float) -> Shoe:
    """Change the distance after which a pair is due."""
    return shoes.set_limit(conn, shoe_id=shoe_id, limit_km=limit_km)


def tick(conn: Connection, *, item_date: date, kind: str) -> bool:
    """Mark a planned session done; False when it was already."""
    return plans.tick(conn, item_date=item_date, kind=kind)


def ticks(conn: Connection, *, start: date, end: date) -> set[tuple[date, str]]:
    """(date, kind) of every session marked done between start and end inclusive."""
    return plans.ticks(conn, start=start, end=end)
