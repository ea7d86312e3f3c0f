"""Decoded FIT members → `Activity` values: one per session, with fallbacks for thin files.

Both FIT readers feed this module, so any difference between them is a decoding difference.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from backstride.errors import CorruptFile, NotAnActivity
from backstride.ingest import bounds
from backstride.ingest._fit_profile import FIT_DATETIME_MIN, FIT_EPOCH_S, FitMember, Record
from backstride.ingest._track import elevation_gain_loss_m, simplify_route
from backstride.models import Activity

log = logging.getLogger(__name__)

_SEMICIRCLE_DEG = 180 / 2**31
#: Latitude bounds in FIT semicircles (longitude's are the int32 range itself).
_LAT_SEMICIRCLES = bounds.Bound(
    bounds.LATITUDE_DEG.low / _SEMICIRCLE_DEG, bounds.LATITUDE_DEG.high / _SEMICIRCLE_DEG
)
#: Sports whose FIT cadence counts one leg's strides; doubled to steps per minute.
_FOOT_SPORTS = frozenset({"running", "walking", "hiking"})
_FOOT_SUB_SPORTS = frozenset({"treadmill", "indoor_running", "indoor_walking", "trail", "track"})
_SURFACES = {
    "treadmill": "treadmill",
    "indoor_running": "treadmill",
    "trail": "trail",
    "track": "track",
    "street": "road",
}


def activities_from_members(
    members: list[FitMember], *, source_file: str, content_hash: str, with_profile: bool = False
) -> list[Activity]:
    """Summarise every activity session in the decoded members (`with_profile`: with the
    samples thinned for charts, which imports do not need).

    Raises:
        NotAnActivity: no member is an activity file, or none holds anything to summarise.
    """
    candidates = [m for m in members if m.file_type in (None, "activity")]
    if not candidates:
        kinds = ", ".join(sorted({repr(m.file_type) for m in members}))
        raise NotAnActivity(
            f"{source_file}: FIT file type {kinds}, not an activity — it holds settings or "
            "plans rather than a recorded workout, so there is nothing to import"
        )
    out: list[Activity] = []
    for member in candidates:
        for session, records in _sessions(member):
            try:
                act = _activity(member, session, records, len(out), source_file, content_hash)
            except (TypeError, ValueError, OverflowError) as exc:
                # A field declared with an odd base type (text where a number belongs, a
                # 64-bit time) decodes "validly" but cannot be summarised.
                raise CorruptFile(
                    f"{source_file}: session {len(out)} holds values of the wrong type or "
                    f"out of range ({exc}); the file is damaged or non-standard"
                ) from exc
            if with_profile:
                act = replace(act, profile=_profile(records))
            out.append(act)
    if not out:
        raise NotAnActivity(
            f"{source_file}: FIT activity file has no session, lap or timed record messages "
            "(only a file header), so there is no workout to import"
        )
    return out


def _sessions(member: FitMember) -> list[tuple[dict[str, Any], list[Record]]]:
    """(session, its records) pairs; a session is synthesised from laps or records if absent."""
    records = member.records
    if member.sessions:
        if len(member.sessions) == 1:
            return [(member.sessions[0], records)]
        return [(s, _records_within(s, records)) for s in member.sessions]
    if member.laps:
        return [(_session_from_laps(member.laps), records)]
    timed = [r[0] for r in records if r[0] is not None]
    if len(timed) < 2 or timed[-1] == timed[0]:
        return []  # a lone sample is not a workout
    return [({"start_time": timed[0], "total_elapsed_time": float(timed[-1] - timed[0])}, records)]


def _records_within(session: dict[str, Any], records: list[Record]) -> list[Record]:
    start = session.get("start_time")
    end = session.get("timestamp")
    if start is None:
        return []
    if end is None or end < start:
        end = start + session.get("total_elapsed_time", 0.0)
    return [r for r in records if r[0] is not None and start <= r[0] <= end]


def _session_from_laps(laps: list[dict[str, Any]]) -> dict[str, Any]:
    """Add laps up into a session (some devices' files stop before writing the session)."""
    session: dict[str, Any] = {}
    starts = [lap["start_time"] for lap in laps if "start_time" in lap]
    if starts:
        session["start_time"] = min(starts)
    for key in ("total_elapsed_time", "total_timer_time", "total_distance"):
        if any(key in lap for lap in laps):
            session[key] = sum(lap.get(key, 0.0) for lap in laps)
    for key in ("sport", "sub_sport"):
        if key in laps[0]:
            session[key] = laps[0][key]
    return session


def _name(value: Any) -> str | None:
    return None if value is None else str(value)


def _activity(
    member: FitMember,
    session: dict[str, Any],
    records: list[Record],
    index: int,
    source_file: str,
    content_hash: str,
) -> Activity:
    sport = _name(session.get("sport") or _first(member, "sport")) or "generic"
    sub_sport = _name(session.get("sub_sport") or _first(member, "sub_sport"))
    start = session.get("start_time")
    elapsed = session.get("total_elapsed_time")
    if start is None or elapsed is None:  # only thin files need the record times
        timed = [r[0] for r in records if r[0] is not None]
        if start is None:
            start = timed[0] if timed else session.get("timestamp")
        if elapsed is None:
            elapsed = float(timed[-1] - timed[0]) if timed else 0.0
    dropped = bounds.Dropped.none()
    gain, loss = _elevation(session, records, dropped)
    utc_offset_s = _utc_offset_s(member.activity)
    if start is not None and start < FIT_DATETIME_MIN:
        start, utc_offset_s = _anchor_relative_time(start, member.activity, source_file), None
    return Activity(
        sport=sport,
        sub_sport=sub_sport,
        started_at=_utc(start, source_file),
        utc_offset_s=utc_offset_s,
        elapsed_s=float(elapsed),
        moving_s=session.get("total_timer_time"),
        distance_m=session.get("total_distance", _record_distance_m(records, dropped)),
        elevation_gain_m=gain,
        elevation_loss_m=loss,
        avg_hr_bpm=_avg_hr(session, records, dropped),
        max_hr_bpm=_max_hr(session, records, dropped),
        avg_cadence_spm=_cadence_spm(sport, sub_sport, session, records, dropped),
        device=_device(member),
        surface=_SURFACES.get(sub_sport or ""),
        route=_route(records, dropped),
        source_file=source_file,
        content_hash=content_hash,
        source_format="fit",
        session_index=index,
        dropped=dropped.as_tuple(),
    )


def _profile(
    records: list[Record],
) -> tuple[tuple[float, float, float | None, float | None], ...]:
    """The records thinned for charts (`_samples.profile`), by the file's own distance where
    it has one, else by the steps between positions."""
    import numpy as np  # only the activity page asks: imports stay without numpy

    from backstride.ingest._samples import haversine_m, profile

    timed = [r for r in records if r[0] is not None]
    if len(timed) < 2:
        return ()
    t = np.array([r[0] for r in timed], dtype=np.float64)
    nan = float("nan")
    ele = np.array([nan if r[3] is None else r[3] for r in timed], dtype=np.float64)
    hr = np.array([nan if r[4] is None else r[4] for r in timed], dtype=np.float64)
    ele[(ele < bounds.ALTITUDE_M.low) | (ele > bounds.ALTITUDE_M.high)] = nan
    hr[(hr < bounds.HEART_RATE_BPM.low) | (hr > bounds.HEART_RATE_BPM.high)] = nan
    dist = np.array([nan if r[6] is None else r[6] for r in timed], dtype=np.float64)
    if np.isfinite(dist).sum() >= 2:
        steps = np.diff(np.fmax.accumulate(np.nan_to_num(dist, nan=0.0)))
        steps[0] = max(float(steps[0]), 0.0) if np.isfinite(dist[0]) else 0.0
    else:
        lat = np.array([nan if r[1] is None else r[1] * _SEMICIRCLE_DEG for r in timed])
        lon = np.array([nan if r[2] is None else r[2] * _SEMICIRCLE_DEG for r in timed])
        steps = np.nan_to_num(haversine_m(lat, lon), nan=0.0)
        if not steps.any():
            return ()
    return profile(np.diff(t), steps, True, ele, hr)


def _first(member: FitMember, key: str) -> Any:
    for message in (*member.laps, *member.sports):
        if message.get(key) is not None:
            return message[key]
    return None


def _anchor_relative_time(start: int, activity: dict[str, Any] | None, source_file: str) -> int:
    """Date a file whose clock counted from power-on (early FR70s) by its local end time.

    Such files still carry an absolute `local_timestamp` in the activity message. Local
    time is used as if it were UTC, so `started_at` can be off by the zone offset (hours),
    and `utc_offset_s` is left unknown; a run on the right local day beats a dropped run.
    """
    local = (activity or {}).get("local_timestamp")
    end = (activity or {}).get("timestamp")
    if local is None or end is None or local < FIT_DATETIME_MIN:
        raise NotAnActivity(
            f"{source_file}: the FIT activity has no real start date (device clock unset), "
            "so it cannot be placed in the training history"
        )
    log.warning(
        "%s: device clock was unset; dating the activity by its local end time", source_file
    )
    return int(start + (local - end))


def _utc(fit_s: int | None, source_file: str) -> datetime:
    if fit_s is None or fit_s < FIT_DATETIME_MIN:
        # Seconds since power-on, not a date: the device never learnt the time.
        raise NotAnActivity(
            f"{source_file}: the FIT activity has no real start date (device clock unset), so "
            "it cannot be placed in the training history"
        )
    return datetime.fromtimestamp(fit_s + FIT_EPOCH_S, tz=UTC)


def _utc_offset_s(activity: dict[str, Any] | None) -> int | None:
    """Local minus UTC time of the activity message, rounded to whole quarter hours.

    Devices stamp local_timestamp a moment apart from timestamp on some models, so the
    raw difference can be a few seconds off a real zone offset (all are 15-minute multiples).
    """
    if not activity or "local_timestamp" not in activity or "timestamp" not in activity:
        return None
    offset = activity["local_timestamp"] - activity["timestamp"]
    if abs(offset) > 14 * 3600:
        return None
    return int(round(offset / 900) * 900)


def _within(
    values: list[Any], bound: bounds.Bound, name: str, dropped: bounds.Dropped
) -> list[Any]:
    """`values` without those outside `bound`; min and max first, as nearly all are in."""
    if not values or (bound.low <= min(values) and max(values) <= bound.high):
        return values
    kept = [v for v in values if bound.low <= v <= bound.high]
    dropped.add(name, len(values) - len(kept))
    return kept


def _record_distance_m(records: list[Record], dropped: bounds.Dropped) -> float | None:
    dists = _within(
        [r[6] for r in records if r[6] is not None], bounds.DISTANCE_M, "distance", dropped
    )
    return max(dists) - min(dists) if dists else None


def _elevation(
    session: dict[str, Any], records: list[Record], dropped: bounds.Dropped
) -> tuple[float | None, float | None]:
    if "total_ascent" in session:
        return float(session["total_ascent"]), _float(session.get("total_descent"))
    altitudes = _within(
        [r[3] for r in records if r[3] is not None], bounds.ALTITUDE_M, "altitude", dropped
    )
    if len(altitudes) < 2:
        return None, None
    return elevation_gain_loss_m(altitudes)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _heart_rates(records: list[Record], dropped: bounds.Dropped) -> list[Any]:
    return _within([r[4] for r in records if r[4]], bounds.HEART_RATE_BPM, "heart rate", dropped)


def _avg_hr(
    session: dict[str, Any], records: list[Record], dropped: bounds.Dropped
) -> float | None:
    if "avg_heart_rate" in session:
        return float(session["avg_heart_rate"])
    rates = _heart_rates(records, dropped)
    return sum(rates) / len(rates) if rates else None


def _max_hr(
    session: dict[str, Any], records: list[Record], dropped: bounds.Dropped
) -> float | None:
    if "max_heart_rate" in session:
        return float(session["max_heart_rate"])
    rates = _heart_rates(records, bounds.Dropped.none())  # counted once, by _avg_hr
    return float(max(rates)) if rates else None


def _cadence_spm(
    sport: str,
    sub_sport: str | None,
    session: dict[str, Any],
    records: list[Record],
    dropped: bounds.Dropped,
) -> float | None:
    """Steps per minute for on-foot sports; None for others (cycling rpm, swim strokes).

    FIT stores running cadence per leg ("strides/min") plus a 1/128 fractional part.
    """
    if sport not in _FOOT_SPORTS and sub_sport not in _FOOT_SUB_SPORTS:
        return None
    if "avg_cadence" in session:
        fraction = float(session.get("avg_fractional_cadence", 0.0))
        return 2 * (float(session["avg_cadence"]) + fraction)
    cadences = _within([r[5] for r in records if r[5]], bounds.CADENCE_PER_MIN, "cadence", dropped)
    return 2 * sum(cadences) / len(cadences) if cadences else None


def _device(member: FitMember) -> str | None:
    if member.manufacturer in (None, 0):  # 0 is what re-writing tools put when they forget
        return None
    parts = [str(p) for p in (member.manufacturer, member.product) if p is not None]
    return " ".join(parts) or None


def _route(records: list[Record], dropped: bounds.Dropped) -> tuple[tuple[float, float], ...]:
    points = [(r[1], r[2]) for r in records if r[1] is not None and r[2] is not None]
    lats = [p[0] for p in points]
    if lats and not (_LAT_SEMICIRCLES.low <= min(lats) and max(lats) <= _LAT_SEMICIRCLES.high):
        kept = [p for p in points if _LAT_SEMICIRCLES.holds(p[0])]
        dropped.add("position", len(points) - len(kept))
        points = kept
    return simplify_route(points, unit_deg=_SEMICIRCLE_DEG)
