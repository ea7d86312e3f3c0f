"""How `backstride serve` runs the app: uvicorn with limits that slow or idle clients cannot outlast.

uvicorn (0.55, h11) times out only an idle kept-alive connection: one that trickles its
request head a byte at a time, or opens and sends nothing, holds its socket for ever.
Twenty thousand of them exhausted the open-file limit, after which every accept failed and
asyncio logged a traceback per failure (hundreds of thousands in seconds) while no page
could be served. Here:

- `GuardedH11Protocol` closes a connection whose request head is not complete within
  `header_timeout_s` of its first byte (or of connecting), and one whose body stops
  arriving for `body_idle_timeout_s`;
- at most `max_connections` connections are kept: past that the oldest one that is not
  in the middle of a request (still sending its head, or idle between requests) is closed
  for the new one, so a flood of slow sockets cannot lock out a browser;
- the listen backlog, and so the number of sockets asyncio accepts in one go, is small
  enough that `max_connections` plus a burst stays under the open-file limit, which
  `serve` raises to the hard limit first;
- `limit_concurrency` (503) and h11's request-head size limit are set explicitly;
- `RateLimitFilter` logs "too many open files", accept failures and the per-connection
  warnings once a minute with a count, not once per connection.
"""

from __future__ import annotations

import asyncio
import copy
import errno
import logging
import multiprocessing
import os
import resource
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import h11
import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

#: How often a thread holding the interpreter hands it over (Python's default: 5 ms).
SWITCH_INTERVAL_S = 0.001
#: Files kept free for the app itself (store, templates, uploads, logs) besides the sockets.
FILE_RESERVE = 64


@dataclass(frozen=True)
class ServeLimits:
    """The connection limits of `backstride serve`; tests pass smaller ones."""

    #: Seconds a client has to send a whole request head (from connecting, or its first byte).
    header_timeout_s: float = 10.0
    #: Seconds a request body may pause (while the app is reading it) before the connection closes.
    body_idle_timeout_s: float = 30.0
    #: Seconds an idle kept-alive connection stays open (uvicorn's `timeout_keep_alive`).
    keep_alive_s: int = 5
    #: Connections kept at once; past it the oldest waiting one makes room.
    max_connections: int = 1000
    #: Listen backlog, also the most sockets asyncio accepts in one go.
    backlog: int = 128
    #: Largest request head (request line and headers) h11 buffers, in bytes.
    max_head_bytes: int = 16 * 1024

    def fitted(self, open_files: int) -> ServeLimits:
        """These limits shrunk so that sockets never use up `open_files` descriptors.

        asyncio accepts up to `backlog` sockets per wake-up and the new ones are seen by
        the protocol a loop turn or two later, so room for three backlogs is kept on top
        of the connections and the app's own files.
        """
        backlog = max(8, min(self.backlog, open_files // 8))
        room = open_files - FILE_RESERVE - 3 * backlog
        return replace(
            self, backlog=backlog, max_connections=max(8, min(self.max_connections, room))
        )


def raise_open_file_limit(ceiling: int = 65536) -> int:
    """Raise the soft open-file limit toward the hard one; return the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else ceiling
    want = min(want, ceiling)
    if soft != resource.RLIM_INFINITY and soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
            soft = want
        except (ValueError, OSError):  # not allowed here: keep the soft limit
            pass
    return ceiling if soft == resource.RLIM_INFINITY else int(soft)


class _Registry:
    """The connections of one server that are not in the middle of a request, oldest first."""

    def __init__(self) -> None:
        self.waiting: dict[GuardedH11Protocol, None] = {}

    def add(self, protocol: GuardedH11Protocol) -> None:
        self.waiting.pop(protocol, None)
        self.waiting[protocol] = None  # to the end: the newest

    def discard(self, protocol: GuardedH11Protocol) -> None:
        self.waiting.pop(protocol, None)

    def oldest_except(self, protocol: GuardedH11Protocol) -> GuardedH11Protocol | None:
        for other in self.waiting:
            if other is not protocol:
                return other
        return None


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline, a body idle timeout and eviction."""

    limits: ServeLimits = ServeLimits()
    registry: _Registry = _Registry()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None

    # The head deadline runs from connecting (or from the first byte after an idle
    # keep-alive) until h11 has read the whole request head; it is not reset by data.

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.registry.add(self)
        self._arm_head_timer()
        if len(self.connections) > self.limits.max_connections:
            victim = self.registry.oldest_except(self)
            if victim is not None:
                victim.close("too many connections")

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        state = self.conn.their_state
        if state is h11.IDLE:
            self._arm_head_timer()  # a head in progress (after a keep-alive pause, too)
            return
        self._cancel_head_timer()
        self.registry.discard(self)  # a request is in progress: never evicted
        if state is h11.SEND_BODY:
            self._arm_body_timer()
        else:
            self._cancel_body_timer()

    def on_response_complete(self) -> None:
        self._cancel_body_timer()
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            # Answered before its body was read (refused early): do not read the rest.
            self.close("response sent before the body was read")
            return
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.registry.add(self)  # idle between requests: the keep-alive timer runs

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        self._cancel_body_timer()
        self.registry.discard(self)
        super().connection_lost(exc)

    def close(self, why: str) -> None:
        """Drop the connection; a request in progress sees a disconnect."""
        self._cancel_head_timer()
        self._cancel_body_timer()
        self.registry.discard(self)
        if not self.transport.is_closing():
            self.transport.close()

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(
                self.limits.header_timeout_s, self._head_timed_out
            )

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE:
            self.close("request head not complete in time")

    def _arm_body_timer(self) -> None:
        self._cancel_body_timer()
        self._body_timer = self.loop.call_later(
            self.limits.body_idle_timeout_s, self._body_timed_out
        )

    def _cancel_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _body_timed_out(self) -> None:
        self._body_timer = None
        if self.conn.their_state is not h11.SEND_BODY:
            return
        if self.flow.read_paused:  # the app is not reading: the client is not to blame
            self._arm_body_timer()
            return
        self.close("request body stalled")


def guarded_protocol(limits: ServeLimits) -> type[GuardedH11Protocol]:
    """A protocol class bound to `limits`, with a registry of its own (one per server)."""

    class Bound(GuardedH11Protocol):
        pass

    Bound.limits = limits
    Bound.registry = _Registry()
    return Bound


#: Per-connection warnings of uvicorn that a flood of bad clients would repeat endlessly.
_CONNECTION_NOISE = frozenset(
    {
        "Invalid HTTP request received.",
        "Exceeded concurrency limit.",
        "Unsupported upgrade request.",
    }
)
_RESOURCE_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


def _noise_key(record: logging.LogRecord) -> str | None:
    """What a record repeats, when it is a message a flood would repeat; else None."""
    exc = record.exc_info[1] if record.exc_info else None
    if isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS:
        return f"out of resources ({errno.errorcode.get(exc.errno or 0, exc.errno)})"
    message = str(record.msg)
    if "Too many open files" in message or "out of system resource" in message:
        return "out of resources"
    if message in _CONNECTION_NOISE:
        return message
    return None


class RateLimitFilter(logging.Filter):
    """Lets a repeated flood message through once per `interval_s`, then with a count.

    Everything else passes untouched. Attached to uvicorn's handlers and to asyncio's logger.
    """

    def __init__(
        self, interval_s: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.interval_s = interval_s
        self._clock = clock
        self._seen: dict[str, tuple[float, int]] = {}  # key -> (last logged at, dropped since)

    def filter(self, record: logging.LogRecord) -> bool:
        key = _noise_key(record)
        if key is None:
            return True
        now = self._clock()
        last = self._seen.get(key)
        if last is not None and now - last[0] < self.interval_s:
            self._seen[key] = (last[0], last[1] + 1)
            return False
        dropped = last[1] if last is not None else 0
        self._seen[key] = (now, 0)
        if dropped:
            record.msg = (
                f"{record.msg} (and {dropped} more like it in the last "
                f"{self.interval_s:.0f} s, not logged one by one)"
            )
        return True


def log_config(log_level: str = "warning") -> dict[str, Any]:
    """uvicorn's logging set-up with `RateLimitFilter` on its handlers, asyncio's logs included."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["flood"] = {"()": f"{__name__}.RateLimitFilter"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("flood")
    # asyncio's accept failures ("socket.accept() out of system resource") go through
    # the same (rate-limited) handler instead of Python's last-resort one.
    config["loggers"]["asyncio"] = {
        "handlers": ["default"],
        "level": log_level.upper(),
        "propagate": False,
    }
    return config


def uvicorn_config(
    app: Any,
    *,
    host: str,
    port: int,
    limits: ServeLimits | None = None,
    open_files: int | None = None,
    log_level: str = "warning",
    configure_logging: bool = True,
) -> uvicorn.Config:
    """The uvicorn configuration `backstride serve` runs: `limits` fitted to `open_files`.

    `configure_logging=False` leaves the process's logging alone (a server in a test's thread).
    """
    if open_files is None:
        open_files = int(resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    fitted = (limits or ServeLimits()).fitted(open_files)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=guarded_protocol(fitted),
        ws="none",
        log_level=log_level,
        log_config=log_config(log_level) if configure_logging else None,
        access_log=False,
        backlog=fitted.backlog,
        timeout_keep_alive=fitted.keep_alive_s,
        # Eviction keeps the connections at max_connections; past it (every one busy
        # with a request) the next request gets 503 instead of a slot.
        limit_concurrency=fitted.max_connections + 1,
        h11_max_incomplete_event_size=fitted.max_head_bytes,
        proxy_headers=False,  # no proxy in front: X-Forwarded-* from a client is not believed
        server_header=False,
    )


def run(
    app: Any,
    *,
    host: str,
    port: int,
    limits: ServeLimits | None = None,
    sockets: list[socket.socket] | None = None,
) -> None:
    """Serve `app` until Ctrl+C, with the open-file limit raised and `limits` applied.

    `sockets` are listening sockets bound already (a process of `run_processes`).
    """
    open_files = raise_open_file_limit()
    # A report rendering in the heavy worker holds the interpreter; at the default 5 ms
    # switch interval each page request waits for it again and again (bench/
    # web_heavy_bench.py: p99 of / ~650 ms at 5 ms, ~250 ms at 1 ms).
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    config = uvicorn_config(app, host=host, port=port, limits=limits, open_files=open_files)
    uvicorn.Server(config).run(sockets=sockets)


def run_processes(
    start: Callable[[socket.socket], None],
    *,
    host: str,
    port: int,
    processes: int,
    limits: ServeLimits | None = None,
) -> None:
    """Serve from `processes` processes that share one listening socket, until Ctrl+C.

    One Python process runs one request's Python at a time; on a machine with cores to
    spare, more processes answer more requests at once (the kernel hands each new
    connection to one of them). `start(sock)` runs in each process (spawned, so it must
    be picklable: a module-level function or a `functools.partial` of one), builds its
    own app and calls `run(..., sockets=[sock])`. A process that dies is started again;
    Ctrl+C or SIGTERM stops them all.
    """
    config = uvicorn_config(None, host=host, port=port, limits=limits, configure_logging=False)
    sock = config.bind_socket()
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def stop(_signum: int, _frame: Any) -> None:
        stopping.set()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    children: list[multiprocessing.process.BaseProcess] = []
    try:
        for _ in range(processes):
            children.append(context.Process(target=_own_group, args=(start, sock), daemon=True))
            children[-1].start()
        while not stopping.wait(0.5):
            for i, child in enumerate(children):
                if not child.is_alive():
                    log.warning(
                        "server process %s ended (exit %s): starting another",
                        child.pid,
                        child.exitcode,
                    )
                    children[i] = context.Process(
                        target=_own_group, args=(start, sock), daemon=True
                    )
                    children[i].start()
    finally:
        for child in children:
            if child.is_alive() and child.pid is not None:
                os.kill(child.pid, signal.SIGTERM)  # uvicorn: finish the requests, then stop
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
        sock.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _own_group(start: Callable[[socket.socket], None], sock: socket.socket) -> None:
    """A server process: out of the terminal's process group, so that one Ctrl+C reaches
    only the parent, which then stops each process exactly once (a second signal makes
    uvicorn drop the requests in flight)."""
    os.setpgrp()
    start(sock)
