"""A disk that fills up part-way, simulated in-process so the tests run anywhere (no tmpfs,
no root): every file opened through ``os.fdopen`` for writing shares a byte budget, and the
write that crosses it puts what fits and then fails with ENOSPC, as a real full disk does.
"""

from __future__ import annotations

import errno
import os
from typing import Any

import pytest


class _FillingFile:
    def __init__(self, inner: Any, disk: FullDisk) -> None:
        self._inner, self._disk = inner, disk

    def write(self, data: bytes) -> int:
        room = self._disk.room
        if len(data) > room:
            self._inner.write(data[:room])
            self._disk.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._disk.room -= len(data)
        return int(self._inner.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _FillingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()


class FullDisk:
    """`room` bytes left; `fill(monkeypatch)` makes later writes draw on it."""

    def __init__(self, room: int) -> None:
        self.room = room

    def fill(self, monkeypatch: pytest.MonkeyPatch) -> FullDisk:
        real = os.fdopen

        def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            handle = real(fd, mode, *args, **kwargs)
            return _FillingFile(handle, self) if "w" in mode else handle

        monkeypatch.setattr(os, "fdopen", fdopen)
        return self
