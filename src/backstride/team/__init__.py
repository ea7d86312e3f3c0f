"""Team mode: one PostgreSQL database serving many runners, their coaches and physios.

A `team` schema holds accounts, shares, tokens, sessions, the audit log and job
bookkeeping; each runner's single-runner store lives in a schema of its own, migrated by
the store's own Alembic migrations, so every service works unchanged on a runner's engine.

This package holds the rules (password hashing, rate limits, sharing, the caseload, the job
queue) and builds no SQL: the team schema's tables, migrations, engine and statements are
`store.team`'s. See docs/team.md.
"""
