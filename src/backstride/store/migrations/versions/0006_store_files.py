"""A store that holds its own files, and sports the runner corrected.

* activities.sport_inferred: the file named no sport, the import inferred it;
* sport_corrections: the runner's sport per (content hash, session), kept across a
  re-import of the same file;
* original_files: originals kept in the database (PostgreSQL stores).

Merges the activities branch (0003_shoes) with 0005_form_checks: it needs the
activities table.

Revision ID: store_files
Revises: 0003_shoes, 0005_form_checks
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_files"
down_revision = ("0003_shoes", "0005_form_checks")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(
            sa.Column("sport_inferred", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_table(
        "sport_corrections",
        sa.Column("content_hash", sa.String(64), primary_key=True),
        sa.Column("session_index", sa.Integer, primary_key=True),
        sa.Column("sport", sa.String(40), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "original_files",
        sa.Column("content_hash", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("original_files")
    op.drop_table("sport_corrections")
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("sport_inferred")
