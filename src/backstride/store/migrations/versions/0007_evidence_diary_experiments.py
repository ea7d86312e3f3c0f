"""Personal evidence: morning stiffness, sleep and fuelling on diary entries; one table of
randomised experiments (a fair test of one change, `backstride experiment`).

The diary columns are nullable: an entry without them is as before. An experiment keeps
its randomised block schedule as JSON, so the schedule the runner was shown is the one
analysed.

Revision ID: evidence_diary_experiments
Revises: 0004_diary_plans
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "evidence_diary_experiments"
down_revision = "0004_diary_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("diary_entries") as batch:
        batch.add_column(sa.Column("morning_stiffness", sa.Integer, nullable=True))
        batch.add_column(sa.Column("sleep_h", sa.Float, nullable=True))
        batch.add_column(sa.Column("fuelled", sa.Boolean, nullable=True))
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.Text, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("block_days", sa.Integer, nullable=False),
        sa.Column("washout_days", sa.Integer, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("schedule", sa.JSON, nullable=False),
        sa.Column("stopped_date", sa.Date, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("experiments")
    with op.batch_alter_table("diary_entries") as batch:
        batch.drop_column("fuelled")
        batch.drop_column("sleep_h")
        batch.drop_column("morning_stiffness")
