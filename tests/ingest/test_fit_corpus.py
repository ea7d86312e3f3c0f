"""read_fit on every real FIT file in ../shared: fast path vs fitdecode, and vs the device."""

from __future__ import annotations

import statistics
from functools import cache

import pytest

from backstride.errors import CorruptFile, NotAnActivity
from backstride.ingest._fit_fast import FastPathUnsupported, decode_fit
from backstride.ingest._fit_summary import activities_from_members
from backstride.ingest._track import elevation_gain_loss_m
from backstride.ingest.fit import read_fit, read_fit_reference
from backstride.models import Activity
from tests.ingest._corpus import fitdecode_messages, manifest_notes, names, read_bytes

VALID = names("fit")

#: Valid corpus files the fast path hands to fitdecode, and why. Empty: it covers them all.
EXPECTED_FALLBACKS: dict[str, str] = {}

#: Valid FIT files that honestly hold no workout, with the reason.
NOT_ACTIVITIES = {
    # FIT SDK sample: 3 records with no timestamps, no session or lap
    "fit__DeveloperData.fit": "no session, lap or timed record",
}

Outcome = list[Activity] | type[Exception]
_TOTALS = ("distance_m", "elapsed_s", "moving_s", "elevation_gain_m", "elevation_loss_m")


def _outcome(reader: object, name: str) -> Outcome:
    try:
        return reader(read_bytes("fit", name), source_file=name, content_hash="h")  # type: ignore[operator, no-any-return]
    except (CorruptFile, NotAnActivity) as exc:
        return type(exc)


@cache
def _reference(name: str) -> Outcome:
    return _outcome(read_fit_reference, name)


@pytest.mark.slow
@pytest.mark.parametrize("name", VALID)
def test_fast_path_takes_every_valid_file(name: str) -> None:
    data = read_bytes("fit", name)
    try:
        decode_fit(data)
    except FastPathUnsupported as exc:
        assert name in EXPECTED_FALLBACKS, f"{name} falls back to fitdecode: {exc}"


@pytest.mark.slow
@pytest.mark.parametrize("name", VALID)
def test_fast_path_agrees_with_fitdecode(name: str) -> None:
    """Tolerances: distance/elapsed/moving 0.1 %, HR and cadence 0.5, times exact."""
    fast, ref = _outcome(read_fit, name), _reference(name)
    if not isinstance(fast, list) or not isinstance(ref, list):
        assert fast == ref
        return
    assert len(fast) == len(ref)
    for a, b in zip(fast, ref, strict=True):
        assert a.started_at == b.started_at and a.utc_offset_s == b.utc_offset_s
        assert (a.sport, a.sub_sport, a.surface, a.device) == (
            b.sport,
            b.sub_sport,
            b.surface,
            b.device,
        )
        for field in (
            "distance_m",
            "elapsed_s",
            "moving_s",
            "elevation_gain_m",
            "elevation_loss_m",
        ):
            _close(getattr(a, field), getattr(b, field), rel=1e-3, what=field)
        for field in ("avg_hr_bpm", "max_hr_bpm", "avg_cadence_spm"):
            _close(getattr(a, field), getattr(b, field), abs_=0.5, what=field)
        assert len(a.route) == len(b.route)
        flat_a = [c for point in a.route for c in point]
        assert flat_a == pytest.approx([c for point in b.route for c in point], abs=1e-6)
        assert a.session_index == b.session_index


def _close(a: float | None, b: float | None, *, what: str, rel: float = 0, abs_: float = 0) -> None:
    assert (a is None) == (b is None), what
    if a is not None:
        assert a == pytest.approx(b, rel=rel, abs=abs_), what


@pytest.mark.slow
@pytest.mark.parametrize("name", VALID)
def test_valid_file_gives_activities_or_an_honest_reason(name: str) -> None:
    data = read_bytes("fit", name)
    if name in NOT_ACTIVITIES:
        with pytest.raises(NotAnActivity, match=NOT_ACTIVITIES[name]):
            read_fit(data, source_file=name, content_hash="h")
        return
    acts = read_fit(data, source_file=name, content_hash="h")
    assert [a.session_index for a in acts] == list(range(len(acts)))
    notes = manifest_notes().get(f"fit/{name}", {})
    if "sessions" in notes:
        assert len(acts) == int(notes["sessions"])
    sport = notes.get("sport", "?")
    if len(acts) == 1 and sport not in ("?", "None"):
        expected_sport, _, expected_sub = sport.partition("/")
        assert acts[0].sport == expected_sport
        if expected_sub:
            assert acts[0].sub_sport == expected_sub
    for act in acts:
        assert act.started_at.tzinfo is not None and act.elapsed_s >= 0
        assert len(act.route) <= 200
        assert all(-90 <= lat <= 90 and -180 <= lon <= 180 for lat, lon in act.route)


@pytest.mark.slow
@pytest.mark.parametrize("name", VALID)
def test_distance_and_elapsed_match_the_device_session_totals(name: str) -> None:
    """Issue text: within 0.5 % of the device's own totals, read with fitdecode here."""
    sessions = fitdecode_messages("fit", name, ("session",))
    if not sessions:
        pytest.skip(f"{name} has no session message, so no device totals to compare")
    acts = read_fit(read_bytes("fit", name), source_file=name, content_hash="h")
    assert len(acts) == len(sessions)
    for act, session in zip(acts, sessions, strict=True):
        if session.get("total_distance") is not None:
            assert act.distance_m == pytest.approx(session["total_distance"], rel=5e-3)
        if session.get("total_elapsed_time") is not None:
            assert act.elapsed_s == pytest.approx(session["total_elapsed_time"], rel=5e-3)


def _altitudes(name: str) -> list[float]:
    records = fitdecode_messages("fit", name, ("record",))
    alts = [r.get("enhanced_altitude", r.get("altitude")) for r in records]
    return [a for a in alts if a is not None]


@pytest.mark.slow
def test_computed_climb_on_a_hilly_run_is_within_10_percent_of_the_device() -> None:
    """FR910XT 28 km mountain run (device: 2,295 m up): drop the device totals, recompute."""
    name = "sports-lib__garmin.fit"
    [session] = fitdecode_messages("fit", name, ("session",))
    members = decode_fit(read_bytes("fit", name))
    for s in members[0].sessions:
        s.pop("total_ascent"), s.pop("total_descent")
    [act] = activities_from_members(members, source_file=name, content_hash="h")
    assert act.elevation_gain_m == pytest.approx(session["total_ascent"], rel=0.10)
    assert act.elevation_loss_m == pytest.approx(session["total_descent"], rel=0.10)


@pytest.mark.slow
def test_computed_climb_is_close_to_device_totals_across_the_corpus() -> None:
    errors = []
    for name in VALID:
        sessions = fitdecode_messages("fit", name, ("session",))
        if len(sessions) != 1 or not sessions[0].get("total_ascent"):
            continue
        alts = _altitudes(name)
        if sessions[0]["total_ascent"] < 50 or len(alts) < 100 or max(alts) == min(alts):
            continue
        gain, _ = elevation_gain_loss_m(alts)
        errors.append(abs(gain - sessions[0]["total_ascent"]) / sessions[0]["total_ascent"])
    assert len(errors) >= 20
    assert statistics.median(errors) < 0.10
