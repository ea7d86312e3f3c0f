"""Page latency of the web app over a 10-year history (~3,000 runs) on loopback.

Builds the store (the synthetic history of load_bench.py plus a check, shoes and a diary),
starts `backstride`'s app under uvicorn in a child process, and measures with httpx:

- the first computation of / and /training on the new store (cache cold),
- the background recomputation after an import through the upload form,
- median and p95 latency of cached / and /training at 1 and 20 concurrent clients,
  against /healthz (a route that touches nothing) measured the same way in the same run.

Targets (issue 5): p95 < 100 ms at 20 clients for cached pages; < 300 ms for the first
computation after an import.

    python bench/web_bench.py            # 10 years, 100 requests per client at 1, 25 at 20
    python bench/web_bench.py --smoke    # 120 days, 3 requests per client: checks it runs
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from load_bench import TODAY, history  # noqa: E402

REQUESTS_PER_CLIENT = {1: 100, 20: 25}
SMOKE_REQUESTS_PER_CLIENT = {1: 3, 20: 3}


@contextmanager
def served(script: str, db: Path, tmp: Path) -> Iterator[str]:
    """`script --serve` in a child process on a free loopback port, until /healthz answers.

    Yields its base URL; the child is stopped afterwards. Each bench's script serves the
    app its own way (pinned day, `backstride serve`'s server), so the script is a parameter.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, script, "--serve", str(db), str(port), str(tmp / "data")]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                httpx.get(base + "/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base
    finally:
        child.terminate()
        child.wait(10)


def build_store(db: Path, days: int = 3650) -> int:
    from backstride import store
    from backstride.assess import assess
    from backstride.config import Settings
    from backstride.kb import load_kb
    from backstride.models import DiaryEntry
    from backstride.services.shoes import add_shoe, sync_gear
    from backstride.store import activities, checks, diary

    engine = store.connect(f"sqlite:///{db}")
    runs = history(days)
    answers = {
        "saddle_numbness": False, "bladder_bowel_change": False, "sexual_function_change": False,
        "both_legs_symptoms": False, "leg_weakness": "none", "trauma": False,
        "fever_or_unwell": False, "cancer_history": False, "unexplained_weight_loss": False,
        "constant_night_pain": False, "age": 41, "osteoporosis_or_steroids": False,
        "immunosuppressed_or_iv_drugs": False,
        "recent_spinal_procedure_or_infection": False, "pain_radiates": "none",
        "numbness_tingling": False, "pain_onset": "gradual", "pain_worst": 4,
        "pain_character": ["dull_ache"], "stops_running": False, "weeks_since_onset": 3,
        "improving": "same", "bony_tenderness": False, "pain_arching_back": False,
        "single_leg_bridge_reps": 12, "hip_flexor_test": "thigh_raised",
    }  # fmt: skip
    kb = load_kb()
    with engine.begin() as conn:
        for r in runs:
            activities.add(conn, activity=r.activity)
        add_shoe(conn, name="A", today=date(2015, 1, 1), settings=Settings())
        sync_gear(conn, settings=Settings())
        result = assess(answers, kb).to_json()
        checks.add(conn, answers=answers, result=result, kb_version=kb.version,
                   triage_level=result["triage"]["level"], source="bench",
                   created_at=datetime.combine(TODAY - timedelta(days=20), dtime(8), UTC))  # fmt: skip
        for d in range(20):
            day = TODAY - timedelta(days=d)
            diary.add(conn, entry=DiaryEntry(day, "day", pain_during=max(0, 5 - d // 4)))
    engine.dispose()
    return len(runs)


def serve(db: str, port: str, data_dir: str) -> None:
    """Child process: the app pinned to the history's last day."""
    import uvicorn

    from backstride.config import Settings
    from backstride.present.web import create_app

    settings = Settings(database_url=f"sqlite:///{db}", data_dir=Path(data_dir))
    uvicorn.run(
        create_app(settings, today=TODAY), host="127.0.0.1", port=int(port), log_level="warning"
    )


def _timed_get(client: httpx.Client, url: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - t0) * 1000
    response.raise_for_status()
    return elapsed, response.text


def _load(base: str, path: str, clients: int, requests: int) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(base_url=base) as client:
            client.get(path)  # connection set-up outside the measurement
            mine = [_timed_get(client, path)[0] for _ in range(requests)]
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _gpx(day: date) -> bytes:
    points = "".join(
        f'<trkpt lat="{52 + i * 0.0005:.5f}" lon="13.0"><ele>{40 + i % 7}</ele>'
        f"<time>{day.isoformat()}T07:{i // 6:02d}:{(i % 6) * 10:02d}Z</time></trkpt>"
        for i in range(200)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="bench" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><type>running</type><trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def _import_then_refresh(base: str) -> tuple[float, float, float]:
    """(upload + import [ms], import done -> fresh pages [ms], p95 of pages meanwhile [ms])."""
    import re

    # a browser's form post names its origin; the app refuses posts that do not (CSRF)
    with httpx.Client(base_url=base, headers={"origin": base}) as client:
        page = client.get("/training").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        t0 = time.perf_counter()
        reply = client.post(
            "/training/import",
            data={"csrf_token": token.group(1)},
            files={"files": ("new.gpx", _gpx(TODAY), "application/gpx+xml")},
            headers={"accept": "application/json"},
        )
        assert reply.status_code == 202, reply.text
        status = reply.json()["status"]
        while client.get(status).json()["state"] == "running":
            time.sleep(0.005)
        t1 = time.perf_counter()
        during: list[float] = []
        while True:
            ms_home, home = _timed_get(client, "/home")
            ms_train, training = _timed_get(client, "/training")
            during += [ms_home, ms_train]
            if "Updating after your import" not in home + training:
                break
            time.sleep(0.02)  # a browser polls far less often; do not starve the refresh
        t2 = time.perf_counter()
    return (t1 - t0) * 1000, (t2 - t1) * 1000, max(during)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="120 days, 3 requests per client (tests)"
    )
    args = parser.parse_args()
    days = 120 if args.smoke else 3650
    requests = SMOKE_REQUESTS_PER_CLIENT if args.smoke else REQUESTS_PER_CLIENT
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        n = build_store(db, days)
        print(f"store: {n} runs over {days} days built in {time.perf_counter() - t0:.1f} s")
        with served(__file__, db, Path(tmp)) as base:
            with httpx.Client(base_url=base) as client:
                for path in ("/home", "/training"):
                    ms, _ = _timed_get(client, path)
                    print(f"first computation {path:<10} {ms:7.1f} ms (cache cold)")
            upload_ms, refresh_ms, worst_ms = _import_then_refresh(base)
            print(
                f"import of one run via the upload form: {upload_ms:.0f} ms; background "
                f"recomputation until both pages are fresh: {refresh_ms:.0f} ms; slowest page "
                f"served meanwhile: {worst_ms:.1f} ms"
            )
            for clients in (1, 20):
                base_times = _load(base, "/healthz", clients, requests[clients])
                base_med = statistics.median(base_times)
                print(
                    f"{clients:>2} client(s) /healthz   median {base_med:6.1f} ms  "
                    f"p95 {_p95(base_times):6.1f} ms  (baseline)"
                )
                for path in ("/home", "/training"):
                    times = _load(base, path, clients, requests[clients])
                    med, p95 = statistics.median(times), _p95(times)
                    print(
                        f"{clients:>2} client(s) {path:<10} median {med:6.1f} ms  p95 {p95:6.1f} ms  "
                        f"median/baseline {med / base_med:4.1f}x  "
                        f"{'OK' if clients < 20 or p95 < 100 else 'over the 100 ms target'}"
                    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(*sys.argv[2:])
    else:
        main()
