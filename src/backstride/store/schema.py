"""SQLAlchemy Core tables: the one description of the store that migrations follow."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, Text

metadata = MetaData()

checks = Table(
    "checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("kb_version", String(32), nullable=False),
    Column("triage_level", String(20), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("result", JSON, nullable=False),
    Column("source", String(20), nullable=False, default="cli"),
    Column("note", Text, nullable=True),
)
