from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from backstride import store
from backstride.errors import SchemaOutOfDate
from backstride.store import checks
from backstride.store.engine import code_heads, create, current_heads


def test_connect_creates_sqlite_schema_at_code_heads(tmp_path: Path) -> None:
    eng = store.connect(f"sqlite:///{tmp_path / 'a' / 'b.db'}")
    assert current_heads(eng) == code_heads()
    assert "checks" in inspect(eng).get_table_names()


def test_code_heads_read_from_the_files_equal_alembics_heads() -> None:
    from alembic.script import ScriptDirectory

    migrations = Path(store.engine.__file__).parent / "migrations"
    assert code_heads() == set(ScriptDirectory(str(migrations)).get_heads())


def test_current_heads_equal_alembics_reading_of_the_ledger(tmp_path: Path) -> None:
    from alembic.runtime.migration import MigrationContext

    url = f"sqlite:///{tmp_path / 'x.db'}"
    empty = create(url)
    assert current_heads(empty) == set()
    eng = store.connect(url)
    with eng.connect() as conn:
        assert current_heads(eng) == set(MigrationContext.configure(conn).get_current_heads())


def test_server_database_is_not_upgraded_implicitly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    create(url)  # empty database, no schema
    with pytest.raises(SchemaOutOfDate, match="backstride db upgrade"):
        store.connect(url, auto_upgrade=False)


def _roundtrip(eng: Engine) -> None:
    with eng.begin() as conn:
        cid = checks.add(
            conn,
            answers={"age": 40, "pain_character": ["dull_ache"]},
            result={"triage": {"level": "self_care"}},
            kb_version="t1",
            triage_level="self_care",
        )
    with eng.connect() as conn:
        saved = checks.get(conn, check_id=cid)
    assert saved.answers == {"age": 40, "pain_character": ["dull_ache"]}
    assert saved.created_at.tzinfo is not None
    assert saved.triage_level == "self_care"


def test_checks_roundtrip(any_engine: Engine) -> None:
    assert current_heads(any_engine) == code_heads()
    _roundtrip(any_engine)
