"""Issue 18: a store holds its own files, delete means delete, every sport counts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from backstride import store
from backstride.config import load_settings
from backstride.ingest.sports import classify, normalise
from backstride.present.cli import cli
from backstride.services.importing import import_paths
from backstride.store import activities
from tests.conftest import postgres_schema


def _gpx(day: int, *, kind: str | None, step_deg: float = 2.5e-5, points: int = 120) -> bytes:
    """A track of `points` 1 s apart going north (2.5e-5° ≈ 2.8 m/s, a run)."""
    rows = "".join(
        f'<trkpt lat="{46 + i * step_deg:.6f}" lon="7.0">'
        f"<time>2024-05-{day:02d}T06:{i // 60:02d}:{i % 60:02d}Z</time></trkpt>"
        for i in range(points)
    )
    label = f"<type>{kind}</type>" if kind is not None else ""
    return (
        '<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1"><trk>'
        f"{label}<trkseg>{rows}</trkseg></trk></gpx>"
    ).encode()


def _tree(folder: Path) -> dict[str, int]:
    return {
        str(Path(base, n).relative_to(folder)): Path(base, n).stat().st_size
        for base, _d, names in os.walk(folder)
        for n in names
    }


def _cli(runner: CliRunner, env: dict[str, str], *args: str) -> str:
    result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def separate(tmp_path: Path) -> tuple[dict[str, str], Path, Path]:
    """A store chosen with BACKSTRIDE_DB, and a user data folder that must stay empty."""
    data_dir = tmp_path / "userdata"
    db = tmp_path / "elsewhere" / "runner.db"
    return {"BACKSTRIDE_DB": str(db), "BACKSTRIDE_DATA_DIR": str(data_dir)}, db, data_dir


def test_settings_put_the_files_beside_the_store(tmp_path: Path) -> None:
    s = load_settings({"database_url": str(tmp_path / "runner.db")}, environ={}, read_file=False)
    assert s.store_files_dir == tmp_path / "runner.files"
    s = load_settings(
        {"database_url": "postgresql://u:secret@db.example/runs", "data_dir": str(tmp_path)},
        environ={},
        read_file=False,
    )
    assert s.store_files_dir.parent == tmp_path / "stores"
    assert "secret" not in str(s.store_files_dir)


@pytest.mark.slow
def test_import_keeps_originals_beside_the_store_not_in_the_user_folder(
    runner: CliRunner, separate: tuple[dict[str, str], Path, Path], tmp_path: Path
) -> None:
    env, db, data_dir = separate
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for day in range(1, 6):
        (inbox / f"{day}.gpx").write_bytes(_gpx(day, kind="running"))
    _cli(runner, env, "import", str(inbox))
    files = db.with_name("runner.files")
    assert len(_tree(files / "originals")) == 5
    assert not data_dir.exists() or not _tree(data_dir)
    info = _cli(runner, env, "db", "info")
    assert f"files folder: {files}" in info and "originals:" in info and "5 files" in info
    # Copying the two moves the store: the originals are named relative to its folder.
    moved = tmp_path / "moved"
    moved.mkdir()
    import shutil

    shutil.copy(db, moved / "runner.db")
    if Path(f"{db}-wal").exists():  # this test's process still holds the store open
        shutil.copy(f"{db}-wal", moved / "runner.db-wal")
    shutil.copytree(files, moved / "runner.files")
    moved_env = {**env, "BACKSTRIDE_DB": str(moved / "runner.db")}
    backup = tmp_path / "backup"
    out = _cli(runner, moved_env, "export", str(backup))
    assert "5 original files" in out and len(_tree(backup / "originals")) == 5


def test_delete_all_removes_rows_originals_uploads_and_form_media(
    runner: CliRunner, separate: tuple[dict[str, str], Path, Path], tmp_path: Path
) -> None:
    env, db, _data_dir = separate
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for day in range(1, 4):
        (inbox / f"{day}.gpx").write_bytes(_gpx(day, kind="9"))
    _cli(runner, env, "import", str(inbox))
    files = db.with_name("runner.files")
    (files / "form" / "job1").mkdir(parents=True)
    (files / "form" / "job1" / "annotated.mp4").write_bytes(b"\0" * 5000)
    (files / "uploads" / "job2").mkdir(parents=True)
    (files / "uploads" / "job2" / "a.gpx").write_bytes(b"x" * 100)
    before = _tree(files)
    assert len(before) == 5
    out = _cli(runner, env, "delete-all", "--yes")
    assert _tree(files) == {}
    assert f"and 5 files ({sum(before.values()) / 1024:.1f} kB" in out, out
    listed = json.loads(_cli(runner, env, "activities", "--json"))
    assert listed == []


@pytest.mark.slow
def test_backup_round_trip_restores_the_originals(
    runner: CliRunner, separate: tuple[dict[str, str], Path, Path], tmp_path: Path
) -> None:
    env, db, _ = separate
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.gpx").write_bytes(_gpx(3, kind="running"))
    _cli(runner, env, "import", str(inbox))
    originals = _tree(db.with_name("runner.files") / "originals")
    _cli(runner, env, "export", str(tmp_path / "backup"))
    fresh = {**env, "BACKSTRIDE_DB": str(tmp_path / "new" / "fresh.db")}
    out = _cli(runner, fresh, "import-backup", str(tmp_path / "backup"))
    assert "1 original files" in out
    assert _tree(tmp_path / "new" / "fresh.files" / "originals") == originals


@pytest.mark.parametrize(
    ("raw", "sport"),
    [
        ("run", "running"),
        ("Run", "running"),
        ("running", "running"),
        ("trail_running", "trail_running"),
        ("Trail Run", "trail_running"),
        ("9", "running"),
        ("1", "cycling"),
        ("Biking", "cycling"),
        (None, "generic"),
        ("Other", "generic"),
    ],
)
def test_free_text_sports_map_to_the_fit_vocabulary(raw: str | None, sport: str) -> None:
    assert normalise(raw) == sport


@pytest.mark.parametrize(
    ("speed", "cadence", "sport"),
    [
        (1.3, None, "walking"),
        (1.8, 165.0, "running"),
        (2.9, None, "running"),
        (2.9, 170.0, "running"),
        (4.0, 85.0, "cycling"),
        (8.0, None, "cycling"),
        (0.1, None, None),
        (45.0, None, None),
    ],
)
def test_speed_and_cadence_classify(speed: float, cadence: float | None, sport: str | None) -> None:
    assert classify(speed * 1000, 1000.0, cadence) == sport


def test_a_gpx_without_sport_is_inferred_marked_and_correctable(
    runner: CliRunner, separate: tuple[dict[str, str], Path, Path], tmp_path: Path
) -> None:
    env, _db, _ = separate
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "plain.gpx").write_bytes(_gpx(7, kind=None))
    (inbox / "ride.gpx").write_bytes(_gpx(8, kind=None, step_deg=8e-5))  # ~8.9 m/s
    _cli(runner, env, "import", str(inbox))
    run, ride = json.loads(_cli(runner, env, "activities", "--json"))
    assert (run["sport"], run["sport_inferred"]) == ("running", True)
    assert (ride["sport"], ride["sport_inferred"]) == ("cycling", True)
    table = _cli(runner, env, "activities")
    assert "running?" in table and "set-sport" in table
    out = _cli(runner, env, "activities", "set-sport", str(ride["id"]), "run")
    assert "is now running" in out
    _cli(runner, env, "activities", "delete", str(ride["id"]), "--yes")
    _cli(runner, env, "import", str(inbox))  # the same file again: the runner's word stays
    sports = {
        a["source_file"]: (a["sport"], a["sport_inferred"])
        for a in json.loads(_cli(runner, env, "activities", "--json"))
    }
    assert sports[str(inbox / "ride.gpx")] == ("running", False)
    bad = runner.invoke(cli, ["activities", "set-sport", str(run["id"]), "flying"], env=env)
    assert bad.exit_code != 0 and "unknown sport 'flying'" in bad.output


@pytest.mark.slow
def test_process_pool_import_matches_one_process(engine: Engine, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for day in range(1, 21):
        (inbox / f"{day:02d}.gpx").write_bytes(_gpx(day, kind=None if day % 2 else "running"))
    (inbox / "broken.gpx").write_bytes(b"<gpx><trk><trkseg><trkpt lat='1'")
    pooled = import_paths(engine, [inbox], data_dir=tmp_path / "a", workers=2).to_dict()
    other = store.connect(f"sqlite:///{tmp_path / 'one.db'}")
    single = import_paths(other, [inbox], data_dir=tmp_path / "b", workers=1).to_dict()
    assert pooled == single and pooled["imported"] == 20 and len(pooled["failed"]) == 1
    with engine.connect() as a, other.connect() as b:
        assert [x.activity for x in activities.between(a)] != []
        left = [(x.activity.sport, x.activity.distance_m) for x in activities.between(a)]
        right = [(x.activity.sport, x.activity.distance_m) for x in activities.between(b)]
    assert left == right
    other.dispose()


@pytest.mark.postgres
def test_postgres_keeps_originals_in_the_database(tmp_path: Path) -> None:
    """postgres_schema() skips, naming the variable, where PostgreSQL is not configured."""
    from backstride.services.backup import delete_everything, export_all, import_all
    from backstride.store.files import StoreFiles, database_originals

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.gpx").write_bytes(_gpx(9, kind="running"))
    with postgres_schema() as url:
        engine = store.engine.create(url)
        folder = tmp_path / "pgfiles"
        assert import_paths(engine, [inbox], data_dir=folder).imported == 1
        assert not _tree(folder)  # nothing on this machine: every worker reads the database
        with engine.connect() as conn:
            assert database_originals(conn).files == 1
            export_all(
                conn,
                directory=tmp_path / "backup",
                fmt="json",
                files=StoreFiles.for_engine(engine, folder),
            )
        done = delete_everything(engine, files_dir=folder)
        assert done.files == 1 and done.bytes == len(_gpx(9, kind="running"))
        with engine.begin() as conn:
            restored = import_all(
                conn, directory=tmp_path / "backup", files=StoreFiles.for_engine(engine, folder)
            )
            assert restored.originals == 1 and database_originals(conn).files == 1
        engine.dispose()


def test_web_sport_form_sets_the_sport(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from backstride.present.web.app import create_app
    from tests.present.web.conftest import post

    db = tmp_path / "web.db"
    engine = store.connect(f"sqlite:///{db}")
    (tmp_path / "a.gpx").write_bytes(_gpx(11, kind=None))
    import_paths(engine, [tmp_path / "a.gpx"], data_dir=tmp_path / "web.files")
    with engine.connect() as conn:
        [stored] = activities.between(conn)
    settings = load_settings(
        {"database_url": str(db), "data_dir": str(tmp_path / "d")}, environ={}, read_file=False
    )
    app = create_app(settings, config_path=tmp_path / "config.toml")
    base = "http://127.0.0.1:8765"
    with TestClient(app, base_url=base, headers={"origin": base}) as client:
        page = client.get("/training").text
        assert "(guessed)" in page and f"/training/activities/{stored.id}/sport" in page
        reply = post(
            client,
            f"/training/activities/{stored.id}/sport",
            {"sport": "walking"},
            follow_redirects=False,
        )
        assert reply.status_code == 303
    app.state.web.engine.dispose()
    with engine.connect() as conn:
        changed = activities.get(conn, activity_id=stored.id).activity
    assert (changed.sport, changed.sport_inferred) == ("walking", False)
    engine.dispose()


def _strava_export(folder: Path, days: int) -> None:
    """A Strava-style export: activities.csv naming each gzipped GPX, its name and gear."""
    import gzip

    (folder / "activities").mkdir(parents=True)
    rows = ["Activity ID,Activity Name,Activity Type,Activity Gear,Filename\n"]
    for day in range(1, days + 1):
        name = f"activities/{day}.gpx.gz"
        (folder / name).write_bytes(gzip.compress(_gpx(day, kind="running")))
        rows.append(f"{day},Run {day},Run,Shoe {day % 3},{name}\n")
    (folder / "activities.csv").write_text("".join(rows), encoding="utf-8")


def _stored(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [
            (x.activity.name, x.activity.gear, x.activity.distance_m)
            for x in activities.between(conn)
        ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("in_database", "start"), [(False, "fork"), (True, "spawn")], ids=["folder", "database"]
)
def test_pool_keeps_export_metadata_and_originals_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_database: bool, start: str
) -> None:
    """Workers write the originals (a folder store) or send their bytes (a store that
    keeps them in its database, as PostgreSQL does: forced here on SQLite); units go to
    the workers without their export index, which is sent once per worker. Both start
    methods: fork where no thread runs, spawn under the CLI's progress bar or the web app."""
    from multiprocessing import get_context

    from sqlalchemy import select

    from backstride.services import importing
    from backstride.store.files import StoreFiles
    from backstride.store.schema import original_files, source_files

    if in_database:
        monkeypatch.setattr(
            StoreFiles, "for_engine", classmethod(lambda cls, e, root, legacy=(): cls(root, True))
        )
    monkeypatch.setattr(importing, "_pool_context", lambda: get_context(start))
    export = tmp_path / "export"
    _strava_export(export, 20)
    results = []
    for workers in (2, 1):
        engine = store.connect(f"sqlite:///{tmp_path / f'w{workers}.db'}")
        folder = tmp_path / f"files{workers}"
        report = import_paths(engine, [export], data_dir=folder, workers=workers).to_dict()
        with engine.connect() as conn:
            ledger = sorted(
                (r.content_hash, r.stored_path, r.size_bytes, r.format, r.status)
                for r in conn.execute(select(source_files))
            )
            kept = {r.content_hash: bytes(r.data) for r in conn.execute(select(original_files))}
        stored = _stored(engine)
        engine.dispose()
        on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.gz"))
        results.append((report, ledger, stored, on_disk, kept))
        assert report["imported"] == 20 and report["failed"] == []
        assert {(name, gear) for name, gear, _ in stored} == {
            (f"Run {d}", f"Shoe {d % 3}") for d in range(1, 21)
        }
        if in_database:
            assert on_disk == [] and len(kept) == 20
            assert all(data[:2] == b"\x1f\x8b" for data in kept.values())  # as it came
        else:
            assert kept == {} and on_disk == sorted(path for _, path, *_ in ledger)
    pooled, single = results
    assert pooled[:2] == single[:2] and pooled[3:] == single[3:]
    assert sorted(pooled[2], key=str) == sorted(single[2], key=str)


def test_web_export_zip_carries_the_originals_and_imports_back(
    runner: CliRunner, separate: tuple[dict[str, str], Path, Path], tmp_path: Path
) -> None:
    """Issue 18: "Export everything" in the browser is a whole backup, originals included,
    and `import-backup` takes the zip as it was downloaded."""
    import io
    import zipfile

    from fastapi.testclient import TestClient

    from backstride.present.web.app import create_app
    from tests.present.web.conftest import post

    env, db, _ = separate
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.gpx").write_bytes(_gpx(3, kind="running"))
    (inbox / "b.gpx").write_bytes(_gpx(4, kind=None))
    _cli(runner, env, "import", str(inbox))
    originals = _tree(db.with_name("runner.files") / "originals")
    assert len(originals) == 2
    settings = load_settings(
        {"database_url": str(db), "data_dir": env["BACKSTRIDE_DATA_DIR"]},
        environ={},
        read_file=False,
    )
    app = create_app(settings, config_path=tmp_path / "config.toml")
    base = "http://127.0.0.1:8765"
    with TestClient(app, base_url=base, headers={"origin": base}) as client:
        reply = post(client, "/export", {"format": "csv"})
    app.state.web.engine.dispose()
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(reply.content)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("backstride-export/manifest.json"))
    assert manifest["originals"] == 2
    assert sorted(n.removeprefix("backstride-export/originals/") for n in names if "/originals/" in n) == sorted(originals)  # fmt: skip
    # the zip was built on disk and is gone once sent
    assert not list((db.with_name("runner.files") / "tmp").glob("*.zip"))

    download = tmp_path / "backstride-export-csv.zip"
    download.write_bytes(reply.content)
    fresh = {**env, "BACKSTRIDE_DB": str(tmp_path / "new" / "fresh.db")}
    out = _cli(runner, fresh, "import-backup", str(download))
    assert "2 original files" in out
    assert _tree(tmp_path / "new" / "fresh.files" / "originals") == originals
    assert len(json.loads(_cli(runner, fresh, "activities", "--json"))) == 2


@pytest.mark.parametrize(
    "member", ["../escaped.json", "/abs/manifest.json", "backstride-export/../../x", "C:/x"]
)
def test_a_hostile_backup_zip_is_refused_and_writes_nothing_outside(
    runner: CliRunner, separate: tuple[dict[str, str], Path, Path], tmp_path: Path, member: str
) -> None:
    import zipfile

    env, db, _ = separate
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("backstride-export/manifest.json", '{"format": "json", "tables": {}}')
        archive.writestr(member, "{}")
    before = _tree(tmp_path)
    result = runner.invoke(cli, ["import-backup", str(hostile)], env=env)
    assert result.exit_code != 0
    assert "would leave the backup folder" in result.output and "Traceback" not in result.output
    after = {k: v for k, v in _tree(tmp_path).items() if not k.startswith("elsewhere")}
    assert after == before


def test_a_backup_that_is_not_a_zip_says_so(
    runner: CliRunner, separate: tuple[dict[str, str], Path, Path], tmp_path: Path
) -> None:
    env, _, _ = separate
    fake = tmp_path / "backup.zip"
    fake.write_bytes(b"not a zip at all")
    result = runner.invoke(cli, ["import-backup", str(fake)], env=env)
    assert result.exit_code != 0 and "not a readable backup zip" in result.output
