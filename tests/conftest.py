"""Shared fixtures: a fresh store per test, the knowledge base, the CLI runner, ../shared."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text

from backstride import store

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("BACKSTRIDE_SHARED", REPO.parent / "shared"))
POSTGRES_URL = os.environ.get("BACKSTRIDE_TEST_POSTGRES_URL", "")


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test (with the reason) where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{path} not found: the shared real-data files exist in CI and the team's "
            "machines, not in a user's fresh clone"
        )
    return path


def sweep(values: Iterable[Any], ids: Iterable[str] | None = None) -> list[Any]:
    """Parameters for a test run over many like cases (every corpus file, every way to
    break the KB): the first stays in `make test-fast` as the smoke, the rest are marked
    slow, so the fast loop still runs the test and `make test` runs every case.

    A tuple is several arguments, as in `parametrize(("a", "b"), [(1, 2), ...])`.
    """
    values = list(values)
    names = list(ids) if ids is not None else [None] * len(values)
    return [
        pytest.param(
            *(value if isinstance(value, tuple) else (value,)),
            id=name,
            marks=() if n == 0 else pytest.mark.slow,
        )
        for n, (value, name) in enumerate(zip(values, names, strict=True))
    ]


def pytest_configure(config: pytest.Config) -> None:
    # The knowledge-base cache (kb/cache.py) of this run, never the user's own cache dir;
    # commands run in a subprocess inherit it.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="backstride-test-cache-")


@pytest.fixture
def shared() -> Path:
    return shared_path()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store at the code's schema, made once per test process: copying it
    (~1 ms) instead of running every migration per test (~100 ms) is most of what keeps
    `make test-fast` fast."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    store.connect(f"sqlite:///{path}").dispose()  # closing checkpoints the WAL into the file
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite: Path) -> str:
    """A fresh store of this test's own, already migrated."""
    shutil.copyfile(migrated_sqlite, tmp_path / "test.db")
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    eng = store.connect(sqlite_url)
    yield eng
    eng.dispose()


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A migrated PostgreSQL schema of its own, as a store URL; dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("BACKSTRIDE_TEST_POSTGRES_URL is unset (.ci/run sets it)")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = store.engine.create(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = POSTGRES_URL + f"?options=-csearch_path%3D{schema}"
    try:
        migrated = store.engine.create(url)
        store.upgrade(migrated)  # a server database is migrated on purpose, never implicitly
        migrated.dispose()
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A PostgreSQL store in a schema of its own, dropped afterwards."""
    with postgres_schema() as url:
        eng = store.engine.create(url)
        yield eng
        eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The test runs on a fresh SQLite store, then on a PostgreSQL schema of its own
    (skipped where BACKSTRIDE_TEST_POSTGRES_URL is unset; `-m "not postgres"` leaves it out)."""
    if request.param == "sqlite":
        eng = store.connect(request.getfixturevalue("sqlite_url"))
        yield eng
        eng.dispose()
        return
    with postgres_schema() as url:
        eng = store.engine.create(url)
        yield eng
        eng.dispose()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli_env(sqlite_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment that points the CLI at a throwaway store and data folder."""
    return {"BACKSTRIDE_DB": sqlite_url, "BACKSTRIDE_DATA_DIR": str(tmp_path / "data")}
