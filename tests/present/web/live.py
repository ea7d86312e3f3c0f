"""The real server on a free loopback port: in a thread of the test, or as a child process.

Every request these tests send goes to 127.0.0.1; each test bounds its sockets and time.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from fastapi import FastAPI

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout_s} s")


@contextmanager
def threaded_server(app: FastAPI, **limits: Any) -> Iterator[str]:
    """`app` served by `backstride serve`'s uvicorn configuration in a thread; yields its URL."""
    import uvicorn

    from backstride.present.web.server import ServeLimits, uvicorn_config

    port = free_port()
    config = uvicorn_config(
        app, host="127.0.0.1", port=port, limits=ServeLimits(**limits), configure_logging=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def child_server(
    args: list[str], env: dict[str, str], log: IO[str] | None = None, open_files: int | None = None
) -> Iterator[subprocess.Popen[str]]:
    """`python ARGS...` as a child process (its stderr to `log`); stopped at the end.

    `open_files` caps the child's open-file limit (soft and hard), to run out of
    descriptors with a few hundred sockets instead of tens of thousands.
    """
    preexec = None
    if open_files is not None:
        import resource

        def preexec() -> None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    child = subprocess.Popen(
        [sys.executable, *args],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=log if log is not None else subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        preexec_fn=preexec,
    )
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(10)
        if child.stdout is not None:
            child.stdout.close()


def read_until(stream: IO[str], pattern: str, timeout_s: float = 30.0) -> tuple[str, re.Match[str]]:
    """Lines of `stream` up to the first that matches `pattern` (the child prints and flushes)."""
    seen: list[str] = []
    found: list[re.Match[str]] = []

    def read() -> None:
        for line in stream:
            seen.append(line)
            match = re.search(pattern, line)
            if match:
                found.append(match)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout_s)
    assert found, f"no line matching {pattern!r} within {timeout_s} s; got:\n{''.join(seen)}"
    return "".join(seen), found[0]


def raw_request(port: int, head: bytes, body: bytes = b"", timeout_s: float = 5.0) -> bytes:
    """Send `head` (and `body`) on a fresh socket; the bytes answered until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout_s) as s:
        s.sendall(head + body)
        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
        return b"".join(chunks)


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    match = re.search(rb"(?i)content-length:\s*(\d+)", head)
    return match is not None and len(body) >= int(match.group(1))


def status_of(response: bytes) -> int:
    match = re.match(rb"HTTP/1\.[01] (\d{3})", response)
    assert match, f"not an HTTP response: {response[:200]!r}"
    return int(match.group(1))
