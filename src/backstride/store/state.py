"""A cheap key for "has anything a view reads changed?", for the web app's view cache."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from backstride.store.schema import activities, activity_shoes, checks, diary_entries, plan_ticks
from backstride.store.schema import shoes as shoes_table


def store_state(conn: Connection) -> tuple[Any, ...]:
    """Counts and highest ids of every table a view reads: equal state, equal views."""
    parts: list[Any] = []
    for table in (activities, checks, diary_entries, plan_ticks):
        row = conn.execute(sa.select(sa.func.count(), sa.func.max(table.c.id))).one()
        parts += [row[0], row[1]]
    # Shoes are few and change in place (limits, retirement): their rows are the state.
    parts.append(tuple(tuple(r) for r in conn.execute(sa.select(shoes_table))))
    parts.append(conn.execute(sa.select(sa.func.count()).select_from(activity_shoes)).scalar())
    return tuple(parts)
