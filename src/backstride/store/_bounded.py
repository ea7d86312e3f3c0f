"""Values made fit for a column before any database sees them: the store's last guard.

PostgreSQL refuses what SQLite lets through (a 201-character gear name in VARCHAR(200),
`inf` in a float column or a JSON document, a NUL character, text that is not UTF-8), and
one refused value would stop a whole import. The readers already keep values within
physical bounds (ingest/bounds.py); this keeps every row storable whoever built it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Float, String, Table

from backstride.errors import StoreError
from backstride.text import valid_utf8

#: A Text column holds at most this many characters from a file (a name, a reason).
MAX_TEXT_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: str, limit: int = MAX_TEXT_CHARS) -> str:
    """`value` as valid UTF-8 without control characters, cut to `limit` characters.

    A lone surrogate (a file name that was not UTF-8, decoded with surrogateescape)
    becomes its byte as `\\xNN`, as `ingest.source.display_name` shows it.
    """
    value = _CONTROL.sub("", valid_utf8(value))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def row(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with each string fit to its column and each non-finite float refused.

    Raises:
        StoreError: a non-finite number for a column that must hold one.
    """
    out = dict(values)
    for name, value in values.items():
        column = table.c[name]
        if isinstance(value, str) and isinstance(column.type, String):
            out[name] = text(value, column.type.length or MAX_TEXT_CHARS)
        elif isinstance(value, float) and isinstance(column.type, Float):
            if not math.isfinite(value):
                if not column.nullable:
                    raise StoreError(f"{table.name}.{name} is {value}: not a storable number")
                out[name] = None
    return out
