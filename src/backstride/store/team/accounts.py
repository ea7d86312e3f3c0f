"""Accounts, tokens and failed logins as the team schema keeps them.

Only SQL: hashing passwords, checking roles and rate limits is `team.accounts`'. Tokens
arrive here already digested (SHA-256); the database never sees one in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from backstride.errors import NotFound
from backstride.store.team.schema import api_tokens, login_failures, users


@dataclass(frozen=True)
class User:
    id: int
    email: str
    role: str
    runner_schema: str | None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "email": self.email, "role": self.role}


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str | None


def user_from_row(row: object) -> User:
    return User(row.id, row.email, row.role, row.runner_schema)  # type: ignore[attr-defined]


def email_taken(conn: Connection, email: str) -> bool:
    return conn.execute(select(users.c.id).where(users.c.email == email)).first() is not None


def insert_user(
    conn: Connection, *, email: str, role: str, password_hash: str, created_at: datetime
) -> int:
    """The new account's id (its runner schema is set once the id is known)."""
    return conn.execute(  # type: ignore[no-any-return]
        insert(users).values(
            email=email, role=role, password_hash=password_hash, created_at=created_at
        )
    ).inserted_primary_key[0]  # type: ignore[index]


def set_runner_schema(conn: Connection, user_id: int, schema: str | None) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(runner_schema=schema))


def get(conn: Connection, user_id: int) -> User:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"no user {user_id}")
    return user_from_row(row)


def by_email(conn: Connection, email: str) -> User | None:
    row = conn.execute(select(users).where(users.c.email == email.strip().lower())).first()
    return None if row is None else user_from_row(row)


def with_password_hash(conn: Connection, email: str) -> tuple[User, str] | None:
    """The account at exactly `email` and its stored password hash (for a login)."""
    row = conn.execute(select(users).where(users.c.email == email)).first()
    return None if row is None else (user_from_row(row), row.password_hash)


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def list_users(conn: Connection) -> list[User]:
    return [user_from_row(r) for r in conn.execute(select(users).order_by(users.c.id))]


def delete_user(conn: Connection, user_id: int) -> None:
    conn.execute(delete(users).where(users.c.id == user_id))


def count_failures(conn: Connection, email: str, *, since: datetime) -> int:
    """Failed logins for `email` after `since`."""
    return int(
        conn.execute(
            select(func.count())
            .select_from(login_failures)
            .where(login_failures.c.email == email, login_failures.c.at > since)
        ).scalar_one()
    )


def add_failure(conn: Connection, email: str, *, at: datetime) -> None:
    conn.execute(insert(login_failures).values(email=email, at=at))


def clear_failures(conn: Connection, email: str) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.email == email))


def insert_token(
    conn: Connection,
    *,
    token_hash: str,
    user_id: int,
    kind: str,
    csrf: str | None,
    created_at: datetime,
    expires_at: datetime,
) -> None:
    conn.execute(
        insert(api_tokens).values(
            token_hash=token_hash,
            user_id=user_id,
            kind=kind,
            csrf=csrf,
            created_at=created_at,
            expires_at=expires_at,
        )
    )


# Built once: every request runs it, and building a statement costs more CPU than
# running it (sqlalchemy also memoizes a prebuilt statement's cache key).
_LIVE_SESSION = (
    select(users, api_tokens.c.csrf)
    .join(api_tokens, api_tokens.c.user_id == users.c.id)
    .where(
        api_tokens.c.token_hash == bindparam("token_hash"),
        api_tokens.c.kind == bindparam("kind"),
        api_tokens.c.revoked_at.is_(None),
        api_tokens.c.expires_at > bindparam("now"),
    )
)


def live_session(conn: Connection, token_hash: str, *, kind: str, now: datetime) -> Session | None:
    """The session of an unrevoked token of `kind` that expires after `now`, else None."""
    row = conn.execute(_LIVE_SESSION, {"token_hash": token_hash, "kind": kind, "now": now}).first()
    return None if row is None else Session(user_from_row(row), row.csrf)


def revoke_token(conn: Connection, token_hash: str, *, at: datetime) -> None:
    conn.execute(
        update(api_tokens)
        .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
