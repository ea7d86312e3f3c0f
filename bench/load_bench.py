"""How long the load report and evidence take on a synthetic 10-year history (~3,000 runs).

The history is also the one the web and team benches serve.

    python bench/load_bench.py            # 10 years
    python bench/load_bench.py --smoke    # 120 days: checks the bench runs, figures mean nothing
"""

from __future__ import annotations

import argparse
import math
import random
import time
from datetime import UTC, date, datetime, timedelta

from backstride.analyse.evidence import training_evidence
from backstride.analyse.report import build_load_report
from backstride.kb import load_kb
from backstride.models import Activity, Shoe, StoredActivity

TODAY = date(2025, 11, 10)
RULES = load_kb().load_rules


def _loop(rng: random.Random) -> tuple[tuple[float, float], ...]:
    lat0, lon0 = 52.0 + rng.choice([0.0, 0.02, 0.04]), 13.0 + rng.choice([0.0, 0.03])
    return tuple(
        (
            lat0 + 0.01 * math.sin(k / 20 * 2 * math.pi),
            lon0 + 0.015 * math.cos(k / 20 * 2 * math.pi),
        )
        for k in range(21)
    )


def history(n_days: int = 3650, seed: int = 1) -> list[StoredActivity]:
    rng = random.Random(seed)
    runs = []
    for d in range(n_days):
        if rng.random() > 0.8:
            continue
        day = TODAY - timedelta(days=n_days - d)
        km = rng.uniform(5, 20)
        runs.append(
            StoredActivity(
                len(runs) + 1,
                Activity(
                    sport="running",
                    started_at=datetime(day.year, day.month, day.day, 7, tzinfo=UTC),
                    elapsed_s=km * 330,
                    source_file="x",
                    content_hash=str(d),
                    source_format="fit",
                    distance_m=km * 1000,
                    elevation_gain_m=rng.uniform(0, 200),
                    avg_hr_bpm=rng.gauss(145, 8),
                    avg_cadence_spm=rng.gauss(170, 3),
                    gear=rng.choice(["A", "B"]),
                    route=_loop(rng),
                ),
            )
        )
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3650, help="history length (default 3650)")
    parser.add_argument(
        "--smoke", action="store_true", help="120 days, to check the bench runs (tests)"
    )
    args = parser.parse_args()
    runs = history(120 if args.smoke else args.days)
    shoes = [Shoe(1, "A", 800, date(2015, 1, 1)), Shoe(2, "B", 800, date(2015, 1, 1))]
    for weeks in (8, 520):
        t0 = time.perf_counter()
        report = build_load_report(runs, shoes, today=TODAY, weeks=weeks, rules=RULES)
        print(
            f"load report, {len(runs)} runs, {weeks} weeks: {time.perf_counter() - t0:.2f} s, "
            f"{len(report.flags)} flags"
        )
    t0 = time.perf_counter()
    training_evidence(runs, shoes, today=TODAY, rules=RULES)
    print(f"training evidence, {len(runs)} runs: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
