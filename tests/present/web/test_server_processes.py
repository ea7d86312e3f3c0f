"""`serve --team --processes N`: N processes answer on one port, a dead one is replaced,
and one SIGTERM to the parent stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pids_answering(base: str, tries: int = 200) -> set[int]:
    seen: set[int] = set()
    for _ in range(tries):
        with httpx.Client() as client:  # a new connection each time: any process may take it
            seen.add(int(client.get(base).text))
        if len(seen) >= 2:
            break
    return seen


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_processes_share_the_port_are_replaced_and_stop_together() -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    parent = subprocess.Popen(
        [sys.executable, "-m", "tests.present.web._serve_processes", str(port), "2"], env=env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server processes did not start"
                time.sleep(0.1)
        first = _pids_answering(base)
        assert len(first) == 2 and parent.pid not in first
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:  # the parent starts another in its place
            now = _pids_answering(base)
            if len(now) == 2 and victim not in now:
                break
            assert time.monotonic() < deadline, f"no replacement for {victim}: {now}"
            time.sleep(0.2)
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=60) == 0
        for pid in now:
            deadline = time.monotonic() + 10
            while _alive(pid):
                assert time.monotonic() < deadline, f"server process {pid} outlived its parent"
                time.sleep(0.1)
        with pytest.raises(httpx.TransportError):
            httpx.get(base, timeout=2)
    finally:
        if parent.poll() is None:
            parent.kill()
