"""Import into a fresh SQLite store: the figures issue 3 asks for, per kind of history.

Run: .venv/bin/python bench/import_store_bench.py [N_FILES] [--gpx-only] [--pool] [--repeat=K]
(default 3000 files, K=1); `--smoke` imports 10 files of each kind and reads the corpus
once, to check the bench runs (tests/test_bench_smoke.py).

`--gpx-only` stops after the GPX-only export (the issue's figure), to repeat it cheaply;
`--repeat=K` imports that export K times into fresh stores and prints the median, as
the shared machine's speed drifts by a third from one minute to the next. `--pool`
runs only the whole-history comparison: one process against the process pool (one
parsing process per core, one writer), fresh stores, in the same run.

Three histories of N_FILES each, written to a temporary folder and deleted afterwards:
a Strava-style export (activities.csv + activities/<id>.gpx.gz / .tcx.gz) made from
the corpus GPX and TCX files, a GPX-only ("GPX-heavy") one, and a FIT history from
the FIT bench's build_history; every copy is moved to its own day, so every file is
a distinct activity. For each: files/s, MB/s (wall, and per CPU-second = per core,
the import being single-threaded), peak RSS of the importing process, and the ratio
to the bare parser run single-threaded over the same files in the same run.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import multiprocessing
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("BACKSTRIDE_SHARED", HERE.parent.parent / "shared"))
CORPUS = SHARED / "corpus" / "activities"
NEW_FIT = CORPUS / "fit" / "sports-lib__6782987395.fit"  # FR945 run, 83 min, 251 kB
_DATE = re.compile(rb"(\d{4})-(\d{2})-(\d{2})T")


def _templates(kinds: tuple[str, ...] = ("gpx", "tcx")) -> list[tuple[str, bytes]]:
    """Recorded GPX/TCX activities of the corpus (routes and broken files left out)."""
    from backstride.errors import IngestError
    from backstride.ingest import SourceFile, read_activities

    found = []
    for path in [p for kind in kinds for p in sorted((CORPUS / kind).glob(f"*.{kind}"))]:
        data = path.read_bytes()
        try:
            read_activities(SourceFile.from_bytes(path.name, data))
        except IngestError:
            continue
        found.append((path.suffix, data))
    return found


def build_history(dest: Path, n_files: int, kinds: tuple[str, ...] = ("gpx", "tcx")) -> int:
    """Write a Strava-style export of `n_files` activities to `dest`; bytes uncompressed."""
    (dest / "activities").mkdir(parents=True)
    templates = _templates(kinds)
    rows = ["Activity ID,Activity Name,Activity Type,Activity Gear,Filename\n"]
    total = 0
    for i in range(n_files):
        suffix, data = templates[i % len(templates)]
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        year = 1990 + i // (28 * 12)
        stamp = f"{year:04d}-{month:02d}-{day:02d}T".encode()
        data = _DATE.sub(stamp, data)
        total += len(data)
        name = f"activities/{i}{suffix}.gz"
        (dest / name).write_bytes(gzip.compress(data, compresslevel=1))
        rows.append(f"{i},Run {i},Run,Shoe {i % 3},{name}\n")
    (dest / "activities.csv").write_text("".join(rows), encoding="utf-8")
    return total


def _import(
    db: Path, paths: list[Path], data_dir: Path, workers: int | None = 1
) -> tuple[float, dict[str, object]]:
    from backstride import store
    from backstride.services.importing import import_paths

    engine = store.connect(f"sqlite:///{db}")
    started = time.perf_counter()
    report = import_paths(engine, paths, data_dir=data_dir, workers=workers)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, report.to_dict()


def _full_import_child(db: str, source: str, data_dir: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    cpu = time.process_time()
    elapsed, report = _import(Path(db), [Path(source)], Path(data_dir))
    cpu = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put((elapsed, cpu, report["imported"], len(report["failed"]), peak_mb))


def full_import(db: Path, source: Path, data_dir: Path) -> tuple[float, float, int, int, float]:
    """(wall s, CPU s, activities, failures, peak RSS MB) of a fresh import, run in a
    forked child so that its peak RSS is the import's own."""
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    child = multiprocessing.get_context("fork").Process(
        target=_full_import_child, args=(str(db), str(source), str(data_dir), queue)
    )
    child.start()
    result = queue.get()
    child.join()
    return result  # type: ignore[no-any-return]


def bare_parse_cpu(files: list[Path]) -> tuple[float, int]:
    """CPU seconds and uncompressed bytes of read_activities alone (gunzip included)
    over `files`, single-threaded: what the import adds is the ratio to this."""
    import gzip as gz

    from backstride.errors import IngestError
    from backstride.ingest import SourceFile, read_activities

    total = 0
    started = time.process_time()
    for path in files:
        raw = path.read_bytes()
        data = gz.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        total += len(data)
        try:
            read_activities(SourceFile.from_bytes(path.name.removesuffix(".gz"), data))
        except IngestError:
            pass
    return time.process_time() - started, total


def xml_speed(kind: str, passes: int = 3) -> tuple[float, float, float]:
    """MB/s (CPU time, median of `passes`) over the corpus's recorded GPX or TCX
    activities: the reader, its streaming reference (fast=False), and gpxpy (GPX only,
    else 0)."""
    import gpxpy

    from backstride.ingest.gpx import read_gpx
    from backstride.ingest.tcx import read_tcx

    files = [data for _suffix, data in _templates((kind,))]
    size_mb = sum(map(len, files)) / 1e6
    reader = read_gpx if kind == "gpx" else read_tcx

    def rate(fn: Callable[[bytes], object]) -> float:
        times = []
        for _ in range(passes):
            started = time.process_time()
            for data in files:
                fn(data)
            times.append(time.process_time() - started)
        return size_mb / statistics.median(times)

    def gpxpy_parse(data: bytes) -> object:
        try:
            return gpxpy.parse(data.decode("utf-8-sig").lstrip())
        except Exception:  # noqa: BLE001 - gpxpy refuses some real files
            return None

    return (
        rate(lambda d: reader(d, source_file="x", content_hash="x")),
        rate(lambda d: reader(d, source_file="x", content_hash="x", fast=False)),
        rate(gpxpy_parse) if kind == "gpx" else 0.0,
    )


def _report(label: str, n_files: int, mb: float, run: tuple[float, float, int, int, float],
            bare_cpu: float) -> None:  # fmt: skip
    elapsed, cpu, imported, failed, peak_mb = run
    print(
        f"{label}: {n_files} files, {mb:.0f} MB in {elapsed:.1f} s wall / {cpu:.1f} s CPU = "
        f"{n_files / elapsed:.0f} files/s, {mb / elapsed:.1f} MB/s wall, "
        f"{mb / cpu:.1f} MB/s per core; {imported} activities, {failed} failed; "
        f"peak RSS {peak_mb:.0f} MB; bare parser {mb / bare_cpu:.1f} MB/s per core, "
        f"import/parser CPU {cpu / bare_cpu:.2f}x"
    )


def strava_import(
    tmp: Path, name: str, n_files: int, kinds: tuple[str, ...], repeat: int = 1
) -> Path:
    """Build a Strava-style export, import it fresh (`repeat` times, each into a new
    store, the bare parser timed after each) and print the figures; the export."""
    export = tmp / name
    mb = build_history(export, n_files, kinds) / 1e6
    per_core, ratios = [], []
    for i in range(repeat):
        suffix = f"-{i}" if i else ""
        run = full_import(tmp / f"{name}{suffix}.db", export, tmp / f"{name}{suffix}-data")
        bare_cpu, _ = bare_parse_cpu(sorted((export / "activities").iterdir()))
        _report(f"full import, {name}", n_files, mb, run, bare_cpu)
        per_core.append(mb / run[1])
        ratios.append(run[1] / bare_cpu)
    if repeat > 1:
        print(
            f"  median of {repeat}: {statistics.median(per_core):.1f} MB/s per core "
            f"(range {min(per_core):.1f}-{max(per_core):.1f}), import/parser CPU "
            f"{statistics.median(ratios):.2f}x"
        )
    return export


def fit_history_import(tmp: Path, n_files: int) -> None:
    """Full import of a FIT history made by the FIT bench's build_history, with the
    ratio to the bare parser and to fitdecode alone over a sample in the same run."""
    sys.path.insert(0, str(HERE))
    from import_bench import _sample, time_fitdecode
    from import_bench import build_history as build_fit_history

    # Per-file notes (e.g. early FR70 clocks) repeat for every copy; keep the figures readable.
    logging.getLogger("backstride.ingest._fit_summary").setLevel(logging.ERROR)
    paths = build_fit_history(tmp / "fit-history", n_files)
    mb = sum(p.stat().st_size for p in paths) / 1e6
    run = full_import(tmp / "fit.db", tmp / "fit-history", tmp / "fit-data")
    bare_cpu, _ = bare_parse_cpu(paths)
    _report("full import, FIT history", n_files, mb, run, bare_cpu)
    sample = _sample(paths, min(len(paths), 150))
    slow = time_fitdecode(sample)
    sample_mb = slow.bytes_ / 1e6
    print(
        f"  fitdecode alone on a {len(sample)}-file sample: {slow.mb_per_cpu_s:.2f} MB/s per "
        f"core; full import / fitdecode throughput: {mb / run[1] / slow.mb_per_cpu_s:.1f}x "
        f"(sample {sample_mb:.0f} MB)"
    )


def _timed_import(
    db: Path, paths: list[Path], data_dir: Path, workers: int, context: str | None
) -> tuple[float, float, float, dict[str, object]]:
    """(wall s, CPU s of this process, CPU s of its parsing workers, report) of one
    import; `context` forces the pool's start method ("fork" or "spawn")."""
    from multiprocessing import get_context

    from backstride.services import importing

    chosen = importing._pool_context
    if context is not None:
        importing._pool_context = lambda: get_context(context)  # type: ignore[assignment,return-value]
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        elapsed, report = _import(db, paths, data_dir, workers)
    finally:
        importing._pool_context = chosen
    own2 = resource.getrusage(resource.RUSAGE_SELF)
    kids2 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own2.ru_utime + own2.ru_stime - own.ru_utime - own.ru_stime
    workers_cpu = kids2.ru_utime + kids2.ru_stime - kids.ru_utime - kids.ru_stime
    return elapsed, cpu, workers_cpu, report


def pool_comparison(tmp: Path, n_files: int, repeat: int = 1) -> None:
    """A whole-history import on one core and on every core (the process pool, forked
    and spawned), fresh stores each time, interleaved in the same run: wall time, CPU
    time per file (the writer's process and the parsing workers) and the speed-ups. A
    file the import fails (a corpus GPX labelled a run at 54 m/s fails the bounds) is
    counted and named, never a crash of the bench."""
    import os

    from backstride.services.importing import default_workers

    export = tmp / "pool-history"
    mb = build_history(export, n_files, ("gpx", "tcx")) / 1e6
    cores = default_workers()
    modes = {"1 process": (1, None), "pool, fork": (cores, "fork"), "pool, spawn": (cores, "spawn")}
    runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label in modes}
    failures: list[object] = []
    loads = [os.getloadavg()[0]]
    for i in range(repeat):
        for n, (label, (workers, context)) in enumerate(modes.items()):
            name = f"pool-{n}-{i}"
            wall, cpu, kids, report = _timed_import(
                tmp / f"{name}.db", [export], tmp / name, workers, context
            )
            runs[label].append((wall, cpu, kids))
            failures = list(report["failed"])  # type: ignore[call-overload]
            loads.append(os.getloadavg()[0])
    print(
        f"whole-history import, {n_files} files ({mb:.0f} MB, GPX+TCX), {cores} cores, "
        f"median of {repeat}, interleaved; load average {min(loads):.1f}-{max(loads):.1f}:"
    )
    base_wall = statistics.median(w for w, _, _ in runs["1 process"])
    base_cpu = statistics.median(c + k for _, c, k in runs["1 process"])
    for label, times in runs.items():
        wall = statistics.median(w for w, _, _ in times)
        own = statistics.median(c for _, c, _ in times)
        total = statistics.median(c + k for _, c, k in times)
        # What the CPU times allow on idle cores: the writer alone, or all the work
        # shared by the cores, whichever is longer.
        bound = base_cpu / max(own, total / cores) if label != "1 process" else 1.0
        print(
            f"  {label:12} {wall:6.1f} s wall ({n_files / wall:4.0f} files/s) {base_wall / wall:5.2f}x;"
            f" CPU {1000 * total / n_files:5.1f} ms/file (writer {1000 * own / n_files:4.1f}),"
            f" {total / base_cpu:4.2f}x one process's; idle-core bound {bound:4.2f}x"
        )
    if failures:
        first = failures[0]
        print(f"  {len(failures)} files failed (reported, not fatal), e.g. {first}")


def main(
    n_files: int, *, gpx_only: bool = False, repeat: int = 1, pool_only: bool = False,
    passes: int = 3,
) -> None:  # fmt: skip
    if not CORPUS.is_dir():
        raise SystemExit(f"{CORPUS} not found: set BACKSTRIDE_SHARED to the shared folder")
    if pool_only:
        with tempfile.TemporaryDirectory() as tmp_name:
            pool_comparison(Path(tmp_name), n_files, repeat)
        return
    for kind in ("gpx", "tcx"):
        fast, streaming, reference = xml_speed(kind, passes)
        print(
            f"{kind.upper()} read (corpus recorded tracks, 1 core, median of {passes}): "
            f"read_{kind} {fast:.1f} MB/s, streaming reference {streaming:.1f} MB/s"
            + (f", gpxpy {reference:.1f} MB/s" if reference else "")
        )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        strava_import(tmp, "gpx-only Strava export", n_files, ("gpx",), repeat)
        if gpx_only:
            return
        export = strava_import(tmp, "Strava export (GPX+TCX)", n_files, ("gpx", "tcx"))
        db, data_dir = tmp / "Strava export (GPX+TCX).db", tmp / "Strava export (GPX+TCX)-data"
        noop = [_import(db, [export], data_dir)[0] for _ in range(3)]
        print(f"no-op re-import of {n_files} files: median {statistics.median(noop):.3f} s")
        one = []
        for i in range(3):
            copy = tmp / f"copy{i}.db"
            shutil.copy(db, copy)
            one.append(_import(copy, [NEW_FIT], tmp / f"data{i}")[0])
        print(
            f"one new 83-minute FIT into the {n_files}-file store: "
            f"median {statistics.median(one):.3f} s"
        )
        fit_history_import(tmp, n_files)
        pool_comparison(tmp, n_files)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_files", nargs="?", type=int, default=3000, help="history size (3000)")
    parser.add_argument("--gpx-only", action="store_true", help="stop after the GPX-only export")
    parser.add_argument("--pool", action="store_true", help="only one process against the pool")
    parser.add_argument("--repeat", type=int, default=1, help="fresh imports, median (1)")
    parser.add_argument(
        "--smoke", action="store_true", help="10 files, one pass over the corpus (tests)"
    )
    args = parser.parse_args()
    main(
        10 if args.smoke else args.n_files,
        gpx_only=args.gpx_only,
        repeat=args.repeat,
        pool_only=args.pool,
        passes=1 if args.smoke else 3,
    )
