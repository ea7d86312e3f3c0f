"""Tables of the pain diary and the plan (migration 0004_diary_plans), on the shared metadata.

Kept apart from schema.py so parallel branches each add their own module; a diary entry
links to an imported run by `activity_id` without a foreign key (the activities table
belongs to another migration branch).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, Integer, String, Table, Text, UniqueConstraint

from backstride.store.schema import UTCDateTime, metadata

diary_entries = Table(
    "diary_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_date", Date, nullable=False, index=True),
    Column("kind", String(12), nullable=False),
    Column("pain_during", Integer, nullable=True),
    Column("pain_after", Integer, nullable=True),
    Column("pain_next_morning", Integer, nullable=True),
    Column("onset", String(20), nullable=True),
    Column("character", JSON, nullable=False),
    Column("helped", Text, nullable=True),
    Column("notes", Text, nullable=False, default=""),
    Column("warnings", JSON, nullable=False),
    Column("psfs", JSON, nullable=False),
    Column("activity_id", Integer, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("entry_date", "kind", name="uq_diary_entries_date_kind"),
)

plan_ticks = Table(
    "plan_ticks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_date", Date, nullable=False, index=True),
    Column("kind", String(12), nullable=False),
    Column("done_at", UTCDateTime(), nullable=False),
    UniqueConstraint("item_date", "kind", name="uq_plan_ticks_date_kind"),
)

plan_snapshots = Table(
    "plan_snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    Column("check_id", Integer, nullable=True),
    Column("plan_start", Date, nullable=False),
    Column("level", String(20), nullable=False),
    Column("plan", JSON, nullable=False),
)
