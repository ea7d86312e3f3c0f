"""Team server on PostgreSQL, loopback only: page latency under load, import throughput.

Builds a throwaway team schema with N runners (default 20; `--runners 200` for the issue's
size), each with a multi-year history (the synthetic runs of load_bench.py), a saved
self-check and a pain diary; every runner shares with one coach and one physio (about ten
runners per viewer). Then, against `backstride serve --team`'s app and server in a child
process:

1. p50/p95 latency of the caseload and of the runner pages (a viewer's runner page, a
   runner's own page) at `--users` concurrent logged-in users (default 50; target p95 <
   150 ms), after one warm-up pass;
2. import throughput with 1 and then 2 `backstride worker` processes over fresh jobs
   (target: 2 workers >= 1.7x of 1 on 2 cores);
3. how long a queued import waits for a worker while the web app is under that load.

Everything is bounded (requests per user, files per job) and dropped at the end.

    python bench/team_bench.py [--runners 200] [--years 3] [--users 50]
    python bench/team_bench.py --smoke    # 2 runners, 2 users, 1 small job: checks it runs
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import yaml
from sqlalchemy import select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(REPO / "src"))
from load_bench import history  # noqa: E402

from backstride.kb import load_kb  # noqa: E402
from backstride.models import DiaryEntry  # noqa: E402
from backstride.services.selfcheck import run_check  # noqa: E402
from backstride.store import activities, checks, diary  # noqa: E402
from backstride.store.team.schema import jobs  # noqa: E402
from backstride.team import sharing  # noqa: E402
from backstride.team.accounts import add_user  # noqa: E402
from backstride.team.db import TeamDB  # noqa: E402
from backstride.team.jobs import Queue  # noqa: E402

PASSWORD = "bench password 123"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _gpx(day: int, points: int = 300) -> bytes:
    start = datetime(2023, 1, 1, 6, 0, tzinfo=UTC) + timedelta(days=day)
    rows = "".join(
        f'<trkpt lat="{46 + i * 5e-5:.6f}" lon="{7 + (day % 50) * 1e-3:.6f}"><ele>{500 + i % 7}</ele>'
        f"<time>{(start + timedelta(seconds=3 * i)):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for i in range(points)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="bench" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Run</name><type>running</type>'
        f"<trkseg>{rows}</trkseg></trk></gpx>"
    ).encode()


def build(db: TeamDB, n_runners: int, years: int) -> dict[str, list[tuple[str, int]]]:
    """Accounts and histories; returns {"coach"|"physio"|"runner": [(email, runner id)]}."""
    kb = load_kb()
    answers = yaml.safe_load((REPO / "tests/data/answers/baseline.yaml").read_text())
    result = run_check(answers, kb, training=None).to_json()
    today = date.today()
    n_viewers = max(1, n_runners // 10)
    out: dict[str, list[tuple[str, int]]] = {"coach": [], "physio": [], "runner": []}
    for role in ("coach", "physio"):
        for i in range(n_viewers):
            user = add_user(db, email=f"{role}{i}@bench.org", role=role, password=PASSWORD)
            out[role].append((user.email, user.id))
    shift = (today - date(2025, 11, 10)).days  # load_bench's histories end on its TODAY
    for i in range(n_runners):
        t0 = time.perf_counter()
        runner = add_user(db, email=f"runner{i}@bench.org", role="runner", password=PASSWORD)
        engine = db.runner_engine(runner.runner_schema or "")
        rng = random.Random(i)
        with engine.begin() as conn:
            for stored in history(n_days=365 * years, seed=i):
                a = stored.activity
                moved = dataclasses.replace(a, started_at=a.started_at + timedelta(days=shift))
                activities.add(conn, activity=moved)
            checks.add(
                conn,
                answers=answers,
                result=result,
                kb_version=kb.version,
                triage_level="see_clinician" if i % 9 == 0 else result["triage"]["level"],
                created_at=datetime.now(UTC) - timedelta(days=40),
            )
            for d in range(40):
                pain = max(0, min(10, int(3 + (d / 10 if i % 5 == 0 else 0) + rng.gauss(0, 1))))
                diary.add(
                    conn,
                    entry=DiaryEntry(
                        entry_date=today - timedelta(days=40 - d), kind="day", pain_during=pain
                    ),
                )
        sharing.share(db, runner, with_email=out["coach"][i % n_viewers][0])
        sharing.share(db, runner, with_email=out["physio"][i % n_viewers][0])
        out["runner"].append((runner.email, runner.id))
        if i == 0 or (i + 1) % 20 == 0:
            print(f"  runner {i + 1}/{n_runners} built ({time.perf_counter() - t0:.2f} s each)")
    return out


def serve(url: str, port: int, data_dir: str) -> None:
    from backstride.config import Settings
    from backstride.present.web.server import run
    from backstride.present.web.team import create_team_app

    db = TeamDB.open(url, pool_size=20, max_overflow=20)
    run(create_team_app(db, Settings(data_dir=Path(data_dir))), host="127.0.0.1", port=port)


@contextmanager
def served(url: str, tmp: Path) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    child = subprocess.Popen([sys.executable, __file__, "--serve", url, str(port), str(tmp)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(base + "/login")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base
    finally:
        child.send_signal(signal.SIGINT)
        child.wait(timeout=30)


def _client(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, headers={"Origin": base}, timeout=60)
    res = client.post("/login", data={"email": email, "password": PASSWORD})
    assert res.status_code in (200, 303), res.text
    return client


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def load(
    base: str,
    people: dict[str, list[tuple[str, int]]],
    users: int,
    per_user: int,
    stop: threading.Event | None = None,
    think_s: float = 0.0,
) -> dict[str, list[float]]:
    """`users` threads, each a logged-in coach, physio or runner, `per_user` page views."""
    viewers = people["coach"] + people["physio"]
    runners = people["runner"]
    mine: dict[str, list[int]] = {}
    # which runners each viewer may open (as built: runner i -> viewer i % n)
    for i, (_, runner_id) in enumerate(runners):
        for role in ("coach", "physio"):
            mine.setdefault(people[role][i % len(people[role])][0], []).append(runner_id)
    times: dict[str, list[float]] = {"caseload": [], "runner page": [], "own page": []}
    lock = threading.Lock()
    clients = []
    for u in range(users):
        if u % 5 == 4:
            email = runners[u % len(runners)][0]
        else:
            email = viewers[u % len(viewers)][0]
        clients.append((email, _client(base, email)))
    barrier = threading.Barrier(users)

    def one(email: str, client: httpx.Client, seed: int) -> None:
        rng = random.Random(seed)
        barrier.wait()
        if think_s:  # independent users: not all opening their first page at the same instant
            time.sleep(rng.uniform(0, 2 * think_s))
        for n in range(per_user):
            if stop is not None and stop.is_set():
                return
            if email.startswith("runner"):
                kind, path = "own page", "/me"
            elif n % 2 == 0:
                kind, path = "caseload", "/caseload"
            else:
                kind, path = "runner page", f"/runners/{rng.choice(mine[email])}"
            t0 = time.perf_counter()
            res = client.get(path)
            elapsed = time.perf_counter() - t0
            assert res.status_code == 200, (path, res.status_code, res.text[:200])
            with lock:
                times[kind].append(elapsed * 1000)
            if think_s:
                time.sleep(rng.uniform(0.5, 1.5) * think_s)

    threads = [
        threading.Thread(target=one, args=(email, client, i))
        for i, (email, client) in enumerate(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for _, client in clients:
        client.close()
    return times


def _worker(url: str, tmp: Path, name: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "BACKSTRIDE_DATA_DIR": str(tmp / name)}
    return subprocess.Popen(
        [sys.executable, "-m", "backstride", "--db", url, "worker", "--name", name],
        env=env,
        stderr=subprocess.DEVNULL,
    )


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        w.send_signal(signal.SIGINT)
    for w in workers:
        try:
            w.wait(timeout=30)
        except subprocess.TimeoutExpired:
            w.kill()


def _wait_done(db: TeamDB, ids: list[int], timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            states = conn.execute(select(jobs.c.state).where(jobs.c.id.in_(ids))).scalars().all()
        if all(s in ("done", "failed") for s in states):
            assert all(s == "done" for s in states), states
            return
        time.sleep(0.1)
    raise AssertionError("imports did not finish")


def throughput(db: TeamDB, tmp: Path, n_workers: int, jobs_n: int, files: int, tag: str) -> float:
    queue = Queue(db)
    runners = [
        add_user(db, email=f"imp{tag}{j}@bench.org", role="runner", password=PASSWORD)
        for j in range(jobs_n)
    ]
    uploads = [[(f"{tag}{j}_{d}.gpx", _gpx(d)) for d in range(files)] for j in range(jobs_n)]
    workers = [_worker(db.url, tmp, f"{tag}{w}") for w in range(n_workers)]
    try:
        _wait_registered(db, n_workers)  # time the imports, not the workers' start-up
        t0 = time.perf_counter()
        ids = [queue.submit_import(r, files) for r, files in zip(runners, uploads, strict=True)]
        _wait_done(db, ids)
        elapsed = time.perf_counter() - t0
    finally:
        queue.close()
        _stop(workers)
    return jobs_n * files / elapsed


def _wait_registered(db: TeamDB, n: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()
        if found >= n:
            return
        time.sleep(0.1)
    raise AssertionError("workers did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=int, default=20)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="page views per user")
    parser.add_argument(
        "--think", type=float, default=2.0, help="seconds a user reads a page (second run)"
    )
    parser.add_argument("--import-jobs", type=int, default=4)
    parser.add_argument("--import-files", type=int, default=150, help="files per import job")
    parser.add_argument(
        "--url", default=os.environ.get("BACKSTRIDE_TEST_POSTGRES_URL", DEFAULT_URL)
    )
    parser.add_argument("--smoke", action="store_true", help="smallest sizes (tests)")
    args = parser.parse_args()
    if args.smoke:
        args.runners, args.years, args.users, args.requests, args.think = 2, 1, 2, 2, 0.1
        args.import_jobs, args.import_files = 1, 3
    schema = f"teambench_{uuid.uuid4().hex[:8]}"
    url = args.url + f"?options=-csearch_path%3D{schema}"
    db = TeamDB.open(url)
    tmp = Path(tempfile.mkdtemp(prefix="team-bench-"))
    try:
        db.upgrade_team()
        Queue(db).apply_schema()
        t0 = time.perf_counter()
        print(f"building {args.runners} runners with {args.years}-year histories ...")
        people = build(db, args.runners, args.years)
        print(f"built in {time.perf_counter() - t0:.1f} s")
        with served(url, tmp) as base:
            cold = []
            for email, _ in people["coach"] + people["physio"]:  # every runner's summary once
                client = _client(base, email)
                t0 = time.perf_counter()
                assert client.get("/caseload").status_code == 200
                cold.append((time.perf_counter() - t0) * 1000)
                client.close()
            print(
                f"first caseload of each viewer (summaries computed, ~10 runners each, one "
                f"user at a time): p50 {statistics.median(cold):.0f} ms, max {max(cold):.0f} ms"
            )
            for think in (0.0, args.think):
                times = load(base, people, args.users, args.requests, think_s=think)
                how = "back to back" if not think else f"~{think:g} s between a user's pages"
                print(f"\npages at {args.users} concurrent users, {how} ({args.runners} runners):")
                for kind, values in times.items():
                    if values:
                        print(
                            f"  {kind:<12} n={len(values):4d}  p50 "
                            f"{statistics.median(values):6.1f} ms  p95 {_pct(values, 0.95):6.1f} ms"
                            "  (target p95 < 150 ms)"
                        )
            # a queued import's wait for an idle worker while the pages are under load
            worker = _worker(url, tmp, "waiter")
            time.sleep(3)
            stop = threading.Event()
            pages = threading.Thread(
                target=load, args=(base, people, args.users, 10_000, stop), daemon=True
            )
            pages.start()
            time.sleep(1)
            queue = Queue(db)
            runner = add_user(db, email="waiter@bench.org", role="runner", password=PASSWORD)
            waits = []
            for k in range(5):
                job_id = queue.submit_import(runner, [(f"w{k}.gpx", _gpx(500 + k))])
                _wait_done(db, [job_id], timeout=120)
                with db.engine.connect() as conn:
                    created, started = conn.execute(
                        select(jobs.c.created_at, jobs.c.started_at).where(jobs.c.id == job_id)
                    ).one()
                waits.append((started - created).total_seconds() * 1000)
            queue.close()
            stop.set()
            pages.join(timeout=60)
            _stop([worker])
            print(
                f"\nqueued import wait for an idle worker, web app under load: "
                f"median {statistics.median(waits):.0f} ms, max {max(waits):.0f} ms"
            )
        one = throughput(db, tmp, 1, args.import_jobs, args.import_files, "one")
        two = throughput(db, tmp, 2, args.import_jobs, args.import_files, "two")
        print(
            f"\nimport throughput ({args.import_jobs} jobs x {args.import_files} GPX files): "
            f"1 worker {one:.1f} files/s, 2 workers {two:.1f} files/s = {two / one:.2f}x "
            f"(target >= 1.7x on 2 free cores; this machine has {os.cpu_count()} shared)"
        )
    finally:
        db.dispose()
        admin = TeamDB.open(url)
        with admin.engine.connect() as conn:
            names = list(
                conn.execute(
                    text("SELECT nspname FROM pg_namespace WHERE nspname = :s OR nspname LIKE :r"),
                    {"s": schema, "r": schema + "\\_r%"},
                ).scalars()
            )
        for name in names:  # one transaction each: 200 in one would run out of lock slots
            with admin.engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
