"""analyse is the pure core: it imports models, itself and libraries, never store or present,
and it does no I/O: the knowledge it needs (kb.load_rules) is handed in by the caller."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import backstride.analyse
from backstride.analyse import evidence, flags, report

ALLOWED_BACKSTRIDE = ("backstride.models", "backstride.errors", "backstride.analyse")
ROOT = Path(backstride.analyse.__file__).parent
MODULES = sorted(ROOT.rglob("*.py"))

#: Modules whose import means reading or writing something outside the arguments.
IO_MODULES = {
    "io", "os", "pathlib", "shutil", "tempfile", "glob", "pickle", "shelve", "sqlite3",
    "socket", "urllib", "http", "subprocess", "yaml", "json", "csv", "requests", "httpx",
    "sqlalchemy", "click", "rich", "importlib",
}  # fmt: skip
#: Calls and attributes that open, read or write files (numpy's included).
IO_CALLS = {
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "load", "save", "savez",
    "loadtxt", "genfromtxt", "fromfile", "tofile", "Path", "__import__", "exec", "eval",
}  # fmt: skip
#: `load` is also the name of analyse's own module of load metrics (analyse/load.py).
OWN_MODULES = {p.stem for p in MODULES}


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def _runtime_imports(path: Path) -> list[str]:
    """Imports outside `if TYPE_CHECKING:` blocks (those exist for annotations only)."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for stmt in node.body
        for n in ast.walk(stmt)
    }
    names = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def _io_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in IO_CALLS:
            found.append(f"{path.name}:{node.lineno}: {func.id}(")
        elif isinstance(func, ast.Attribute) and func.attr in IO_CALLS:
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            if owner not in OWN_MODULES:
                found.append(f"{path.name}:{node.lineno}: .{func.attr}(")
    return found


def test_analyse_imports_only_models_and_itself() -> None:
    bad = [
        f"{path.name}: {name}"
        for path in MODULES
        for name in _runtime_imports(path)
        if name.startswith("backstride")
        and not name.startswith(ALLOWED_BACKSTRIDE)
        or name.split(".")[0] in {"sqlalchemy", "click", "rich"}
    ]
    assert bad == []


def test_analyse_names_only_the_kb_schema_and_only_for_types() -> None:
    """No KB loader (load_kb, check_kb, DATA_DIR) is reachable from analyse, even for types."""
    named = {
        name for path in MODULES for name in _imports(path) if name.startswith("backstride.kb")
    }
    assert named <= {"backstride.kb.schema"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_analyse_module_does_no_io(path: Path) -> None:
    io_imports = [n for n in _runtime_imports(path) if n.split(".")[0] in IO_MODULES]
    assert io_imports == [], f"{path.name} imports {io_imports}"
    assert _io_calls(path) == []


def test_the_io_scan_catches_a_file_read(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.py"
    leaky.write_text(
        "import yaml\nfrom pathlib import Path\n\n"
        "def rules():\n    return yaml.safe_load(Path('x.yaml').read_text())\n"
    )
    assert _runtime_imports(leaky) == ["yaml", "pathlib"]
    assert sorted(_io_calls(leaky)) == ["leaky.py:5: .read_text(", "leaky.py:5: Path("]


@pytest.mark.parametrize(
    "function",
    [flags.prepare, evidence.flags, evidence.training_evidence, report.build_load_report],
)
def test_rules_are_a_required_parameter(function: object) -> None:
    """No `rules or load_rules()` fallback: the caller hands the rules in (pvlib's way)."""
    param = inspect.signature(function).parameters["rules"]  # type: ignore[arg-type]
    assert param.default is inspect.Parameter.empty
    assert param.kind is inspect.Parameter.KEYWORD_ONLY
