"""Every `bench/*_bench.py` still runs: at its smallest size (`--smoke`) it exits 0 and
prints its figures, and `--help` describes it without running it.

Benches are run by hand, so an API change can break one unnoticed until someone needs its
figures (team_bench.py crashed for weeks after `run_check` began returning a typed
`Assessment`). The figures printed here mean nothing; only that the bench runs is checked.
A new bench is picked up by its name; it needs a `--smoke` flag.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, REPO, shared_path

pytestmark = pytest.mark.slow

BENCH = REPO / "bench"
BENCHES = sorted(BENCH.glob("*_bench.py"))

#: What a bench needs beyond the package, as the marker that says so.
NEEDS: dict[str, list[pytest.MarkDecorator]] = {
    "import_bench.py": [pytest.mark.shared],
    "import_store_bench.py": [pytest.mark.shared],
    "team_bench.py": [pytest.mark.postgres],
    "team_import_bench.py": [pytest.mark.postgres],
    "video_bench.py": [pytest.mark.shared, pytest.mark.video],
}

#: A figure as the benches print them: a number and its unit, or a ratio.
FIGURE = re.compile(r"\d[\d.,]*\s*(ms|s|MB/s|MB|files/s|fps|x)\b")


def _params() -> list[object]:
    return [pytest.param(b, id=b.name, marks=NEEDS.get(b.name, [])) for b in BENCHES]


def _run(bench: Path, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, str(bench), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=timeout,
        check=False,
    )


def _skip_without_what_it_needs(bench: Path) -> None:
    marks = {m.name for m in NEEDS.get(bench.name, [])}
    if "shared" in marks:
        shared_path("corpus" if bench.name != "video_bench.py" else "videos")
    if "video" in marks and importlib.util.find_spec("mediapipe") is None:
        pytest.skip("the video extra (mediapipe) is not installed")
    if "postgres" in marks and not POSTGRES_URL:
        pytest.skip("BACKSTRIDE_TEST_POSTGRES_URL is unset (.ci/run sets it)")


def test_every_bench_is_listed() -> None:
    """The glob finds the benches (a rename of the folder would leave nothing to run)."""
    assert len(BENCHES) >= 10, BENCHES
    assert set(NEEDS) <= {b.name for b in BENCHES}


@pytest.mark.parametrize("bench", _params())
def test_bench_runs_at_its_smallest_size_and_prints_figures(bench: Path) -> None:
    _skip_without_what_it_needs(bench)
    done = _run(bench, "--smoke", timeout=600)
    assert done.returncode == 0, f"{bench.name} --smoke failed:\n{done.stderr[-3000:]}"
    figures = [line for line in done.stdout.splitlines() if FIGURE.search(line)]
    assert figures, f"{bench.name} --smoke printed no figures:\n{done.stdout}"


@pytest.mark.parametrize("bench", _params())
def test_bench_help_describes_it_without_running_it(bench: Path) -> None:
    done = _run(bench, "--help", timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    # argparse's help and nothing else: a bench that ran instead would print its figures
    # first (import_store_bench.py did, for minutes)
    assert done.stdout.startswith("usage: ") and "--smoke" in done.stdout, done.stdout[:500]
