"""Who may see a runner's data: the coaches and physios the runner shared it with.

The runner alone adds or revokes a share; a revoke takes effect on the next request,
since every request asks `may_view` again. Admins are never viewers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection

from backstride.errors import NotFound
from backstride.store.team import sharing as rows
from backstride.store.team.engine import TeamDB
from backstride.store.team.schema import VIEWER_ROLES
from backstride.store.team.sharing import SharedRunner
from backstride.team import audit
from backstride.team.accounts import AccountError, User, by_email


def share(db: TeamDB, runner: User, *, with_email: str) -> User:
    """Share `runner`'s data with the coach or physio at `with_email` (idempotent)."""
    if runner.role != "runner":
        raise AccountError("only a runner shares their data")
    with db.engine.begin() as conn:
        viewer = by_email(conn, with_email)
        if viewer is None or viewer.role not in VIEWER_ROLES:
            raise NotFound("no coach or physio with that address")
        if not rows.exists(conn, runner_id=runner.id, viewer_id=viewer.id):
            rows.add(conn, runner_id=runner.id, viewer_id=viewer.id, created_at=datetime.now(UTC))
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
        gone = rows.remove(conn, runner_id=runner.id, viewer_id=viewer.id)
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
    return rows.viewers(conn, runner_id)


def runners_of(conn: Connection, viewer: User) -> list[SharedRunner]:
    """The runners who shared with `viewer`, by address (none for runners and admins)."""
    if viewer.role not in VIEWER_ROLES:
        return []
    return rows.runners_of(conn, viewer.id)


def shared_runner(conn: Connection, viewer: User, runner_id: int) -> SharedRunner | None:
    """The runner if they share with `viewer` now; None otherwise, whether or not they exist."""
    if viewer.role not in VIEWER_ROLES:
        return None
    return rows.shared_runner(conn, viewer_id=viewer.id, runner_id=runner_id)


__all__ = ["SharedRunner", "revoke", "runners_of", "share", "shared_runner", "viewers"]
