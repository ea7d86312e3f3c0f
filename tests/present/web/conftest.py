"""A fresh web app per test over a throwaway SQLite store, and helpers to post its forms."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from backstride.config import Settings
from backstride.present.web import create_app

REPO = Path(__file__).resolve().parents[3]
BASELINE: dict[str, Any] = yaml.safe_load(
    (REPO / "tests" / "data" / "answers" / "baseline.yaml").read_text()
)
TODAY = date.today()
#: Where the test client "serves" the app; it sends this as the Origin of every request,
#: as a browser does for its own forms.
BASE = "http://127.0.0.1:8765"


@pytest.fixture
def settings(tmp_path: Path, migrated_sqlite: Path) -> Settings:
    shutil.copyfile(migrated_sqlite, tmp_path / "web.db")
    return Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", data_dir=tmp_path / "data")


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(settings, config_path=tmp_path / "config.toml")
    with TestClient(app, base_url=BASE, headers={"origin": BASE}) as c:
        yield c
    app.state.web.engine.dispose()


def token(client: TestClient, path: str = "/report") -> str:
    """The CSRF token a page embeds in its forms (and sets as the cookie)."""
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"{path} has no form token"
    return found.group(1)


def post(client: TestClient, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(path, data={"csrf_token": token(client, "/report"), **data}, **kwargs)


def form_value(q_type: str, value: Any) -> Any:
    """How a browser sends an answer of this type."""
    if q_type == "bool":
        return "yes" if value else "no"
    return value


def answer_all(client: TestClient, answers: dict[str, Any]) -> Any:
    """Walk the self-check step by step, as a browser does, answering from `answers`."""
    from backstride.kb import load_kb
    from backstride.present.web.routes.check import steps

    kb = load_kb()
    carried = "{}"
    response = None
    for n, step in enumerate(steps(kb)):
        data: dict[str, Any] = {
            "csrf_token": token(client, "/check"),
            "step": n,
            "answers": carried,
        }
        for q in step.questions:
            if q.id in answers:
                data[q.id] = form_value(q.type, answers[q.id])
        response = client.post("/check", data=data, follow_redirects=False)
        if response.status_code == 303:
            return response
        assert response.status_code == 200, response.text
        found = re.search(r'name="answers" value="([^"]*)"', response.text)
        assert found
        carried = html.unescape(found.group(1))
    return response


def fill_upload_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file opened for writing under an `uploads` folder fails as a full disk does."""
    import errno
    import os

    real = Path.open

    def full(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" in mode and "uploads" in self.parts:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full)
