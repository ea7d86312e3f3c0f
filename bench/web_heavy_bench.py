"""Light pages while heavy ones are pulled (issue 15): p50/p99 of / and /training on loopback.

Builds web_bench.py's 10-year store, serves it as `backstride serve` does (`server.run`)
in a child process, and for DURATION_S seconds has PULLERS clients fetch /report.pdf in a
loop while two clients time / and /training. Prints the latencies, how many reports
were served and how many were turned away with 503 (and Retry-After).

    python bench/web_heavy_bench.py [--seconds=20] [--pullers=20]
    python bench/web_heavy_bench.py --smoke    # 120 days, 2 pullers, 2 s: checks it runs

Figures on the 2-core development machine (shared with other work, so noisy; two runs
each, 20 pullers, 20 s), p99 of / and /training:

| code | reports served | / p99 | /training p99 |
| --- | --- | --- | --- |
| before (reports in the general thread pool, all at once) | 24, 28 | 1167, 2121 ms | 1070, 2283 ms |
| bounded worker, 1 slot, 5 ms switch interval | 9 | 642 ms | 648 ms |
| bounded worker, 1 slot, 1 ms switch interval (`serve` now) | 11, 8 | 254, 418 ms | 253, 396 ms |

Fewer reports are served in the same time (one renders at a time; the rest are told to
come back), which is the trade: the pages a runner actually reads stay fast.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from load_bench import TODAY  # noqa: E402
from web_bench import build_store, served  # noqa: E402


def serve(db: str, port: str, data_dir: str) -> None:
    """Child process: the app pinned to the history's last day, run as `serve` runs it."""
    from backstride.config import Settings
    from backstride.present.web import create_app
    from backstride.present.web.server import run

    settings = Settings(database_url=f"sqlite:///{db}", data_dir=Path(data_dir))
    run(create_app(settings, today=TODAY), host="127.0.0.1", port=int(port))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(seconds: float, pullers: int, days: int = 3650) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        print(f"store: {build_store(db, days)} runs")
        with served(__file__, db, Path(tmp)) as base:
            with httpx.Client(base_url=base, timeout=120) as warm:
                for path in ("/home", "/training"):
                    warm.get(path).raise_for_status()
                t0 = time.perf_counter()
                warm.get("/report.pdf").raise_for_status()
                print(f"one /report.pdf alone: {(time.perf_counter() - t0) * 1000:.0f} ms")
            stop = time.monotonic() + seconds
            outcomes: Counter[int] = Counter()
            light: dict[str, list[float]] = {"/home": [], "/training": []}
            lock = threading.Lock()

            def pull() -> None:
                with httpx.Client(base_url=base, timeout=120) as client:
                    while time.monotonic() < stop:
                        status = client.get("/report.pdf").status_code
                        with lock:
                            outcomes[status] += 1
                        if status == 503:
                            time.sleep(0.2)  # a client honouring Retry-After would wait longer

            def browse(path: str) -> None:
                with httpx.Client(base_url=base, timeout=120) as client:
                    while time.monotonic() < stop:
                        t = time.perf_counter()
                        client.get(path).raise_for_status()
                        light[path].append((time.perf_counter() - t) * 1000)
                        time.sleep(0.05)

            threads = [threading.Thread(target=pull) for _ in range(pullers)]
            threads += [threading.Thread(target=browse, args=(p,)) for p in light]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            print(f"{pullers} clients pulling /report.pdf for {seconds:.0f} s: {dict(outcomes)}")
            for path, times in light.items():
                print(
                    f"{path:<10} n={len(times):4d}  p50 {statistics.median(times):7.1f} ms  "
                    f"p99 {_pct(times, 0.99):7.1f} ms  max {max(times):7.1f} ms"
                )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(*sys.argv[2:])
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--seconds", type=float, default=20, help="how long (default 20)")
        parser.add_argument("--pullers", type=int, default=20, help="report clients (20)")
        parser.add_argument("--smoke", action="store_true", help="120 days, 2 pullers, 2 s (tests)")
        args = parser.parse_args()
        if args.smoke:
            main(2, 2, days=120)
        else:
            main(args.seconds, args.pullers)
