"""Walking paths into sources: archives, exports, hostile and odd inputs."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from backstride.errors import CorruptFile, UnsupportedFormat
from backstride.ingest import (
    FailedSource,
    SkippedSource,
    SourceFile,
    iter_sources,
    read_activities,
)
from backstride.ingest.strava import parse_activities_csv
from tests.ingest.helpers import corpus, strava_export, write_zip, zip_bytes


def _split(paths: list[Path]) -> tuple[list[SourceFile], list[SkippedSource], list[FailedSource]]:
    found = list(iter_sources(paths))
    return (
        [s for s in found if isinstance(s, SourceFile)],
        [s for s in found if isinstance(s, SkippedSource)],
        [s for s in found if isinstance(s, FailedSource)],
    )


def test_zip_members_are_named_archive_bang_member_and_macosx_junk_is_ignored() -> None:
    files, skipped, failed = _split([corpus("compressed", "GoldenCheetah__HRM-unbucle-resync.zip")])
    assert sorted(f.name.rpartition("!")[2] for f in files) == [
        "activity_2677977976.fit",
        "activity_2677977976.tcx",
    ]
    assert not skipped and not failed


def test_three_identical_fit_members_share_one_content_hash() -> None:
    files, _, _ = _split([corpus("compressed", "elevate__samples.zip")])
    assert len(files) == 3 and len({f.content_hash for f in files}) == 1


def test_gzipped_file_is_read_through_and_keeps_its_packed_bytes(tmp_path: Path) -> None:
    raw = corpus("gpx", "Runalyze__standard.gpx").read_bytes()
    (tmp_path / "run.gpx.gz").write_bytes(gzip.compress(raw))
    (source,) = _split([tmp_path])[0]
    assert source.data == raw and source.packed is not None
    assert read_activities(source)[0].distance_m


def test_folders_are_walked_recursively(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.tcx").write_bytes(corpus("tcx", "Runalyze__Dakota.tcx").read_bytes())
    (tmp_path / "a" / "y.pwx").write_text("<pwx/>")
    files, skipped, _ = _split([tmp_path])
    assert [Path(f.name).name for f in files] == ["x.tcx"]
    assert skipped == [SkippedSource(str(tmp_path / "a" / "y.pwx"), "unsupported format (.pwx)")]


def test_unsupported_corpus_formats_are_skipped_with_their_extension() -> None:
    _, skipped, failed = _split([corpus("other_formats")])
    reasons = sorted({s.reason for s in skipped})
    assert reasons == [
        "unsupported format (.fitlog)",
        "unsupported format (.hrm)",
        "unsupported format (.pwx)",
        "unsupported format (.xml)",
    ]
    assert not failed


def test_zip_bomb_member_is_refused_with_one_clear_failure(tmp_path: Path) -> None:
    bomb = write_zip(
        tmp_path / "bomb.zip",
        {
            "big.gpx": b"\0" * (20 * 1024 * 1024),
            "ok.gpx": corpus("gpx", "Runalyze__SpoQ.gpx").read_bytes(),
        },
    )
    files, _, failed = _split([bomb])
    assert [f.name for f in failed] == [f"{bomb}!big.gpx"]
    assert "zip bomb" in failed[0].error
    assert [f.name for f in files] == [f"{bomb}!ok.gpx"]


def test_path_traversal_member_names_are_refused(tmp_path: Path) -> None:
    gpx = corpus("gpx", "Runalyze__SpoQ.gpx").read_bytes()
    archive = write_zip(
        tmp_path / "evil.zip", {"../evil.gpx": gpx, "/abs.gpx": gpx, "fine.gpx": gpx}
    )
    files, _, failed = _split([archive])
    assert {f.name.rpartition("!")[2] for f in failed} == {"../evil.gpx", "/abs.gpx"}
    assert all("path traversal" in f.error for f in failed)
    assert [f.name.rpartition("!")[2] for f in files] == ["fine.gpx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.zip"]  # nothing extracted


def test_garmin_export_nested_zips_yield_the_fit_files_and_ignore_account_json(
    tmp_path: Path,
) -> None:
    fit = corpus("fit", "Runalyze__FR630-with-lth.fit").read_bytes()
    fit2 = corpus("fit", "python-fitparse__garmin-fenix-5-run.fit").read_bytes()
    part = zip_bytes({"123_ACTIVITY.fit": fit, "456_ACTIVITY.fit": fit2}, tmp_path)
    export = write_zip(
        tmp_path / "garmin-export.zip",
        {
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": part,
            "DI_CONNECT/DI-Connect-Fitness/user_summary.json": b"{}",
        },
    )
    files, skipped, failed = _split([export])
    assert [f.name.rpartition("!")[2] for f in files] == ["123_ACTIVITY.fit", "456_ACTIVITY.fit"]
    assert files[0].name.count("!") == 2
    assert not skipped and not failed
    assert read_activities(files[0])[0].sport == "running"


def test_strava_export_folder_applies_names_gear_and_sport(tmp_path: Path) -> None:
    export = strava_export(
        tmp_path / "export",
        {"111": (corpus("gpx", "gpxpy__cerknicko-jezero.gpx"), "Lake Loop", "Run", "Pegasus 40")},
    )
    files, skipped, failed = _split([export])
    assert not skipped and not failed  # activities.csv and side CSVs are not reported
    (activity,) = read_activities(files[0])
    assert (activity.name, activity.gear, activity.sport) == ("Lake Loop", "Pegasus 40", "running")


def test_strava_export_zip_applies_the_csv_too(tmp_path: Path) -> None:
    export = strava_export(
        tmp_path / "export",
        {"222": (corpus("gpx", "Runalyze__standard.gpx"), "Easy", "Walk", "Boots")},
    )
    members = {str(p.relative_to(export)): p.read_bytes() for p in export.rglob("*") if p.is_file()}
    archive = write_zip(tmp_path / "export.zip", members)
    files, skipped, _ = _split([archive])
    assert not skipped
    assert read_activities(files[0])[0].gear == "Boots"


def test_real_strava_activities_csv_gives_names_types_and_gear() -> None:
    index = parse_activities_csv(corpus("csv", "Strava-Activity-Map__activities.csv").read_bytes())
    assert len(index) > 1000
    assert index["203707851.gpx"] == {"name": "Lunch Ride", "sport": "cycling"}
    assert any("gear" in entry for entry in index.values())
    assert all(key.endswith((".gpx", ".fit", ".tcx")) for key in index)


def test_strava_csv_in_windows_1252_decodes() -> None:
    data = (
        "Activity ID,Activity Name,Activity Type,Activity Gear,Filename\n"
        "1,Café Run,Run,Brooks,activities/1.gpx\n"
    )
    index = parse_activities_csv(data.encode("cp1252"))
    assert index["1.gpx"]["name"] == "Café Run"


def test_strava_csv_html_span_headers_are_understood() -> None:
    data = (
        'Activity ID,<span class="translation_missing">Activity Name</span>,'
        "Activity Type,Filename\n"
        "1,Hill reps,Run,activities/1.fit.gz\n"
    )
    assert parse_activities_csv(data.encode())["1.fit"]["name"] == "Hill reps"


def test_zero_length_file_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "empty.gpx").write_bytes(b"")
    (source,) = _split([tmp_path])[0]
    with pytest.raises(CorruptFile, match=r"empty file \(0 bytes\)"):
        read_activities(source)


def test_content_beats_extension(tmp_path: Path) -> None:
    (tmp_path / "really-a-gpx.fit").write_bytes(corpus("gpx", "Runalyze__SpoQ-2.gpx").read_bytes())
    (tmp_path / "garbage.gpx").write_bytes(b"\x00\x01 not xml at all")
    (tmp_path / "polar.tcx").write_bytes(
        corpus("other_formats", "Runalyze__Polar.xml").read_bytes()
    )
    by_name = {Path(s.name).name: s for s in _split([tmp_path])[0]}
    assert read_activities(by_name["really-a-gpx.fit"])[0].source_format == "gpx"
    with pytest.raises(CorruptFile, match="not a FIT, GPX or TCX file"):
        read_activities(by_name["garbage.gpx"])
    with pytest.raises(UnsupportedFormat, match="neither GPX nor TCX"):
        read_activities(by_name["polar.tcx"])


def test_huge_files_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("backstride.ingest.archive.MAX_FILE_BYTES", 1000)
    (tmp_path / "big.gpx").write_bytes(b" " * 5000)
    (failed,) = _split([tmp_path])[2]
    assert "too large" in failed.error


def test_corrupt_zip_is_one_failure(tmp_path: Path) -> None:
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (failed,) = _split([tmp_path])[2]
    assert "zip" in failed.error
