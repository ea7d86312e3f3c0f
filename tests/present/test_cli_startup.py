"""Starting fast: each command imports only what it uses, and the lazy listing cannot drift.

The import checks run `python -m backstride ...` in a fresh process and read its sys.modules
at exit (-X importtime misses importlib.import_module); no timing assertions here: see
bench/cli_startup_bench.py.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import backstride
from backstride.present.cli import COMMANDS, LazyGroup, cli

BASELINE = Path(__file__).resolve().parent.parent / "data" / "answers" / "baseline.yaml"

#: Never needed to print help or run a quick command.
HEAVY = {"numpy", "fastapi", "mediapipe", "weasyprint", "cv2", "av", "scipy"}


#: `python -m backstride ARGS` that also lists, at exit, every module the process imported.
_PROBE = """
import atexit, runpy, sys
atexit.register(lambda: sys.stderr.write("".join(f"imported: {m}\\n" for m in sys.modules)))
runpy.run_module("backstride", run_name="__main__", alter_sys=True)
"""


def _imported(args: list[str], tmp_path: Path) -> set[str]:
    """Every module `python -m backstride *args` has in sys.modules when it exits."""
    env = {
        **os.environ,
        # the code under test, also when pytest found it without an install
        "PYTHONPATH": os.pathsep.join(
            [str(Path(backstride.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]
        ),
        "BACKSTRIDE_DB": str(tmp_path / "test.db"),
        "BACKSTRIDE_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {
        line.removeprefix("imported: ")
        for line in done.stderr.splitlines()
        if line.startswith("imported: ")
    }


def _top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_help_imports_no_command_module_nor_any_heavy_library(tmp_path: Path) -> None:
    imported = _imported(["--help"], tmp_path)
    assert "backstride.present.cli" in imported  # the report was read
    assert _top_level(imported) & (HEAVY | {"sqlalchemy", "pydantic", "alembic"}) == set()
    commands = {m for m in imported if m.startswith("backstride.present.cli.")}
    assert commands == set()


@pytest.mark.slow
@pytest.mark.parametrize(
    "args", [["check", "--help"], ["diary", "add", "--help"], ["form", "--help"]], ids=" ".join
)
def test_command_help_needs_neither_the_store_nor_heavy_libraries(
    args: list[str], tmp_path: Path
) -> None:
    imported = _imported(args, tmp_path)
    assert f"backstride.present.cli.{args[0]}" in imported
    assert _top_level(imported) & (HEAVY | {"sqlalchemy"}) == set()


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["check", "--answers", str(BASELINE), "--no-save"],
        ["diary", "add", "--kind", "run", "--during", "3", "--date", "2020-01-01"],
    ],
    ids=["check --answers", "diary add"],
)
def test_quick_commands_on_an_empty_store_import_no_heavy_library(
    args: list[str], tmp_path: Path
) -> None:
    # SQLAlchemy is needed (the check reads the store for training evidence); numpy only
    # once there is training to analyse.
    imported = _imported(args, tmp_path)
    assert "sqlalchemy" in _top_level(imported)
    assert _top_level(imported) & HEAVY == set()
    # Once the store is migrated and the KB cached, neither Alembic nor the KB's YAML
    # validation is loaded again.
    again = _imported([a.replace("2020-01-01", "2020-01-02") for a in args], tmp_path)
    assert _top_level(again) & (HEAVY | {"alembic"}) == set()
    assert "backstride.kb.validate" not in again


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_short_help_is_the_commands_first_docstring_sentence(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert COMMANDS[name].short_help == command.get_short_help_str(limit=1_000)
    assert not command.hidden and not command.deprecated


@pytest.mark.parametrize("module", sorted({c.module for c in COMMANDS.values()}))
def test_each_module_registers_exactly_the_commands_listed_for_it(module: str) -> None:
    group = click.Group()
    importlib.import_module(f"backstride.present.cli.{module}").register(group)
    assert set(group.commands) == {n for n, c in COMMANDS.items() if c.module == module}


def test_every_command_module_is_listed() -> None:
    package = Path(importlib.import_module("backstride.present.cli").__file__ or "").parent
    with_commands = {
        p.stem for p in package.glob("*.py") if "\ndef register(" in p.read_text(encoding="utf-8")
    }
    assert with_commands == {c.module for c in COMMANDS.values()}


def test_lazy_help_is_the_help_of_the_eager_group() -> None:
    fields = {"name": cli.name, "params": cli.params, "callback": cli.callback, "help": cli.help}
    lazy = LazyGroup(lazy=COMMANDS, **fields)  # nothing loaded: lists from the table
    eager = click.Group(commands=dict(cli.commands), **fields)
    runner = CliRunner()
    lazy_help = runner.invoke(lazy, ["--help"], prog_name="backstride", terminal_width=80)
    eager_help = runner.invoke(eager, ["--help"], prog_name="backstride", terminal_width=80)
    assert lazy_help.exit_code == eager_help.exit_code == 0
    assert "check          Run the self-check: warning signs first" in lazy_help.output
    assert lazy_help.output == eager_help.output


def test_an_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    result = CliRunner().invoke(cli, ["chek"])
    assert result.exit_code == 2
    assert "No such command 'chek'" in result.output
    assert "check" in result.output.split("No such command")[1]
