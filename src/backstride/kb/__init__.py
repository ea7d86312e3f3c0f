"""The knowledge base: YAML data shipped in the package, validated and cross-checked at load.

load_kb() raises KnowledgeBaseError listing every problem as "file: id: problem";
`backstride kb check` prints the same list.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from backstride.errors import KnowledgeBaseError
from backstride.kb.cache import load_cached
from backstride.kb.model import KnowledgeBase

DATA_DIR = Path(__file__).parent / "data"

__all__ = ["DATA_DIR", "KnowledgeBase", "check_kb", "load_kb"]


def check_kb(path: Path | None = None) -> tuple[KnowledgeBase | None, list[str]]:
    """Load and cross-check the KB at `path`; return it (if it parsed) with every problem found."""
    # Deferred: YAML parsing is only needed when the cache (kb/cache.py) misses.
    from backstride.kb.validate import collect_problems, read_files

    folder = path or DATA_DIR
    files, problems = read_files(folder)
    if problems:
        return None, problems
    kb = KnowledgeBase.from_files(files)
    return kb, collect_problems(kb)


def load_kb(path: Path | None = None) -> KnowledgeBase:
    """The validated knowledge base; raises KnowledgeBaseError with every problem."""
    if path is None:
        return _load_default()
    return _load(path)


def _load(path: Path) -> KnowledgeBase:
    kb, problems = check_kb(path)
    if problems or kb is None:
        raise KnowledgeBaseError(problems)
    return kb


@lru_cache(maxsize=1)
def _load_default() -> KnowledgeBase:
    return load_cached(DATA_DIR, _load)
