"""Import benchmark: a synthetic 10-year FIT history, read with read_fit and with fitdecode.

    python bench/import_bench.py                 # ~3,000 files, 3 repeats (about 4-5 min)
    python bench/import_bench.py --files 300     # quicker
    python bench/import_bench.py --xml           # GPX/TCX: each read path end to end
    python bench/import_bench.py --smoke         # 10 files, once: checks the bench runs

The history is built from the corpus's valid FIT activity files (../shared/corpus), each
copy with every timestamp moved so the copies are distinct activities spread over ten
years (shifts are multiples of 32 s so compressed-timestamp headers stay consistent; file
CRCs are recomputed). `build_history` and `time_read_fit` are importable, so the store
import timings (full import, no-op re-import, one new file) can be added next to them.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import resource
import shutil
import struct
import sys
import tempfile
import time
import tracemalloc
import warnings
from dataclasses import dataclass
from pathlib import Path

import fitdecode

from backstride.errors import IngestError
from backstride.ingest import _xml_fast
from backstride.ingest._fit_crc import fit_crc
from backstride.ingest.fit import read_fit
from backstride.ingest.gpx import read_gpx
from backstride.ingest.tcx import read_tcx

SHARED = Path(os.environ.get("BACKSTRIDE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CORPUS_FIT = SHARED / "corpus" / "activities" / "fit"
FIT_EPOCH_S = 631065600
TEN_YEARS_S = 10 * 365 * 86400
_HISTORY_END_FIT_S = 1_735_689_600 - FIT_EPOCH_S  # 2025-01-01T00:00Z, an arbitrary "now"

#: date_time fields to move, per global message number (253 = timestamp, in every message).
_TIME_FIELDS: dict[int, set[int]] = {0: {4}, 18: {2}, 19: {2}, 34: {5}}


@dataclass(frozen=True)
class Throughput:
    """One timed pass over a set of files."""

    files: int
    bytes_: int
    seconds: float  # wall clock
    cpu_s: float  # this process's CPU time: steadier than wall time on a shared machine

    @property
    def files_per_s(self) -> float:
        return self.files / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.bytes_ / self.seconds / 1e6

    @property
    def mb_per_cpu_s(self) -> float:
        return self.bytes_ / self.cpu_s / 1e6


def shift_fit_times(data: bytes, shift_s: int) -> bytes:
    """A copy of a (possibly chained) FIT file with every absolute date_time moved by shift_s.

    Only absolute times (>= 0x10000000) move; CRCs are recomputed. shift_s must be a
    multiple of 32 so 5-bit compressed timestamps still decode to the shifted times.
    """
    assert shift_s % 32 == 0
    out = bytearray(data)
    offset = 0
    while offset + 12 <= len(out) and out[offset + 8 : offset + 12] == b".FIT":
        header_size = out[offset]
        end = offset + header_size + int.from_bytes(out[offset + 4 : offset + 8], "little")
        _shift_records(out, offset + header_size, end, shift_s)
        out[end : end + 2] = struct.pack("<H", fit_crc(bytes(out[offset:end])))
        offset = end + 2
    return bytes(out)


def _shift_records(out: bytearray, pos: int, end: int, shift_s: int) -> None:
    layouts: dict[int, tuple[int, list[tuple[int, str]]]] = {}
    while pos < end:
        header = out[pos]
        pos += 1
        if header & 0x40 and not header & 0x80:
            big = out[pos + 1] == 1
            num = int.from_bytes(out[pos + 2 : pos + 4], "big" if big else "little")
            n_fields = out[pos + 4]
            times, offset = [], 0
            for i in range(n_fields):
                field, size = out[pos + 5 + 3 * i], out[pos + 6 + 3 * i]
                if size == 4 and (field == 253 or field in _TIME_FIELDS.get(num, set())):
                    times.append((offset, ">I" if big else "<I"))
                offset += size
            length = 5 + 3 * n_fields
            if header & 0x20:
                n_dev = out[pos + length]
                offset += sum(out[pos + length + 2 + 3 * j] for j in range(n_dev))
                length += 1 + 3 * n_dev
            layouts[header & 0x0F] = (offset, times)
            pos += length
            continue
        size, times = layouts[(header >> 5) & 0x3 if header & 0x80 else header & 0x0F]
        for at, fmt in times:
            (value,) = struct.unpack_from(fmt, out, pos + at)
            if 0x10000000 <= value < 0xFFFFFFFF:
                struct.pack_into(fmt, out, pos + at, value + shift_s)
        pos += size


def _corpus_sources() -> list[tuple[bytes, int]]:
    """(bytes, first start time in FIT seconds) for each corpus FIT file read_fit accepts."""
    if not CORPUS_FIT.is_dir():
        sys.exit(f"{CORPUS_FIT} not found: set BACKSTRIDE_SHARED to the shared folder")
    sources = []
    for path in sorted(CORPUS_FIT.iterdir()):
        data = path.read_bytes()
        try:
            acts = read_fit(data, source_file=path.name, content_hash="")
        except IngestError:
            continue
        sources.append((data, int(acts[0].started_at.timestamp()) - FIT_EPOCH_S))
    return sources


def build_history(dest: Path, n_files: int) -> list[Path]:
    """Write n_files distinct FIT activities into dest, evenly spread over ten years."""
    dest.mkdir(parents=True, exist_ok=True)
    sources = _corpus_sources()
    paths = []
    for i in range(n_files):
        data, start = sources[i % len(sources)]
        target = _HISTORY_END_FIT_S - TEN_YEARS_S + i * TEN_YEARS_S // max(n_files, 1)
        shifted = shift_fit_times(data, (target - start) // 32 * 32)
        path = dest / f"{i:05d}.fit"
        path.write_bytes(shifted)
        paths.append(path)
    return paths


class _FallbackCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "fast FIT decoder declined" in record.getMessage():
            self.count += 1


def time_read_fit(paths: list[Path]) -> tuple[Throughput, int, int]:
    """One single-threaded pass of read_fit over paths: (throughput, fallbacks, errors)."""
    counter = _FallbackCounter()
    logger = logging.getLogger("backstride.ingest.fit")
    logger.addHandler(counter)
    logger.setLevel(logging.INFO)
    errors = total = 0
    started, cpu = time.perf_counter(), time.process_time()
    try:
        for path in paths:
            data = path.read_bytes()
            total += len(data)
            try:
                read_fit(data, source_file=path.name, content_hash="")
            except IngestError:
                errors += 1
    finally:
        logger.removeHandler(counter)
    took = Throughput(len(paths), total, time.perf_counter() - started, time.process_time() - cpu)
    return took, counter.count, errors


def time_fitdecode(paths: list[Path]) -> Throughput:
    """One pass of plain fitdecode (every frame, default processor) over paths."""
    total = 0
    started, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            data = path.read_bytes()
            total += len(data)
            with fitdecode.FitReader(io.BytesIO(data)) as reader:
                for _ in reader:
                    pass
    return Throughput(len(paths), total, time.perf_counter() - started, time.process_time() - cpu)


def _sample(paths: list[Path], n: int) -> list[Path]:
    """Every k-th file, so the sample keeps the history's mix of file kinds and sizes."""
    if n >= len(paths):
        return paths
    step = len(paths) / n
    return [paths[int(i * step)] for i in range(n)]


def time_xml(paths: list[Path], *, fast: bool, fixed_width: bool = True) -> Throughput:
    """One pass of read_gpx / read_tcx over paths, by the given read path.

    fast=False is the streaming reader alone; fixed_width=False keeps the regex fast path
    but parses its times with datetime64 instead of the date-grid `_fixed_width_utc`.
    """
    real = _xml_fast._fixed_width_utc
    if not fixed_width:
        _xml_fast._fixed_width_utc = lambda *_: None  # type: ignore[assignment]
    total = 0
    started, cpu = time.perf_counter(), time.process_time()
    try:
        for path in paths:
            data = path.read_bytes()
            total += len(data)
            read = read_gpx if path.suffix == ".gpx" else read_tcx
            try:
                read(data, source_file=path.name, content_hash="", fast=fast)
            except IngestError:
                pass
    finally:
        _xml_fast._fixed_width_utc = real
    return Throughput(len(paths), total, time.perf_counter() - started, time.process_time() - cpu)


def xml_main(repeats: int) -> None:
    """The corpus's GPX and TCX files read by each path, in turns; median CPU of each."""
    for suffix in ("gpx", "tcx"):
        paths = sorted((SHARED / "corpus" / "activities" / suffix).glob(f"*.{suffix}"))
        ways = {
            "streaming only (fast=False)": {"fast": False},
            "fast path, datetime64 times": {"fast": True, "fixed_width": False},
            "fast path, date grid (_fixed_width_utc)": {"fast": True},
        }
        runs: dict[str, list[Throughput]] = {label: [] for label in ways}
        for _ in range(repeats):
            for label, kwargs in ways.items():
                runs[label].append(time_xml(paths, **kwargs))
        base = sorted(t.cpu_s for t in runs["streaming only (fast=False)"])[repeats // 2]
        for label, times in runs.items():
            median = sorted(times, key=lambda t: t.cpu_s)[repeats // 2]
            print(_line(f"{suffix}: {label}", median) + f"  {base / median.cpu_s:.2f}x")


def _line(label: str, t: Throughput) -> str:
    return (
        f"{label:<38} {t.files_per_s:8.1f} files/s {t.mb_per_s:7.2f} MB/s wall; "
        f"{t.mb_per_cpu_s:7.2f} MB/s per CPU-s  ({t.files} files, {t.bytes_ / 1e6:.1f} MB, "
        f"{t.seconds:.1f} s wall, {t.cpu_s:.1f} s CPU)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=3000, help="history size (default 3000)")
    parser.add_argument("--repeats", type=int, default=3, help="read_fit passes (median)")
    parser.add_argument("--fitdecode-sample", type=int, default=300, help="files for fitdecode")
    parser.add_argument("--keep", type=Path, help="build the history here and keep it")
    parser.add_argument("--xml", action="store_true", help="GPX/TCX read paths instead")
    parser.add_argument(
        "--smoke", action="store_true", help="10 files, one pass, 3 for fitdecode (tests)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.files, args.repeats, args.fitdecode_sample = 10, 1, 3
    if args.xml:
        xml_main(max(args.repeats, 5))
        return
    # Per-file notes (e.g. early FR70 clocks) repeat for every copy; keep the figures readable.
    logging.getLogger("backstride.ingest._fit_summary").setLevel(logging.ERROR)

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="backstride-bench-"))
    try:
        started = time.perf_counter()
        paths = build_history(workdir, args.files)
        size = sum(p.stat().st_size for p in paths)
        print(f"history: {len(paths)} files, {size / 1e6:.1f} MB in {workdir} "
              f"(built in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        runs = [time_read_fit(paths) for _ in range(args.repeats)]
        fast = sorted((r[0] for r in runs), key=lambda t: t.seconds)[len(runs) // 2]
        print(_line(f"read_fit, median of {len(runs)}", fast))
        print(f"  fast-path fallbacks to fitdecode: {runs[0][1]}; files rejected: {runs[0][2]}")
        sample = _sample(paths, args.fitdecode_sample)
        fast_runs = sorted((time_read_fit(sample)[0] for _ in range(3)), key=lambda t: t.seconds)
        slow = time_fitdecode(sample)
        print(_line(f"read_fit, same {len(sample)}-file sample", fast_runs[1]))
        print(_line(f"fitdecode alone, same {len(sample)} files", slow))
        print(
            f"ratio read_fit / fitdecode on the same files: "
            f"{slow.seconds / fast_runs[1].seconds:.1f}x wall, "
            f"{slow.cpu_s / fast_runs[1].cpu_s:.1f}x CPU"
        )
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        biggest = max(paths, key=lambda p: p.stat().st_size)
        tracemalloc.start()
        read_fit(biggest.read_bytes(), source_file=biggest.name, content_hash="")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"tracemalloc peak reading the largest file ({biggest.stat().st_size / 1e6:.1f} MB): "
              f"{peak / 1e6:.1f} MB")  # fmt: skip
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
