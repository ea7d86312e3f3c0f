"""Originals kept in the store's database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from backstride.store.files import StoreFiles
from backstride.store.schema import original_files


def test_keeping_the_same_original_twice_keeps_one_row(any_engine: Engine, tmp_path: Path) -> None:
    files = StoreFiles.for_engine(any_engine, tmp_path)
    digest = "d" * 64
    for _ in range(2):
        with any_engine.begin() as conn:
            files.insert_original(conn, digest, f"originals/dd/{digest}.gpx", b"<gpx/>")
    assert _kept(any_engine) == 1


def _kept(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(original_files)).scalar_one())
