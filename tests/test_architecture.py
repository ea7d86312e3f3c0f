"""The import rule of STYLE.md section 2, read from each module's imports with `ast`."""

from __future__ import annotations

import ast
from collections.abc import Collection
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "backstride"

#: stage -> the stages it may import (besides itself and the top-level helpers).
ALLOWED: dict[str, set[str]] = {
    "ingest": {"models", "errors", "text"},
    "store": {"models", "errors", "text"},
    "analyse": {"models", "errors"},
    "kb": {"errors"},
    "assess": {"kb", "analyse", "models", "errors"},
    "plan": {"assess", "analyse", "kb", "models", "errors"},
    "video": {"models", "errors", "kb"},
    # services may format numbers in the evidence lines it hands the self-check (units)
    "services": {
        "units",
        "ingest",
        "store",
        "analyse",
        "assess",
        "plan",
        "kb",
        "models",
        "errors",
        "config",
        "files",
        "video",
    },
    # team mode's accounts, sharing and jobs run the single-runner services on a runner's
    # store; the web pages and API over them are present's (present/web/team)
    "team": {
        "services",
        "store",
        "analyse",
        "kb",
        "models",
        "errors",
        "config",
        "files",
        "ingest",
        "text",
    },
    "present": {"*"},
}

#: Modules a stage may name for type annotations only (under `if TYPE_CHECKING:`): analyse
#: is handed the knowledge base's parameter sets and names their type, but never imports kb.
TYPE_ONLY: dict[str, set[str]] = {"analyse": {"backstride.kb.schema"}}


def _type_checking_imports(tree: ast.AST) -> set[int]:
    """ids of the import nodes inside `if TYPE_CHECKING:` blocks."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            found |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return found


def _imported_stages(path: Path, type_only: Collection[str] = ()) -> set[str]:
    tree = ast.parse(path.read_text())
    typing_only = _type_checking_imports(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        if id(node) in typing_only:
            names = [n for n in names if n not in type_only]
        for name in names:
            parts = name.split(".")
            if parts[0] == "backstride" and len(parts) > 1:
                found.add(parts[1])
    return found


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] in ALLOWED)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_respects_the_import_rule(path: Path) -> None:
    stage = path.relative_to(SRC).parts[0]
    allowed = ALLOWED[stage]
    if "*" in allowed:
        return
    extra = _imported_stages(path, TYPE_ONLY.get(stage, set())) - allowed - {stage}
    assert not extra, (
        f"{path.relative_to(SRC)} imports {sorted(extra)}; {stage} may import {sorted(allowed)}"
    )


def test_nothing_outside_present_imports_present() -> None:
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if p.relative_to(SRC).parts[0] != "present"
        and "present" in _imported_stages(p)
        and p.name != "__main__.py"
    ]
    assert offenders == []


def test_analyse_names_the_kb_schema_for_types_only() -> None:
    """A runtime import of the KB from analyse would fail the import rule."""
    flags = SRC / "analyse" / "flags.py"
    assert "kb" not in _imported_stages(flags, TYPE_ONLY["analyse"])
    assert "kb" in _imported_stages(flags)  # it does name the type, under TYPE_CHECKING
