"""Heavy pages (the report as PDF or HTML, the export zip) run in a small bounded worker.

Rendering a report holds the interpreter for seconds. Run in the server's general thread
pool, twenty of them at once left every other page waiting its turn behind them. Here at
most `slots` renders run at a time, at most `queue` more wait, and a request beyond that
is answered at once with 503 and Retry-After, so light pages stay fast whatever is asked
of the heavy ones.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import HTTPException

T = TypeVar("T")

#: Renders at a time: one keeps a core for the light pages on a two-core laptop.
SLOTS = 1
#: Requests that may wait for a slot; more than that get 503.
QUEUE = 4
#: Seconds a refused client is told to wait (about one report's rendering time).
RETRY_AFTER_S = 5


class HeavyWork:
    """A thread pool of `slots` workers whose queue holds at most `queue` waiting jobs."""

    def __init__(
        self, *, slots: int = SLOTS, queue: int = QUEUE, retry_after_s: int = RETRY_AFTER_S
    ) -> None:
        self.slots = slots
        self.queue = queue
        self.retry_after_s = retry_after_s
        self._executor = ThreadPoolExecutor(
            max_workers=slots, thread_name_prefix="backstride-heavy"
        )
        self._lock = threading.Lock()
        self._admitted = 0  # running + waiting
        self.running = 0  # renders in progress now (tests, bench)
        self.peak_running = 0

    @property
    def admitted(self) -> int:
        return self._admitted

    async def run(self, fn: Callable[[], T], *, what: str = "report") -> T:
        """`fn()` in the worker; 503 with Retry-After when every slot and queue place is taken."""
        with self._lock:
            if self._admitted >= self.slots + self.queue:
                raise HTTPException(
                    503,
                    f"busy: {self._admitted} reports or exports are already being prepared; "
                    f"try again in {self.retry_after_s} s",
                    headers={"retry-after": str(self.retry_after_s)},
                )
            self._admitted += 1
        future: Future[T] = self._executor.submit(self._timed, fn)
        # Released when the job ends, not when the request does: a client that leaves
        # while its report renders still holds the slot until the render finishes.
        future.add_done_callback(self._release)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.cancel()  # still waiting in the queue: drop it
            raise

    def _timed(self, fn: Callable[[], T]) -> T:
        with self._lock:
            self.running += 1
            self.peak_running = max(self.peak_running, self.running)
        try:
            return fn()
        finally:
            with self._lock:
                self.running -= 1

    def _release(self, _: Future[Any]) -> None:
        with self._lock:
            self._admitted -= 1

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
