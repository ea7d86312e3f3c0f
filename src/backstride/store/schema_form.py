"""The table of saved video form checks (migration 0005_form_checks), on the shared metadata.

Kept apart from schema.py, as schema_diary.py is, so parallel branches each add a module.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Integer, String, Table, Text

from backstride.store.schema import UTCDateTime, metadata

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
