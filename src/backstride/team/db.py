"""The team database handle, for the shells: a door onto `store.team.engine`.

`TeamDB` (one engine per schema, each connection pinned to exactly one schema) and the
schema migrations are SQL, so they live in `store.team.engine`; the CLI and the team web
app open the team database here, so `present` never imports `store`.
"""

from __future__ import annotations

from backstride.store.team.engine import (
    DEFAULT_SCHEMA,
    VERSION_TABLE,
    NotTeamDatabase,
    TeamDB,
    require_postgres,
    schema_from_url,
)

__all__ = [
    "DEFAULT_SCHEMA",
    "VERSION_TABLE",
    "NotTeamDatabase",
    "TeamDB",
    "require_postgres",
    "schema_from_url",
]
