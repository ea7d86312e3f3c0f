"""A store that is damaged or read-only gives one clear line, never a traceback; a read-only
one can still be listed, inspected and exported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from backstride import store
from backstride.present.cli import cli
from backstride.services.importing import import_paths
from tests.services.test_importing import _gpx_run


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder we cannot write: by permissions for a user, by a read-only bind mount for
    root (whom permissions do not stop); skipped where neither is possible."""
    source, folder = tmp_path / "store", tmp_path / "ro"
    source.mkdir()
    folder.mkdir()
    if os.geteuid() != 0:
        yield source
        os.chmod(source, 0o755)
        return
    bind = ["mount", "--bind", str(source), str(folder)]
    remount = ["mount", "-o", "remount,bind,ro", str(folder)]
    if shutil.which("mount") is None or subprocess.run(bind, capture_output=True).returncode:
        pytest.skip(
            "running as root where mount --bind is not allowed (e.g. an unprivileged "
            "container): root ignores file permissions, so no read-only folder can be made"
        )
    try:
        if subprocess.run(remount, capture_output=True).returncode:
            pytest.skip("root, and the bind mount cannot be made read-only")
        yield folder
    finally:
        # Lazily: engines the CLI opened may still hold files there until collected.
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _lock(folder: Path) -> None:
    if os.geteuid() != 0:
        for path in folder.iterdir():
            os.chmod(path, 0o444)
        os.chmod(folder, 0o555)


@pytest.mark.slow
@pytest.mark.parametrize("left_open", [False, True], ids=["closed-cleanly", "wal-left-open"])
def test_a_read_only_store_can_be_listed_inspected_and_exported_and_refuses_writes(
    runner: CliRunner, read_only: Path, tmp_path: Path, left_open: bool
) -> None:
    engine = store.connect(f"sqlite:///{tmp_path / 'store' / 's.db'}")
    (tmp_path / "run.gpx").write_bytes(_gpx_run(10))
    assert import_paths(engine, [tmp_path / "run.gpx"], data_dir=tmp_path / "data").imported == 1
    if left_open:  # another process still has it open: its -wal and -shm files stay
        engine.connect().close()
    else:
        engine.dispose()
    _lock(read_only)
    files = sorted(p.name for p in read_only.iterdir())
    assert files == (["s.db", "s.db-shm", "s.db-wal"] if left_open else ["s.db"])
    env = {"BACKSTRIDE_DB": str(read_only / "s.db"), "BACKSTRIDE_DATA_DIR": str(tmp_path / "data")}
    listed = runner.invoke(cli, ["activities", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.output)) == 1
    info = runner.invoke(cli, ["db", "info"], env=env)
    assert info.exit_code == 0, info.output
    assert f"read-only: {read_only / 's.db'} cannot be written" in info.output
    exported = runner.invoke(cli, ["export", str(tmp_path / "backup")], env=env)
    assert exported.exit_code == 0, exported.output
    added = runner.invoke(cli, ["diary", "add", "--during", "3"], env=env)
    assert added.exit_code == 1 and isinstance(added.exception, SystemExit)
    assert added.output.strip() == (
        f"Error: the store {read_only / 's.db'} refused the change: attempt to write a "
        "readonly database — the store or its folder is read-only: make it writable, or "
        "choose another with --db"
    )
    assert sorted(p.name for p in read_only.iterdir()) == files  # no new -wal, -shm, .bak
    engine.dispose()


@pytest.mark.parametrize("command", [["db", "info"], ["activities"], ["db", "upgrade"]])
def test_a_damaged_store_is_one_line_with_what_to_do(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    store = tmp_path / "s.db"
    store.write_bytes(b"this is not a database, just some text " * 200)
    env = {"BACKSTRIDE_DB": str(store), "BACKSTRIDE_DATA_DIR": str(tmp_path / "data")}
    result = runner.invoke(cli, command, env=env)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.output.splitlines()[-1] == (
        f"Error: cannot open the database {store}: file is not a database — the file is "
        "damaged or not a backstride store: restore a backup into a new store (`backstride "
        "--db NEW.db import-backup FOLDER`) or choose another with --db"
    )
