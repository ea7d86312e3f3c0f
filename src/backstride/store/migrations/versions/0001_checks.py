"""Self-check history: each check with its answers, result and knowledge-base version.

Revision ID: 0001_checks
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_checks"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kb_version", sa.String(32), nullable=False),
        sa.Column("triage_level", sa.String(20), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("source", sa.String(20), nullable=False, server_default="cli"),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_checks_created_at", "checks", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_checks_created_at", table_name="checks")
    op.drop_table("checks")
