"""The audit log: who viewed or changed whose data, and when (never the data itself)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, insert, select

from backstride.store.team.schema import audit_log

#: Built once: every view of someone's data writes one (see `store.team.accounts`).
_INSERT = insert(audit_log)
_FOR_RUNNER = (
    select(audit_log)
    .where(audit_log.c.runner_id == bindparam("runner_id"))
    .order_by(audit_log.c.id.desc())
    .limit(bindparam("limit"))
)


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor_email: str
    runner_id: int | None
    action: str
    detail: str


def record(
    conn: Connection,
    *,
    actor_id: int | None,
    actor_email: str,
    action: str,
    runner_id: int | None = None,
    detail: str = "",
) -> None:
    conn.execute(
        _INSERT,
        {
            "at": datetime.now(UTC),
            "actor_id": actor_id,
            "actor_email": actor_email,
            "runner_id": runner_id,
            "action": action,
            "detail": detail[:500],
        },
    )


def for_runner(conn: Connection, *, runner_id: int, limit: int = 100) -> list[Entry]:
    """What was done with one runner's data, newest first (the runner reads this)."""
    rows = conn.execute(_FOR_RUNNER, {"runner_id": runner_id, "limit": limit})
    return [Entry(r.at, r.actor_email, r.runner_id, r.action, r.detail) for r in rows]
