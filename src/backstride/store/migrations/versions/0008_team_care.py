"""Team mode: the notes a physio or coach leaves a runner, and their exercise changes.

A branch of its own from 0001_checks, like 0004 and 0005: it depends on no other table.
Single-runner stores get the two tables too (empty): the store's schema is one schema,
whichever server holds it.

Revision ID: team_care
Revises: 0001_checks
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "team_care"
down_revision = "0001_checks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("author_role", sa.String(10), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_index("ix_care_notes_created_at", "care_notes", ["created_at"])
    op.create_table(
        "exercise_adjustments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("author_role", sa.String(10), nullable=False),
        sa.Column("exercise_id", sa.String(80), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("dose", sa.String(200), nullable=True),
    )
    op.create_index("ix_exercise_adjustments_created_at", "exercise_adjustments", ["created_at"])


def downgrade() -> None:
    op.drop_table("exercise_adjustments")
    op.drop_table("care_notes")
