"""Fuzz the importers: mutated FIT, GPX and TCX files never crash, hang, bloat or store
an impossible value.

Seeds are small corpus files (MANIFEST.tsv kinds fit, gpx, tcx; skipped with the shared
reason when ../shared is absent) plus files built here. Mutations: byte flips (FIT with
its file CRC made right again, so the decoders see them), truncation, one or every
number replaced by inf, nan, 1e20, -1 or 400 digits, and dates moved to 0001 or 9999.
Every case is read on its own with a time limit; then all are imported into one store.
"""

from __future__ import annotations

import csv
import math
import random
import re
import signal
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from backstride.errors import IngestError
from backstride.ingest import SourceFile, bounds, read_activities
from backstride.models import Activity
from backstride.services.importing import import_paths
from backstride.store import activities
from tests.conftest import shared_path
from tests.ingest._fit_builder import sdk_crc
from tests.ingest._hostile import fit_run, gpx, tcx

pytestmark = pytest.mark.slow

#: Seconds one case may take to read (the slowest valid corpus file takes well under 1).
CASE_LIMIT_S = 10
#: How far the test process's resident memory may rise above where it stood before the
#: first case, at its peak over every case [bytes].
MAX_RSS_BYTES = 1024 * 2**20
SEED_MAX_BYTES = 150_000
SEEDS_PER_FORMAT = 4
CASES_PER_SEED = 20

_NUMBER = re.compile(rb"(?<=[>\"])-?\d+(?:\.\d+)?(?=[<\"])")
_YEAR = re.compile(rb"\d{4}(?=-\d\d-\d\dT)")
_HOSTILE = (b"inf", b"-inf", b"nan", b"1e20", b"-1", b"9" * 400, b"1e400", b"")


def _corpus_seeds() -> list[tuple[str, bytes]]:
    root = shared_path("corpus", "activities")
    with (root / "MANIFEST.tsv").open(newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["kind"] in ("fit", "gpx", "tcx")]
    chosen: list[tuple[str, bytes]] = []
    for kind in ("fit", "gpx", "tcx"):
        files = sorted(
            root / r["file"]
            for r in rows
            if r["kind"] == kind and (root / r["file"]).stat().st_size <= SEED_MAX_BYTES
        )
        chosen += [(p.name, p.read_bytes()) for p in files[-SEEDS_PER_FORMAT:]]
    return chosen


def _built_seeds() -> list[tuple[str, bytes]]:
    return [("built.gpx", gpx()), ("built.tcx", tcx()), ("built.fit", fit_run())]


def _fix_fit_crc(data: bytes) -> bytes:
    if len(data) < 14 or data[8:12] != b".FIT":
        return data
    size = data[0] + struct.unpack_from("<I", data, 4)[0]
    if size + 2 != len(data):
        return data
    return data[:size] + struct.pack("<H", sdk_crc(data[:size]))


def _mutate(name: str, data: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(5)
    is_fit = name.endswith(".fit")
    if kind == 0 or (is_fit and kind >= 2):  # byte flips
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(14 if is_fit and len(out) > 16 else 0, len(out))
            out[at] = rng.randrange(256)
        return _fix_fit_crc(bytes(out)) if is_fit and kind != 0 else bytes(out)
    if kind == 1:  # truncation
        return data[: rng.randrange(len(data))]
    if kind == 2:  # one number, or every number, made hostile
        hostile = rng.choice(_HOSTILE)
        found = list(_NUMBER.finditer(data))
        if not found:
            return data
        if rng.random() < 0.3:
            return _NUMBER.sub(hostile, data)
        hit = rng.choice(found)
        return data[: hit.start()] + hostile + data[hit.end() :]
    year = rng.choice((b"0001", b"9999", b"1970"))
    if kind == 3:  # every date
        return _YEAR.sub(year, data)
    found = list(_YEAR.finditer(data))  # one date
    if not found:
        return data
    hit = rng.choice(found)
    return data[: hit.start()] + year + data[hit.end() :]


def _cases() -> Iterator[tuple[str, bytes]]:
    rng = random.Random(20261203)
    for name, data in _corpus_seeds() + _built_seeds():
        for i in range(CASES_PER_SEED):
            yield f"{i:02d}-{name}", _mutate(name, data, rng)


_STATUS = Path("/proc/self/status")


def _status_bytes(field: str) -> int:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/self/status")


def _peak_rss_bytes() -> int:
    """This process's peak resident set since the last reset (VmHWM), in bytes."""
    return _status_bytes("VmHWM")


def _rss_bytes() -> int:
    """This process's resident set now (VmRSS), in bytes."""
    return _status_bytes("VmRSS")


class _TooSlow(Exception):
    pass


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(_signum: int, _frame: object) -> None:
        raise _TooSlow(f"took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _assert_in_bounds(activity: Activity, case: str) -> None:
    started = activity.started_at.astimezone(UTC)
    assert bounds.EARLIEST_START <= started <= datetime.now(UTC) + timedelta(days=1), case
    assert bounds.ELAPSED_S.holds(activity.elapsed_s), case
    limits = {
        "moving_s": bounds.ELAPSED_S,
        "distance_m": bounds.DISTANCE_M,
        "elevation_gain_m": bounds.ELEVATION_CHANGE_M,
        "elevation_loss_m": bounds.ELEVATION_CHANGE_M,
        "avg_hr_bpm": bounds.HEART_RATE_BPM,
        "max_hr_bpm": bounds.HEART_RATE_BPM,
        "avg_cadence_spm": bounds.CADENCE_PER_MIN,
    }
    for name, bound in limits.items():
        value = getattr(activity, name)
        assert value is None or bound.holds(value), (case, name, value)
    for lat, lon in activity.route:
        assert bounds.LATITUDE_DEG.holds(lat) and bounds.LONGITUDE_DEG.holds(lon), case


def test_mutated_files_fail_with_a_message_or_import_within_bounds(
    tmp_path: Path, engine: Engine
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # The worker's lifetime peak would include whatever tests ran before in this process:
    # reset this process's peak (Linux clear_refs) and read the peak of this test alone.
    _STATUS.parent.joinpath("clear_refs").write_text("5")
    # The reset peak starts at the current resident set, which earlier test files in this
    # worker may have raised to most of a GB: judge the rise the cases cause, not the total.
    before = _rss_bytes()
    read = failed = 0
    for case, data in _cases():
        (inbox / case).write_bytes(data)
        try:
            with _time_limit(CASE_LIMIT_S):
                found = read_activities(SourceFile.from_bytes(case, data))
        except IngestError as exc:
            assert str(exc).strip(), f"{case}: {type(exc).__name__} without a message"
            failed += 1
            continue
        # Anything else (a traceback, _TooSlow) fails the test here, naming the case.
        for activity in found:
            _assert_in_bounds(activity, case)
        read += 1
    assert read > 50 and failed > 50  # both sides were exercised
    rise = _peak_rss_bytes() - before
    assert rise < MAX_RSS_BYTES, f"peak RSS rose by {rise / 2**20:.0f} MB"

    report = import_paths(engine, [inbox], data_dir=tmp_path / "data")
    internal = [f for f in report.failed if "internal error" in f["error"]]
    assert internal == []
    with engine.connect() as conn:
        stored = activities.between(conn, implausible=True)
    assert stored
    for row in stored:
        _assert_in_bounds(row.activity, row.activity.source_file)
        numbers = [row.activity.elapsed_s, row.activity.distance_m, row.activity.moving_s]
        assert all(v is None or math.isfinite(v) for v in numbers)
