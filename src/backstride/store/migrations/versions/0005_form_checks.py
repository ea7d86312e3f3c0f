"""Saved video form checks: the figures, findings and warnings of each clip the runner kept.

A branch of its own from 0001_checks (the engine upgrades to every head), like
0004_diary_plans: it depends on no other table.

Revision ID: 0005_form_checks
Revises: 0001_checks
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_form_checks"
down_revision = "0001_checks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_checks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("view", sa.String(8), nullable=False),
        sa.Column("clip_name", sa.Text, nullable=False),
        sa.Column("fps", sa.Float, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("frames_analysed", sa.Integer, nullable=False),
        sa.Column("strides_used", sa.Integer, nullable=False),
        sa.Column("cadence_spm", sa.Float, nullable=True),
        sa.Column("form_observed", sa.JSON, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("metrics", sa.JSON, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("estimator", sa.String(80), nullable=False),
        sa.Column("kb_version", sa.String(32), nullable=False),
        sa.Column("output_key", sa.String(32), nullable=True),
    )
    op.create_index("ix_form_checks_created_at", "form_checks", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_form_checks_created_at", table_name="form_checks")
    op.drop_table("form_checks")
