"""A pickle of the validated shipped knowledge base in the user cache dir, so a quick command
skips parsing the YAML and building the pydantic validators (~100 ms of start-up).

The file name is a hash of every YAML file, the knowledge-base code and the pydantic and
Python versions, so an edit to any of them simply misses the cache (and the new file
replaces the old); a file that cannot be read or written is ignored (the KB is then
loaded and validated as without a cache).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import platformdirs
import pydantic

from backstride.kb.model import KnowledgeBase

log = logging.getLogger(__name__)

_CODE = Path(__file__).parent


def cache_file(folder: Path) -> Path:
    """Where the pickle of the KB in `folder`, as this code validates it, is kept."""
    digest = hashlib.sha256()
    for version in (sys.version, pydantic.VERSION):
        digest.update(version.encode())
    for path in sorted([*folder.glob("*.yaml"), *_CODE.glob("*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    cache_dir = Path(platformdirs.user_cache_dir("backstride", appauthor=False))
    return cache_dir / f"kb-{digest.hexdigest()[:32]}.pickle"


def load_cached(folder: Path, load: Callable[[Path], KnowledgeBase]) -> KnowledgeBase:
    """The KB in `folder` from the cache, else `load(folder)`, which is then cached."""
    path = cache_file(folder)
    try:
        with path.open("rb") as file:
            kb = pickle.load(file)  # noqa: S301 - our own file in the runner's cache dir
        if isinstance(kb, KnowledgeBase):
            return kb
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged or foreign cache file is simply rebuilt
        log.info("ignoring unreadable knowledge-base cache %s", path, exc_info=True)
    kb = load(folder)
    _write(path, kb)
    return kb


def _write(path: Path, kb: KnowledgeBase) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".kb-", suffix=".tmp")
        with os.fdopen(fd, "wb") as file:
            pickle.dump(kb, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # readers see the old file or the whole new one
        for stale in path.parent.glob("kb-*.pickle"):  # left by an earlier version
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        log.info("cannot cache the knowledge base at %s", path, exc_info=True)
