"""The import rule of STYLE.md section 2, read from each module's imports with `ast`."""

from __future__ import annotations

import ast
from collections.abc import Collection
from functools import cache
from pathlib import Path

import pytest

from tests._source import SRC, parsed

#: stage -> the stages it may import (besides itself and the top-level helpers).
ALLOWED: dict[str, set[str]] = {
    "ingest": {"models", "errors", "text"},
    "store": {"models", "errors", "text"},
    "analyse": {"models", "errors"},
    "kb": {"errors"},
    "assess": {"kb", "analyse", "models", "errors"},
    "plan": {"assess", "analyse", "kb", "models", "errors"},
    "video": {"models", "errors", "kb"},
    # services words the load flags and the evidence lines it hands the self-check
    # (wording, in the user's units)
    "services": {
        "units",
        "wording",
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
    # team mode's accounts, sharing, caseload and jobs: the rules over the team schema,
    # whose tables and statements are store's (store.team, part of the store stage), and
    # the single-runner services run on a runner's store; the web pages and API over
    # them are present's (present/web/team)
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
#: is handed the knowledge base's parameter sets and names their type, but never imports kb;
#: team's job queue is handed a pose estimator and never imports video.
TYPE_ONLY: dict[str, set[str]] = {
    "analyse": {"backstride.kb.schema"},
    # the job queue is handed a pose estimator (tests replay recorded keypoints through it)
    "team": {"backstride.video.pose"},
}


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
    tree = parsed(path)
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


def _import_rule_breaches(path: Path) -> list[str]:
    stage = path.relative_to(SRC).parts[0]
    allowed = ALLOWED[stage]
    if "*" in allowed:
        return []
    extra = _imported_stages(path, TYPE_ONLY.get(stage, set())) - allowed - {stage}
    if not extra:
        return []
    return [
        f"{path.relative_to(SRC)} imports {sorted(extra)}; {stage} may import {sorted(allowed)}"
    ]


def test_every_module_respects_the_import_rule() -> None:
    """One test over every module, naming each breach, rather than one test per module:
    the ~200 items cost more in pytest-xdist's bookkeeping than the scan itself."""
    assert [breach for path in _modules() for breach in _import_rule_breaches(path)] == []


def test_the_import_rule_scan_sees_a_breach(tmp_path: Path) -> None:
    assert "store" not in ALLOWED["analyse"]
    sample = tmp_path / "src" / "analyse" / "x.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("from backstride.store import activities\n")
    assert _imported_stages(sample) == {"store"}


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


def test_wording_imports_units_models_and_the_finding_types_only() -> None:
    """`wording` sits beside `units` so that services may use it: it may take nothing from
    analyse but the findings it words (no analysis runs to word a sentence)."""
    modules = {m for m, _ in _all_imports(SRC / "wording.py") if m.startswith("backstride")}
    allowed = {
        "backstride.units",
        "backstride.models",
        "backstride.analyse.findings",
        "backstride.analyse.personal_findings",
    }
    assert modules <= allowed, sorted(modules - allowed)


#: The analyse modules whose findings `wording` words (issue 16, item 7): the load flags,
#: the self-check evidence and the personal insights.
FINDING_MODULES = (
    "findings", "flags", "state_flags", "evidence", "report", "personal", "personal_findings",
)  # fmt: skip


@pytest.mark.parametrize("name", FINDING_MODULES)
def test_analyse_builds_no_sentences(name: str) -> None:
    """The load flags, the self-check evidence and the insights carry typed findings, not
    text: no f-string, no formatter handed in or imported, no dataclass field named `text`."""
    path = SRC / "analyse" / f"{name}.py"
    tree = parsed(path)
    # an error's message is for whoever broke the KB's binding to the code, not a finding
    in_raise = {id(n) for r in ast.walk(tree) if isinstance(r, ast.Raise) for n in ast.walk(r)}
    f_strings = [
        n.lineno for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) and id(n) not in in_raise
    ]
    assert f_strings == [], f"{path.name} builds text at lines {f_strings}"
    formatters = sorted(
        n.arg if isinstance(n, ast.arg) else n.name
        for n in ast.walk(tree)
        if isinstance(n, ast.arg | ast.FunctionDef)
        and "format" in (n.arg if isinstance(n, ast.arg) else n.name)
    )
    assert formatters == [], f"{path.name} takes or defines {formatters}"
    assert not any(m in ("backstride.units", "backstride.wording") for m, _ in _all_imports(path))
    text_fields = [
        f"{c.name}.text"
        for c in ast.walk(tree)
        if isinstance(c, ast.ClassDef)
        for stmt in c.body
        if isinstance(stmt, ast.AnnAssign) and ast.unparse(stmt.target) == "text"
    ]
    assert text_fields == []


@cache
def _all_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in the file, lazy and TYPE_CHECKING ones included;
    a plain `import module` names ["*"], everything in it."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            found += [(a.name, ["*"]) for a in node.names]  # the whole module
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names]))
    return found


def test_present_imports_no_store() -> None:
    """The shells reach the database through services only (issue 16, item 2)."""
    offenders = sorted(
        f"{p.relative_to(SRC)}: {module} {names}"
        for p in (SRC / "present").rglob("*.py")
        for module, names in _all_imports(p)
        if module in ("backstride.store", "backstride")
        and (module == "backstride.store" or "store" in names)
        or module.startswith("backstride.store.")
    )
    assert offenders == []


#: What a module outside `store` may take from SQLAlchemy: the two handles a use case is
#: given, and the errors it catches. Statements (select, insert, text...) stay in store.
SQLALCHEMY_OUTSIDE_STORE = {
    "sqlalchemy": {"Connection", "Engine"},
    "sqlalchemy.exc": {"*"},
    # parsing a database URL (config: which store, where its files go) is not SQL
    "sqlalchemy.engine": {"make_url"},
}
SQL_CALLS = {"execute", "exec_driver_sql", "select", "text", "insert", "update", "delete"}


def _sql_uses(path: Path) -> list[str]:
    tree = parsed(path)
    uses: list[str] = []
    for module, names in _all_imports(path):
        if module.split(".")[0] != "sqlalchemy":
            continue
        allowed = SQLALCHEMY_OUTSIDE_STORE.get(module)
        if allowed is None or not ("*" in allowed or set(names) <= allowed):
            uses.append(f"imports {module} {names}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("execute", "exec_driver_sql"):
                uses.append(f"line {node.lineno}: .{node.func.attr}(...)")
    return uses


def test_no_sql_outside_store() -> None:
    """All SQL lives in `store`: no statement is built or executed anywhere else."""
    outside = [p for p in sorted(SRC.rglob("*.py")) if p.relative_to(SRC).parts[0] != "store"]
    assert [f"{p.relative_to(SRC)}: {use}" for p in outside for use in _sql_uses(p)] == []


def test_the_sql_scan_sees_statements(tmp_path: Path) -> None:
    """The scan is not vacuous: each way of writing SQL outside store is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sqlalchemy as sa\n"
        "from sqlalchemy import select, Connection\n"
        "def f(conn: Connection) -> None:\n"
        "    conn.execute(sa.text('SELECT 1'))\n"
    )
    uses = _sql_uses(sample)
    assert len(uses) == 3, uses


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_one_that_imports_it_back() -> None:
    """No two modules import each other, not even for annotations (issue 16, item 5):
    value objects shared both ways live in a `model.py` (or `plan/context.py`)."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}

    def imported(path: Path) -> set[str]:
        found: set[str] = set()
        for module, names in _all_imports(path):
            found |= {module} | {f"{module}.{n}" for n in names}  # `from pkg import module`
        return found & set(modules)

    imports = {name: imported(path) - {name} for name, path in modules.items()}
    pairs = sorted(
        f"{a} <-> {b}"
        for a, found in imports.items()
        for b in found
        # a package importing its own modules in __init__ is not a cycle between them
        if a < b and a in imports.get(b, set()) and not b.startswith(a + ".")
    )
    assert pairs == []


#: Names the shells give a result and its parts (variables, parameters and attributes such
#: as `saved.result`), each typed in `present`, never the JSON dict: a self-check's
#: (`Assessment`, `PlanSummary`, triage reason), a form check's (`FormResult`, `Figure`,
#: `Finding`), the physio report's (`ReportData` as `data`, its `check`), the plan's
#: (`Plan`, its weeks, days, items and exercises, the `PlanView` with its progress and
#: adherence) and the insights'.
RESULT_NAMES = frozenset(
    {
        "result", "assessment", "triage", "plan", "recheck",
        "report", "data", "check", "saved", "finding", "figure", "insights",
        "view", "progress", "adherence", "week", "day", "item", "ex",
    }
)  # fmt: skip


def _result_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id if node.id in RESULT_NAMES else None
    if isinstance(node, ast.Attribute):
        return node.attr if node.attr in RESULT_NAMES else None
    return None


def _dict_reads(tree: ast.AST) -> list[str]:
    """`result["triage"]`, `saved.result["plan"]` or `plan.get("kind")`: a string key read
    from something named as a check result (RESULT_NAMES)."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            target, key = node.value, node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
        ):
            target, key = node.func.value, node.args[0]
        else:
            continue
        if (
            _result_name(target) is not None
            and isinstance(key, ast.Constant)
            and isinstance(key.value, str)
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize(
    "path", sorted((SRC / "present").rglob("*.py")), ids=lambda p: str(p.relative_to(SRC))
)
def test_the_shells_read_results_as_attributes(path: Path) -> None:
    """The shells render the typed results (issue 16, item 3): a self-check from its
    `Assessment`, a form check from its `FormResult`, the physio report from `ReportData`,
    the calendar from the `Plan`, progress from the `PlanView`, so mypy --strict checks
    every field they show. The JSON is made only for `--json`, the API and the store
    (`to_json()`); a saved check is read back with `services.selfcheck.saved_result`, a
    saved form check with `FormResult.from_json`.

    The rule: in `present`, nothing with one of RESULT_NAMES (a variable, or an attribute
    such as `saved.result`) is indexed or `.get()`-ed by a string key. Those are the names
    this code base gives a result and its parts; a string key on them means a dict crossed
    the seam. JSON the shells build to print (the `--json` dicts) is not named so and not
    caught; renaming a result dict to dodge the rule is what review is for.
    """
    assert _dict_reads(parsed(path)) == []


def test_the_dict_read_scan_sees_string_keys() -> None:
    tree = ast.parse(
        'result["triage"]; saved.result["plan"]; plan.get("kind"); triage.get("x", 1)\n'
        'data["metrics"]; item.get("detail"); saved.report["findings"]; ex["reps"]\n'
        'rows["id"]; plan.to_json()["weeks"]; result.level; result[0]; plan.get(key)'
    )
    assert [r.split(": ", 1)[1] for r in _dict_reads(tree)] == [
        "result['triage']", "saved.result['plan']", "plan.get('kind')", "triage.get('x', 1)",
        "data['metrics']", "item.get('detail')", "saved.report['findings']", "ex['reps']",
    ]  # fmt: skip
