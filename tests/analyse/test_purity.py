"""analyse is the pure core: it imports models, itself and libraries, never store or present."""

from __future__ import annotations

import ast
from pathlib import Path

import backstride.analyse

ALLOWED_BACKSTRIDE = ("backstride.models", "backstride.analyse")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_analyse_imports_only_models_and_itself() -> None:
    root = Path(backstride.analyse.__file__).parent
    bad = [
        f"{path.name}: {name}"
        for path in sorted(root.glob("*.py"))
        for name in _imports(path)
        if name.startswith("backstride")
        and not name.startswith(ALLOWED_BACKSTRIDE)
        or name.split(".")[0] in {"sqlalchemy", "click", "rich"}
    ]
    assert bad == []
