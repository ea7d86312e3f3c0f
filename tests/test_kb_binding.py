"""Knowledge and code are bound: every KB field is read somewhere, every KB id in code exists.

The shape of datasette's tests/test_docs.py: a grep of the source against the data, so a
field nobody reads or an id nobody defines fails here instead of silently doing nothing.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from backstride.kb import DATA_DIR, KnowledgeBase, load_kb
from backstride.kb import schema as s
from tests._source import SRC, parsed

#: Where a field is declared or only validated is not where it is used.
NOT_A_USE = {SRC / "kb" / "schema.py", SRC / "kb" / "validate.py"}
USERS = sorted(
    p for p in SRC.rglob("*") if p.suffix in (".py", ".html", ".j2", ".js") and p not in NOT_A_USE
)

#: Fields written for people reading the YAML, not for the program (say why).
FOR_PEOPLE_ONLY = {
    # traces a citation to the project's research notes (shared/research/*.md)
    ("Source", "ref"),
    # the reverse of causes.yaml `exercises` (which the plan reads), for people browsing
    # exercises.yaml; kb check insists each target is a cause
    ("Exercise", "targets"),
    # the study's figure beside each band of the 30-day rule; the flag names the band
    ("LoadBand", "hazard_ratio"),
}


def _kb_models() -> list[type[BaseModel]]:
    return [
        obj
        for obj in vars(s).values()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj.__module__ == s.__name__
        and not obj.__name__.startswith("_")
    ]


FIELDS = [(m.__name__, f) for m in _kb_models() for f in m.model_fields]
SOURCE_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in USERS)
#: `.name` (Python, Jinja), `["name"]`, `name=`, or a "name" string (getattr, keys): each
#: lookahead matches at every position, so this is every name the source reads, found in
#: one pass instead of one search of the whole source per field.
_READ = re.compile(r"""(?=\.(\w+)\b|\[["'](\w+)["']\]|\b(\w+)=|["'](\w+)["'])""")
READ_NAMES = {name for groups in _READ.findall(SOURCE_TEXT) for name in groups if name}


def _is_read(field: str) -> bool:
    """`.field`, `["field"]`, `field=` or "field" somewhere in the source."""
    return field in READ_NAMES


def test_every_kb_field_is_read_somewhere() -> None:
    """One test naming every unread field (one per field cost more in pytest's
    bookkeeping than the check): each is loaded from kb/schema.py but never read in src/;
    use it, drop it, or add it to FOR_PEOPLE_ONLY with the reason."""
    unread = [f"{m}.{f}" for m, f in FIELDS if (m, f) not in FOR_PEOPLE_ONLY and not _is_read(f)]
    assert unread == []


def test_the_people_only_fields_are_really_unread() -> None:
    """An allow-listed field that code starts reading should leave the list."""
    assert [f for f in FOR_PEOPLE_ONLY if f in FIELDS and _is_read(f[1])] == []
    assert FOR_PEOPLE_ONLY <= set(FIELDS)


def test_the_field_scan_sees_an_unread_field() -> None:
    assert not _is_read("surely_no_such_field_xyz")
    assert _is_read("key_cue") and _is_read("max_ratio_to_30_day_longest")


# --- every KB id named in code exists -------------------------------------------------

#: The name of the collection an id is looked up in -> the KB table it must exist in.
COLLECTIONS = {
    "questions": "questions",
    "answers": "questions",
    "causes": "causes",
    "focus": "causes",
    "exercises": "exercises",
    "habits": "habits",
    "cues": "cues",
    "sources": "sources",
    "load_rules": "load_rules",
    "rules": "load_rules",
}
#: Functions whose string arguments are ids, in order, of these tables.
ID_CALLS: dict[str, tuple[str, ...]] = {
    "why_cause": ("causes",),
    "threshold": ("load_rules",),
    "_habit_item": ("habits", "causes"),
}
SNAKE_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def _ids(kb: KnowledgeBase) -> dict[str, set[str]]:
    return {
        "questions": set(kb.questions),
        "causes": set(kb.causes),
        "exercises": set(kb.exercises),
        "habits": set(kb.habits),
        "cues": set(kb.cues),
        "sources": set(kb.sources),
        "load_rules": {r.id for r in kb.load_rules.rules},
    }


def _last_name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _named_ids(tree: ast.AST) -> Iterator[tuple[str, str, int]]:
    """(table, id, line) for each string the code looks up in a KB table."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and (key := _text(node.slice)) is not None:
            table = COLLECTIONS.get(_last_name(node.value))
            if table:
                yield table, key, node.lineno
        elif isinstance(node, ast.Call):
            texts = [t for t in map(_text, node.args) if t is not None]
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get":
                table = COLLECTIONS.get(_last_name(func.value))
                tables: tuple[str, ...] = (table,) if table else ()
            else:
                tables = ID_CALLS.get(_last_name(func), ())
            for table, key in zip(tables, texts, strict=False):
                yield table, key, node.lineno
        elif isinstance(node, ast.Compare) and (key := _text(node.left)) is not None:
            for op, right in zip(node.ops, node.comparators, strict=True):
                table = COLLECTIONS.get(_last_name(right))
                if isinstance(op, ast.In | ast.NotIn) and table:
                    yield table, key, node.lineno
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id.endswith("_CAUSES") for t in node.targets
        ):
            for elt in getattr(node.value, "elts", []):
                if (key := _text(elt)) is not None:
                    yield "causes", key, node.lineno


CODE = [p for p in USERS if p.suffix == ".py" and p.relative_to(SRC).parts[0] != "kb"]


def _kb_strings() -> set[str]:
    """Every snake_case string or key anywhere in the KB's YAML files."""

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield str(key)
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)
        elif isinstance(node, str):
            yield node

    return {
        text
        for path in DATA_DIR.glob("*.yaml")
        for text in walk(yaml.safe_load(path.read_text(encoding="utf-8")))
        if SNAKE_ID.match(text)
    }


def test_every_kb_id_looked_up_in_code_exists() -> None:
    ids = _ids(load_kb())
    missing = [
        f"{path.relative_to(SRC)}:{line}: {table} has no id {key!r}"
        for path in CODE
        for table, key, line in _named_ids(parsed(path))
        if key not in ids[table]
    ]
    assert missing == []


@pytest.mark.slow
def test_no_string_in_code_is_a_near_miss_of_a_kb_id() -> None:
    """A typo of an id ("glute_bridges") fails even where the lookup is not recognised."""
    kb_strings = _kb_strings()
    all_ids = set().union(*_ids(load_kb()).values())
    near = []
    for path in CODE:
        for node in ast.walk(parsed(path)):
            text = _text(node)
            if not isinstance(node, ast.Constant) or text is None:
                continue
            if not SNAKE_ID.match(text) or text in kb_strings:
                continue
            close = difflib.get_close_matches(text, all_ids, n=1, cutoff=0.9)
            if close:
                near.append(
                    f"{path.relative_to(SRC)}:{node.lineno}: {text!r} (did you mean {close[0]!r}?)"
                )
    assert near == []


def test_the_id_scan_finds_lookups_of_every_shape() -> None:
    code = (
        'kb.habits["longest_run_guard"]\n'
        'ctx.kb.exercises.get("glute_bridges")\n'
        '"monotonous_terrain" in ctx.focus\n'
        'why_cause(ctx, "training_load_spike")\n'
        'h.rules.threshold("same_route", "window_days")\n'
        'STRENGTH_CAUSES = ("weak_glutes", "core_weakness")\n'
        '_habit_item(ctx, "movement_breaks", "prolonged_sitting")\n'
    )
    found = sorted((t, k) for t, k, _ in _named_ids(ast.parse(code)))
    assert found == [
        ("causes", "core_weakness"),
        ("causes", "monotonous_terrain"),
        ("causes", "prolonged_sitting"),
        ("causes", "training_load_spike"),
        ("causes", "weak_glutes"),
        ("exercises", "glute_bridges"),
        ("habits", "longest_run_guard"),
        ("habits", "movement_breaks"),
        ("load_rules", "same_route"),
    ]
    assert "glute_bridges" not in _ids(load_kb())["exercises"]
