"""Alembic environment for the team schema (the engine is handed in by store.team.engine)."""

from __future__ import annotations

from alembic import context

from backstride.store.team.engine import VERSION_TABLE
from backstride.store.team.schema import metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        transaction_per_migration=True,
    )
    context.run_migrations()
