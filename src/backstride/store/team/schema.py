"""The team schema's tables: accounts, shares, tokens, sessions, audit log, jobs.

No health data lives here: a runner's activities, diary, checks, and the notes and
exercise changes their physio leaves, are all in the runner's own store schema.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

ROLES = ("runner", "coach", "physio", "admin")
#: Roles a runner may share their data with.
VIEWER_ROLES = ("coach", "physio")

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("runner_schema", sa.String(80), unique=True),  # runners only
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('runner', 'coach', 'physio', 'admin')", name="users_role"),
)

shares = sa.Table(
    "shares",
    metadata,
    sa.Column(
        "runner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "viewer_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),  # "api" bearer token or "session" cookie
    sa.Column("csrf", sa.String(64)),  # sessions only: the token every form carries
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(320), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor_id", sa.Integer),  # no foreign key: the log outlives deleted accounts
    sa.Column("actor_email", sa.String(320), nullable=False),
    sa.Column("runner_id", sa.Integer, index=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "runner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    # who asked: the runner, or a coach or physio they share with (a report)
    sa.Column("requested_by", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
    sa.Column("kind", sa.String(16), nullable=False),  # import | report | form
    sa.Column("state", sa.String(10), nullable=False),  # queued|running|done|failed
    sa.Column("queue_job_id", sa.BigInteger),  # procrastinate's job id
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("worker", sa.String(120)),  # the worker that ran (or runs) its latest attempt
    sa.Column("progress", sa.JSON, nullable=False),
    sa.Column("report", sa.JSON),
    sa.Column("error", sa.Text),
    sa.Column("output_name", sa.String(120)),  # a report job's PDF
    sa.Column("output", sa.LargeBinary),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
)

#: Uploaded files wait here for a worker, which may run on another machine.
job_files = sa.Table(
    "job_files",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job_id", sa.Integer, sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),  # emptied once the job is done
)

#: Every runner store's change counter: a trigger on each of the store's tables bumps it
#: in the writing transaction (`store.team.versions`), so "has this runner's data changed
#: since that summary?" is a column beside the shares, not a query on the runner's schema.
store_versions = sa.Table(
    "store_versions",
    metadata,
    sa.Column("runner_schema", sa.String(80), primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
)
