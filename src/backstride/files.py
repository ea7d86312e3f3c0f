"""Writing the files the runner keeps (backups, reports, calendars, settings) without ever
leaving a half-written one.

Each file is written to a temporary file in the same folder, flushed to disk, then renamed
over the target (``os.replace`` is atomic within a file system): a full disk, a missing
permission or a kill mid-write leaves the old file as it was. Several files that belong
together (a backup's tables and manifest) are all written before any is renamed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from backstride.errors import WriteError

#: What to tell the runner per errno; anything else gets the system's own words.
_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space and try again",
    errno.EDQUOT: "the disk quota is used up: free some space and try again",
    errno.EACCES: "no permission to write there: choose another folder",
    errno.EPERM: "no permission to write there: choose another folder",
    errno.EROFS: "the disk is read-only: choose another folder",
}


def write_error(path: Path, exc: OSError) -> WriteError:
    """A one-line WriteError naming `path` and what to do, from an OSError."""
    reason = exc.strerror or str(exc)
    advice = _ADVICE.get(exc.errno or 0, "")
    text = f"cannot write {path}: {reason}" + (f" — {advice}" if advice else "")
    return WriteError(text)


class StagedFiles:
    """Files written to temporaries now and renamed into place only by `commit`."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []  # (temporary, target)

    def write(self, path: Path, data: bytes | str) -> None:
        """Write `data` (text as UTF-8) next to `path`, flushed to disk, not yet in place."""
        payload = data.encode("utf-8") if isinstance(data, str) else data
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as exc:
            raise write_error(path, exc) from exc
        temp = Path(name)
        self._pending.append((temp, path))
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise write_error(path, exc) from exc

    def commit(self) -> None:
        """Rename every temporary over its target, in the order written."""
        folders: set[Path] = set()
        while self._pending:
            temp, target = self._pending[0]
            try:
                os.replace(temp, target)
            except OSError as exc:
                raise write_error(target, exc) from exc
            self._pending.pop(0)
            folders.add(target.parent)
        for folder in folders:
            _fsync_folder(folder)

    def discard(self) -> None:
        """Remove the temporaries not renamed yet; the targets keep their old content."""
        for temp, _target in self._pending:
            with contextlib.suppress(OSError):
                temp.unlink()
        self._pending = []


@contextlib.contextmanager
def staged_files() -> Iterator[StagedFiles]:
    """Files that appear together when the block ends, or not at all when it fails."""
    stage = StagedFiles()
    try:
        yield stage
        stage.commit()
    finally:
        stage.discard()


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` (text as UTF-8) all at once.

    Raises:
        WriteError: the disk is full, read-only or not ours; the old file is untouched.
    """
    with staged_files() as stage:
        stage.write(path, data)


def _fsync_folder(folder: Path) -> None:
    # The rename itself is durable only once the folder's entry is on disk; not every
    # system lets a folder be opened for that, and the data is safe either way.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
