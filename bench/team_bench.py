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

Each page's latency is printed beside `/healthz` (no database, no template) measured
by the same users in the same run, back to back and with a think time, with the load
average.

Everything is bounded (requests per user, files per job) and dropped at the end, unless
`--keep NAME` keeps the built runners in schema `teambench_NAME` for the next run with
the same `--keep NAME` (building 200 runners takes minutes); the accounts a run adds for
its imports are deleted either way. `DROP SCHEMA` the kept ones when done (`--drop NAME`).

    python bench/team_bench.py [--runners 200] [--years 3] [--users 50] [--keep NAME]
        [--phases pages,wait,imports]
    python bench/team_bench.py --smoke    # 2 runners, 2 users, 1 small job: checks it runs
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import re
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
from team_import_bench import gpx  # noqa: E402

from backstride.kb import load_kb  # noqa: E402
from backstride.models import DiaryEntry  # noqa: E402
from backstride.services.selfcheck import run_check  # noqa: E402
from backstride.store import activities, checks, diary  # noqa: E402
from backstride.store.team.schema import jobs, users  # noqa: E402
from backstride.team import sharing  # noqa: E402
from backstride.team.accounts import add_user, delete_user, get  # noqa: E402
from backstride.team.db import TeamDB  # noqa: E402
from backstride.team.jobs import Queue  # noqa: E402

PASSWORD = "bench password 123"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


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


def serve(url: str, port: int, data_dir: str, processes: int) -> None:
    """What `serve --team [--processes N]` runs, on the bench's schema."""
    import functools

    from backstride.config import Settings
    from backstride.present.cli.team import serve_team_process
    from backstride.present.web.server import run, run_processes
    from backstride.present.web.team import create_team_app

    settings = Settings(data_dir=Path(data_dir), database_url=url)
    if processes > 1:
        start = functools.partial(serve_team_process, settings, (), "127.0.0.1", port)
        run_processes(start, host="127.0.0.1", port=port, processes=processes)
        return
    db = TeamDB.open(url)
    run(create_team_app(db, settings), host="127.0.0.1", port=port)


@contextmanager
def served(url: str, tmp: Path, processes: int) -> Iterator[tuple[str, int]]:
    """The server's address and process id, for as long as the block runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port), str(tmp), str(processes)]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(base + "/login")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base, child.pid
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
    baseline: bool = False,
    clients: list[tuple[str, httpx.Client]] | None = None,
) -> dict[str, list[float]]:
    """`users` threads, each a logged-in coach, physio or runner, `per_user` page views.

    With `baseline` the same users, logged in alike, ask for `/healthz` instead: what the
    server, the client and the machine cost without any of the app's work. `clients`
    (from `log_in`) are reused and left open; without them the users log in first.
    """
    runners = people["runner"]
    mine: dict[str, list[int]] = {}
    # which runners each viewer may open (as built: runner i -> viewer i % n)
    for i, (_, runner_id) in enumerate(runners):
        for role in ("coach", "physio"):
            mine.setdefault(people[role][i % len(people[role])][0], []).append(runner_id)
    times: dict[str, list[float]] = {
        "/healthz": [],
        "caseload": [],
        "runner page": [],
        "own page": [],
    }
    lock = threading.Lock()
    own_clients = clients is None
    if clients is None:
        clients = log_in(base, people, users)
    barrier = threading.Barrier(users)

    def one(email: str, client: httpx.Client, seed: int) -> None:
        rng = random.Random(seed)
        barrier.wait()
        if think_s:  # independent users: not all opening their first page at the same instant
            time.sleep(rng.uniform(0, 2 * think_s))
        for n in range(per_user):
            if stop is not None and stop.is_set():
                return
            if baseline:
                kind, path = "/healthz", "/healthz"
            elif email.startswith("runner"):
                kind, path = "own page", "/me"
            elif n % 2 == 0:
                kind, path = "caseload", "/caseload"
            else:
                kind, path = "runner page", f"/runners/{rng.choice(mine[email])}"
            t0 = time.perf_counter()
            try:
                res = client.get(path)
            except httpx.RemoteProtocolError:  # a kept-alive socket the server just closed
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
    if own_clients:
        for _, client in clients:
            client.close()
    return times


def log_in(
    base: str, people: dict[str, list[tuple[str, int]]], users: int
) -> list[tuple[str, httpx.Client]]:
    """`users` logged-in clients: four coaches or physios to a runner."""
    viewers = people["coach"] + people["physio"]
    runners = people["runner"]
    return [
        (email, _client(base, email))
        for u in range(users)
        for email in [runners[u % len(runners)][0] if u % 5 == 4 else viewers[u % len(viewers)][0]]
    ]


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
    uploads = [[(f"{tag}{j}_{d}.gpx", gpx(d)) for d in range(files)] for j in range(jobs_n)]
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


def _load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def _report(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title}   [{_load_average()}]")
    base = statistics.median(times["/healthz"]) if times.get("/healthz") else None
    for kind, values in times.items():
        if not values:
            continue
        med, p95 = statistics.median(values), _pct(values, 0.95)
        ratio = f"  {med / base:5.1f}x /healthz" if base and kind != "/healthz" else ""
        target = "" if kind == "/healthz" else "  (target p95 < 150 ms)"
        print(
            f"  {kind:<12} n={len(values):5d}  p50 {med:6.1f} ms  p95 {p95:6.1f} ms{ratio}{target}"
        )


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of process `pid` and of its children that ended, or of
    its live children too (the server's worker processes): from /proc, so Linux only."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(c) for c in children.read_text().split()]
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def one_at_a_time(base: str, pid: int, people: dict[str, list[tuple[str, int]]], n: int) -> None:
    """Each page asked `n` times by one user: its latency alone, and the server's CPU per
    request (what bounds the requests per second, and so the latency of 50 back to back)."""
    viewer = people["physio"][0][0]
    runner_id = people["runner"][0][1]  # runner 0 shares with physio 0 (as built)
    asks = [
        ("/healthz", viewer, "/healthz"),
        ("caseload", viewer, "/caseload"),
        ("runner page", viewer, f"/runners/{runner_id}"),
        ("own page", people["runner"][0][0], "/me"),
    ]
    print(f"\none user at a time, {n} requests per page   [{_load_average()}]")
    for kind, email, path in asks:
        client = _client(base, email)
        assert client.get(path).status_code == 200  # warm
        times = []
        before = cpu_s(pid)
        for _ in range(n):
            t0 = time.perf_counter()
            assert client.get(path).status_code == 200
            times.append((time.perf_counter() - t0) * 1000)
        used = (cpu_s(pid) - before) / n * 1000
        client.close()
        print(
            f"  {kind:<12} p50 {statistics.median(times):6.1f} ms  p95 "
            f"{_pct(times, 0.95):6.1f} ms  server CPU {used:5.2f} ms per request"
        )


def pages(
    base: str, pid: int, people: dict[str, list[tuple[str, int]]], args: argparse.Namespace
) -> None:
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
    one_at_a_time(base, pid, people, 100)
    clients = log_in(base, people, args.users)
    for think in (0.0, args.think):
        times = load(
            base, people, args.users, args.requests, think_s=think, baseline=True, clients=clients
        )
        before = cpu_s(pid)
        mix = load(base, people, args.users, args.requests, think_s=think, clients=clients)
        used = (cpu_s(pid) - before) / sum(len(v) for v in mix.values()) * 1000
        times.update((k, v) for k, v in mix.items() if v)
        how = "back to back" if not think else f"each reading a page ~{think:g} s"
        _report(
            f"{args.users} concurrent users, {how} ({args.runners} runners; server CPU "
            f"{used:.1f} ms per page)",
            times,
        )
    for _, client in clients:
        client.close()


def queued_wait(
    db: TeamDB,
    url: str,
    tmp: Path,
    base: str,
    people: dict[str, list[tuple[str, int]]],
    args: argparse.Namespace,
    tag: str,
) -> None:
    """A queued import's wait for an idle worker while the pages are under load."""
    worker = _worker(url, tmp, "waiter")
    time.sleep(3)
    stop = threading.Event()
    busy = threading.Thread(target=load, args=(base, people, args.users, 10_000, stop), daemon=True)
    busy.start()
    time.sleep(1)
    queue = Queue(db)
    runner = add_user(db, email=f"waiter{tag}@bench.org", role="runner", password=PASSWORD)
    waits = []
    for k in range(5):
        job_id = queue.submit_import(runner, [(f"w{k}.gpx", gpx(500 + k))])
        _wait_done(db, [job_id], timeout=120)
        with db.engine.connect() as conn:
            created, started = conn.execute(
                select(jobs.c.created_at, jobs.c.started_at).where(jobs.c.id == job_id)
            ).one()
        waits.append((started - created).total_seconds() * 1000)
    queue.close()
    stop.set()
    busy.join(timeout=60)
    _stop([worker])
    print(
        f"\nqueued import wait for an idle worker, web app under load: "
        f"median {statistics.median(waits):.0f} ms, max {max(waits):.0f} ms  [{_load_average()}]"
    )


def imports(db: TeamDB, tmp: Path, args: argparse.Namespace, tag: str) -> None:
    one = throughput(db, tmp, 1, args.import_jobs, args.import_files, f"one{tag}")
    load_one = _load_average()
    two = throughput(db, tmp, 2, args.import_jobs, args.import_files, f"two{tag}")
    print(
        f"\nimport throughput ({args.import_jobs} jobs x {args.import_files} GPX files): "
        f"1 worker {one:.1f} files/s [{load_one}], 2 workers {two:.1f} files/s "
        f"[{_load_average()}] = {two / one:.2f}x "
        f"(target >= 1.7x on 2 free cores; this machine has {os.cpu_count()} shared)"
    )


def built(db: TeamDB, n_runners: int) -> dict[str, list[tuple[str, int]]] | None:
    """The people of a kept build of `n_runners` runners, or None when there is none."""
    with db.engine.connect() as conn:
        query = select(users.c.email, users.c.id).where(users.c.email.like("%@bench.org"))
        found: dict[str, int] = {row.email: row.id for row in conn.execute(query)}
    if not found:
        return None
    n_viewers = max(1, n_runners // 10)
    want = {
        "coach": [f"coach{i}@bench.org" for i in range(n_viewers)],
        "physio": [f"physio{i}@bench.org" for i in range(n_viewers)],
        "runner": [f"runner{i}@bench.org" for i in range(n_runners)],
    }
    built_runners = sum(1 for e in found if re.fullmatch(r"runner\d+@bench\.org", e))
    if built_runners != n_runners or any(e not in found for es in want.values() for e in es):
        raise SystemExit(
            f"the kept schema {db.schema} holds {built_runners} runners, not {n_runners}: "
            "pass its --runners, or another --keep NAME, or --drop NAME it first"
        )
    return {role: [(e, found[e]) for e in emails] for role, emails in want.items()}


def drop_schemas(url: str, schema: str) -> None:
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


def _drop_extras(db: TeamDB, tag: str) -> None:
    """The accounts this run added (imports, the waiter), so a kept build stays as built."""
    with db.engine.connect() as conn:
        extra = [
            get(conn, i)
            for i in conn.execute(
                select(users.c.id).where(users.c.email.like(f"%{tag}%@bench.org"))
            ).scalars()
        ]
    for user in extra:
        delete_user(db, user, actor=None)


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
        "--phases", default="pages,wait,imports", help="which of pages,wait,imports to run"
    )
    parser.add_argument(
        "--processes", type=int, default=1, help="server processes (serve --team --processes)"
    )
    parser.add_argument(
        "--keep", metavar="NAME", help="build into teambench_NAME once and reuse it next time"
    )
    parser.add_argument("--drop", metavar="NAME", help="drop a kept teambench_NAME and exit")
    parser.add_argument(
        "--url", default=os.environ.get("BACKSTRIDE_TEST_POSTGRES_URL", DEFAULT_URL)
    )
    parser.add_argument("--smoke", action="store_true", help="smallest sizes (tests)")
    args = parser.parse_args()
    if args.smoke:
        args.runners, args.years, args.users, args.requests, args.think = 2, 1, 2, 2, 0.1
        args.import_jobs, args.import_files = 1, 3
    phases = set(args.phases.split(","))
    if phases - {"pages", "wait", "imports"}:
        parser.error(f"--phases: unknown {sorted(phases - {'pages', 'wait', 'imports'})}")
    for name in (args.keep, args.drop):
        if name is not None and not re.fullmatch(r"[a-z0-9_]{1,20}", name):
            parser.error(f"{name!r}: a kept build's NAME is 1-20 of a-z, 0-9 and _")
    if args.drop:
        drop_schemas(
            args.url + f"?options=-csearch_path%3Dteambench_{args.drop}", f"teambench_{args.drop}"
        )
        return
    schema = f"teambench_{args.keep or uuid.uuid4().hex[:8]}"
    tag = f"x{uuid.uuid4().hex[:6]}"  # names this run's extra accounts
    url = args.url + f"?options=-csearch_path%3D{schema}"
    db = TeamDB.open(url)
    tmp = Path(tempfile.mkdtemp(prefix="team-bench-"))
    try:
        db.upgrade_team()
        Queue(db).apply_schema()
        people = built(db, args.runners) if args.keep else None
        if people is None:
            t0 = time.perf_counter()
            print(f"building {args.runners} runners with {args.years}-year histories ...")
            people = build(db, args.runners, args.years)
            print(f"built in {time.perf_counter() - t0:.1f} s")
        else:
            t0 = time.perf_counter()
            for _, runner_id in people["runner"]:  # as `team init` does after an update
                db.create_runner_store(db.runner_schema_name(runner_id))
            print(
                f"reusing the {args.runners} runners kept in {schema} (stores brought up "
                f"to date in {time.perf_counter() - t0:.1f} s)"
            )
        if phases & {"pages", "wait"}:
            with served(url, tmp, args.processes) as (base, pid):
                if "pages" in phases:
                    pages(base, pid, people, args)
                if "wait" in phases:
                    queued_wait(db, url, tmp, base, people, args, tag)
        if "imports" in phases:
            imports(db, tmp, args, tag)
    finally:
        if args.keep:
            _drop_extras(db, tag)
            db.dispose()
        else:
            db.dispose()
            drop_schemas(url, schema)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--serve":
        try:
            serve(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
        except KeyboardInterrupt:  # the bench stops its server with SIGINT
            pass
    else:
        main()
