"""Accounts, passwords (Argon2id), bearer tokens and session cookies, login rate limits.

Tokens are random 32-byte strings handed out once; only their SHA-256 is stored, so a
copy of the database does not let anyone log in. Revoking one is immediate: every
request looks its token up.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from backstride.errors import BackstrideError
from backstride.store.team import accounts as rows
from backstride.store.team.accounts import Session, User
from backstride.store.team.engine import TeamDB
from backstride.store.team.schema import ROLES
from backstride.team import audit

__all__ = [
    "API_TOKEN_LIFETIME",
    "FAILURE_WINDOW",
    "MAX_FAILURES",
    "MIN_PASSWORD",
    "SESSION_LIFETIME",
    "AccountError",
    "Session",
    "TooManyAttempts",
    "User",
    "add_user",
    "authenticate",
    "by_email",
    "delete_user",
    "get",
    "issue_token",
    "list_users",
    "normalise_email",
    "resolve",
    "revoke",
]

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


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        raise AccountError(f"{email!r} is not an e-mail address")
    return email


def add_user(db: TeamDB, *, email: str, role: str, password: str, actor: str = "cli") -> User:
    """Create an account; a runner also gets their own migrated store schema."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"role {role!r}: one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    hashed = _HASHER.hash(password)
    with db.engine.begin() as conn:
        if rows.email_taken(conn, email):
            raise AccountError(f"{email} already has an account")
        user_id = rows.insert_user(
            conn, email=email, role=role, password_hash=hashed, created_at=datetime.now(UTC)
        )
        schema = db.runner_schema_name(user_id) if role == "runner" else None
        rows.set_runner_schema(conn, user_id, schema)
        audit.record(
            conn, actor_id=None, actor_email=actor, action="account.add", detail=f"{email} {role}"
        )
    if schema is not None:
        db.create_runner_store(schema)
    return User(user_id, email, role, schema)


def get(conn: Connection, user_id: int) -> User:
    """The account with id `user_id`; NotFound when there is none."""
    return rows.get(conn, user_id)


def by_email(conn: Connection, email: str) -> User | None:
    return rows.by_email(conn, email)


def list_users(conn: Connection) -> list[User]:
    return rows.list_users(conn)


def authenticate(db: TeamDB, *, email: str, password: str) -> User | None:
    """The user if the password is right; None otherwise. Raises TooManyAttempts.

    A wrong address costs as much as a wrong password (a dummy hash is verified), so the
    answer time does not tell which addresses have accounts.
    """
    email = email.strip().lower()[:320]
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        recent = rows.count_failures(conn, email, since=now - FAILURE_WINDOW)
        if recent >= MAX_FAILURES:
            raise TooManyAttempts(
                f"too many failed logins for this address: try again in "
                f"{int(FAILURE_WINDOW.total_seconds() // 60)} minutes"
            )
        row = rows.with_password_hash(conn, email)
    dummy = _dummy_hash()  # on both paths, so the first login of either kind costs the same
    ok = False
    try:
        ok = _HASHER.verify(row[1] if row else dummy, password)
    except (VerificationError, InvalidHashError):
        ok = False
    with db.engine.begin() as conn:
        if not ok or row is None:
            rows.add_failure(conn, email, at=now)
            return None
        user, password_hash = row
        rows.clear_failures(conn, email)
        if _HASHER.check_needs_rehash(password_hash):
            rows.set_password_hash(conn, user.id, _HASHER.hash(password))
        audit.record(conn, actor_id=user.id, actor_email=user.email, action="login")
    return user


@cache
def _dummy_hash() -> str:
    """Made on the first login rather than at import: one argon2 hash costs ~0.3 s, which
    every command and test that merely imports team mode would otherwise pay."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(db: TeamDB, user: User, *, kind: str = "api") -> tuple[str, str | None]:
    """A new bearer token ("api") or session cookie ("session", with its CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == "session" else None
    lifetime = SESSION_LIFETIME if kind == "session" else API_TOKEN_LIFETIME
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        rows.insert_token(
            conn,
            token_hash=_digest(token),
            user_id=user.id,
            kind=kind,
            csrf=csrf,
            created_at=now,
            expires_at=now + lifetime,
        )
    return token, csrf


def resolve(db: TeamDB, token: str | None, *, kind: str = "api") -> Session | None:
    """The session of a live (unrevoked, unexpired) token, else None.

    Asked of the database on every request, so a revoked token (logout, a deleted
    account, from any server process) is refused on its very next use.
    """
    if not token or len(token) > 200:
        return None
    with db.autocommit() as conn:
        return rows.live_session(conn, _digest(token), kind=kind, now=datetime.now(UTC))


def revoke(db: TeamDB, token: str) -> None:
    with db.engine.begin() as conn:
        rows.revoke_token(conn, _digest(token), at=datetime.now(UTC))


def delete_user(db: TeamDB, user: User, *, actor: User | None) -> None:
    """Delete an account; a runner's whole store schema goes with it."""
    with db.engine.begin() as conn:
        rows.delete_user(conn, user.id)
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
