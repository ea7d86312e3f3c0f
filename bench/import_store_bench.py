"""Import into a fresh SQLite store: full, no-op re-import, one new FIT, peak RSS, GPX MB/s.

Run: .venv/bin/python bench/import_store_bench.py [N_FILES]   (default 3000)

The history is a Strava-style export (activities.csv + activities/<id>.gpx.gz) made
from the corpus GPX/TCX files with each copy moved to its own day, so every file is
a distinct activity. It is written to a temporary folder and deleted afterwards.
"""

from __future__ import annotations

import gzip
import multiprocessing
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = Path(HERE.parent.parent / "shared" / "corpus" / "activities")
NEW_FIT = CORPUS / "fit" / "sports-lib__6782987395.fit"  # FR945 run, 83 min, 251 kB
_DATE = re.compile(rb"(\d{4})-(\d{2})-(\d{2})T")


def _templates() -> list[tuple[str, bytes]]:
    """Recorded GPX/TCX activities of the corpus (routes and broken files left out)."""
    from backstride.errors import IngestError
    from backstride.ingest import SourceFile, read_activities

    found = []
    for path in sorted((CORPUS / "gpx").glob("*.gpx")) + sorted((CORPUS / "tcx").glob("*.tcx")):
        data = path.read_bytes()
        try:
            read_activities(SourceFile.from_bytes(path.name, data))
        except IngestError:
            continue
        found.append((path.suffix, data))
    return found


def build_history(dest: Path, n_files: int) -> int:
    """Write a Strava-style export of `n_files` activities to `dest`; bytes uncompressed."""
    (dest / "activities").mkdir(parents=True)
    templates = _templates()
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


def _import(db: Path, paths: list[Path], data_dir: Path) -> tuple[float, dict[str, object]]:
    from backstride import store
    from backstride.services.importing import import_paths

    engine = store.connect(f"sqlite:///{db}")
    started = time.perf_counter()
    report = import_paths(engine, paths, data_dir=data_dir)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, report.to_dict()


def _full_import_child(db: str, export: str, data_dir: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    elapsed, report = _import(Path(db), [Path(export)], Path(data_dir))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    out.put((elapsed, cpu, report["imported"], len(report["failed"]), usage.ru_maxrss / 1024))


def gpx_speed() -> tuple[float, float]:
    """MB/s (process time, median of 3) of read_gpx and gpxpy over the corpus GPX files."""
    import gpxpy

    from backstride.errors import IngestError
    from backstride.ingest.gpx import read_gpx

    files = [p.read_bytes() for p in sorted((CORPUS / "gpx").glob("*.gpx"))]
    size_mb = sum(map(len, files)) / 1e6

    def ours() -> None:
        for data in files:
            try:
                read_gpx(data, source_file="x", content_hash="x")
            except IngestError:
                pass

    def reference() -> None:
        for data in files:
            try:
                gpxpy.parse(data.decode("utf-8-sig").lstrip())
            except Exception:  # noqa: BLE001 - gpxpy fails on some real files
                pass

    def rate(fn: object) -> float:
        times = []
        for _ in range(3):
            started = time.process_time()
            fn()  # type: ignore[operator]
            times.append(time.process_time() - started)
        return size_mb / statistics.median(times)

    return rate(ours), rate(reference)


def fit_history_import(tmp: Path, n_files: int) -> None:
    """Full import of a FIT history made by the FIT bench's build_history."""
    sys.path.insert(0, str(HERE))
    from import_bench import build_history as build_fit_history

    paths = build_fit_history(tmp / "fit-history", n_files)
    mb = sum(p.stat().st_size for p in paths) / 1e6
    cpu = time.process_time()
    elapsed, report = _import(tmp / "fit.db", [tmp / "fit-history"], tmp / "fit-data")
    cpu = time.process_time() - cpu
    print(
        f"full FIT import: {n_files} files, {mb:.0f} MB in {elapsed:.1f} s wall / {cpu:.1f} s CPU "
        f"= {n_files / elapsed:.0f} files/s, {mb / elapsed:.1f} MB/s; "
        f"{report['imported']} activities, {len(report['failed'])} failed"
    )


def main(n_files: int) -> None:
    ours, reference = gpx_speed()
    print(
        f"GPX parse (corpus, 1 core, median of 3): read_gpx {ours:.1f} MB/s, "
        f"gpxpy {reference:.1f} MB/s"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        export = tmp / "export"
        uncompressed = build_history(export, n_files)
        db, data_dir = tmp / "store.db", tmp / "data"
        queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        child = multiprocessing.get_context("fork").Process(
            target=_full_import_child, args=(str(db), str(export), str(data_dir), queue)
        )
        child.start()
        elapsed, cpu, imported, failed, peak_mb = queue.get()
        child.join()
        mb = uncompressed / 1e6
        print(
            f"full import: {n_files} files, {mb:.0f} MB uncompressed GPX/TCX in {elapsed:.1f} s "
            f"wall ({cpu:.1f} s CPU) = {n_files / elapsed:.0f} files/s, {mb / elapsed:.1f} MB/s "
            f"wall, {mb / cpu:.1f} MB/s per CPU-second; "
            f"{imported} activities, {failed} failed; peak RSS {peak_mb:.0f} MB"
        )
        noop = [_import(db, [export], data_dir)[0] for _ in range(3)]
        print(f"no-op re-import of {n_files} files: median {statistics.median(noop):.3f} s")
        one = []
        for i in range(3):
            copy = tmp / f"copy{i}.db"
            shutil.copy(db, copy)
            one.append(_import(copy, [NEW_FIT], tmp / f"data{i}")[0])
        print(
            f"one new 83-minute FIT into the {imported}-activity store: "
            f"median {statistics.median(one):.3f} s"
        )
        fit_history_import(tmp, min(n_files, 1000))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
