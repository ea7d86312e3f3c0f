"""Accounts and sessions: Argon2id, rate limits, cookie flags, CSRF, the schema pinning."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError

from backstride.config import Settings
from backstride.present.web.team import create_team_app
from backstride.store.team.schema import users
from backstride.team import accounts
from backstride.team.accounts import TooManyAttempts, add_user, authenticate
from backstride.team.db import TeamDB
from tests.team.conftest import ORIGIN, PASSWORD

pytestmark = pytest.mark.postgres


def test_passwords_are_argon2id_and_logins_are_rate_limited(team_db: TeamDB) -> None:
    add_user(team_db, email="a@example.org", role="coach", password=PASSWORD)
    with team_db.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(team_db, email="A@example.org", password=PASSWORD) is not None
    for _ in range(accounts.MAX_FAILURES):
        assert authenticate(team_db, email="a@example.org", password="wrong") is None
    with pytest.raises(TooManyAttempts):
        authenticate(team_db, email="a@example.org", password=PASSWORD)
    # an unknown address is limited the same way, and tells nothing more
    for _ in range(accounts.MAX_FAILURES):
        assert authenticate(team_db, email="nobody@example.org", password="x") is None
    with pytest.raises(TooManyAttempts):
        authenticate(team_db, email="nobody@example.org", password="x")


def test_api_login_answers_429_when_limited(team_db: TeamDB, tmp_path: Path) -> None:
    add_user(team_db, email="b@example.org", role="coach", password=PASSWORD)
    client = TestClient(create_team_app(team_db, Settings(data_dir=tmp_path)), base_url=ORIGIN)
    for _ in range(accounts.MAX_FAILURES):
        res = client.post("/api/v1/login", json={"email": "b@example.org", "password": "no"})
        assert res.status_code == 401
    res = client.post("/api/v1/login", json={"email": "b@example.org", "password": PASSWORD})
    assert res.status_code == 429


def test_session_cookie_flags_and_csrf(team_db: TeamDB, tmp_path: Path) -> None:
    runner = add_user(team_db, email="c@example.org", role="runner", password=PASSWORD)
    add_user(team_db, email="d@example.org", role="coach", password=PASSWORD)
    app = create_team_app(team_db, Settings(data_dir=tmp_path))
    client = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    res = client.post(
        "/login",
        data={"email": runner.email, "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
        follow_redirects=False,
    )
    cookie = res.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    plain = client.post(
        "/login", data={"email": runner.email, "password": PASSWORD}, follow_redirects=False
    )
    assert "secure" not in plain.headers["set-cookie"].lower()  # plain HTTP on loopback
    # a form without the session's CSRF token, or from another site, changes nothing
    res = client.post("/me/shares", data={"email": "d@example.org"}, follow_redirects=False)
    assert res.status_code == 403
    page = client.get("/me").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    res = client.post(
        "/me/shares",
        data={"email": "d@example.org", "csrf": csrf},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert res.status_code == 403
    res = client.post(
        "/me/shares", data={"email": "d@example.org", "csrf": csrf}, follow_redirects=False
    )
    assert res.status_code == 303
    assert "d@example.org" in client.get("/me").text
    # log out revokes the session itself, not only the cookie
    token = client.cookies.get("backstride_team")
    client.post("/logout", data={"csrf": csrf})
    client.cookies.set("backstride_team", token or "")
    assert client.get("/me", follow_redirects=False).headers["location"] == "/login"


def test_a_foreign_host_header_is_refused(team_db: TeamDB, tmp_path: Path) -> None:
    app = create_team_app(team_db, Settings(data_dir=tmp_path), host_names=("team.clinic.org",))
    assert TestClient(app, base_url="http://evil.example").get("/login").status_code == 400
    assert TestClient(app, base_url="https://team.clinic.org").get("/login").status_code == 200


def test_a_runner_engine_sees_its_schema_only_even_after_a_rollback(team_db: TeamDB) -> None:
    a = add_user(team_db, email="ra@example.org", role="runner", password=PASSWORD)
    b = add_user(team_db, email="rb@example.org", role="runner", password=PASSWORD)
    engine_a = team_db.runner_engine(a.runner_schema or "")
    engine_b = team_db.runner_engine(b.runner_schema or "")
    for _ in range(3):  # the pooled connections go back and forth between schemas
        for engine, schema in ((engine_a, a.runner_schema), (engine_b, b.runner_schema)):
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                conn.rollback()  # a rolled-back transaction must not undo the pinning
                assert conn.execute(text("SELECT current_schemas(false)")).scalar_one() == [schema]
    with team_db.engine.connect() as conn:
        assert conn.execute(text("SELECT current_schemas(false)")).scalar_one() == [team_db.schema]
        with pytest.raises(ProgrammingError):  # no store tables on the team path
            conn.execute(text("SELECT count(*) FROM activities"))
    with pytest.raises(Exception, match="not a runner schema"):
        team_db.runner_engine(team_db.schema)
