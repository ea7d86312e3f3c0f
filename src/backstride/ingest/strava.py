"""Strava bulk export: activities.csv rows give each file its name, type and gear."""

from __future__ import annotations

import csv
import io
import logging
import re
from pathlib import PurePosixPath

log = logging.getLogger(__name__)

#: Strava "Activity Type" to the FIT sport vocabulary the readers use.
STRAVA_SPORTS: dict[str, str] = {
    "run": "running",
    "trail run": "trail_running",
    "virtual run": "running",
    "ride": "cycling",
    "virtual ride": "cycling",
    "e-bike ride": "cycling",
    "mountain bike ride": "cycling",
    "gravel ride": "cycling",
    "walk": "walking",
    "hike": "hiking",
    "swim": "swimming",
    "workout": "training",
    "weight training": "training",
    "yoga": "training",
}
_TAG = re.compile(r"<[^>]+>")
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def file_key(name: str) -> str:
    """How a CSV Filename and an export member are matched: base name, `.gz` dropped."""
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    return base.removesuffix(".gz")


def _decode(data: bytes) -> str:
    # Exports from Windows tools or old accounts are not always UTF-8; latin-1 never fails.
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def parse_activities_csv(data: bytes) -> dict[str, dict[str, str]]:
    """Per file key: {"name", "sport", "gear"} from a Strava activities.csv.

    Headers repeat (two "Distance" columns: km then m), so the first of each name wins;
    2021 exports wrap headers in HTML spans, which are stripped. Rows without a file
    (manual entries) are left out.
    """
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    header = next(reader, None)
    if header is None:
        return {}
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        columns.setdefault(_TAG.sub("", raw).strip().lower(), index)
    wanted = {"name": "activity name", "type": "activity type", "gear": "activity gear"}
    if "filename" not in columns:
        log.warning("activities.csv has no Filename column; names and gear not applied")
        return {}
    found: dict[str, dict[str, str]] = {}
    for row in reader:
        filename = _cell(row, columns["filename"])
        if not filename:
            continue
        meta = {key: _cell(row, columns.get(col)) for key, col in wanted.items()}
        entry = {k: v for k, v in meta.items() if v}
        if "type" in entry:
            kind = entry.pop("type")
            entry["sport"] = STRAVA_SPORTS.get(kind.lower(), kind.lower().replace(" ", "_"))
        found[file_key(filename)] = entry
    return found


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()
