"""One imported activity: its page (local time, moving time, route, samples, splits),
removing it with its original file once nothing else uses it, and correcting its sport."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from backstride import units
from backstride.analyse.summaries import local_start
from backstride.errors import ConfigError
from backstride.ingest.sports import CHOICES, choice
from backstride.models import StoredActivity
from backstride.store import activities, sources
from backstride.store.files import StoreFiles

log = logging.getLogger(__name__)

#: The sports a runner may set (the web form lists them).
SPORT_CHOICES = CHOICES


def delete_activity(engine: Engine, *, activity_id: int, data_dir: Path) -> StoredActivity:
    """Delete activity `activity_id` and return what it was.

    `data_dir` is the store's own folder (`Settings.store_files_dir`). The activity goes
    with its shoe link (diary entries keep their text, unlinked). When no other session
    of the same file is stored, the file's ledger entry and its kept original go too,
    so importing that file again brings the activity back.

    Raises:
        NotFound: no activity has that id.
    """
    files = StoreFiles.for_engine(engine, data_dir, legacy=(data_dir,))
    with engine.begin() as conn:
        gone = activities.remove(conn, activity_id=activity_id)
        digest = gone.activity.content_hash
        if not activities.by_content(conn, content_hash=digest):
            original = sources.forget(conn, content_hash=digest)
            files.remove_original(conn, digest, original)
            if original is not None and not files.owns(files.path(original)):
                log.warning("%s is not in the store's folder %s: left in place", original, data_dir)
    return gone


def set_sport(engine: Engine, *, activity_id: int, sport: str) -> StoredActivity:
    """Set an activity's sport to the runner's word; importing the file again keeps it.

    Raises:
        NotFound: no activity has that id.
        ConfigError: `sport` is not one of ingest.sports.CHOICES (or an alias of one).
    """
    name = choice(sport)
    if name is None:
        raise ConfigError(f"unknown sport {sport!r}: one of {', '.join(CHOICES)}")
    with engine.begin() as conn:
        return activities.set_sport(conn, activity_id=activity_id, sport=name)


def _unlink_original(path: Path, data_dir: Path) -> None:
    # Only ever a file under the originals folder: the ledger names it, but a ledger
    # edited by hand must not make a delete remove anything else.
    originals = (data_dir / "originals").resolve()
    try:
        resolved = path.resolve()
        if resolved.is_relative_to(originals):
            resolved.unlink(missing_ok=True)
        else:
            log.warning("%s is not under %s: left in place", path, originals)
    except OSError as exc:
        log.warning("could not remove the original %s: %s", path, exc)


#: Splits shorter than this at the end of a run are left out (a few steps past the km).
LAST_SPLIT_MIN_M = 100.0

Point = tuple[float, float, float | None, float | None]


@dataclass(frozen=True)
class Split:
    """One kilometre (or the part after the last whole one): moving time and pace."""

    number: int
    distance_m: float
    moving_s: float
    pace_s_per_km: float
    climb_m: float | None
    avg_hr_bpm: float | None


@dataclass(frozen=True)
class ActivityPage:
    """What `/activities/{id}` shows: one truth for the run's time, the route, the samples."""

    stored: StoredActivity
    local_start: datetime
    #: True when the file gave its own UTC offset; else the machine's zone is used
    offset_known: bool
    moving_s: float
    elapsed_s: float
    pace_s_per_km: float | None
    route: tuple[tuple[float, float], ...]
    profile: tuple[Point, ...] = ()
    splits: list[Split] = field(default_factory=list)
    #: why there are no sample charts, when there are none
    profile_note: str = ""


def splits_of(points: tuple[Point, ...] | list[Point], *, every_m: float = 1000.0) -> list[Split]:
    """Per-kilometre splits from (moving s, distance m, altitude, HR) points, interpolated
    where each kilometre is crossed; a last part under LAST_SPLIT_MIN_M is left out."""
    out: list[Split] = []
    if len(points) < 2:
        return out
    start_t, start_d = 0.0, 0.0
    climb, hrs, prev_ele = 0.0, [], points[0][2]
    has_ele = any(p[2] is not None for p in points)
    mark = every_m
    for (t0, d0, _, _), (t1, d1, ele, hr) in zip(points, points[1:], strict=False):
        if ele is not None and prev_ele is not None and ele > prev_ele:
            climb += ele - prev_ele
        prev_ele = ele if ele is not None else prev_ele
        if hr is not None:
            hrs.append(hr)
        while d1 >= mark:  # d0 < mark here: each crossing is interpolated inside this step
            t = t0 + (mark - d0) / (d1 - d0) * (t1 - t0)
            out.append(_split(len(out) + 1, mark - start_d, t - start_t, climb, hrs, has_ele))
            start_t, start_d, climb, hrs = t, mark, 0.0, []
            mark += every_m
    t_end, d_end = points[-1][0], points[-1][1]
    if d_end - start_d >= LAST_SPLIT_MIN_M:
        out.append(_split(len(out) + 1, d_end - start_d, t_end - start_t, climb, hrs, has_ele))
    return out


def _split(
    n: int, dist: float, moving: float, climb: float, hrs: list[float], has_ele: bool
) -> Split:
    return Split(
        number=n,
        distance_m=dist,
        moving_s=moving,
        pace_s_per_km=moving / dist * 1000 if dist > 0 else 0.0,
        climb_m=climb if has_ele else None,
        avg_hr_bpm=sum(hrs) / len(hrs) if hrs else None,
    )


def _profile(
    conn: Connection, stored: StoredActivity, data_dir: Path
) -> tuple[tuple[Point, ...], str]:
    """The samples, read again from the kept original file (they are not stored)."""
    import gzip

    from backstride.errors import IngestError
    from backstride.ingest import read_activities
    from backstride.ingest.source import SourceFile

    a = stored.activity
    record = sources.get(conn, content_hash=a.content_hash)
    if record is None or not record.stored_path:
        return (), "The original file is not kept, so there are no charts of the samples."
    # The store's own files (its folder, or the database for PostgreSQL); a ledger edited
    # by hand must not make the page read a file outside them.
    files = StoreFiles.for_engine(conn.engine, data_dir, legacy=(data_dir,))
    if not files.in_database and not files.owns(files.path(record.stored_path)):
        return (), "The kept original is outside the store's folder: not read."
    try:
        data = files.read_original(conn, a.content_hash, record.stored_path)
        if data is None:
            return (), "The kept original file is gone, so there are no sample charts."
        if record.stored_path.endswith(".gz"):
            data = gzip.decompress(data)
        found = read_activities(
            SourceFile(name=a.source_file, data=data, content_hash=a.content_hash),
            with_profile=True,
        )
    except (OSError, EOFError, IngestError) as exc:
        log.warning("cannot read the original of activity %s: %s", stored.id, exc)
        return (), "The kept original file could not be read, so there are no sample charts."
    for act in found:
        if act.session_index == a.session_index and act.profile:
            return act.profile, ""
    return (), "The file holds no timed samples to chart."


def activity_page(conn: Connection, *, activity_id: int, data_dir: Path) -> ActivityPage:
    """One activity with its local start, moving time and pace, route, samples and splits.

    Raises:
        NotFound: no activity has that id.
    """
    stored = activities.get(conn, activity_id=activity_id)
    a = stored.activity
    points, note = _profile(conn, stored, data_dir)
    moving = a.moving_s if a.moving_s is not None else a.elapsed_s
    return ActivityPage(
        stored=stored,
        local_start=local_start(a),
        offset_known=a.utc_offset_s is not None,
        moving_s=moving,
        elapsed_s=a.elapsed_s,
        pace_s_per_km=units.pace_s(a.distance_m, moving),
        route=a.route,
        profile=points,
        splits=splits_of(points),
        profile_note=note,
    )
