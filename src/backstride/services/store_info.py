"""Where a store keeps everything: `backstride db info`'s list of locations, sizes, counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from backstride.store import activities
from backstride.store import files as store_files
from backstride.store.engine import describe


@dataclass(frozen=True)
class Location:
    """One place a store keeps something, with how much is there."""

    what: str
    where: str
    files: int
    bytes: int


@dataclass(frozen=True)
class StoreInfo:
    """Every location of one store, and what it holds."""

    database: str
    files_dir: Path
    locations: list[Location] = field(default_factory=list)
    activities: int = 0


def store_info(engine: Engine, *, files_dir: Path) -> StoreInfo:
    """Each location of the store at `engine` whose own folder is `files_dir`."""
    found: list[Location] = []
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        path = Path(describe(engine))
        parts = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
        size = sum(p.stat().st_size for p in parts)
        found.append(Location("database", str(path), len(parts), size))
    else:
        found.append(Location("database", describe(engine), 0, 0))
    with engine.connect() as conn:
        count = activities.count(conn)
        if engine.dialect.name != "sqlite":
            kept = store_files.database_originals(conn)
            found.append(
                Location(
                    "originals (in the database)", "table original_files", kept.files, kept.bytes
                )
            )
    for name in store_files.FOLDERS:
        folder = files_dir / name
        used = store_files.usage(folder)
        found.append(Location(name, str(folder), used.files, used.bytes))
    return StoreInfo(describe(engine), files_dir, found, count)
