"""The team schema's SQL: its tables, migrations, the team engine and every query on it.

`backstride.team` holds the logic over these (password hashing, rate limits, sharing
rules, the caseload, the job queue) and never builds a statement itself; a runner's own
store is the single-runner `store`, reached through a runner engine (`engine.TeamDB`).
"""
