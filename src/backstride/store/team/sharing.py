"""Shares as the team schema keeps them: which viewer sees which runner's data.

Only SQL: who may share and who may view is decided in `team.sharing`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from backstride.store.team.accounts import User, user_from_row
from backstride.store.team.schema import shares, users


def exists(conn: Connection, *, runner_id: int, viewer_id: int) -> bool:
    return (
        conn.execute(
            select(shares.c.runner_id).where(
                shares.c.runner_id == runner_id, shares.c.viewer_id == viewer_id
            )
        ).first()
        is not None
    )


def add(conn: Connection, *, runner_id: int, viewer_id: int, created_at: datetime) -> None:
    conn.execute(
        insert(shares).values(runner_id=runner_id, viewer_id=viewer_id, created_at=created_at)
    )


def remove(conn: Connection, *, runner_id: int, viewer_id: int) -> int:
    """End a share; how many rows went (0 or 1)."""
    return conn.execute(
        delete(shares).where(shares.c.runner_id == runner_id, shares.c.viewer_id == viewer_id)
    ).rowcount


def viewers(conn: Connection, runner_id: int) -> list[User]:
    """Who the runner shares with, by address."""
    rows = conn.execute(
        select(users)
        .join(shares, shares.c.viewer_id == users.c.id)
        .where(shares.c.runner_id == runner_id)
        .order_by(users.c.email)
    )
    return [user_from_row(r) for r in rows]


def runners_of(conn: Connection, viewer_id: int) -> list[User]:
    """The runners who shared with the viewer `viewer_id`, by address."""
    rows = conn.execute(
        select(users)
        .join(shares, shares.c.runner_id == users.c.id)
        .where(shares.c.viewer_id == viewer_id, users.c.role == "runner")
        .order_by(users.c.email)
    )
    return [user_from_row(r) for r in rows]


def shared_runner(conn: Connection, *, viewer_id: int, runner_id: int) -> User | None:
    """The runner `runner_id` if they share with `viewer_id` now, else None."""
    row = conn.execute(
        select(users)
        .join(shares, shares.c.runner_id == users.c.id)
        .where(
            shares.c.viewer_id == viewer_id,
            shares.c.runner_id == runner_id,
            users.c.role == "runner",
        )
    ).first()
    return None if row is None else user_from_row(row)
