"""The web app over PostgreSQL: the same pages and writes as on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backstride.config import Settings
from backstride.present.web import create_app
from backstride.store import checks, diary
from tests.plan.conftest import GLUTES
from tests.present.web.conftest import BASE, BASELINE, TODAY, answer_all, post

pytestmark = pytest.mark.postgres


def test_check_diary_and_pages_on_postgres(postgres_engine: Engine, tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://unused", data_dir=tmp_path / "data")
    app = create_app(settings, engine=postgres_engine, config_path=tmp_path / "c.toml")
    with TestClient(app, base_url=BASE, headers={"origin": BASE}) as client:
        assert answer_all(client, {**BASELINE, **GLUTES}).status_code == 303
        data = {"kind": "day", "pain_during": "3", "entry_date": TODAY.isoformat()}
        assert post(client, "/diary", data, follow_redirects=False).status_code == 303
        for path in ("/home", "/training", "/plan", "/diary", "/settings"):
            assert client.get(path).status_code == 200, path
        assert "Top likely contributors" in client.get("/home").text
        assert post(client, "/export", {"format": "json"}).status_code == 200
    with postgres_engine.connect() as conn:
        assert checks.latest(conn) is not None
        assert [e.pain_during for e in diary.between(conn)] == [3]
