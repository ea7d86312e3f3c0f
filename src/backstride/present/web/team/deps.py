"""What every team route shares: the app's state, who is calling, the runner they may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Connection, Engine

from backstride.config import Settings
from backstride.kb import KnowledgeBase
from backstride.team import audit, sharing
from backstride.team.accounts import Session, User, resolve
from backstride.team.caseload import RunnerCache
from backstride.team.db import TeamDB
from backstride.team.jobs import Queue
from backstride.team.sharing import SharedRunner

SESSION_COOKIE = "backstride_team"


@dataclass
class TeamState:
    db: TeamDB
    queue: Queue
    settings: Settings
    kb: KnowledgeBase
    runners: RunnerCache
    today_override: date | None = None

    def today(self) -> date:
        return self.today_override or date.today()


def state(request: Request) -> TeamState:
    found: TeamState = request.app.state.team
    return found


State = Annotated[TeamState, Depends(state)]


def api_session(request: Request, st: State) -> Session:
    """The bearer token's session; 401 without a live one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    found = resolve(st.db, token.strip(), kind="api") if scheme.lower() == "bearer" else None
    if found is None:
        raise HTTPException(401, "log in first: POST /api/v1/login", {"WWW-Authenticate": "Bearer"})
    return found


ApiSession = Annotated[Session, Depends(api_session)]


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise HTTPException(403, f"this is for {' or '.join(roles)} accounts")


def shared_runner(st: TeamState, viewer: User, runner_id: int) -> tuple[User, Engine]:
    """The runner and their store engine if they share with `viewer` now; 404 otherwise.

    The same 404 whether the runner does not exist, never shared, or revoked: a viewer
    learns nothing about runners who did not choose them.
    """
    shared, engine = shared_store(st, viewer, runner_id)
    return shared.user, engine


def shared_store(
    st: TeamState, viewer: User, runner_id: int, *, conn: Connection | None = None
) -> tuple[SharedRunner, Engine]:
    """As `shared_runner`, with the store's change counter read in the same query."""
    if conn is None:
        with st.db.autocommit() as own:
            found = sharing.shared_runner(own, viewer, runner_id)
    else:
        found = sharing.shared_runner(conn, viewer, runner_id)
    if found is None or found.user.runner_schema is None:
        raise HTTPException(404, "not found")
    return found, st.db.runner_engine(found.user.runner_schema)


def own_store(st: TeamState, user: User) -> Engine:
    require_role(user, "runner")
    assert user.runner_schema is not None
    return st.db.runner_engine(user.runner_schema)


def record(
    st: TeamState,
    actor: User,
    action: str,
    runner_id: int | None,
    detail: str = "",
    *,
    conn: Connection | None = None,
) -> None:
    """One audit row, committed by itself before the data is shown (on `conn` if given)."""
    if conn is None:
        with st.db.autocommit() as own:
            record(st, actor, action, runner_id, detail, conn=own)
        return
    audit.record(
        conn,
        actor_id=actor.id,
        actor_email=actor.email,
        action=action,
        runner_id=runner_id,
        detail=detail,
    )
