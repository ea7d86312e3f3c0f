"""Team mode: one PostgreSQL database serving many runners, their coaches and physios.

A `team` schema holds accounts, shares, tokens, sessions, the audit log and job
bookkeeping; each runner's single-runner store lives in a schema of its own, migrated by
the store's own Alembic migrations, so every service works unchanged on a runner's engine.
See docs/team.md.
"""
