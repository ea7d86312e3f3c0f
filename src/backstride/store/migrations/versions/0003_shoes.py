"""Shoes and which pair each activity was run in.

Revision ID: 0003_shoes
Revises: 0002_activities
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_shoes"
down_revision = "0002_activities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shoes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("limit_km", sa.Float, nullable=False),
        sa.Column("added_date", sa.Date, nullable=False),
        sa.Column("retired_date", sa.Date, nullable=True),
        sa.Column("start_distance_m", sa.Float, nullable=False, server_default="0"),
    )
    op.create_table(
        "activity_shoes",
        sa.Column(
            "activity_id",
            sa.Integer,
            sa.ForeignKey("activities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "shoe_id", sa.Integer, sa.ForeignKey("shoes.id", ondelete="CASCADE"), nullable=False
        ),
    )
    op.create_index("ix_activity_shoes_shoe_id", "activity_shoes", ["shoe_id"])


def downgrade() -> None:
    op.drop_index("ix_activity_shoes_shoe_id", table_name="activity_shoes")
    op.drop_table("activity_shoes")
    op.drop_table("shoes")
