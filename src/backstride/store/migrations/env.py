"""Alembic environment: runs on the Engine handed in by backstride.store.engine."""

from __future__ import annotations

from alembic import context

from backstride.store.schema import metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        transaction_per_migration=True,
    )
    context.run_migrations()
