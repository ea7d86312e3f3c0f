"""write_atomic and staged_files: a file the runner keeps is replaced whole or not at all."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from backstride.errors import WriteError
from backstride.files import staged_files, write_atomic, write_error
from tests._disk import FullDisk


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "plan.ics"
    write_atomic(target, "first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["plan.ics"]


def test_staged_files_appear_together_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.json").write_text("old a")
    (tmp_path / "b.json").write_text("old b")
    FullDisk(room=10).fill(monkeypatch)
    with (
        pytest.raises(WriteError, match=r"b\.json: No space left on device"),
        staged_files() as stage,
    ):
        stage.write(tmp_path / "a.json", "new a")  # fits
        stage.write(tmp_path / "b.json", "new b, too long for the disk")
    monkeypatch.undo()
    assert (tmp_path / "a.json").read_text() == "old a"  # written, but never put in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (errno.ENOSPC, "the disk is full: free some space and try again"),
        (errno.EACCES, "no permission to write there: choose another folder"),
        (errno.EROFS, "the disk is read-only: choose another folder"),
        (errno.EIO, None),
    ],
)
def test_write_errors_are_one_line_naming_the_path(code: int, advice: str | None) -> None:
    message = str(write_error(Path("/b/x.pdf"), OSError(code, os.strerror(code))))
    assert message.startswith(f"cannot write /b/x.pdf: {os.strerror(code)}")
    assert "\n" not in message
    assert (
        message.endswith(advice)
        if advice
        else message == f"cannot write /b/x.pdf: {os.strerror(code)}"
    )


def test_a_folder_that_cannot_be_made_is_a_write_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(WriteError, match="cannot write .*file/x.txt: "):
        write_atomic(tmp_path / "file" / "x.txt", "x")
