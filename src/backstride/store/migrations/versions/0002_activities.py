"""Imported training history: activities, the source files behind them, seen paths.

Revision ID: 0002_activities
Revises: 0001_checks
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_activities"
down_revision = "0001_checks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sport", sa.String(40), nullable=False),
        sa.Column("sub_sport", sa.String(40), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("utc_offset_s", sa.Integer, nullable=True),
        sa.Column("elapsed_s", sa.Float, nullable=False),
        sa.Column("moving_s", sa.Float, nullable=True),
        sa.Column("distance_m", sa.Float, nullable=True),
        sa.Column("elevation_gain_m", sa.Float, nullable=True),
        sa.Column("elevation_loss_m", sa.Float, nullable=True),
        sa.Column("avg_hr_bpm", sa.Float, nullable=True),
        sa.Column("max_hr_bpm", sa.Float, nullable=True),
        sa.Column("avg_cadence_spm", sa.Float, nullable=True),
        sa.Column("device", sa.String(120), nullable=True),
        sa.Column("gear", sa.String(200), nullable=True),
        sa.Column("name", sa.Text, nullable=True),
        sa.Column("surface", sa.String(20), nullable=True),
        sa.Column("route", sa.JSON, nullable=False),
        sa.Column("session_index", sa.Integer, nullable=False, server_default="0"),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source_format", sa.String(8), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("content_hash", "session_index", name="uq_activities_content_session"),
    )
    op.create_index("ix_activities_started_at", "activities", ["started_at"])
    op.create_index("ix_activities_fingerprint", "activities", ["fingerprint"])
    op.create_table(
        "source_files",
        sa.Column("content_hash", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("format", sa.String(8), nullable=True),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("stored_path", sa.Text, nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("duplicate_of", sa.Text, nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "seen_paths",
        sa.Column("path", sa.Text, primary_key=True),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("seen_paths")
    op.drop_table("source_files")
    op.drop_index("ix_activities_fingerprint", table_name="activities")
    op.drop_index("ix_activities_started_at", table_name="activities")
    op.drop_table("activities")
