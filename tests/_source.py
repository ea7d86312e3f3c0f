"""The package's own source, parsed once per test process for the tests that read it
(the import rule, the KB binding): each scan parsing every module anew cost seconds."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "backstride"


@cache
def parsed(path: Path) -> ast.Module:
    """The module's syntax tree; shared, so a scan must not change it."""
    return ast.parse(path.read_text(encoding="utf-8"))
