"""How honest `backstride insights` is: false findings, power and interval coverage.

Synthetic runners, 8 months (240 days) of diary after 60 days of running history: 4-5 runs
a week with a 15 km Sunday long run, hard sessions by heart rate, evening runs, two routes,
two pairs of shoes, strength sessions and sleep on some days. The day's back pain is AR(1):

    pain_t = round(clip(3 + e_t, 0, 10)),  e_t = RHO e_(t-1) + N(0, SIGMA^2)

with ~10% of days not logged (never the day after a spike, so `exposures` is the number
with the next day's pain behind them). A planted effect adds `effect` points to the pain of the day
after each of `exposures` runs more than 10% over the 30-day longest (18 km against 15).

Printed over many seeds:
  * false-positive rate per history: share of null histories (no effect anywhere) with at
    least one credible finding across all factors and outcomes together (target <= 5%);
  * power: share of histories with a +2-point effect behind 5-6 exposures in which
    run_over_30d_longest -> pain_next_day is credible (target >= 80%);
  * coverage: share of planted-effect histories whose interval holds the true effect,
    at 95% and at the corrected level (target >= 90%);
  * a grid of power over effect sizes and numbers of exposures.

    python bench/insights_bench.py            # 150 seeds, ~2 minutes on one core
    python bench/insights_bench.py --seeds 1000
    python bench/insights_bench.py --smoke        # 2 seeds, 1 per grid cell: checks it runs
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from backstride.analyse.nof1 import t_quantile
from backstride.analyse.personal import daily_factors, find_insights
from backstride.analyse.personal_findings import Finding
from backstride.kb import load_kb
from backstride.models import Activity, DiaryEntry, Shoe, StoredActivity

START = date(2025, 1, 6)  # a Monday
LOOKBACK_DAYS = 60
DIARY_DAYS = 240
RHO, SIGMA, BASE = 0.5, 1.0, 3.0
FACTOR, OUTCOME = "run_over_30d_longest", "pain_next_day"


def _route(variant: int) -> tuple[tuple[float, float], ...]:
    lat0, lon0 = 52.0 + 0.03 * variant, 13.0 + 0.02 * variant
    return tuple(
        (
            lat0 + 0.01 * math.sin(k / 12 * 2 * math.pi),
            lon0 + 0.015 * math.cos(k / 12 * 2 * math.pi),
        )
        for k in range(13)
    )


ROUTES = (_route(0), _route(1))


def synthetic_runner(
    seed: int, *, effect: float = 0.0, exposures: int = 6
) -> tuple[list[StoredActivity], list[DiaryEntry], list[Shoe], date, date, set[date]]:
    """Runs, diary and shoes of one synthetic runner; the last item is the spike days."""
    rng = random.Random(seed)
    first = START + timedelta(days=LOOKBACK_DAYS)
    last = first + timedelta(days=DIARY_DAYS - 1)
    # Spike Sundays spread over the diary months, at least 35 days apart (so each is >10%
    # over the longest of its previous 30 days, the last spike included).
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    sundays = [first_sunday + timedelta(days=7 * k) for k in range(DIARY_DAYS // 7 - 1)]
    gap = max(5, len(sundays) // max(exposures, 1))
    offset = rng.randrange(0, max(1, len(sundays) - gap * (exposures - 1)))
    spikes = {sundays[min(offset + gap * i, len(sundays) - 1)] for i in range(exposures)}
    runs: list[StoredActivity] = []
    shoes = [
        Shoe(1, "Old pair", 800, START, None, 0.0, 600_000.0),
        Shoe(2, "New pair", 800, START + timedelta(days=150)),
    ]
    day = START
    while day <= last:
        weekday = day.weekday()
        if weekday == 6:
            km = 18.0 if day in spikes else rng.uniform(14.5, 15.5)
        elif weekday in (1, 3) or (weekday == 5 and rng.random() < 0.5):
            km = rng.uniform(6, 10)
        else:
            km = 0.0
        if km:
            hard = weekday in (1, 3) and rng.random() < 0.4
            hour = 18 if rng.random() < 0.3 else 7
            minutes = km * (5.2 if hard else 6.0)
            runs.append(
                StoredActivity(
                    len(runs) + 1,
                    Activity(
                        sport="running",
                        started_at=datetime(day.year, day.month, day.day, hour, tzinfo=UTC),
                        elapsed_s=minutes * 60,
                        source_file=f"r{len(runs)}.fit",
                        content_hash=f"h{len(runs)}",
                        source_format="fit",
                        distance_m=km * 1000,
                        elevation_gain_m=rng.uniform(20, 120) * km / 10,
                        avg_hr_bpm=rng.gauss(160 if hard else 140, 3),
                        gear="New pair" if day >= shoes[1].added_date else "Old pair",
                        route=ROUTES[rng.random() < 0.3],
                    ),
                )
            )
        day += timedelta(days=1)
    diary = _diary(rng, runs, first, last, spikes, effect)
    return runs, diary, shoes, first, last, spikes


def _diary(
    rng: random.Random,
    runs: list[StoredActivity],
    first: date,
    last: date,
    spikes: set[date],
    effect: float,
) -> list[DiaryEntry]:
    run_days = {r.activity.started_at.date() for r in runs}
    out: list[DiaryEntry] = []
    e = rng.gauss(0, SIGMA / math.sqrt(1 - RHO * RHO))
    day = first
    while day <= last:
        e = RHO * e + rng.gauss(0, SIGMA)
        bump = effect if day - timedelta(days=1) in spikes else 0.0
        pain = min(10, max(0, round(BASE + e + bump)))
        # ~10% of days not logged, except the day after a spike: the exposures counted are
        # the ones with the next day's pain behind them
        if rng.random() > 0.1 or bump:
            sleep = round(rng.uniform(5.5, 8.5), 1) if rng.random() < 0.5 else None
            out.append(DiaryEntry(day, "day", pain, sleep_h=sleep))
        if day in run_days and rng.random() > 0.2:
            during = min(10, max(0, pain + rng.choice((-1, 0, 0, 1))))
            out.append(DiaryEntry(day, "run", during, min(10, during + rng.choice((0, 0, 1)))))
        if day.weekday() in (0, 4) and rng.random() < 0.7:
            out.append(DiaryEntry(day, "strength", 1))
        day += timedelta(days=1)
    return out


def one(seed: int, effect: float, exposures: int) -> dict[str, object]:
    kb = load_kb()
    runs, diary, shoes, first, last, _ = synthetic_runner(seed, effect=effect, exposures=exposures)
    data = daily_factors(
        runs, diary, first=first, last=last, rules=kb.insights, load_rules=kb.load_rules,
        shoe_list=shoes,
    )  # fmt: skip
    found = find_insights(data, kb.insights)
    target = next((f for f in found.findings if f.factor == FACTOR and f.outcome == OUTCOME), None)
    return {"any": bool(found.credible), "tests": found.tests, "target": target}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=150, help="histories per condition")
    parser.add_argument(
        "--smoke", action="store_true", help="2 seeds, 1 per grid cell, to check it runs (tests)"
    )
    args = parser.parse_args()
    n = 2 if args.smoke else args.seeds
    t0 = time.perf_counter()

    nulls = [one(s, 0.0, 6) for s in range(n)]
    fpr = sum(bool(r["any"]) for r in nulls) / n
    print(
        f"null histories: {n}; tests per history median {statistics.median(int(r['tests']) for r in nulls)}"
    )  # type: ignore[call-overload]
    print(f"false-positive rate per history (any credible finding): {fpr:.3f}  (target <= 0.05)")

    planted = [one(10_000 + s, 2.0, 5 + s % 2) for s in range(n)]
    targets = [r["target"] for r in planted]
    hits = sum(1 for t in targets if t is not None and t.credible and t.effect > 0)  # type: ignore[attr-defined]
    print(f"power, +2 points behind 5-6 exposures over 8 months: {hits / n:.3f}  (target >= 0.80)")
    tested = [t for t in targets if t is not None]
    cov_corr = sum(1 for t in tested if t.ci[0] <= 2.0 <= t.ci[1]) / max(len(tested), 1)  # type: ignore[attr-defined]
    cov_95 = _coverage_95(planted)
    print(
        f"coverage of the true +2: 95% interval {cov_95:.3f}, corrected interval {cov_corr:.3f}  (target >= 0.90)"
    )
    effects = [t.effect for t in tested]  # type: ignore[attr-defined]
    print(
        f"effect estimate: median {statistics.median(effects):.2f}, mean {statistics.mean(effects):.2f} (true 2.0)"
    )

    grid_n = 1 if args.smoke else max(20, n // 4)
    print(f"power grid ({grid_n} seeds each): effect x exposures")
    for effect in (1.0, 2.0, 3.0):
        row = []
        for exposures in (3, 6, 10):
            rs = [one(20_000 + s, effect, exposures) for s in range(grid_n)]
            p = sum(1 for r in rs if r["target"] is not None and r["target"].credible) / grid_n  # type: ignore[attr-defined]
            row.append(f"{exposures:>2} exp: {p:.2f}")
        print(f"  +{effect:.0f} points: " + "  ".join(row))
    print(f"elapsed {time.perf_counter() - t0:.0f} s")


def _coverage_95(results: list[dict[str, object]]) -> float:
    """Coverage of the uncorrected 95% interval from each fit's estimate and standard error."""
    covered = total = 0
    for r in results:
        t = r["target"]
        if not isinstance(t, Finding):
            continue
        half = t_quantile(0.975, t.df) * t.se
        covered += t.effect - half <= 2.0 <= t.effect + half
        total += 1
    return covered / max(total, 1)


if __name__ == "__main__":
    main()
