"""Shares as the team schema keeps them: which viewer sees which runner's data.

Only SQL: who may share and who may view is decided in `team.sharing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, func, insert, select

from backstride.store.team.accounts import User, user_from_row
from backstride.store.team.schema import shares, store_versions, users


@dataclass(frozen=True)
class SharedRunner:
    """A runner who shares with the viewer, and their store's change counter.

    `store_version` changes with every write to the runner's store (`store.team.versions`):
    what was read from the store under one version is current while it stays.
    """

    user: User
    store_version: int


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
    rows = conn.execute(_VIEWERS, {"runner_id": runner_id})
    return [user_from_row(r) for r in rows]


# Built once: the caseload and every runner page run them (see `store.team.accounts`).
_SHARED_WITH = (
    select(users, func.coalesce(store_versions.c.version, 0).label("store_version"))
    .join(shares, shares.c.runner_id == users.c.id)
    .outerjoin(store_versions, store_versions.c.runner_schema == users.c.runner_schema)
    .where(shares.c.viewer_id == bindparam("viewer_id"), users.c.role == "runner")
)
_RUNNERS_OF = _SHARED_WITH.order_by(users.c.email)
_VIEWERS = (
    select(users)
    .join(shares, shares.c.viewer_id == users.c.id)
    .where(shares.c.runner_id == bindparam("runner_id"))
    .order_by(users.c.email)
)
_SHARED_RUNNER = _SHARED_WITH.where(users.c.id == bindparam("runner_id"))


def runners_of(conn: Connection, viewer_id: int) -> list[SharedRunner]:
    """The runners who shared with the viewer `viewer_id`, by address, in one query."""
    rows = conn.execute(_RUNNERS_OF, {"viewer_id": viewer_id})
    return [SharedRunner(user_from_row(r), r.store_version) for r in rows]


def shared_runner(conn: Connection, *, viewer_id: int, runner_id: int) -> SharedRunner | None:
    """The runner `runner_id` if they share with `viewer_id` now, else None."""
    row = conn.execute(_SHARED_RUNNER, {"viewer_id": viewer_id, "runner_id": runner_id}).first()
    return None if row is None else SharedRunner(user_from_row(row), row.store_version)
