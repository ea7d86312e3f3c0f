"""SQLAlchemy Core tables: the one description of the store that migrations follow."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: stored in UTC, always read back as an aware UTC datetime.

    SQLite keeps no zone (its DATETIME is text), PostgreSQL's ``timestamptz`` answers in
    the session's zone; both come back here as UTC. An aware value in another zone is
    converted before it is stored; a naive one is taken as UTC, the rule the readers use
    for a file time without a zone (see ``ingest.tcx``, ``ingest.gpx``).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def as_utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


metadata = MetaData()

checks = Table(
    "checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    Column("kb_version", String(32), nullable=False),
    Column("triage_level", String(20), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("result", JSON, nullable=False),
    Column("source", String(20), nullable=False, default="cli"),
    Column("note", Text, nullable=True),
)

activities = Table(
    "activities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sport", String(40), nullable=False),
    Column("sub_sport", String(40), nullable=True),
    Column("started_at", UTCDateTime(), nullable=False, index=True),
    Column("utc_offset_s", Integer, nullable=True),
    Column("elapsed_s", Float, nullable=False),
    Column("moving_s", Float, nullable=True),
    Column("distance_m", Float, nullable=True),
    Column("elevation_gain_m", Float, nullable=True),
    Column("elevation_loss_m", Float, nullable=True),
    Column("avg_hr_bpm", Float, nullable=True),
    Column("max_hr_bpm", Float, nullable=True),
    Column("avg_cadence_spm", Float, nullable=True),
    Column("device", String(120), nullable=True),
    Column("gear", String(200), nullable=True),
    Column("name", Text, nullable=True),
    Column("surface", String(20), nullable=True),
    Column("route", JSON, nullable=False),
    Column("session_index", Integer, nullable=False, default=0),
    Column("source_file", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("source_format", String(8), nullable=False),
    # "<sport family>@<start, UTC, to the minute>": a coarse, indexed key; the tolerant
    # comparison (neighbouring minutes, duration and distance within ~2 %) is in Python.
    Column("fingerprint", String(64), nullable=False, index=True),
    Column("imported_at", UTCDateTime(), nullable=False),
    # The file named no sport: `sport` was inferred from speed and cadence (0006).
    Column("sport_inferred", Boolean, nullable=False, default=False),
    UniqueConstraint("content_hash", "session_index", name="uq_activities_content_session"),
)

# The runner's corrections of a sport (migration 0006), keyed on the file's content so
# that importing the same file again (after a delete) keeps the runner's word.
sport_corrections = Table(
    "sport_corrections",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("session_index", Integer, primary_key=True),
    Column("sport", String(40), nullable=False),
    Column("corrected_at", UTCDateTime(), nullable=False),
)

# Originals kept in the database itself (migration 0006): a PostgreSQL store's, which
# every web server and import worker reaches without a shared folder. A SQLite store
# keeps its originals as files beside the database instead (see store/files.py).
original_files = Table(
    "original_files",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

source_files = Table(
    "source_files",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("format", String(8), nullable=True),
    Column("size_bytes", BigInteger, nullable=False),
    Column("stored_path", Text, nullable=True),
    # imported | duplicate | skipped | failed
    Column("status", String(12), nullable=False),
    Column("reason", Text, nullable=True),
    # for duplicates: the source file kept for the same run
    Column("duplicate_of", Text, nullable=True),
    Column("seen_at", UTCDateTime(), nullable=False),
)

# The no-op re-import fast path: a path whose size and mtime are unchanged since it was
# completely imported is not read again.
seen_paths = Table(
    "seen_paths",
    metadata,
    Column("path", Text, primary_key=True),
    Column("size_bytes", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    # the file's own hash; NULL for an archive, whose members are in source_files
    Column("content_hash", String(64), nullable=True),
    Column("seen_at", UTCDateTime(), nullable=False),
)

# A pair of shoes; its distance is start_distance_m plus the runs linked in activity_shoes.
shoes = Table(
    "shoes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("limit_km", Float, nullable=False),
    Column("added_date", Date, nullable=False),
    Column("retired_date", Date, nullable=True),
    Column("start_distance_m", Float, nullable=False, default=0.0),
)

# Which pair each activity was run in: at most one pair per activity.
activity_shoes = Table(
    "activity_shoes",
    metadata,
    Column(
        "activity_id",
        Integer,
        ForeignKey("activities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "shoe_id", Integer, ForeignKey("shoes.id", ondelete="CASCADE"), nullable=False, index=True
    ),
)

# The pain diary and the plan (migration 0004). An entry links to an imported run by
# `activity_id` without a foreign key: 0004 branches from 0001_checks beside the branch
# that adds activities, so it cannot name that table.
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
    # Personal evidence (migration evidence_diary_experiments): all optional
    Column("morning_stiffness", Integer, nullable=True),
    Column("sleep_h", Float, nullable=True),
    Column("fuelled", Boolean, nullable=True),
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

# Saved video form checks (migration 0005, another branch from 0001_checks).
form_checks = Table(
    "form_checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    # "cli" or "web": which shell saved it
    Column("source", String(20), nullable=False),
    # "side" or "rear": the latest check per view feeds the self-check
    Column("view", String(8), nullable=False),
    # the file name as the runner knows it, never a path
    Column("clip_name", Text, nullable=False),
    Column("fps", Float, nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("frames_analysed", Integer, nullable=False),
    Column("strides_used", Integer, nullable=False),
    Column("cadence_spm", Float, nullable=True),
    Column("form_observed", JSON, nullable=False),
    Column("findings", JSON, nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("warnings", JSON, nullable=False),
    # the rest of the report (frames detected, the clip's codec and size, report version)
    Column("details", JSON, nullable=False),
    Column("estimator", String(80), nullable=False),
    Column("kb_version", String(32), nullable=False),
    # the web app's folder of key frames and annotated video (data_dir/form/<key>), if any
    Column("output_key", String(32), nullable=True),
)

# A fair test of one change (migration evidence_diary_experiments): a randomised block
# schedule, kept as shown, so the analysis follows the schedule the runner was given.
experiments = Table(
    "experiments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("change", Text, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("block_days", Integer, nullable=False),
    Column("washout_days", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    # [{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "arm": "change"|"usual"}, ...]
    Column("schedule", JSON, nullable=False),
    Column("stopped_date", Date, nullable=True),
)

# What the runner's physio or coach left for them in team mode (migration team_care, file 0008_team_care.py,
# a branch from 0001_checks): notes the runner reads, and changes to their exercises. They
# live in the runner's own store, so they are exported and deleted with the runner's data.
care_notes = Table(
    "care_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    # who wrote it, as the runner knows them (an e-mail address) and their role
    Column("author", String(320), nullable=False),
    Column("author_role", String(10), nullable=False),
    Column("body", Text, nullable=False),
)

exercise_adjustments = Table(
    "exercise_adjustments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    Column("author", String(320), nullable=False),
    Column("author_role", String(10), nullable=False),
    Column("exercise_id", String(80), nullable=False),
    # "add", "remove" or "dose"; the latest row per exercise is what holds
    Column("action", String(8), nullable=False),
    Column("dose", String(200), nullable=True),
)
