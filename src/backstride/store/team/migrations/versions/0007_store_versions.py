"""Store versions: a change counter per runner store, bumped by triggers on its tables.

The table and the trigger function live in the team schema; the triggers themselves are
put on each runner store's tables by `store.team.versions.install` (`team init`, and a
new runner's store), since the runner schemas follow the store's own migrations.

Revision ID: store_versions
Revises: team_accounts
Create Date: 2027-01-12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_versions"
down_revision = "team_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    team = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    # 0006 creates the tables of the current metadata, this one among them on a new schema
    if not sa.inspect(bind).has_table("store_versions", schema=team):
        op.create_table(
            "store_versions",
            sa.Column("runner_schema", sa.String(80), primary_key=True),
            sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
        )
    # The runner's connection points at the runner's schema only, so the function names
    # the team schema itself; it runs BEFORE each statement so that two transactions
    # writing one store take the counter's row lock first and queue, never deadlock.
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION "{team}".bump_store_version() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO "{team}".store_versions AS v (runner_schema, version)
            VALUES (TG_TABLE_SCHEMA, 1)
            ON CONFLICT (runner_schema) DO UPDATE SET version = v.version + 1;
            RETURN NULL;
        END
        $$
        """
    )


def downgrade() -> None:
    bind = op.get_bind()
    team = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    op.execute(f'DROP FUNCTION IF EXISTS "{team}".bump_store_version() CASCADE')
    op.drop_table("store_versions")
