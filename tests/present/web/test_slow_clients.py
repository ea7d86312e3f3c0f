"""Slow and idle connections: cut off in time, never enough to lock out a page or flood the log.

The server runs as a child process (`server.run`, as `backstride serve` does) with its
open-file limit capped at 256, so a few hundred sockets on loopback play the part of the
twenty thousand that took the unguarded server down: every accept failing, a traceback
per failure, no page served.
"""

from __future__ import annotations

import json
import logging
import select
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from backstride.present.web.server import RateLimitFilter, ServeLimits
from tests.present.web.live import child_server, free_port, wait_for_port

OPEN_FILES = 256
SLOW_SOCKETS = 300  # more than the child has file descriptors


@contextmanager
def _launch(folder: Path, **limits: float) -> Iterator[tuple[int, Path]]:
    """(port, log path) of the child server with `limits`, stopped at the end."""
    port = free_port()
    log_path = folder / "server.log"
    args = ["-m", "tests.present.web._serve_limited", str(port), str(folder), json.dumps(limits)]
    with log_path.open("w") as log, child_server(args, {}, log=log, open_files=OPEN_FILES):
        wait_for_port(port)
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=20).status_code == 200  # warm
        yield port, log_path


@pytest.fixture(scope="module")
def serve_defaults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The server with `serve`'s own limits (10 s to send a request head)."""
    with _launch(tmp_path_factory.mktemp("defaults")) as served:
        yield served


@pytest.fixture(scope="module")
def serve_impatient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The server with 1 s to send a request head and 1 s of silence allowed in a body."""
    folder = tmp_path_factory.mktemp("impatient")
    with _launch(folder, header_timeout_s=1.0, body_idle_timeout_s=1.0) as served:
        yield served


def _slow_socket(port: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
    return s


def _slow_sockets(port: int, count: int, within_s: float = 8.0) -> list[socket.socket]:
    """`count` sockets that each sent the start of a request head, connected side by side.

    Connected one after another they would take seconds: past the listen backlog the
    kernel drops a SYN and the client tries again a second later.
    """
    pending = []
    for _ in range(count):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        pending.append(s)
    connected: list[socket.socket] = []
    deadline = time.monotonic() + within_s
    while pending and time.monotonic() < deadline:
        _, writable, _ = select.select([], pending, [], 0.2)
        for s in writable:
            pending.remove(s)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                s.setblocking(True)
                s.settimeout(5)
                try:
                    s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
                except OSError:
                    pass  # already closed for a newer one: it still counted
                connected.append(s)
            else:
                s.close()
    for s in pending:
        s.close()
    assert len(connected) >= count * 0.9, f"only {len(connected)} of {count} sockets connected"
    return connected


def _trickle(socks: list[socket.socket]) -> int:
    """One more header byte on each socket still open; returns how many the server closed."""
    closed = 0
    for s in socks:
        try:
            s.sendall(b"X")
        except OSError:
            closed += 1
    return closed


def _timed_get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    response = httpx.get(url, timeout=10)
    return response.status_code, time.monotonic() - started


@pytest.mark.slow
def test_pages_answer_while_slow_sockets_outnumber_the_file_descriptors(
    serve_defaults: tuple[int, Path],
) -> None:
    port, log_path = serve_defaults
    started = time.monotonic()
    socks: list[socket.socket] = []
    try:
        socks = _slow_sockets(port, SLOW_SOCKETS)
        time.sleep(0.5)
        _trickle(socks)
        for path in ("/healthz", "/"):
            status, seconds = _timed_get(f"http://127.0.0.1:{port}{path}")
            assert status == 200 and seconds < 3, (path, status, seconds)
        for _ in range(4):  # two seconds more of trickling
            time.sleep(0.5)
            _trickle(socks)
        status, seconds = _timed_get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and seconds < 3
    finally:
        for s in socks:
            s.close()
    # The oldest slow sockets made room for the new ones, so far more than the open-file
    # limit were taken in, and the log holds a few lines, not one per connection.
    lines = log_path.read_text().splitlines()
    assert len(lines) < 20, "\n".join(lines[:40])
    assert time.monotonic() - started < 15


@pytest.mark.slow
def test_a_request_head_that_never_completes_is_cut_off(serve_impatient: tuple[int, Path]) -> None:
    port, _ = serve_impatient
    silent = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(10)]
    trickling = [_slow_socket(port) for _ in range(10)]
    started = time.monotonic()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as browser:
            while time.monotonic() - started < 4:
                time.sleep(0.25)
                if _trickle(trickling) == len(trickling):
                    break
                assert browser.get("/healthz").status_code == 200  # a kept-alive client is fine
        assert _trickle(trickling) == len(trickling), "a trickling head outlived its deadline"
        for s in silent:
            s.settimeout(3)
            assert s.recv(1) == b"", "a connection that sent nothing was kept"
    finally:
        for s in silent + trickling:
            s.close()
    assert time.monotonic() - started < 5


@pytest.mark.slow
def test_a_stalled_body_is_cut_off(serve_impatient: tuple[int, Path]) -> None:
    port, _ = serve_impatient
    page = httpx.get(f"http://127.0.0.1:{port}/settings", timeout=10)
    cookie = page.cookies["backstride_csrf"]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(
            (
                f"POST /settings HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Origin: http://127.0.0.1:{port}\r\nCookie: backstride_csrf={cookie}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n"
                "csrf_token="
            ).encode()
        )
        started = time.monotonic()
        assert s.recv(65536) == b""  # closed, with nothing to say to a client that stopped
        assert time.monotonic() - started < 4


@pytest.mark.slow
def test_a_request_head_over_16_kb_is_refused(serve_defaults: tuple[int, Path]) -> None:
    port, _ = serve_defaults
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Big: ".encode())
        s.sendall(b"a" * 20_000)  # no end of the head yet: h11 holds it, up to its limit
        assert s.recv(100).startswith(b"HTTP/1.1 400")


def test_the_limits_fit_under_the_open_file_limit() -> None:
    small = ServeLimits().fitted(256)
    assert small.backlog == 32 and small.max_connections == 256 - 64 - 3 * 32
    assert ServeLimits().fitted(1_000_000) == ServeLimits()
    assert ServeLimits().fitted(10).max_connections == 8


def test_a_flood_of_one_message_is_logged_once_a_minute_with_a_count() -> None:
    now = [0.0]
    flood = RateLimitFilter(interval_s=60, clock=lambda: now[0])

    def record(msg: str, exc: BaseException | None = None) -> logging.LogRecord:
        info = (type(exc), exc, None) if exc else None
        return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, msg, (), info)

    emfile = OSError(24, "Too many open files")
    passed = [flood.filter(record("socket.accept() out of system resource", emfile))]
    passed += [flood.filter(record("Exception in ASGI application", emfile)) for _ in range(500)]
    passed += [flood.filter(record("Invalid HTTP request received.")) for _ in range(3)]
    passed += [flood.filter(record("something else")) for _ in range(3)]
    assert passed.count(True) == 1 + 1 + 3
    now[0] = 61
    later = record("socket.accept() out of system resource", emfile)
    assert flood.filter(later) and "500 more like it" in str(later.msg)
