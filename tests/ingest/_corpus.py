"""The shared real-file corpus: file names for parametrising, MANIFEST notes, cached reads."""

from __future__ import annotations

import csv
import re
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import fitdecode

from tests.conftest import SHARED, shared_path

CORPUS = SHARED / "corpus" / "activities"
ABSENT = "<shared corpus absent>"


def names(folder: str) -> list[str]:
    """File names in a corpus folder, or one placeholder whose test will skip with the reason."""
    path = CORPUS / folder
    found = sorted(p.name for p in path.iterdir()) if path.is_dir() else []
    return found or [ABSENT]


def paths(folder: str, suffix: str) -> list[Path]:
    """Corpus files of a folder with that suffix, or one placeholder path whose test
    skips with the reason once it asks `shared_path` for the file (pytest's own skip of
    an empty parameter list names no reason)."""
    found = sorted((CORPUS / folder).glob(f"*{suffix}"))
    return found or [CORPUS / folder / ABSENT]


def read_bytes(folder: str, name: str) -> bytes:
    return shared_path("corpus", "activities", folder, name).read_bytes()


@cache
def manifest_notes() -> dict[str, dict[str, str]]:
    """MANIFEST.tsv `notes` as key=value pairs per file ("fit/x.fit" → {"sport": …})."""
    path = CORPUS / "MANIFEST.tsv"
    if not path.exists():
        return {}
    out: dict[str, dict[str, str]] = {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out[row["file"]] = dict(re.findall(r"(\w+)=([^;]*)", row["notes"]))
    return out


@cache
def fitdecode_messages(folder: str, name: str, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """Messages of the given kinds as fitdecode reads them (name → value), with '_kind'."""
    out: list[dict[str, Any]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fitdecode.FitReader(shared_path("corpus", "activities", folder, name)) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage) and frame.name in kinds:
                    # Native fields only: a Connect IQ app may add a developer field of the
                    # same name (swim-via-iq.fit has a developer "total_distance").
                    values = {f.name: f.value for f in frame.fields if not _is_dev(f)}
                    values["_kind"] = frame.name
                    out.append(values)
    return out


def _is_dev(field: Any) -> bool:
    return field.field_def is not None and bool(getattr(field.field_def, "is_dev", False))


def gpx_read_by_fast_path() -> list[str]:
    """Corpus GPX files the fast path reads (recorded tracks in a plain layout).

    The others (routes, waypoint-only files, odd layouts) go to the streaming reader,
    which `test_xml_fast` holds equal to the fast path on every file; tests about what
    the fast path computes run over these. `test_fast_path_reads_the_common_device_and_
    strava_files` keeps this list from shrinking unnoticed.
    """
    return list(_gpx_read_by_fast_path())


@cache
def _gpx_read_by_fast_path() -> tuple[str, ...]:
    # Several test modules parametrise over this at collection: parse the corpus once.
    from backstride.ingest import gpx
    from backstride.ingest._xml import prepare

    folder = CORPUS / "gpx"
    found = [
        p.name
        for p in sorted(folder.glob("*.gpx"))
        if gpx._read_fast(prepare(p.read_bytes(), source_file=p.name)) is not None
    ]
    return tuple(found) or (ABSENT,)


def gpxpy_reads(name: str) -> bool:
    """Whether gpxpy parses a corpus GPX file (one declares no namespace for a prefix)."""
    import gpxpy

    try:
        gpxpy.parse(read_bytes("gpx", name).decode("utf-8-sig").lstrip())
    except gpxpy.gpx.GPXException:
        return False
    return True
