"""Forms refuse cross-site posts, missing tokens and oversized bodies; serve stays on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from backstride.present.cli import cli
from backstride.present.cli.serve import is_loopback
from backstride.present.web.jobs import safe_name
from tests.present.web.conftest import token


def test_post_without_token_is_refused(client: TestClient) -> None:
    client.get("/")
    response = client.post("/plan/done", data={"date": "2024-01-01", "kind": "run"})
    assert response.status_code == 403
    assert "security token" in response.text


def test_post_with_a_token_not_matching_the_cookie_is_refused(client: TestClient) -> None:
    token(client)
    response = client.post("/delete-all", data={"csrf_token": "forged", "confirm": "DELETE"})
    assert response.status_code == 403


def test_cross_origin_post_is_refused_even_with_the_token(client: TestClient) -> None:
    good = token(client)
    response = client.post(
        "/delete-all",
        data={"csrf_token": good, "confirm": "DELETE"},
        headers={"origin": "http://evil.example"},
    )
    assert response.status_code == 403
    assert "cross-site" in response.text


def test_same_origin_post_with_the_token_is_accepted(client: TestClient) -> None:
    good = token(client)
    response = client.post(
        "/settings",
        data={"csrf_token": good, "units": "metric"},
        headers={"origin": "http://127.0.0.1:8765"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_the_cookie_is_strict_and_http_only(client: TestClient) -> None:
    response = client.get("/")
    cookie = response.headers["set-cookie"]
    assert "SameSite=Strict" in cookie and "HttpOnly" in cookie


def test_oversized_upload_is_refused_before_reading(client: TestClient) -> None:
    client.app.state.web.max_upload_bytes = 1000  # type: ignore[attr-defined]
    good = token(client, "/training")
    response = client.post(
        "/training/import",
        data={"csrf_token": good},
        files={"files": ("big.fit", b"x" * 5000)},
    )
    assert response.status_code == 413
    assert not any((Path(client.app.state.web.settings.store_files_dir) / "uploads").glob("*/*"))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd", "00003_passwd"),
        ("export/activities/1.fit", "00003_1.fit"),
        ("..\\..\\win.ini", "00003_win.ini"),
        (".hidden", "00003_hidden"),
        ("run (1) ü.gpx", "00003_run_1_.gpx"),
        ("", "00003_upload"),
    ],
)
def test_upload_names_lose_every_folder_and_odd_character(given: str, stored: str) -> None:
    assert safe_name(given, 3) == stored


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.2", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_refuses_a_remote_host_without_allow_remote(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0"], env=cli_env)
    assert result.exit_code == 2
    assert "--allow-remote" in result.output


def test_serve_refuses_processes_without_team(runner: CliRunner, cli_env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["serve", "--processes", "2"], env=cli_env)
    assert result.exit_code == 2
    assert "--processes is for the team server (--team)" in result.output


def test_api_errors_are_json(client: TestClient) -> None:
    response = client.get("/api/import/nope")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_serve_prints_the_address_and_runs_the_app_on_loopback(
    runner: CliRunner, cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, object] = {}
    monkeypatch.setattr(
        "backstride.present.web.server.run", lambda app, **kw: seen.update(app=app, **kw)
    )
    monkeypatch.setattr("backstride.config.config_file", lambda: tmp_path / "config.toml")
    result = runner.invoke(cli, ["serve", "--port", "8123"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8123
    assert seen["app"].state.web.config_path == tmp_path / "config.toml"  # type: ignore[attr-defined]


def test_saved_settings_file_loads_back(tmp_path: Path) -> None:
    import tomllib

    from backstride.config import ConfigError, Settings, save_settings_file

    path = save_settings_file(
        {"units": "imperial", "shoe_limit_km": 650.0}, path=tmp_path / "c.toml"
    )
    save_settings_file({"week_start": "sunday"}, path=path)
    loaded = Settings(**tomllib.loads(path.read_text()))
    assert (loaded.units, loaded.week_start, loaded.shoe_limit_km) == ("imperial", "sunday", 650.0)
    with pytest.raises(ConfigError):
        save_settings_file({"units": "furlongs"}, path=path)
    assert "furlongs" not in path.read_text()


def test_a_post_without_a_length_is_refused(client: TestClient) -> None:
    good = token(client)

    def body() -> Iterator[bytes]:
        yield f"csrf_token={good}&confirm=DELETE".encode()

    response = client.post(
        "/delete-all",
        content=body(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 411
