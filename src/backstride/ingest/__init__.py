"""Activity files → `Activity` values; no database access here.

iter_sources(paths)      files, folders, .gz and .zip (nested), Strava and Garmin exports
read_activities(source)  one SourceFile → its Activities (FIT, GPX or TCX by content)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from backstride.errors import CorruptFile, UnsupportedFormat
from backstride.ingest.archive import Unit, iter_sources, iter_units, read_unit
from backstride.ingest.bounds import check_activity
from backstride.ingest.source import (
    FailedSource,
    SkippedSource,
    SourceFile,
    display_name,
    sniff,
    suffixes,
)
from backstride.ingest.sports import settle
from backstride.models import Activity, sport_family

__all__ = [
    "FailedSource",
    "SkippedSource",
    "SourceFile",
    "Unit",
    "detect_format",
    "display_name",
    "iter_sources",
    "iter_units",
    "read_activities",
    "read_unit",
]


def detect_format(source: SourceFile) -> str:
    """fit, gpx, tcx or apple (an Apple Health workout), by content; the extension only names what was expected.

    Raises:
        CorruptFile: empty, or an activity extension over content of no known format.
        UnsupportedFormat: XML that is neither GPX nor TCX.
    """
    if not source.data:
        raise CorruptFile(f"{source.name}: empty file (0 bytes)")
    kind = sniff(source.data)
    if kind in ("fit", "gpx", "tcx", "apple"):
        return kind
    expected = suffixes(source.name) or "(no extension)"
    if kind == "xml":
        raise UnsupportedFormat(
            f"{source.name}: unsupported format ({expected}): XML, but neither GPX nor TCX"
        )
    raise CorruptFile(
        f"{source.name}: not a FIT, GPX or TCX file despite its name ({expected}); "
        "damaged, or another format renamed"
    )


def read_activities(source: SourceFile, *, with_profile: bool = False) -> list[Activity]:
    """The activities in one source, with an export's name, gear and sport applied,
    each checked against the physical bounds (`bounds.check_activity`).

    Raises:
        IngestError: CorruptFile, NotAnActivity, UnsafeInput or UnsupportedFormat,
            each naming the file; CorruptFile also for an impossible total.
    """
    kind = detect_format(source)
    # deferred: each reader loads its parser (fitdecode, lxml) only for its own format
    if kind == "fit":
        from backstride.ingest.fit import read_fit

        found = read_fit(
            source.data,
            source_file=source.name,
            content_hash=source.content_hash,
            with_profile=with_profile,
        )
    elif kind == "apple":
        from backstride.ingest.apple_health import read_workout

        found = read_workout(source.data, source_file=source.name, content_hash=source.content_hash)
    else:  # GPX and TCX summaries come from sample arrays and carry their profile anyway
        if kind == "gpx":
            from backstride.ingest.gpx import read_gpx as reader
        else:
            from backstride.ingest.tcx import read_tcx as reader
        found = reader(source.data, source_file=source.name, content_hash=source.content_hash)
    meta = source.metadata
    if meta:
        found = [_with_metadata(activity, meta) for activity in found]
    return [settle(check_activity(activity)) for activity in found]


def _with_metadata(activity: Activity, meta: Mapping[str, str]) -> Activity:
    # Strava's name and gear are what the runner typed, so they win; its type only
    # fills in a sport the file itself does not state.
    sport = activity.sport
    if sport_family(sport) == "other" and meta.get("sport"):
        sport = meta["sport"]
    return replace(
        activity,
        sport=sport,
        name=meta.get("name") or activity.name,
        gear=meta.get("gear") or activity.gear,
    )
