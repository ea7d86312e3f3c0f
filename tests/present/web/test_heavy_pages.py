"""Reports render in a bounded worker: light pages stay fast, the surplus gets 503 + Retry-After.

The real server on loopback (in a thread); the PDF renderer is swapped for one that holds
the interpreter for a set time, so the test measures the queueing, not WeasyPrint.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backstride.config import Settings
from backstride.present.web import create_app
from tests.plan.conftest import GLUTES
from tests.present.web.conftest import BASE, BASELINE, answer_all
from tests.present.web.live import threaded_server

#: Reports held for RENDER_S each, queued behind one another: seconds per test.
pytestmark = pytest.mark.slow
RENDER_S = 0.4
REPORTS = 10  # at once: more than the worker's slots and queue together


def _busy_render(_data: object) -> bytes:
    """Holds the GIL in short steps for RENDER_S, like a report being laid out."""
    until = time.monotonic() + RENDER_S
    n = 0
    while time.monotonic() < until:
        n += sum(range(200))
    return b"%PDF-1.7 fake"


@pytest.fixture
def app(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    monkeypatch.setattr("backstride.present.report.pdf.render_pdf", _busy_render)
    application = create_app(settings, config_path=tmp_path / "config.toml")
    # A report needs a self-check to report on.
    checked = TestClient(application, base_url=BASE, headers={"origin": BASE})
    assert answer_all(checked, {**BASELINE, **GLUTES}).status_code == 303
    yield application
    application.state.web.engine.dispose()


def test_light_pages_stay_fast_while_reports_queue(app: FastAPI) -> None:
    with threaded_server(app) as url:
        with httpx.Client(base_url=url, timeout=30) as light:
            assert light.get("/home").status_code == 200  # the home view is cached from here on
            results: list[httpx.Response] = []
            finished: list[float] = []
            lock = threading.Lock()

            def pull() -> None:
                response = httpx.get(url + "/report.pdf", timeout=60)
                with lock:
                    results.append(response)
                    finished.append(time.monotonic())

            pullers = [threading.Thread(target=pull) for _ in range(REPORTS)]
            for t in pullers:
                t.start()
            time.sleep(0.3)  # every report request has arrived
            for path in ("/healthz", "/home", "/healthz", "/home", "/training"):
                assert light.get(path).status_code == 200
            light_done = time.monotonic()
            for t in pullers:
                t.join(60)
    statuses = sorted(r.status_code for r in results)
    assert 503 in statuses, "every report rendered at once"
    heavy = app.state.web.heavy
    admitted = heavy.slots + heavy.queue
    assert statuses == [200] * admitted + [503] * (REPORTS - admitted)
    busy = [r for r in results if r.status_code == 503]
    assert all(r.headers["retry-after"] == str(heavy.retry_after_s) for r in busy)
    assert heavy.peak_running <= heavy.slots
    # the light pages were all answered before the admitted reports were done: they did not
    # queue behind them (an order, not a timing; the figures are in bench/web_heavy_bench.py)
    assert light_done < max(finished)
    assert heavy.admitted == 0


def test_a_freed_slot_takes_the_next_report(app: FastAPI) -> None:
    with threaded_server(app) as url:
        for _ in range(3):
            assert httpx.get(url + "/report.pdf", timeout=30).status_code == 200
    assert app.state.web.heavy.admitted == 0
