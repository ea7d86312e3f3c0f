"""Request bodies: refused before reading where the headers suffice, counted while read otherwise.

Against the real server on loopback, with raw sockets: the test sends the request head and
waits for the answer without sending the body, so a server that reads (and spools) the
body first answers nothing and the test fails on its short timeout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import HTTPException

from backstride.config import Settings
from backstride.present.web import create_app
from backstride.present.web.security import BodyGuardMiddleware
from tests.present.web.live import raw_request, status_of, threaded_server

LIMIT = 2**20  # the test app's upload limit: 1 MB


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("limits")
    settings = Settings(database_url=f"sqlite:///{tmp / 'web.db'}", data_dir=tmp / "data")
    app = create_app(settings, config_path=tmp / "config.toml")
    app.state.web.max_upload_bytes = LIMIT
    with threaded_server(app) as url:
        yield url, tmp / "data"
    app.state.web.engine.dispose()


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _session(url: str) -> str:
    """The CSRF cookie (= form token) a browser holds after opening the training page."""
    head = f"GET /training HTTP/1.1\r\nHost: 127.0.0.1:{_port(url)}\r\nConnection: close\r\n\r\n"
    page = raw_request(_port(url), head.encode(), timeout_s=20)
    found = re.search(rb"backstride_csrf=([^;]+);", page)
    assert found, page[:500]
    return found.group(1).decode()


def _upload_head(url: str, *, length: int | None, chunked: bool = False, **extra: str) -> bytes:
    port = _port(url)
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Origin": f"http://127.0.0.1:{port}",
        "Content-Type": "multipart/form-data; boundary=XyZ",
        **extra,
    }
    if length is not None:
        headers["Content-Length"] = str(length)
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items() if v)
    return f"POST /training/import HTTP/1.1\r\n{lines}\r\n".encode()


def _uploads(data: Path) -> list[Path]:
    return list((data / "uploads").glob("*/*")) if (data / "uploads").exists() else []


def test_a_length_and_chunked_together_are_refused_before_the_body(
    served: tuple[str, Path],
) -> None:
    url, data = served
    cookie = _session(url)
    head = _upload_head(url, length=200, chunked=True, Cookie=f"backstride_csrf={cookie}")
    response = raw_request(_port(url), head, timeout_s=3)
    assert status_of(response) == 400
    assert b"not both" in response
    assert b"connection: close" in response.lower()
    assert _uploads(data) == []


def test_a_post_without_the_token_cookie_is_refused_before_the_body(
    served: tuple[str, Path],
) -> None:
    url, _ = served
    response = raw_request(_port(url), _upload_head(url, length=900_000), timeout_s=3)
    assert status_of(response) == 403
    assert b"security token" in response


def test_a_cross_site_post_is_refused_before_the_body(served: tuple[str, Path]) -> None:
    url, _ = served
    cookie = _session(url)
    head = _upload_head(
        url, length=900_000, Cookie=f"backstride_csrf={cookie}", Origin="http://evil.example"
    )
    response = raw_request(_port(url), head, timeout_s=3)
    assert status_of(response) == 403
    assert b"cross-site" in response


def test_a_post_with_neither_origin_nor_referer_is_refused(served: tuple[str, Path]) -> None:
    url, _ = served
    cookie = _session(url)
    head = _upload_head(url, length=900_000, Cookie=f"backstride_csrf={cookie}", Origin="")
    assert status_of(raw_request(_port(url), head, timeout_s=3)) == 403


def test_a_declared_length_over_the_limit_is_refused_before_the_body(
    served: tuple[str, Path],
) -> None:
    url, _ = served
    cookie = _session(url)
    head = _upload_head(url, length=LIMIT + 1, Cookie=f"backstride_csrf={cookie}")
    assert status_of(raw_request(_port(url), head, timeout_s=3)) == 413


def test_a_form_body_is_held_to_its_own_smaller_limit(served: tuple[str, Path]) -> None:
    """/settings takes 256 KB: a 600 KB body, under the upload limit, is refused."""
    url, _ = served
    cookie = _session(url)
    port = _port(url)
    body = b"csrf_token=" + cookie.encode() + b"&units=metric&pad=" + b"x" * 600_000
    head = (
        f"POST /settings HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
        f"Cookie: backstride_csrf={cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    assert status_of(raw_request(port, head, body, timeout_s=10)) == 413


def test_a_good_upload_still_goes_through(served: tuple[str, Path]) -> None:
    url, _ = served
    cookie = _session(url)
    body = (
        f'--XyZ\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{cookie}\r\n'
        '--XyZ\r\nContent-Disposition: form-data; name="files"; filename="run.gpx"\r\n'
        "Content-Type: application/gpx+xml\r\n\r\n<gpx></gpx>\r\n--XyZ--\r\n"
    ).encode()
    head = _upload_head(url, length=len(body), Cookie=f"backstride_csrf={cookie}")
    response = raw_request(_port(url), head, body, timeout_s=10)
    assert status_of(response) == 303, response[:300]


# The count itself, for bodies whose headers do not tell (chunked, or a route that reads
# a body without `checked_form`): fed chunk by chunk straight into the middleware.


async def _drive(limit: int, chunks: int, chunk: bytes) -> tuple[int, Any]:
    sent = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        sent += 1
        return {"type": "http.request", "body": chunk, "more_body": sent < chunks}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass

    async def send(message: Any) -> None:
        pass

    web = SimpleNamespace(max_upload_bytes=limit)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/anything",
        "headers": [(b"transfer-encoding", b"chunked")],
        "app": SimpleNamespace(state=SimpleNamespace(web=web)),
        "state": {},
    }
    outcome: Any = None
    try:
        await BodyGuardMiddleware(app)(scope, receive, send)
    except HTTPException as exc:
        outcome = exc
    return sent, outcome


def test_a_chunked_body_past_the_limit_stops_at_the_limit() -> None:
    import asyncio

    sent, outcome = asyncio.run(_drive(limit=10_000, chunks=1000, chunk=b"x" * 1000))
    assert isinstance(outcome, HTTPException) and outcome.status_code == 413
    assert outcome.headers == {"connection": "close"}
    assert sent == 11  # read until just past 10 000 bytes, not the 1 MB sent
    sent, outcome = asyncio.run(_drive(limit=10_000, chunks=5, chunk=b"x" * 1000))
    assert outcome is None and sent == 5
