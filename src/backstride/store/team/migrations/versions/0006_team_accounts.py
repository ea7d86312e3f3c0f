"""The team schema: accounts, shares, tokens, login failures, audit log, jobs.

Its own Alembic tree (version table `team_alembic_version` in the team schema); the
runner schemas use the store's migrations.

Revision ID: team_accounts
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from backstride.store.team.schema import metadata

revision = "team_accounts"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind)


def downgrade() -> None:
    bind = op.get_bind()
    metadata.drop_all(bind)
