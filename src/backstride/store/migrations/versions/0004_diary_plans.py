"""Pain diary, plan ticks (items done) and plan snapshots.

A branch of its own from 0001_checks (the engine upgrades to every head), so it does
not depend on the activities branch; diary entries link to runs by a plain integer.

Revision ID: 0004_diary_plans
Revises: 0001_checks
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_diary_plans"
down_revision = "0001_checks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "diary_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entry_date", sa.Date, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("pain_during", sa.Integer, nullable=True),
        sa.Column("pain_after", sa.Integer, nullable=True),
        sa.Column("pain_next_morning", sa.Integer, nullable=True),
        sa.Column("onset", sa.String(20), nullable=True),
        sa.Column("character", sa.JSON, nullable=False),
        sa.Column("helped", sa.Text, nullable=True),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("psfs", sa.JSON, nullable=False),
        sa.Column("activity_id", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("entry_date", "kind", name="uq_diary_entries_date_kind"),
    )
    op.create_index("ix_diary_entries_entry_date", "diary_entries", ["entry_date"])
    op.create_table(
        "plan_ticks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_date", sa.Date, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("item_date", "kind", name="uq_plan_ticks_date_kind"),
    )
    op.create_index("ix_plan_ticks_item_date", "plan_ticks", ["item_date"])
    op.create_table(
        "plan_snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_id", sa.Integer, nullable=True),
        sa.Column("plan_start", sa.Date, nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("plan", sa.JSON, nullable=False),
    )
    op.create_index("ix_plan_snapshots_created_at", "plan_snapshots", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_plan_snapshots_created_at", table_name="plan_snapshots")
    op.drop_table("plan_snapshots")
    op.drop_index("ix_plan_ticks_item_date", table_name="plan_ticks")
    op.drop_table("plan_ticks")
    op.drop_index("ix_diary_entries_entry_date", table_name="diary_entries")
    op.drop_table("diary_entries")
