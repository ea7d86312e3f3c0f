"""read_fit on FIT files built byte by byte: every field, layout variants, and bad input."""

from __future__ import annotations

import random
import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from backstride.errors import CorruptFile, NotAnActivity
from backstride.ingest._fit_fast import FastPathUnsupported, decode_fit
from backstride.ingest._fit_summary import activities_from_members
from backstride.ingest.fit import read_fit, read_fit_reference
from backstride.models import Activity
from tests.ingest._fit_builder import compressed, data, definition, fit_file, sdk_crc

T0 = 1_000_000_000  # FIT seconds
SEMI = 2**31 / 180
Reader = Callable[..., list[Activity]]
READERS = [pytest.param(read_fit, id="fast"), pytest.param(read_fit_reference, id="reference")]

FILE_ID = [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (4, 4, 0x86)]
RECORD = [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (2, 2, 0x84), (3, 1, 0x02), (4, 1, 0x02)]
SESSION = [
    (253, 4, 0x86), (2, 4, 0x86), (5, 1, 0x00), (6, 1, 0x00), (7, 4, 0x86), (8, 4, 0x86),
    (9, 4, 0x86), (16, 1, 0x02), (17, 1, 0x02), (18, 1, 0x02), (92, 1, 0x02),
]  # fmt: skip
ACTIVITY = [(253, 4, 0x86), (5, 4, 0x86)]


def run_messages(
    *,
    big_endian: bool = False,
    dev: bool = False,
    file_type: int = 4,
    hr_size: int = 1,
    start: int = T0,
    session: bool = True,
) -> list[bytes]:
    """A 10-sample treadmill-tagged run: 10 m climb and ~111 m north per sample."""
    be = big_endian
    dev_fields = [(0, 3, 0)] if dev else None
    rec = [f if f[0] != 3 else (3, hr_size, 0x02) for f in RECORD]
    hr_fmt = "B" if hr_size == 1 else f"{hr_size}B"
    out = [
        definition(0, 0, FILE_ID, big_endian=be),
        data(0, "BHHI", file_type, 1, 3113, start, big_endian=be),
        definition(1, 20, rec, big_endian=be, dev_fields=dev_fields),
        definition(2, 20, rec[1:], big_endian=be, dev_fields=dev_fields),  # no timestamp field
    ]
    for i in range(10):
        lat = round((51.5 + 0.001 * i) * SEMI)
        lon = round(-0.1 * SEMI)
        hrs = (150,) if hr_size == 1 else (150,) * hr_size
        values = (lat, lon, (100 + 10 * i + 500) * 5, *hrs, 85)
        extra = b"\x01\x02\x03" if dev else b""
        if i == 0:
            out.append(data(1, "IiiH" + hr_fmt + "B", start, *values, big_endian=be) + extra)
        else:  # compressed-timestamp header: 5 low bits of the time
            payload = struct.pack((">" if be else "<") + "iiH" + hr_fmt + "B", *values)
            out.append(compressed(2, (start + i) & 0x1F, "") + payload + extra)
    if session:
        out += [
            definition(3, 18, SESSION, big_endian=be),
            data(
                3,
                "IIBBIIIBBBB",
                start + 9,
                start,
                1,
                1,
                9000,
                8000,
                100000,
                150,
                170,
                85,
                64,
                big_endian=be,
            ),  # fmt: skip
        ]
    out += [
        definition(0, 34, ACTIVITY, big_endian=be),
        data(0, "II", start + 9, max(start, T0) + 9 + 7200, big_endian=be),
    ]
    return out


def test_fit_epoch_matches_the_fit_sdk() -> None:
    assert datetime(1989, 12, 31, tzinfo=UTC).timestamp() == 631065600


@pytest.mark.parametrize("reader", READERS)
def test_synthetic_run_fills_every_field(reader: Reader) -> None:
    [act] = reader(fit_file(*run_messages()), source_file="run.fit", content_hash="abc")
    assert act.sport == "running" and act.sub_sport == "treadmill"
    assert act.surface == "treadmill"
    assert act.started_at == datetime(1989, 12, 31, tzinfo=UTC) + timedelta(seconds=T0)
    assert act.utc_offset_s == 7200
    assert act.elapsed_s == 9.0 and act.moving_s == 8.0
    assert act.distance_m == 1000.0
    assert act.avg_hr_bpm == 150 and act.max_hr_bpm == 170
    assert act.avg_cadence_spm == 171.0  # 2 × (85 + 64/128) strides/min
    assert act.device == "garmin fr945"
    assert act.elevation_gain_m == pytest.approx(90.0)  # no device total: from 100→190 m
    assert act.elevation_loss_m == pytest.approx(0.0)
    assert len(act.route) == 10  # 111 m apart, all kept
    assert act.route[0] == pytest.approx((51.5, -0.1), abs=1e-6)
    assert act.route[-1] == pytest.approx((51.509, -0.1), abs=1e-6)
    assert (act.source_file, act.content_hash, act.source_format) == ("run.fit", "abc", "fit")
    assert act.name is None and act.session_index == 0


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("variant", [{"big_endian": True}, {"dev": True}], ids=["be", "dev"])
def test_big_endian_and_developer_fields_read_the_same(
    reader: Reader, variant: dict[str, bool]
) -> None:
    plain = reader(fit_file(*run_messages()), source_file="a", content_hash="h")
    other = reader(fit_file(*run_messages(**variant)), source_file="a", content_hash="h")
    assert other == plain


def test_header_without_crc_reads() -> None:
    acts = read_fit(fit_file(*run_messages(), header_size=12), source_file="a", content_hash="h")
    assert acts[0].distance_m == 1000.0


@pytest.mark.parametrize("reader", READERS)
def test_chained_files_give_one_activity_each(reader: Reader) -> None:
    first = fit_file(*run_messages())
    second = fit_file(*run_messages(start=T0 + 86400))
    acts = reader(first + second, source_file="a", content_hash="h")
    assert [a.session_index for a in acts] == [0, 1]
    assert acts[1].started_at - acts[0].started_at == timedelta(days=1)


@pytest.mark.parametrize("reader", READERS)
def test_bytes_after_a_complete_file_are_ignored(reader: Reader) -> None:
    acts = reader(fit_file(*run_messages()) + b"\0\0\0", source_file="a", content_hash="h")
    assert len(acts) == 1


@pytest.mark.parametrize("reader", READERS)
def test_records_only_file_is_summarised_from_records(reader: Reader) -> None:
    [act] = reader(fit_file(*run_messages(session=False)), source_file="a", content_hash="h")
    assert act.elapsed_s == 9.0
    assert act.avg_hr_bpm == 150
    assert act.sport == "generic"  # nothing in the file says otherwise
    assert act.avg_cadence_spm is None  # per-leg or not is unknown without a sport


LAP = [
    (253, 4, 0x86),
    (2, 4, 0x86),
    (7, 4, 0x86),
    (8, 4, 0x86),
    (9, 4, 0x86),
    (25, 1, 0),
    (39, 1, 0),
]


@pytest.mark.parametrize("reader", READERS)
def test_file_without_session_is_summarised_from_its_laps(reader: Reader) -> None:
    """Some devices stop before writing the session; the laps still add up to the run."""
    laps = [
        definition(4, 19, LAP),
        data(4, "IIIIIBB", T0 + 4, T0, 4000, 4000, 40000, 1, 2),  # running / street
        data(4, "IIIIIBB", T0 + 9, T0 + 4, 5000, 3000, 60000, 1, 2),
    ]
    [act] = reader(fit_file(*run_messages(session=False), *laps), source_file="a", content_hash="h")
    assert (act.sport, act.sub_sport, act.surface) == ("running", "street", "road")
    assert (act.elapsed_s, act.moving_s, act.distance_m) == (9.0, 7.0, 1000.0)
    assert act.started_at == datetime(1989, 12, 31, tzinfo=UTC) + timedelta(seconds=T0)
    assert act.avg_cadence_spm == 170.0  # records' 85 strides/min, doubled


@pytest.mark.parametrize("reader", READERS)
def test_settings_file_is_not_an_activity_and_says_its_type(reader: Reader) -> None:
    with pytest.raises(NotAnActivity, match="settings"):
        reader(fit_file(*run_messages(file_type=2)), source_file="a", content_hash="h")


@pytest.mark.parametrize("reader", READERS)
def test_device_clock_time_is_dated_by_local_end_time(reader: Reader) -> None:
    """Early FR70s count from power-on; the activity's local_timestamp is still absolute."""
    [act] = reader(fit_file(*run_messages(start=5000)), source_file="a", content_hash="h")
    # local end is T0 + 9 + 7200 s and the run lasted 9 s
    assert act.started_at == datetime(1989, 12, 31, tzinfo=UTC) + timedelta(seconds=T0 + 7200)
    assert act.utc_offset_s is None


def test_unsupported_layout_falls_back_to_fitdecode() -> None:
    blob = fit_file(*run_messages(hr_size=2))  # heart_rate as a 2-byte array: legal, unusual
    with pytest.raises(FastPathUnsupported):
        decode_fit(blob)
    acts = read_fit(blob, source_file="a", content_hash="h")
    assert acts == read_fit_reference(blob, source_file="a", content_hash="h")
    assert acts[0].distance_m == 1000.0


# --- bad input: always CorruptFile, never a crash or a huge allocation -----------------


@pytest.mark.parametrize("reader", READERS)
def test_empty_input_is_corrupt(reader: Reader) -> None:
    with pytest.raises(CorruptFile, match="empty"):
        reader(b"", source_file="a", content_hash="h")


@pytest.mark.parametrize("reader", READERS)
def test_random_bytes_are_corrupt(reader: Reader) -> None:
    junk = random.Random(13).randbytes(13)
    with pytest.raises(CorruptFile):
        reader(junk, source_file="a", content_hash="h")


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("keep", [1, 11, 14, 20, 60, 150, -3, -1])
def test_truncated_file_is_corrupt(reader: Reader, keep: int) -> None:
    blob = fit_file(*run_messages())
    with pytest.raises(CorruptFile):
        reader(blob[:keep], source_file="a", content_hash="h")


@pytest.mark.parametrize("reader", READERS)
def test_header_claiming_4_gb_is_corrupt_without_allocating(reader: Reader) -> None:
    blob = bytearray(fit_file(*run_messages(), header_size=12))
    blob[4:8] = struct.pack("<I", 0xFFFFFFF0)
    with pytest.raises(CorruptFile, match="truncated"):
        reader(bytes(blob), source_file="a", content_hash="h")


@pytest.mark.parametrize("reader", READERS)
def test_flipped_byte_fails_the_crc(reader: Reader) -> None:
    blob = bytearray(fit_file(*run_messages()))
    blob[40] ^= 0x01
    with pytest.raises(CorruptFile, match="CRC"):
        reader(bytes(blob), source_file="a", content_hash="h")


def _mutants(count: int) -> list[bytes]:
    """Copies of a valid file with 1–4 bytes changed and the CRC fixed, so decoding proceeds."""
    original = fit_file(*run_messages(), header_size=12)
    rng = random.Random(2026)
    out = []
    for _ in range(count):
        body = bytearray(original[:-2])
        for _ in range(rng.randint(1, 4)):
            body[rng.randrange(12, len(body))] = rng.randrange(256)
        out.append(bytes(body) + struct.pack("<H", sdk_crc(bytes(body))))
    return out


def test_mutated_files_never_crash_the_fast_path() -> None:
    outcomes: set[str] = set()
    for blob in _mutants(400):
        try:
            activities_from_members(decode_fit(blob), source_file="a", content_hash="h")
            outcomes.add("read")
        except (CorruptFile, NotAnActivity, FastPathUnsupported) as exc:
            outcomes.add(type(exc).__name__)
    assert {"read", "CorruptFile", "FastPathUnsupported"} <= outcomes  # mutations bit


@pytest.mark.slow
def test_mutated_files_never_crash_read_fit_with_its_fallback() -> None:
    for blob in _mutants(400):
        try:
            read_fit(blob, source_file="a", content_hash="h")
        except (CorruptFile, NotAnActivity):
            pass
