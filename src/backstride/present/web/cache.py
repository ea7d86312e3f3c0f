"""Computed page views cached per store state, recomputed in the background after an import.

A page asks for a view by name. While the store is unchanged it gets the cached value. After
an import the refresh runs in a thread; pages meanwhile get the previous value and an
"updating" flag, so they stay fast and say the figures are being brought up to date.

This is the app's one cache level: everything kept between requests is keyed on the store
state and goes with it. Views computed for the same state share intermediate results
(`Shared`: the shoe totals both pages need), and each view's rendered HTML is kept in its
entry (`html_for`), so a cached page costs a string replace, not a template run.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)

#: Results the views of one store state share, by name; dropped when the state changes.
Shared = dict[str, Any]
Compute = Callable[[Connection, Shared], Any]
KeyOf = Callable[[Connection], Hashable]


@dataclass
class _Entry:
    key: Hashable
    value: Any
    #: the view's page as HTML, per (template, updating), rendered on first request
    html: dict[tuple[str, bool], str] = field(default_factory=dict)


class ViewCache:
    """Thread-safe memo of `computes[name](conn)` keyed on `key_of(conn)`."""

    def __init__(
        self,
        engine: Engine,
        key_of: KeyOf,
        computes: dict[str, Compute],
        *,
        key_ttl_s: float = 0.5,
    ) -> None:
        self._engine = engine
        self._key_ttl_s = key_ttl_s
        self._key_memo: tuple[float, Hashable] | None = None
        self._key_of = key_of
        self._computes = computes
        self._entries: dict[str, _Entry] = {}
        self._shared: tuple[Hashable, Shared] | None = None
        self._shared_lock = threading.Lock()
        self._locks = {name: threading.Lock() for name in computes}
        self._refreshing = threading.Event()
        self.computations = 0  # how many times a view was computed (tests, bench)

    def get(self, name: str) -> tuple[Any, bool]:
        """(view, updating): the fresh view, or the previous one while a refresh runs."""
        key = self._current_key()
        entry = self._entries.get(name)
        if entry is not None and entry.key == key:
            return entry.value, False
        if entry is not None and self._refreshing.is_set():
            return entry.value, True
        return self._compute(name, key), False

    def _current_key(self) -> Hashable:
        """The store state, re-read at most every `key_ttl_s` unless invalidated.

        The app invalidates on each of its own writes, so the runner always sees their own
        change at once; a write by the CLI meanwhile shows within `key_ttl_s`.
        """
        memo = self._key_memo
        now = time.monotonic()
        if memo is not None and now - memo[0] < self._key_ttl_s:
            return memo[1]
        with self._engine.connect() as conn:
            key = self._key_of(conn)
        self._key_memo = (now, key)
        return key

    def invalidate(self) -> None:
        """Forget the remembered store state: the next page reads it again."""
        self._key_memo = None

    def _compute(self, name: str, key: Hashable) -> Any:
        with self._locks[name]:  # concurrent misses wait for one computation, not repeat it
            entry = self._entries.get(name)
            if entry is not None and entry.key == key:
                return entry.value
            with self._engine.connect() as conn:
                value = self._computes[name](conn, self._shared_for(key))
            self.computations += 1
            self._entries[name] = _Entry(key, value)
            return value

    def _shared_for(self, key: Hashable) -> Shared:
        with self._shared_lock:
            if self._shared is None or self._shared[0] != key:
                self._shared = (key, {})
            return self._shared[1]

    def html_for(self, value: object) -> dict[tuple[str, bool], str]:
        """The HTML memo of the entry holding `value` (a throwaway one if it was replaced)."""
        for entry in list(self._entries.values()):
            if entry.value is value:
                return entry.html
        return {}

    def refresh_in_background(self) -> threading.Thread:
        """Recompute every cached view in a thread; pages show 'updating' meanwhile."""
        self._refreshing.set()
        self.invalidate()

        def run() -> None:
            try:
                with self._engine.connect() as conn:
                    key = self._key_of(conn)
                for name in self._computes:
                    self._compute(name, key)
            except Exception:  # a failed refresh must not kill the server; pages recompute
                log.exception("background refresh of the page views failed")
            finally:
                self._refreshing.clear()

        thread = threading.Thread(target=run, name="backstride-refresh", daemon=True)
        thread.start()
        return thread

    def clear(self) -> None:
        self._entries.clear()
        self._shared = None
