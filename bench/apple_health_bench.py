"""Apple Health export.xml streaming: MB/s and peak RSS over a generated export.

Run: .venv/bin/python bench/apple_health_bench.py [SIZE_MB] (default 200; the issue's
figure is for 1024, i.e. a 1 GB export); `--smoke` writes 2 MB, to check the bench runs.

A new-schema export.xml of SIZE_MB (Records with metadata, ActivitySummary days and one
workout per ~2 MB) is written to a temporary folder, then read by
`backstride.ingest.iter_sources` in a forked child, so that the peak RSS is the
reader's own. Printed beside it, in the same run: the same bytes read by lxml
iterparse with nothing done per element (the floor of any streaming reader) and by a
plain read of the file (the disk).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.ingest._apple_health import Workout, write_export  # noqa: E402

TARGETS = "targets: >= 50 MB/s per core, peak RSS < 300 MB"


def _workouts(n: int) -> list[Workout]:
    out = []
    for i in range(n):
        day = i % 28 + 1
        out.append(
            Workout(
                "Running" if i % 3 else "Cycling",
                f"2023-{i // 28 % 12 + 1:02d}-{day:02d} 07:00:00 +0100",
                f"2023-{i // 28 % 12 + 1:02d}-{day:02d} 07:40:00 +0100",
                39.5,
                8.1 if i % 3 else 21.0,
                "km" if i % 2 else "mi",
                hr=(150.0, 95.0, 171.0),
            )
        )
    return out


def _child(path: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from backstride.ingest import SourceFile, iter_sources

    wall, cpu = time.perf_counter(), time.process_time()
    workouts = failed = 0
    for source in iter_sources([Path(path)]):
        if isinstance(source, SourceFile):
            workouts += 1
        else:
            failed += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put((wall, cpu, workouts, failed, peak))


def _lxml_floor(path: Path) -> float:
    from lxml import etree

    started = time.process_time()
    for _event, element in etree.iterparse(str(path), events=("end",), tag="Record"):
        element.clear()
        parent = element.getparent()
        while element.getprevious() is not None:
            del parent[0]
    return time.process_time() - started


def main(size_mb: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xml"
        with path.open("wb") as out:
            written = write_export(out, _workouts(max(size_mb // 2, 1)), size_bytes=size_mb << 20)
        mb = written / (1 << 20)
        started = time.perf_counter()
        with path.open("rb") as handle:
            while handle.read(1 << 20):
                pass
        disk = time.perf_counter() - started
        queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        child = multiprocessing.get_context("fork").Process(target=_child, args=(str(path), queue))
        child.start()
        wall, cpu, workouts, failed, peak = queue.get()
        child.join()
        floor = _lxml_floor(path)
    print(f"Apple Health export.xml, {mb:.0f} MB generated, {workouts} workouts, {failed} failed")
    print(
        f"  import reader: {mb / wall:.1f} MB/s wall, {mb / cpu:.1f} MB/s per core (CPU), "
        f"peak RSS {peak:.0f} MB"
    )
    print(
        f"  bare lxml iterparse (same file, 1 core): {mb / floor:.1f} MB/s — reader at "
        f"{floor / cpu:.2f}x of it"
    )
    print(f"  plain read of the file: {mb / disk:.0f} MB/s")
    print(f"  {TARGETS}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size_mb", nargs="?", type=int, default=200, help="export size (MB)")
    parser.add_argument(
        "--smoke", action="store_true", help="a 2 MB export, to check the bench runs (tests)"
    )
    args = parser.parse_args()
    main(2 if args.smoke else args.size_mb)
