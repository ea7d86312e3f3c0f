"""The caseload's one query on a runner's store: has anything a summary reads changed?"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, String, func, select

from backstride.store.schema import activities as activities_table
from backstride.store.schema import activity_shoes, diary_entries, plan_ticks
from backstride.store.schema import checks as checks_table
from backstride.store.schema import form_checks as form_checks_table
from backstride.store.schema import shoes as shoes_table


def store_state(conn: Connection) -> tuple[Any, ...]:
    """What `dashboard.store_state` compares, plus the form checks, in one round trip.

    Counts and highest ids of every table a summary reads, and a digest of the shoes
    (they change in place). Team mode is PostgreSQL only, so `md5`/`string_agg` are fine.
    """
    parts: list[Any] = []
    for table in (activities_table, checks_table, diary_entries, plan_ticks, form_checks_table):
        parts.append(select(func.count()).select_from(table).scalar_subquery())
        parts.append(select(func.max(table.c.id)).scalar_subquery())
    row_text = func.cast(shoes_table.table_valued(), String)
    parts.append(select(func.md5(func.string_agg(row_text, ","))).scalar_subquery())
    parts.append(select(func.count()).select_from(activity_shoes).scalar_subquery())
    return tuple(conn.execute(select(*parts)).one())
