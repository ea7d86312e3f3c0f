"""Team imports with 1 and 2 workers: wall throughput, and the CPU each file costs (issue 20).

Target: 2 `backstride worker` processes import at >= 1.7x the rate of one, on 2 cores.

On a host shared with other jobs, the wall ratio measures the host more than the code
(PostgreSQL's backends, the workers and the bench share the same cores with everyone
else). So beside it this prints, per file, the CPU time of the worker processes (their
own, and their children's: the import's parsing pool when it has one) and of the
PostgreSQL backends serving them (found by the `application_name` each worker's
connections carry, `PGAPPNAME`; PostgreSQL must run on this machine so that its
processes' CPU can be read from /proc), and the **idle-core bound** for N workers: the
least wall time the CPU times allow with 1 worker divided by the same with N, where the
least wall time of a run is the longer of

- the busiest worker's serial chain (its own process's CPU plus its backends': the
  worker waits for its backend at every statement), and
- all the run's CPU (workers, their children, their backends) shared by the cores.

Each run imports `--jobs` jobs (each of a runner of its own: jobs of different runners
touch different schemas) of `--files` generated GPX files each, into fresh runners, on
a throwaway team schema dropped at the end. Runs alternate 1, 2, 1, 2 ... workers
`--repeat` times; medians are printed with the load average over the runs.

    python bench/team_import_bench.py [--jobs 4] [--files 150] [--repeat 3]
        [--py-spy PATH/TO/py-spy]  # also record where one worker's time goes
        [--src OTHER_CHECKOUT/src]  # run the workers from another tree (before/after)
        [--sessions own|shared]
    python bench/team_import_bench.py --smoke   # 1 job of 3 files: checks it runs

Each worker runs in a session of its own by default, as separately started services
do: with Linux's autogroup scheduling (on where /proc/sys/kernel/sched_autogroup_enabled
is 1) a busy CPU is shared between sessions first, so workers started in one session
share one session's slice however many there are (`--sessions shared` shows it).

`--py-spy` samples the worker of the first 1-worker run (py-spy record, all threads,
`--idle` off) and prints where its job thread spent them; the raw collapsed stacks stay in the
temporary folder it names.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from backstride.store.team.schema import jobs  # noqa: E402
from backstride.team.accounts import add_user  # noqa: E402
from backstride.team.db import TeamDB  # noqa: E402
from backstride.team.jobs import Queue, conninfo  # noqa: E402

PASSWORD = "bench password 123"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
TICK_S = 1 / os.sysconf("SC_CLK_TCK")
#: How often the backends' CPU is read while a run goes on: a backend that exits
#: between two readings loses at most this much of its CPU from the figures.
SAMPLE_EVERY_S = 0.2


def gpx(day: int, points: int = 300) -> bytes:
    """A 15-minute run on its own day (so every file is a new activity)."""
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


# -- CPU from /proc ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProcCPU:
    ppid: int
    own_s: float  # utime + stime
    reaped_s: float  # cutime + cstime: children waited for


def proc_cpu(pid: int) -> ProcCPU | None:
    """A process's CPU as /proc/PID/stat has it; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            data = handle.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = data[data.rindex(")") + 2 :].split()  # after "pid (comm) "; comm may hold spaces
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    return ProcCPU(int(fields[1]), (utime + stime) * TICK_S, (cutime + cstime) * TICK_S)


def tree_cpu(pid: int) -> tuple[float, float]:
    """(the process's own CPU, all its descendants': live ones plus those reaped)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            cpu = proc_cpu(int(entry))
            if cpu is not None:
                found[int(entry)] = cpu
    root = found.get(pid)
    if root is None:
        return 0.0, 0.0
    children: dict[int, list[int]] = {}
    for child, cpu in found.items():
        children.setdefault(cpu.ppid, []).append(child)
    kids, stack = root.reaped_s, list(children.get(pid, []))
    while stack:
        child = stack.pop()
        cpu = found[child]
        kids += cpu.own_s + cpu.reaped_s  # a reaped grandchild sits in its parent's cutime
        stack += children.get(child, [])
    return root.own_s, kids


class BackendSampler:
    """The CPU of the PostgreSQL backends whose application_name starts with `prefix`,
    read every SAMPLE_EVERY_S: {application_name: CPU s since `start`}; and what those
    backends were doing at each reading (`states`), when not idle between transactions:
    running ("active"), waiting for a lock or the disk ("active, Lock:..."/"IO:..."), or
    waiting inside a transaction for their worker's next statement ("idle in transaction")."""

    def __init__(self, url: str, prefix: str) -> None:
        self._conn = psycopg.connect(conninfo(url), autocommit=True)
        self._prefix = prefix
        self._first: dict[int, float] = {}
        self._last: dict[int, tuple[str, float]] = {}
        self.states: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self, *, baseline: bool = False) -> None:
        rows = self._conn.execute(
            "SELECT pid, application_name, state, wait_event_type, wait_event "
            "FROM pg_stat_activity WHERE application_name LIKE %s",
            (self._prefix + "%",),
        ).fetchall()
        for pid, app, state, wait_type, wait in rows:
            if state != "idle" and not baseline:
                waiting = f", {wait_type}:{wait}" if wait_type and wait != "ClientRead" else ""
                self.states[f"{state}{waiting}"] += 1
            cpu = proc_cpu(pid)
            if cpu is None:
                continue
            # A backend first seen after the start was forked during the run: all its CPU counts.
            self._first.setdefault(pid, cpu.own_s if baseline else 0.0)
            self._last[pid] = (app, cpu.own_s)

    def start(self) -> None:
        self._sample(baseline=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY_S):
            self._sample()

    def finish(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._sample()
        self._conn.close()
        out: dict[str, float] = {}
        for pid, (app, cpu) in self._last.items():
            out[app] = out.get(app, 0.0) + cpu - self._first[pid]
        return out


# -- one run ---------------------------------------------------------------------------


@dataclass
class Run:
    workers: int
    files: int
    wall_s: float
    own_s: list[float]  # per worker: its process
    kids_s: list[float]  # per worker: its children (a parsing pool)
    backend_s: list[float]  # per worker: its PostgreSQL backends
    bench_s: float  # this process (polling, sampling)
    states: Counter[str] = field(default_factory=Counter)  # the backends' (BackendSampler)
    load: tuple[float, float] = field(default_factory=lambda: (0.0, 0.0))

    @property
    def total_s(self) -> float:
        return sum(self.own_s) + sum(self.kids_s) + sum(self.backend_s)

    def floor_s(self, cores: int) -> float:
        """The least wall time these CPU times allow on `cores` idle cores."""
        chain = max(o + b for o, b in zip(self.own_s, self.backend_s, strict=True))
        return max(chain, self.total_s / cores)


def _worker(
    url: str, tmp: Path, name: str, app: str, src: Path, own_session: bool
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "BACKSTRIDE_DATA_DIR": str(tmp / name),
        "PGAPPNAME": app,  # libpq's: every connection of the worker carries it
    }
    return subprocess.Popen(
        [sys.executable, "-m", "backstride", "--db", url, "worker", "--name", name],
        env=env,
        stderr=subprocess.DEVNULL,
        start_new_session=own_session,
    )


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        w.send_signal(signal.SIGINT)
    for w in workers:
        try:
            w.wait(timeout=30)
        except subprocess.TimeoutExpired:
            w.kill()
            w.wait()


def _wait_registered(db: TeamDB, n: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()
        if found >= n:
            return
        time.sleep(0.1)
    raise AssertionError("workers did not start")


def _wait_done(db: TeamDB, ids: list[int], timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            rows = conn.execute(select(jobs.c.state, jobs.c.error).where(jobs.c.id.in_(ids))).all()
        if all(state in ("done", "failed") for state, _ in rows):
            assert all(state == "done" for state, _ in rows), rows
            return
        time.sleep(0.2)
    raise AssertionError("imports did not finish")


def run_imports(
    db: TeamDB,
    tmp: Path,
    n_workers: int,
    n_jobs: int,
    n_files: int,
    tag: str,
    py_spy: str | None = None,
    src: Path = REPO / "src",
    own_session: bool = True,
) -> Run:
    """`n_jobs` imports of `n_files` files, each of a fresh runner, on `n_workers` workers."""
    runners = [
        add_user(db, email=f"imp{tag}{j}@bench.org", role="runner", password=PASSWORD)
        for j in range(n_jobs)
    ]
    uploads = [[(f"{tag}{j}_{d}.gpx", gpx(d)) for d in range(n_files)] for j in range(n_jobs)]
    prefix = f"tib{uuid.uuid4().hex[:6]}-"
    apps = [f"{prefix}{w}" for w in range(n_workers)]
    workers = [
        _worker(db.url, tmp, f"{tag}{w}", apps[w], src, own_session) for w in range(n_workers)
    ]
    queue = Queue(db)
    spy = None
    try:
        _wait_registered(db, n_workers)  # time the imports, not the workers' start-up
        time.sleep(0.5)  # and not their first heartbeat either
        sampler = BackendSampler(db.url, prefix)
        if py_spy:
            spy = subprocess.Popen(
                [py_spy, "record", "--format", "raw", "--threads", "--rate", "50", "--nonblocking",
                 "--output", str(tmp / "worker.collapsed"), "--pid", str(workers[0].pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(1)
        before = [tree_cpu(w.pid) for w in workers]
        load0 = os.getloadavg()[0]
        bench0 = time.process_time()
        sampler.start()
        t0 = time.perf_counter()
        ids = [queue.submit_import(r, files) for r, files in zip(runners, uploads, strict=True)]
        _wait_done(db, ids)
        wall = time.perf_counter() - t0
        backends = sampler.finish()
        after = [tree_cpu(w.pid) for w in workers]
        bench = time.process_time() - bench0
        load1 = os.getloadavg()[0]
    finally:
        queue.close()
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
        _stop(workers)
    return Run(
        workers=n_workers,
        files=n_jobs * n_files,
        wall_s=wall,
        own_s=[a[0] - b[0] for a, b in zip(after, before, strict=True)],
        kids_s=[a[1] - b[1] for a, b in zip(after, before, strict=True)],
        backend_s=[backends.get(app, 0.0) for app in apps],
        bench_s=bench,
        states=sampler.states,
        load=(load0, load1),
    )


# -- report ----------------------------------------------------------------------------


def _ms(seconds: float, files: int) -> float:
    return 1000 * seconds / files


def report(runs: dict[int, list[Run]], cores: int) -> None:
    base = runs[1]
    base_wall = statistics.median(r.wall_s / r.files for r in base)
    base_floor = statistics.median(r.floor_s(cores) / r.files for r in base)
    base_total = statistics.median(r.total_s / r.files for r in base)
    loads = [x for rs in runs.values() for r in rs for x in r.load]
    n = len(base)
    print(
        f"\nimport throughput, {base[0].files} files a run, "
        f"median of {n}, {cores} cores; load average {min(loads):.1f}-{max(loads):.1f}:"
    )
    print(
        "  workers  files/s  wall ratio | CPU ms/file: worker (children)  backend  total"
        "  vs 1 worker | idle-core bound"
    )
    for count, rs in runs.items():
        per_file = statistics.median(r.wall_s / r.files for r in rs)
        own = statistics.median(_ms(sum(r.own_s), r.files) for r in rs)
        kids = statistics.median(_ms(sum(r.kids_s), r.files) for r in rs)
        backend = statistics.median(_ms(sum(r.backend_s), r.files) for r in rs)
        total = statistics.median(r.total_s / r.files for r in rs)
        floor = statistics.median(r.floor_s(cores) / r.files for r in rs)
        print(
            f"  {count:7d}  {1 / per_file:7.0f}  {base_wall / per_file:9.2f}x |"
            f" {own:24.2f} ({kids:5.2f})  {backend:7.2f}  {1000 * total:5.2f}"
            f"  {total / base_total:10.2f}x | {base_floor / floor:14.2f}x"
        )
    for count, rs in runs.items():
        for r in rs:
            print(
                f"    {count} worker(s) run: {r.wall_s:.2f} s wall, per worker own "
                + ", ".join(f"{_ms(o, r.files):.2f}" for o in r.own_s)
                + " ms/file, backends "
                + ", ".join(f"{_ms(b, r.files):.2f}" for b in r.backend_s)
                + f" ms/file; bench {_ms(r.bench_s, r.files):.2f} ms/file;"
                f" load {r.load[0]:.1f}->{r.load[1]:.1f}"
            )
    for count, rs in runs.items():
        states: Counter[str] = Counter()
        for r in rs:
            states += r.states
        seen = sum(states.values()) or 1
        print(
            f"    {count} worker(s), their backends when not idle between transactions: "
            + ", ".join(f"{100 * n / seen:.0f} % {what}" for what, n in states.most_common(6))
        )
    print(
        "  (target: 2 workers >= 1.7x of 1 on 2 cores; the idle-core bound is what the CPU "
        "times allow where the cores are nobody else's)"
    )


def hottest(collapsed: Path, top: int = 20) -> None:
    """Where the worker's job thread spent its samples: the functions most often on its
    stack (inclusive) and at its top (self), as shares of the job thread's samples."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or "Queue._run" not in stack:
            continue
        frames = [f.split(" (")[0] + " (" + f.rsplit("/", 1)[-1] for f in stack.split(";")]
        total += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
        own[frames[-1]] += int(count)
    print(f"\npy-spy, the job thread of one worker ({total} samples at 50 Hz; {collapsed}):")
    for title, counts in (("inclusive", inclusive), ("self", own)):
        print(f"  {title}:")
        for frame, count in counts.most_common(top):
            print(f"    {100 * count / max(1, total):5.1f} %  {frame[:140]}")


def _autogroup() -> str:
    """Whether Linux shares the CPU between sessions first (then between their processes)."""
    try:
        on = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return "autogroup unknown"
    return "autogroup on: a busy CPU is shared by session first" if on else "autogroup off"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=4, help="import jobs per run")
    parser.add_argument("--files", type=int, default=150, help="GPX files per import job")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, 1 first")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--py-spy", help="path to a py-spy binary: profile one worker")
    parser.add_argument(
        "--src",
        type=Path,
        default=REPO / "src",
        help="the workers' source tree (another checkout's src: before/after on one host)",
    )
    parser.add_argument(
        "--sessions",
        choices=("own", "shared"),
        default="own",
        help="own: each worker in a session of its own, as services are started; shared: "
        "in the bench's (Linux's autogroup then gives them one share of a busy CPU)",
    )
    parser.add_argument(
        "--url", default=os.environ.get("BACKSTRIDE_TEST_POSTGRES_URL", DEFAULT_URL)
    )
    parser.add_argument("--smoke", action="store_true", help="smallest sizes (tests)")
    args = parser.parse_args()
    if args.smoke:
        args.jobs, args.files, args.repeat = 1, 3, 1
    counts = [int(c) for c in args.workers.split(",")]
    if counts[0] != 1:
        parser.error("--workers must start with 1: the ratios are to one worker")
    cores = len(os.sched_getaffinity(0))
    schema = f"teamimp_{uuid.uuid4().hex[:8]}"
    url = args.url + f"?options=-csearch_path%3D{schema}"
    db = TeamDB.open(url)
    tmp = Path(tempfile.mkdtemp(prefix="team-import-bench-"))
    runs: dict[int, list[Run]] = {c: [] for c in counts}
    try:
        db.upgrade_team()
        Queue(db).apply_schema()
        for i in range(args.repeat):
            for c in counts:
                spy = args.py_spy if (args.py_spy and i == 0 and c == 1) else None
                run = run_imports(
                    db, tmp, c, args.jobs, args.files, f"r{i}w{c}", spy, args.src,
                    own_session=args.sessions == "own",
                )  # fmt: skip
                runs[c].append(run)
                print(
                    f"  run {i + 1}/{args.repeat}, {c} worker(s): {run.files / run.wall_s:.0f} "
                    f"files/s, CPU {_ms(run.total_s, run.files):.2f} ms/file, "
                    f"load {run.load[0]:.1f}",
                    flush=True,
                )
        report(runs, cores)
        print(f"  workers in {args.sessions} sessions; {_autogroup()}")
        if args.py_spy and (tmp / "worker.collapsed").exists():
            hottest(tmp / "worker.collapsed")
    finally:
        if not args.py_spy:  # else its stacks stay there, as printed
            shutil.rmtree(tmp, ignore_errors=True)
        db.dispose()
        admin = TeamDB.open(url)
        with admin.engine.connect() as conn:
            names = list(
                conn.execute(
                    text("SELECT nspname FROM pg_namespace WHERE nspname = :s OR nspname LIKE :r"),
                    {"s": schema, "r": schema + "\\_r%"},
                ).scalars()
            )
        for name in names:
            with admin.engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
