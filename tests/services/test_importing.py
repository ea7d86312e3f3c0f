"""import_paths on real files: duplicates, richer sources, re-import, crash safety."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from backstride.services.importing import import_paths
from backstride.store import activities
from backstride.store.schema import activities as activities_table
from backstride.store.schema import seen_paths, source_files
from tests.ingest.helpers import corpus, strava_export, write_zip

KEYS = {"imported", "duplicates", "skipped", "failed", "dropped", "activities_total"}


def _run(engine: Engine, paths: list[Path], tmp_path: Path) -> dict:  # type: ignore[type-arg]
    return import_paths(engine, paths, data_dir=tmp_path / "data").to_dict()


def test_three_identical_fit_files_give_one_activity_and_two_duplicates(
    engine: Engine, tmp_path: Path
) -> None:
    archive = corpus("compressed", "elevate__samples.zip")
    report = _run(engine, [archive], tmp_path)
    assert set(report) == KEYS
    assert report["imported"] == 1 and report["activities_total"] == 1
    assert report["duplicates"] == [
        {"file": f"{archive}!22222.fit", "duplicate_of": f"{archive}!11111.fit"},
        {"file": f"{archive}!subfolder/33333.fit", "duplicate_of": f"{archive}!11111.fit"},
    ]


@pytest.mark.parametrize("order", ["fit-first", "tcx-first"])
def test_fit_and_tcx_of_one_swim_count_once_keeping_the_fit(
    engine: Engine, tmp_path: Path, order: str
) -> None:
    source = corpus("compressed", "GoldenCheetah__HRM-unbucle-resync.zip")
    import zipfile

    with zipfile.ZipFile(source) as original:
        members = {n: original.read(n) for n in original.namelist() if n.endswith((".fit", ".tcx"))}
    names = sorted(members, reverse=order == "tcx-first")
    archive = write_zip(tmp_path / "swim.zip", {n: members[n] for n in names})
    report = _run(engine, [archive], tmp_path)
    assert report["activities_total"] == 1
    assert report["duplicates"] == [
        {
            "file": f"{archive}!activity_2677977976.tcx",
            "duplicate_of": f"{archive}!activity_2677977976.fit",
        }
    ]
    with engine.connect() as conn:
        (kept,) = activities.between(conn)
    assert kept.activity.source_format == "fit"


def test_reimport_adds_nothing_and_skips_parsing(engine: Engine, tmp_path: Path) -> None:
    paths = [corpus("compressed"), corpus("tcx", "Runalyze__Multisport.tcx")]
    first = _run(engine, paths, tmp_path)
    started = time.perf_counter()
    second = _run(engine, paths, tmp_path)
    assert time.perf_counter() - started < 1.0
    assert second["imported"] == 0
    assert second["activities_total"] == first["activities_total"] == first["imported"]
    assert not second["failed"]


def test_the_same_file_under_another_name_is_a_duplicate_of_the_first(
    engine: Engine, tmp_path: Path
) -> None:
    data = corpus("tcx", "Runalyze__Dakota.tcx").read_bytes()
    (tmp_path / "a.tcx").write_bytes(data)
    (tmp_path / "b.tcx").write_bytes(data)
    report = _run(engine, [tmp_path / "a.tcx", tmp_path / "b.tcx"], tmp_path)
    assert report["imported"] == 1
    assert report["duplicates"] == [
        {"file": str(tmp_path / "b.tcx"), "duplicate_of": str(tmp_path / "a.tcx")}
    ]


def test_a_richer_source_later_replaces_the_gpx_keeping_id_name_and_gear(
    engine: Engine, tmp_path: Path
) -> None:
    export = strava_export(
        tmp_path / "export",
        {"7": (corpus("gpx", "sports-lib__2067489619.gpx"), "Morning Run", "Run", "Pegasus")},
    )
    _run(engine, [export], tmp_path)
    with engine.connect() as conn:
        (before,) = activities.between(conn)
    report = _run(engine, [corpus("fit", "sports-lib__2067489619.fit")], tmp_path)
    with engine.connect() as conn:
        (after,) = activities.between(conn)
    assert report["imported"] == 0 and report["activities_total"] == 1
    assert report["duplicates"][0]["duplicate_of"].endswith("sports-lib__2067489619.fit")
    assert after.id == before.id
    assert (after.activity.source_format, after.activity.name, after.activity.gear) == (
        "fit",
        "Morning Run",
        "Pegasus",
    )


def test_bad_files_are_reported_one_each_and_the_import_goes_on(
    engine: Engine, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "empty.fit").write_bytes(b"")
    (inbox / "cut.gpx").write_bytes(corpus("gpx", "elevate__ride.gpx").read_bytes()[:50_000])
    (inbox / "laughs.gpx").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><gpx>&a;</gpx>'
    )
    (inbox / "notes.pwx").write_text("<pwx/>")
    (inbox / "good.tcx").write_bytes(corpus("tcx", "Runalyze__Dakota.tcx").read_bytes())
    report = _run(engine, [inbox], tmp_path)
    failed = {Path(f["file"]).name: f["error"] for f in report["failed"]}
    assert failed.keys() == {"empty.fit", "cut.gpx", "laughs.gpx"}
    assert "entity" in failed["laughs.gpx"] and "truncated" in failed["cut.gpx"]
    assert report["skipped"] == [
        {"file": str(inbox / "notes.pwx"), "reason": "unsupported format (.pwx)"}
    ]
    assert report["imported"] == 1


def test_non_activity_fit_files_are_skipped_with_the_reason(engine: Engine, tmp_path: Path) -> None:
    report = _run(engine, [corpus("fit_nonactivity")], tmp_path)
    assert len(report["skipped"]) == 5 and report["activities_total"] == 0
    assert all("not an activity" in s["reason"] for s in report["skipped"])


def test_originals_are_kept_content_addressed_and_nothing_else_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    before = set(tmp_path.iterdir())
    _run(engine, [corpus("tcx", "Runalyze__Dakota.tcx")], tmp_path)
    originals = list((tmp_path / "data" / "originals").rglob("*.tcx"))
    assert len(originals) == 1 and len(originals[0].stem) == 64
    assert originals[0].read_bytes() == corpus("tcx", "Runalyze__Dakota.tcx").read_bytes()
    assert set(tmp_path.iterdir()) - before == {tmp_path / "data"}


@pytest.mark.slow
def test_a_crash_midway_leaves_the_store_consistent_and_a_rerun_completes(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [corpus("tcx")]
    real_add = activities.add
    calls = {"n": 0}

    def crashing_add(conn, *, activity):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt("killed mid-file")
        return real_add(conn, activity=activity)

    monkeypatch.setattr(activities, "add", crashing_add)
    with pytest.raises(KeyboardInterrupt):
        _run(engine, paths, tmp_path)
    with engine.connect() as conn:
        partial = activities.count(conn)
        stored = set(conn.execute(select(activities_table.c.content_hash)).scalars())
        ledgered = set(
            conn.execute(
                select(source_files.c.content_hash).where(source_files.c.status == "imported")
            ).scalars()
        )
    # The file being written when it died left nothing behind: every stored session
    # belongs to a file whose ledger row committed with it, and vice versa.
    assert 0 < partial < 6 and stored == ledgered
    monkeypatch.setattr(activities, "add", real_add)
    report = _run(engine, paths, tmp_path)
    clean_engine_dir = tmp_path / "clean"
    clean_engine_dir.mkdir()
    from backstride import store

    clean = store.connect(f"sqlite:///{clean_engine_dir / 'db.sqlite'}")
    expected = import_paths(clean, paths, data_dir=clean_engine_dir / "data").activities_total
    clean.dispose()
    assert report["activities_total"] == expected
    with engine.connect() as conn:
        pairs = conn.execute(
            select(activities_table.c.content_hash, activities_table.c.session_index, func.count())
            .group_by(activities_table.c.content_hash, activities_table.c.session_index)
            .having(func.count() > 1)
        ).all()
    assert pairs == []


@pytest.mark.postgres
def test_import_on_postgres(postgres_engine: Engine, tmp_path: Path) -> None:
    report = _run(
        postgres_engine, [corpus("compressed", "elevate__samples.zip"), corpus("tcx")], tmp_path
    )
    again = _run(postgres_engine, [corpus("tcx")], tmp_path)
    assert report["activities_total"] == again["activities_total"] and again["imported"] == 0


def _gpx_run(minute: int) -> bytes:
    points = "".join(
        f'<trkpt lat="{46 + i * 1e-4:.4f}" lon="7.0"><time>2024-05-01T06:{minute:02d}:{i:02d}Z</time></trkpt>'
        for i in range(30)
    )
    return (
        '<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><type>9</type>'
        f"<trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def test_each_plain_file_commits_once_with_its_path(engine: Engine, tmp_path: Path) -> None:
    from sqlalchemy import event

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for minute in range(4):
        (inbox / f"{minute}.gpx").write_bytes(_gpx_run(10 * minute))
    (inbox / "route.gpx").write_bytes(
        b'<?xml version="1.0"?><gpx><rte><rtept lat="1" lon="2"/></rte></gpx>'
    )
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    report = _run(engine, [inbox], tmp_path)
    assert report["imported"] == 4 and len(report["skipped"]) == 1
    assert len(commits) == 5  # the activity, its ledger row and its path: one transaction
    commits.clear()
    again = _run(engine, [inbox], tmp_path)
    assert again["imported"] == 0 and len(again["skipped"]) == 1 and not commits


def _rows(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_paths_not_remembered_are_read_again_and_found_by_content(
    any_engine: Engine, tmp_path: Path
) -> None:
    """A team worker's private copies of uploads: no seen-path row each, and a second
    import of the same files finds them by content, adding nothing."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for minute in range(3):
        (inbox / f"{minute}.gpx").write_bytes(_gpx_run(10 * minute))
    data = tmp_path / "data"
    first = import_paths(any_engine, [inbox], data_dir=data, remember_paths=False).to_dict()
    assert first["imported"] == 3
    assert _rows(any_engine, seen_paths) == 0 and _rows(any_engine, source_files) == 3
    again = import_paths(any_engine, [inbox], data_dir=data, remember_paths=False).to_dict()
    assert again["imported"] == 0 and len(again["duplicates"]) == 3
    assert again["activities_total"] == 3 and _rows(any_engine, seen_paths) == 0
    # remembered as usual otherwise
    import_paths(any_engine, [inbox], data_dir=data)
    assert _rows(any_engine, seen_paths) == 3


def test_content_another_import_recorded_meanwhile_is_not_lost(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backstride.services import importing

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "run.gpx").write_bytes(_gpx_run(0))
    (inbox / "route.gpx").write_bytes(
        b'<?xml version="1.0"?><gpx><rte><rtept lat="1" lon="2"/></rte></gpx>'
    )
    _run(engine, [inbox], tmp_path)
    # A second import that loaded the ledger before the first one wrote it.
    monkeypatch.setattr(importing._Known, "load", classmethod(lambda cls, conn, **_: cls({}, {})))
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("run.gpx", "route.gpx"):
        (copy / name).write_bytes((inbox / name).read_bytes())
    report = _run(engine, [copy], tmp_path)
    assert report["imported"] == 0 and not report["failed"]
    assert [s["file"] for s in report["skipped"]] == [str(copy / "route.gpx")]
    assert [d["file"] for d in report["duplicates"]] == [str(copy / "run.gpx")]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(source_files)).scalar() == 2
        assert activities.count(conn) == 1


def test_a_path_another_import_recorded_meanwhile_is_reported_not_a_crash(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backstride.services import importing

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "run.gpx").write_bytes(_gpx_run(0))
    (inbox / "later.gpx").write_bytes(_gpx_run(30))
    first = _run(engine, [inbox], tmp_path)
    # Two imports of the same folder at once: this one loaded the ledger (paths too)
    # before the other one wrote anything.
    monkeypatch.setattr(importing._Known, "load", classmethod(lambda cls, conn, **_: cls({}, {})))
    report = _run(engine, [inbox], tmp_path)
    assert first["imported"] == 2
    assert report["imported"] == 0 and not report["failed"]
    assert sorted(d["file"] for d in report["duplicates"]) == sorted(
        str(inbox / n) for n in ("later.gpx", "run.gpx")
    )
    with engine.connect() as conn:
        assert activities.count(conn) == 2
        assert conn.execute(select(func.count()).select_from(seen_paths)).scalar() == 2


def test_a_run_with_no_stored_start_nearby_is_not_looked_up(engine: Engine, tmp_path: Path) -> None:
    from sqlalchemy import event

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for minute in range(0, 40, 10):  # ten minutes apart: no two within the tolerance
        (inbox / f"{minute}.gpx").write_bytes(_gpx_run(minute))
    (inbox / "again.gpx").write_bytes(_gpx_run(0) + b"\n")  # other bytes, same run
    lookups: list[str] = []

    def watch(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "BETWEEN" in statement.upper():
            lookups.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    report = _run(engine, [inbox], tmp_path)
    assert report["imported"] == 4
    assert report["duplicates"] == [
        {"file": str(inbox / "again.gpx"), "duplicate_of": str(inbox / "0.gpx")}
    ]
    assert len(lookups) == 1  # only the run whose start was already stored


def test_may_have_duplicate_is_exact_at_the_tolerance() -> None:
    from datetime import UTC, datetime

    from backstride.models import Activity

    def at(seconds: float) -> Activity:
        start = datetime.fromtimestamp(1_700_000_000 + seconds, tz=UTC)
        return Activity(
            sport="running", started_at=start, source_file="f", content_hash="h",
            source_format="gpx", elapsed_s=60.0,
        )  # fmt: skip

    starts = [1_700_000_000.0]
    tolerance = activities.START_TOLERANCE_S
    assert activities.may_have_duplicate(starts, at(tolerance))
    assert activities.may_have_duplicate(starts, at(-tolerance))
    assert not activities.may_have_duplicate(starts, at(tolerance + 1))
    assert not activities.may_have_duplicate(starts, at(-tolerance - 1))
    assert not activities.may_have_duplicate([], at(0))
