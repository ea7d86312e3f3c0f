"""Accounts, passwords (Argon2id), bearer tokens and session cookies, login rate limits.

Tokens are random 32-byte strings handed out once; only their SHA-256 is stored, so a
copy of the database does not let anyone log in. Revoking one is immediate: every
request looks its token up.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, select, update

from backstride.errors import BackstrideError, NotFound
from backstride.team import audit
from backstride.team.db import TeamDB
from backstride.team.schema import ROLES, api_tokens, login_failures, users

#: Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4).
_HASHER = PasswordHasher()
MIN_PASSWORD = 10
#: Failed logins per e-mail address in the window before further tries are refused.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
API_TOKEN_LIFETIME = timedelta(days=30)
SESSION_LIFETIME = timedelta(hours=12)


class AccountError(BackstrideError):
    """A request about accounts that cannot be done (bad role, taken address, weak password)."""


class TooManyAttempts(BackstrideError):
    """Too many failed logins for this address lately."""


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


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        raise AccountError(f"{email!r} is not an e-mail address")
    return email


def _user(row: object) -> User:
    return User(row.id, row.email, row.role, row.runner_schema)  # type: ignore[attr-defined]


def add_user(db: TeamDB, *, email: str, role: str, password: str, actor: str = "cli") -> User:
    """Create an account; a runner also gets their own migrated store schema."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"role {role!r}: one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    hashed = _HASHER.hash(password)
    with db.engine.begin() as conn:
        if conn.execute(select(users.c.id).where(users.c.email == email)).first():
            raise AccountError(f"{email} already has an account")
        user_id = conn.execute(
            insert(users).values(
                email=email, role=role, password_hash=hashed, created_at=datetime.now(UTC)
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        schema = db.runner_schema_name(user_id) if role == "runner" else None
        conn.execute(update(users).where(users.c.id == user_id).values(runner_schema=schema))
        audit.record(
            conn, actor_id=None, actor_email=actor, action="account.add", detail=f"{email} {role}"
        )
    if schema is not None:
        db.create_runner_store(schema)
    return User(user_id, email, role, schema)


def get(conn: Connection, user_id: int) -> User:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"no user {user_id}")
    return _user(row)


def by_email(conn: Connection, email: str) -> User | None:
    row = conn.execute(select(users).where(users.c.email == email.strip().lower())).first()
    return None if row is None else _user(row)


def list_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(select(users).order_by(users.c.id))]


def authenticate(db: TeamDB, *, email: str, password: str) -> User | None:
    """The user if the password is right; None otherwise. Raises TooManyAttempts.

    A wrong address costs as much as a wrong password (a dummy hash is verified), so the
    answer time does not tell which addresses have accounts.
    """
    email = email.strip().lower()[:320]
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        recent = conn.execute(
            select(func.count())
            .select_from(login_failures)
            .where(login_failures.c.email == email, login_failures.c.at > now - FAILURE_WINDOW)
        ).scalar_one()
        if recent >= MAX_FAILURES:
            raise TooManyAttempts(
                f"too many failed logins for this address: try again in "
                f"{int(FAILURE_WINDOW.total_seconds() // 60)} minutes"
            )
        row = conn.execute(select(users).where(users.c.email == email)).first()
    ok = False
    try:
        ok = _HASHER.verify(row.password_hash if row else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        ok = False
    with db.engine.begin() as conn:
        if not ok or row is None:
            conn.execute(insert(login_failures).values(email=email, at=now))
            return None
        conn.execute(delete(login_failures).where(login_failures.c.email == email))
        if _HASHER.check_needs_rehash(row.password_hash):
            conn.execute(
                update(users)
                .where(users.c.id == row.id)
                .values(password_hash=_HASHER.hash(password))
            )
        audit.record(conn, actor_id=row.id, actor_email=row.email, action="login")
    return _user(row)


_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(db: TeamDB, user: User, *, kind: str = "api") -> tuple[str, str | None]:
    """A new bearer token ("api") or session cookie ("session", with its CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == "session" else None
    lifetime = SESSION_LIFETIME if kind == "session" else API_TOKEN_LIFETIME
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        conn.execute(
            insert(api_tokens).values(
                token_hash=_digest(token),
                user_id=user.id,
                kind=kind,
                csrf=csrf,
                created_at=now,
                expires_at=now + lifetime,
            )
        )
    return token, csrf


def resolve(db: TeamDB, token: str | None, *, kind: str = "api") -> Session | None:
    """The session of a live (unrevoked, unexpired) token, else None."""
    if not token or len(token) > 200:
        return None
    with db.engine.connect() as conn:
        row = conn.execute(
            select(users, api_tokens.c.csrf)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(
                api_tokens.c.token_hash == _digest(token),
                api_tokens.c.kind == kind,
                api_tokens.c.revoked_at.is_(None),
                api_tokens.c.expires_at > datetime.now(UTC),
            )
        ).first()
    return None if row is None else Session(_user(row), row.csrf)


def revoke(db: TeamDB, token: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.token_hash == _digest(token), api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )


def delete_user(db: TeamDB, user: User, *, actor: User | None) -> None:
    """Delete an account; a runner's whole store schema goes with it."""
    with db.engine.begin() as conn:
        conn.execute(delete(users).where(users.c.id == user.id))
        audit.record(
            conn,
            actor_id=actor.id if actor else None,
            actor_email=actor.email if actor else "cli",
            action="account.delete",
            runner_id=user.id if user.role == "runner" else None,
            detail=user.email,
        )
    if user.runner_schema:
        db.drop_runner_store(user.runner_schema)
