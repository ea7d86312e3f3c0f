"""Stored activities: keyword-only functions over a Connection, returning StoredActivity.

Cross-source duplicates (a watch FIT and the Strava GPX of the same run) are found by
start time, duration and distance within a tolerance, not by bytes.
"""

from __future__ import annotations

import bisect
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Float, bindparam, delete, func, insert, or_, select, update

from backstride.errors import NotFound
from backstride.models import Activity, StoredActivity, sport_family
from backstride.store import _bounded
from backstride.store.schema import (
    activities,
    activity_shoes,
    as_utc,
    diary_entries,
    sport_corrections,
)

#: Two records of one session start within this of each other [s].
START_TOLERANCE_S = 120.0
#: ... and last as long, within the larger of these [s] / fraction.
DURATION_TOLERANCE_S = 120.0
DURATION_TOLERANCE = 0.05
#: ... and cover the same distance, within the larger of these [m] / fraction.
DISTANCE_TOLERANCE_M = 150.0
DISTANCE_TOLERANCE = 0.03

#: What is stored of an Activity: all but the import's own notes.
_ACTIVITY_FIELDS = tuple(f.name for f in fields(Activity) if f.name not in ("dropped", "profile"))


def fingerprint(activity: Activity) -> str:
    """A coarse identity of the session: sport family and start minute (UTC)."""
    start = as_utc(activity.started_at).strftime("%Y-%m-%dT%H:%M")
    return f"{sport_family(activity.sport)}@{start}"


def _values(activity: Activity) -> dict[str, Any]:
    values = {name: getattr(activity, name) for name in _ACTIVITY_FIELDS}
    # Points off the globe (inf, NaN, 999) never reach the JSON: PostgreSQL refuses them.
    values["route"] = [
        [round(lat, 6), round(lon, 6)]
        for lat, lon in activity.route
        if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0
    ]
    values["fingerprint"] = fingerprint(activity)
    values["imported_at"] = datetime.now(UTC)
    return _bounded.row(activities, values)


#: Float columns an older version may have filled with inf or NaN (SQLite took them).
_FLOAT_FIELDS = tuple(
    c.name for c in activities.c if isinstance(c.type, Float) and c.name in _ACTIVITY_FIELDS
)


def _to_model(row: Any) -> StoredActivity:
    # A plain dict: Row._mapping.get goes through the generic Mapping.get (and an
    # exception for each absent column), which dominated reading a whole history.
    found = row._asdict()
    data = {name: found.get(name) for name in _ACTIVITY_FIELDS}
    data["sport_inferred"] = bool(data["sport_inferred"])
    # Rows stored before imports checked bounds may hold inf, NaN or off-globe points:
    # read as unknown and left out, so no analysis meets them.
    for name in _FLOAT_FIELDS:
        value = data[name]
        if value is not None and not -_HUGE < value < _HUGE:
            data[name] = 0.0 if name == "elapsed_s" else None
    route = found.get("route") or ()
    data["route"] = tuple(
        (float(p[0]), float(p[1])) for p in route if -90 <= p[0] <= 90 and -180 <= p[1] <= 180
    )
    return StoredActivity(id=row.id, activity=Activity(**data))


#: Beyond this no stored number is real (and inf and NaN fail the test too).
_HUGE = 1e15


#: Statements built once: passing values as parameters, not baked into a new statement
#: per call, spares SQLAlchemy a cache-key walk over every column for each activity.
_INSERT = insert(activities)
_NEAR = (
    select(activities)
    .where(activities.c.started_at.between(bindparam("earliest"), bindparam("latest")))
    .order_by(activities.c.id)
)


def add(conn: Connection, *, activity: Activity) -> int:
    """Store one activity and return its id."""
    result = conn.execute(_INSERT, _values(activity))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def get(conn: Connection, *, activity_id: int) -> StoredActivity:
    """One stored activity by id."""
    row = conn.execute(select(activities).where(activities.c.id == activity_id)).first()
    if row is None:
        raise NotFound(f"no activity with id {activity_id}; `backstride activities` lists them")
    return _to_model(row)


#: Starts outside [PLAUSIBLE_FROM, PLAUSIBLE_UNTIL) are left out of `between` unless
#: asked for: older versions stored year-0001 tracks, and date arithmetic near the
#: calendar's ends overflows in every analysis (imports now refuse them: ingest/bounds).
PLAUSIBLE_FROM = datetime(1990, 1, 1, tzinfo=UTC)
PLAUSIBLE_UNTIL = datetime(2200, 1, 1, tzinfo=UTC)


def between(
    conn: Connection,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    sport: str | None = None,
    with_route: bool = True,
    implausible: bool = False,
) -> list[StoredActivity]:
    """Activities starting in [start, end), oldest first; `sport` matches name or family.

    ``with_route=False`` leaves each route empty: totals over a whole history (shoe
    distances) need no tracks, and decoding them is most of the cost. Activities dated
    outside PLAUSIBLE_FROM..PLAUSIBLE_UNTIL are listed only with ``implausible=True``
    (a list the runner may delete them from, never an analysis).
    """
    if not implausible:
        start = PLAUSIBLE_FROM if start is None else max(as_utc(start), PLAUSIBLE_FROM)
        end = PLAUSIBLE_UNTIL if end is None else min(as_utc(end), PLAUSIBLE_UNTIL)
    columns = activities.c if with_route else [c for c in activities.c if c.name != "route"]
    query = select(*columns).order_by(activities.c.started_at, activities.c.id)
    if start is not None:
        query = query.where(activities.c.started_at >= start)
    if end is not None:
        query = query.where(activities.c.started_at < end)
    if sport is not None:
        query = query.where(
            or_(
                func.lower(activities.c.sport) == sport.lower(),
                activities.c.fingerprint.like(f"{sport_family(sport)}@%"),
            )
        )
    return [_to_model(row) for row in conn.execute(query)]


def count(conn: Connection) -> int:
    """How many activities are stored."""
    return int(conn.execute(select(func.count()).select_from(activities)).scalar_one())


def by_content(conn: Connection, *, content_hash: str) -> list[StoredActivity]:
    """The sessions stored from one source file, in session order."""
    query = (
        select(activities)
        .where(activities.c.content_hash == content_hash)
        .order_by(activities.c.session_index)
    )
    return [_to_model(row) for row in conn.execute(query)]


def _close(a: float | None, b: float | None, *, absolute: float, fraction: float) -> bool:
    if not a or not b:  # unknown or zero on either side says nothing
        return True
    return abs(a - b) <= max(absolute, fraction * max(a, b))


def is_same_session(a: Activity, b: Activity) -> bool:
    """Whether two records describe one session (same person, so same time is enough)."""
    # An inferred sport is a guess from the speed: it never keeps two records apart.
    families = {"other" if x.sport_inferred else sport_family(x.sport) for x in (a, b)}
    if len(families - {"other"}) > 1:
        return False
    if abs((as_utc(a.started_at) - as_utc(b.started_at)).total_seconds()) > START_TOLERANCE_S:
        return False
    if not _close(
        a.elapsed_s, b.elapsed_s, absolute=DURATION_TOLERANCE_S, fraction=DURATION_TOLERANCE
    ):
        return False
    return _close(
        a.distance_m, b.distance_m, absolute=DISTANCE_TOLERANCE_M, fraction=DISTANCE_TOLERANCE
    )


def find_duplicate(conn: Connection, *, activity: Activity) -> StoredActivity | None:
    """The stored activity that records the same session from another source, if any."""
    start = activity.started_at
    window = timedelta(seconds=START_TOLERANCE_S)
    for row in conn.execute(_NEAR, {"earliest": start - window, "latest": start + window}):
        stored = _to_model(row)
        if stored.activity.content_hash == activity.content_hash:
            continue  # sessions of one multisport file are never each other's duplicates
        if is_same_session(stored.activity, activity):
            return stored
    return None


def start_times(conn: Connection) -> list[float]:
    """Every stored start, in seconds since 1970 (UTC), sorted: lets an import rule
    out a duplicate without a query for each new run (see `find_duplicate`)."""
    rows = conn.execute(select(activities.c.started_at))
    return sorted(r.started_at.timestamp() for r in rows)


def start_seconds(activity: Activity) -> float:
    """The activity's start in seconds since 1970, a zone-less time taken as UTC."""
    return as_utc(activity.started_at).timestamp()


def may_have_duplicate(starts: list[float], activity: Activity) -> bool:
    """Whether any of the sorted `starts` lies within START_TOLERANCE_S of the
    activity's start: only then can `find_duplicate` find anything."""
    start = start_seconds(activity)
    at = bisect.bisect_left(starts, start - START_TOLERANCE_S)
    return at < len(starts) and starts[at] <= start + START_TOLERANCE_S


def replace_source(conn: Connection, *, activity_id: int, activity: Activity) -> None:
    """Swap in a richer record of a stored session, keeping its id (gear links stay).

    A name or gear that only the poorer source had (e.g. from Strava's activities.csv)
    is kept.
    """
    old = get(conn, activity_id=activity_id).activity
    merged = replace(
        activity,
        name=activity.name or old.name,
        gear=activity.gear or old.gear,
    )
    values = _values(merged)
    conn.execute(update(activities).where(activities.c.id == activity_id).values(**values))


def remove(conn: Connection, *, activity_id: int) -> StoredActivity:
    """Delete one activity, its shoe link, and diary entries' links to it (the entries stay).

    The shoe link would go by its foreign key's cascade; it is deleted here as well, so
    that a SQLite connection without `foreign_keys=ON` leaves no orphan either.

    Raises:
        NotFound: no activity has that id.
    """
    found = get(conn, activity_id=activity_id)
    conn.execute(delete(activity_shoes).where(activity_shoes.c.activity_id == activity_id))
    conn.execute(
        update(diary_entries)
        .where(diary_entries.c.activity_id == activity_id)
        .values(activity_id=None)
    )
    conn.execute(delete(activities).where(activities.c.id == activity_id))
    return found


def set_sport(conn: Connection, *, activity_id: int, sport: str) -> StoredActivity:
    """The runner's sport for one activity: stored, no longer marked inferred, and
    remembered by the file's content so that a re-import of the file keeps it.

    Raises:
        NotFound: no activity has that id.
    """
    found = get(conn, activity_id=activity_id)
    changed = replace(found.activity, sport=sport, sport_inferred=False)
    conn.execute(
        update(activities)
        .where(activities.c.id == activity_id)
        .values(sport=sport, sport_inferred=False, fingerprint=fingerprint(changed))
    )
    key = {"content_hash": changed.content_hash, "session_index": changed.session_index}
    conn.execute(
        delete(sport_corrections).where(
            sport_corrections.c.content_hash == key["content_hash"],
            sport_corrections.c.session_index == key["session_index"],
        )
    )
    conn.execute(
        insert(sport_corrections).values(**key, sport=sport, corrected_at=datetime.now(UTC))
    )
    return StoredActivity(id=activity_id, activity=changed)


def sport_corrections_of(conn: Connection) -> dict[tuple[str, int], str]:
    """Every sport the runner corrected, by (content hash, session index)."""
    rows = conn.execute(select(sport_corrections))
    return {(r.content_hash, int(r.session_index)): r.sport for r in rows}
