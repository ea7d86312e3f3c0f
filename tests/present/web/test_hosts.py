"""DNS rebinding and `--allow-remote`: only its own names are answered, remote only after login.

Each server here listens on 127.0.0.1 only; other names are sent in the Host header, as a
browser does for a page whose domain was re-pointed at 127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from backstride.config import Settings
from backstride.present.web import create_app
from backstride.present.web.security import (
    LOGIN_COOKIE,
    Exposure,
    host_allowed,
    split_host_header,
)
from tests.present.web.live import (
    child_server,
    free_port,
    read_until,
    threaded_server,
    wait_for_port,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("hosts")
    settings = Settings(database_url=f"sqlite:///{tmp / 'web.db'}", data_dir=tmp / "data")
    app = create_app(settings, config_path=tmp / "config.toml")
    with threaded_server(app) as url:
        yield url
    app.state.web.engine.dispose()


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "[::1]", "LOCALHOST", "localhost."])
def test_loopback_names_on_the_served_port_are_answered(served: str, name: str) -> None:
    response = httpx.get(served + "/", headers={"host": f"{name}:{_port(served)}"}, timeout=20)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "rebind.example:{port}",  # DNS rebinding: the attacker's name, our port
        "127.0.0.1:{other}",  # our name, another port (another local service's page)
        "localhost:{other}",
        "127.0.0.1",  # no port: 80, not ours
        "127.0.0.2:{port}",  # loopback, but not a name this server was started with
        "0.0.0.0:{port}",
        "localhost:{port}x",
        "",
    ],
)
def test_any_other_host_header_is_refused(served: str, host: str) -> None:
    port = _port(served)
    value = host.format(port=port, other=port + 1)
    response = httpx.get(served + "/", headers={"host": value}, timeout=20)
    assert response.status_code == 400
    assert "csrf_token" not in response.text


def test_a_rebound_page_can_neither_read_the_token_nor_post(served: str) -> None:
    """The attack: evil.example re-pointed to 127.0.0.1 is 'same origin' for its page."""
    port = _port(served)
    evil = f"rebind.example:{port}"
    with httpx.Client(base_url=served, headers={"host": evil}, timeout=20) as page:
        assert page.get("/report").status_code == 400  # no form, so no token to read
        for path in ("/export", "/delete-all"):
            response = page.post(
                path,
                data={"csrf_token": "x", "confirm": "DELETE", "format": "json"},
                headers={"origin": f"http://{evil}", "cookie": "backstride_csrf=x"},
            )
            assert response.status_code == 400, path
            assert "application/zip" not in response.headers.get("content-type", "")


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("127.0.0.1:8765", ("127.0.0.1", 8765)),
        ("LocalHost:80", ("localhost", 80)),
        ("[::1]:8765", ("[::1]", 8765)),
        ("[0:0::1]:8765", ("[::1]", 8765)),
        ("[::1]", ("[::1]", None)),
        ("localhost", ("localhost", None)),
        ("localhost:x", ("localhost", -1)),
        ("[::1]x", ("[::1]", -1)),
    ],
)
def test_host_headers_are_read_as_browsers_write_them(
    value: str, parsed: tuple[str, int | None]
) -> None:
    assert split_host_header(value) == parsed


def test_the_port_of_a_host_without_one_is_the_schemes() -> None:
    plain = Exposure()
    assert host_allowed("localhost", plain, 80, "http")
    assert not host_allowed("localhost", plain, 8765, "http")
    assert host_allowed("localhost", plain, 443, "https")


def test_serving_answers_to_the_bound_address_and_given_names_not_to_a_wildcard() -> None:
    lan = Exposure.serving("192.168.1.20", extra_names=["Runner.Local"], allow_remote=True)
    assert {"192.168.1.20", "runner.local", "127.0.0.1", "localhost", "[::1]"} == set(
        lan.host_names
    )
    assert lan.access_token and len(lan.access_token) >= 40
    every = Exposure.serving("0.0.0.0", allow_remote=True)
    assert "0.0.0.0" not in every.host_names
    assert Exposure.serving("::1").host_names == Exposure().host_names
    assert Exposure.serving("127.0.0.1").access_token is None


# --allow-remote: the real `backstride serve` in a child process, bound to 127.0.0.1 (this
# test sends nothing off the machine); remote mode is what --allow-remote turns on.


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """(URL, token, start-up text) of `serve --allow-remote --host-name runner.local`."""
    tmp = tmp_path_factory.mktemp("remote")
    port = free_port()
    env = {
        "BACKSTRIDE_DB": f"sqlite:///{tmp / 'web.db'}",
        "BACKSTRIDE_DATA_DIR": str(tmp / "data"),
        "XDG_CONFIG_HOME": str(tmp / "xdg"),
    }
    args = ["-m", "backstride", "serve", "--allow-remote", "--host", "127.0.0.1"]
    args += ["--port", str(port), "--host-name", "runner.local"]
    with child_server(args, env) as child:
        assert child.stdout is not None
        text, _ = read_until(child.stdout, r"answers to the host names")
        token = re.search(r"login\?token=(\S+)", text)
        assert token, text
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}", token.group(1), text


@pytest.mark.slow
def test_allow_remote_prints_a_token_and_says_every_page_needs_a_login(
    remote: tuple[str, str, str],
) -> None:
    _, token, text = remote
    assert "asks for a login" in text and token in text
    assert "runner.local" in text


@pytest.mark.slow
def test_allow_remote_serves_nothing_but_health_and_static_before_a_login(
    remote: tuple[str, str, str],
) -> None:
    url, _, _ = remote
    with httpx.Client(base_url=url, timeout=20) as anyone:
        assert anyone.get("/healthz").status_code == 200
        assert anyone.get("/static/style.css").status_code == 200
        page = anyone.get("/report")
        assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
        assert anyone.get("/api/import/x").status_code == 401
        # The CSRF checks are no substitute: a client may send any cookie and Origin it likes.
        export = anyone.post(
            "/export",
            data={"csrf_token": "t", "format": "json"},
            headers={"origin": url, "cookie": "backstride_csrf=t"},
        )
        assert export.status_code == 401
        assert export.headers["content-type"].startswith("text/plain")
        assert anyone.get("/login?token=wrong").status_code == 403
        assert anyone.get("/login?token=").status_code == 403


@pytest.mark.slow
def test_the_login_sets_a_strict_http_only_cookie_and_opens_every_page(
    remote: tuple[str, str, str],
) -> None:
    url, token, _ = remote
    with httpx.Client(base_url=url, timeout=20) as runner:
        login = runner.get(f"/login?token={token}&next=/report")
        assert login.status_code == 303 and login.headers["location"] == "/report"
        cookie = login.headers["set-cookie"]
        assert cookie.startswith(f"{LOGIN_COOKIE}=") and "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie
        assert runner.get("/report").status_code == 200
        named = runner.get("/", headers={"host": f"runner.local:{_port(url)}"})
        assert named.status_code == 200
        other = runner.get("/", headers={"host": f"other.local:{_port(url)}"})
        assert other.status_code == 400


def test_the_login_form_takes_the_token_and_refuses_another(
    settings: Settings, tmp_path: Path
) -> None:
    exposure = Exposure(access_token="s3cret-token")
    app = create_app(settings, config_path=tmp_path / "c.toml", exposure=exposure)
    base = "http://127.0.0.1:8765"
    with TestClient(app, base_url=base, headers={"origin": base}) as client:
        form = client.get("/", follow_redirects=True)
        assert form.url.path == "/login" and 'name="token"' in form.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf
        wrong = client.post("/login", data={"csrf_token": csrf.group(1), "token": "guess"})
        assert wrong.status_code == 403 and LOGIN_COOKIE not in client.cookies
        right = client.post(
            "/login",
            data={"csrf_token": csrf.group(1), "token": "s3cret-token", "next": "//evil.example"},
            follow_redirects=False,
        )
        assert right.status_code == 303 and right.headers["location"] == "/"
        assert client.get("/settings").status_code == 200
    app.state.web.engine.dispose()
