"""The knowledge-base cache: a hit equals a fresh validated load; any change misses it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backstride.kb import DATA_DIR, _load
from backstride.kb.cache import cache_file, load_cached
from backstride.kb.model import KnowledgeBase


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _no_load(folder: Path) -> KnowledgeBase:
    raise AssertionError(f"{folder} was loaded again instead of read from the cache")


@pytest.mark.slow
def test_a_cached_kb_equals_a_freshly_validated_one(cache_home: Path) -> None:
    fresh = load_cached(DATA_DIR, _load)
    assert cache_file(DATA_DIR).is_relative_to(cache_home)
    assert load_cached(DATA_DIR, _no_load) == fresh == _load(DATA_DIR)


def test_an_edited_yaml_file_misses_the_cache(cache_home: Path, tmp_path: Path) -> None:
    folder = shutil.copytree(DATA_DIR, tmp_path / "kb")
    load_cached(folder, _load)
    before = cache_file(folder)
    meta = folder / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_file(folder) != before


@pytest.mark.slow
def test_a_damaged_cache_file_is_rebuilt(cache_home: Path) -> None:
    load_cached(DATA_DIR, _load)
    cache_file(DATA_DIR).write_bytes(b"not a pickle")
    assert load_cached(DATA_DIR, _load) == _load(DATA_DIR)
    assert load_cached(DATA_DIR, _no_load) == _load(DATA_DIR)


@pytest.mark.slow
def test_an_unwritable_cache_dir_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # a file, not a folder
    assert load_cached(DATA_DIR, _load) == _load(DATA_DIR)


def test_a_new_cache_file_replaces_the_stale_ones(cache_home: Path) -> None:
    stale = cache_home / "backstride" / "kb-0123.pickle"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"from an earlier version")
    load_cached(DATA_DIR, _load)
    assert list(stale.parent.iterdir()) == [cache_file(DATA_DIR)]
