"""Who may see a runner's data: the coaches and physios the runner shared it with.

The runner alone adds or revokes a share; a revoke takes effect on the next request,
since every request asks `may_view` again. Admins are never viewers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select

from backstride.errors import NotFound
from backstride.team import audit
from backstride.team.accounts import AccountError, User, by_email
from backstride.team.db import TeamDB
from backstride.team.schema import VIEWER_ROLES, shares, users


def share(db: TeamDB, runner: User, *, with_email: str) -> User:
    """Share `runner`'s data with the coach or physio at `with_email` (idempotent)."""
    if runner.role != "runner":
        raise AccountError("only a runner shares their data")
    with db.engine.begin() as conn:
        viewer = by_email(conn, with_email)
        if viewer is None or viewer.role not in VIEWER_ROLES:
            raise NotFound("no coach or physio with that address")
        exists = conn.execute(
            select(shares.c.runner_id).where(
                shares.c.runner_id == runner.id, shares.c.viewer_id == viewer.id
            )
        ).first()
        if not exists:
            conn.execute(
                insert(shares).values(
                    runner_id=runner.id, viewer_id=viewer.id, created_at=datetime.now(UTC)
                )
            )
            audit.record(
                conn,
                actor_id=runner.id,
                actor_email=runner.email,
                action="share.add",
                runner_id=runner.id,
                detail=viewer.email,
            )
    return viewer


def revoke(db: TeamDB, runner: User, *, with_email: str) -> bool:
    """Stop sharing with `with_email`; True if there was a share to end."""
    with db.engine.begin() as conn:
        viewer = by_email(conn, with_email)
        if viewer is None:
            return False
        gone = conn.execute(
            delete(shares).where(shares.c.runner_id == runner.id, shares.c.viewer_id == viewer.id)
        ).rowcount
        if gone:
            audit.record(
                conn,
                actor_id=runner.id,
                actor_email=runner.email,
                action="share.revoke",
                runner_id=runner.id,
                detail=viewer.email,
            )
    return bool(gone)


def viewers(conn: Connection, runner_id: int) -> list[User]:
    """Who the runner shares with, by address."""
    rows = conn.execute(
        select(users)
        .join(shares, shares.c.viewer_id == users.c.id)
        .where(shares.c.runner_id == runner_id)
        .order_by(users.c.email)
    )
    return [User(r.id, r.email, r.role, r.runner_schema) for r in rows]


def runners_of(conn: Connection, viewer: User) -> list[User]:
    """The runners who shared with `viewer`, by address (none for runners and admins)."""
    if viewer.role not in VIEWER_ROLES:
        return []
    rows = conn.execute(
        select(users)
        .join(shares, shares.c.runner_id == users.c.id)
        .where(shares.c.viewer_id == viewer.id, users.c.role == "runner")
        .order_by(users.c.email)
    )
    return [User(r.id, r.email, r.role, r.runner_schema) for r in rows]


def shared_runner(conn: Connection, viewer: User, runner_id: int) -> User | None:
    """The runner if they share with `viewer` now; None otherwise, whether or not they exist."""
    if viewer.role not in VIEWER_ROLES:
        return None
    row = conn.execute(
        select(users)
        .join(shares, shares.c.runner_id == users.c.id)
        .where(
            shares.c.viewer_id == viewer.id,
            shares.c.runner_id == runner_id,
            users.c.role == "runner",
        )
    ).first()
    return None if row is None else User(row.id, row.email, row.role, row.runner_schema)
