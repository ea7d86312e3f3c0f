"""Start-up time of the CLI: `backstride --help` and the quick commands against `python -c pass`.

    python bench/cli_startup_bench.py            # 15 runs of each (about 1-2 min)
    python bench/cli_startup_bench.py --runs 5   # quicker
    python bench/cli_startup_bench.py --smoke    # one run each: checks the bench runs

Each command runs in a fresh `python -m backstride` process (what the console script
does), in turns, so a busy moment on the machine spreads over all of them. The median wall
time and CPU time of each are printed beside those of `python -c pass` measured in the same
run, with the ratio; CPU time (user + system of the child) is the steadier of the two on a
shared machine. The store is a throw-away SQLite file and the config dir an empty one, so
the runner's own data is never touched.

Target (issue 16): `--help`, `check --answers` and `diary add` well under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ANSWERS = Path(__file__).resolve().parents[1] / "tests" / "data" / "answers" / "baseline.yaml"
TARGET_S = 0.3
BASELINE = "python -c pass"


def _diary_add(run: int) -> list[str]:
    day = date(2020, 1, 1) + timedelta(days=run)  # one entry per day: each run a new day
    return ["-m", "backstride", "diary", "add", "--date", day.isoformat(), "--during", "3"]


#: label -> argv after `python` for the n-th run; the first is the baseline.
COMMANDS: dict[str, Callable[[int], list[str]]] = {
    BASELINE: lambda _: ["-c", "pass"],
    "backstride --help": lambda _: ["-m", "backstride", "--help"],
    "backstride check --help": lambda _: ["-m", "backstride", "check", "--help"],
    "backstride diary add --help": lambda _: ["-m", "backstride", "diary", "add", "--help"],
    "backstride check --answers … --no-save": lambda _: [
        "-m", "backstride", "check", "--answers", str(ANSWERS), "--no-save",
    ],
    "backstride diary add --during 3": _diary_add,
}  # fmt: skip


def time_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall time, CPU time) of one run [s]; a failing command stops the bench."""
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, *argv], env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)


def measure(runs: int) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) of every run of every command, against a fresh throw-away store."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "BACKSTRIDE_DB": str(Path(tmp) / "bench.db"),
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
            "XDG_DATA_HOME": str(Path(tmp) / "data"),
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),  # the KB cache, warmed untimed
            "TERM": "dumb",
            # as on a user's machine: the untimed warm-up writes the bytecode (a host with
            # PYTHONDONTWRITEBYTECODE set would otherwise time compiling ~0.2 s each run)
            "PYTHONDONTWRITEBYTECODE": "",
        }
        for argv in COMMANDS.values():  # warm the file cache and create the store, untimed
            time_once(argv(runs), env)
        times: dict[str, list[tuple[float, float]]] = {label: [] for label in COMMANDS}
        for run in range(runs):
            for label, argv in COMMANDS.items():
                times[label].append(time_once(argv(run), env))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    parser.add_argument("--smoke", action="store_true", help="one run each (tests)")
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    times = measure(args.runs)
    base_wall = statistics.median(w for w, _ in times[BASELINE])
    base_cpu = statistics.median(c for _, c in times[BASELINE])
    print(f"{args.runs} runs each, {sys.executable} (Python {sys.version.split()[0]})")
    print(f"{'median of':<40} {'wall':>8} {'ratio':>6}   {'CPU':>8} {'ratio':>6}")
    for label, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        verdict = ""
        if label != BASELINE:
            verdict = "  OK" if wall < TARGET_S else f"  over the {TARGET_S} s target"
        print(
            f"{label:<40} {wall * 1000:5.0f} ms {wall / base_wall:5.1f}x   "
            f"{cpu * 1000:5.0f} ms {cpu / base_cpu:5.1f}x{verdict}"
        )


if __name__ == "__main__":
    main()
