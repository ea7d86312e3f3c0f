"""Plan snapshots (the plan as given) and ticks (a day's planned session marked done)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from backstride.store.schema import plan_snapshots, plan_ticks


@dataclass(frozen=True)
class PlanSnapshot:
    """A plan as it was shown, with the check it came from."""

    id: int
    created_at: datetime
    check_id: int | None
    plan_start: date
    level: str
    plan: dict[str, Any]


def save_snapshot(
    conn: Connection,
    *,
    plan: dict[str, Any],
    plan_start: date,
    level: str,
    check_id: int | None,
    created_at: datetime | None = None,
) -> int:
    """Store the plan JSON as shown; returns its id."""
    row = conn.execute(
        insert(plan_snapshots).values(
            created_at=created_at or datetime.now(UTC),
            check_id=check_id,
            plan_start=plan_start,
            level=level,
            plan=plan,
        )
    )
    key = row.inserted_primary_key
    assert key is not None
    return int(key[0])


def latest_snapshot(conn: Connection) -> PlanSnapshot | None:
    """The most recently shown plan, if any."""
    row = conn.execute(
        select(plan_snapshots).order_by(
            plan_snapshots.c.created_at.desc(), plan_snapshots.c.id.desc()
        )
    ).first()
    if row is None:
        return None
    return PlanSnapshot(
        row.id, row.created_at, row.check_id, row.plan_start, row.level, dict(row.plan)
    )


def tick(conn: Connection, *, item_date: date, kind: str, done_at: datetime | None = None) -> bool:
    """Mark the planned session of `kind` on `item_date` done; False if it was already."""
    exists = conn.execute(
        select(plan_ticks.c.id).where(
            plan_ticks.c.item_date == item_date, plan_ticks.c.kind == kind
        )
    ).first()
    if exists:
        return False
    conn.execute(
        insert(plan_ticks).values(
            item_date=item_date, kind=kind, done_at=done_at or datetime.now(UTC)
        )
    )
    return True


def ticks(conn: Connection, *, start: date, end: date) -> set[tuple[date, str]]:
    """(date, kind) of every session marked done between start and end inclusive."""
    rows = conn.execute(
        select(plan_ticks.c.item_date, plan_ticks.c.kind).where(
            plan_ticks.c.item_date >= start, plan_ticks.c.item_date <= end
        )
    )
    return {(r.item_date, r.kind) for r in rows}
