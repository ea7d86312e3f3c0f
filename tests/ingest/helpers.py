"""Builders for archives and exports that tests write into tmp_path (never into the repo)."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

from tests.conftest import shared_path


def corpus(*parts: str) -> Path:
    return shared_path("corpus", "activities", *parts)


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def zip_bytes(members: dict[str, bytes], tmp: Path) -> bytes:
    return write_zip(tmp / "inner.zip", members).read_bytes()


STRAVA_HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
    "Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,"
    "Activity Gear,Filename,Elapsed Time,Distance\n"
)


def strava_export(root: Path, runs: dict[str, tuple[Path, str, str, str]]) -> Path:
    """A Strava bulk-export folder: activities.csv + activities/<id>.gpx.gz.

    `runs` maps an activity id to (corpus file, name, type, gear).
    """
    (root / "activities").mkdir(parents=True)
    lines = [STRAVA_HEADER]
    for activity_id, (source, name, kind, gear) in runs.items():
        suffix = source.suffix
        target = root / "activities" / f"{activity_id}{suffix}.gz"
        target.write_bytes(gzip.compress(source.read_bytes()))
        lines.append(
            f'{activity_id},"Oct 5, 2014, 4:15:21 PM",{name},{kind},,2833,13.61,,,false,,'
            f"{gear},activities/{activity_id}{suffix}.gz,2833.0,13609.2\n"
        )
    (root / "activities.csv").write_text("".join(lines), encoding="utf-8")
    (root / "profile.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # export side file
    return root
