"""`--json` / `--csv` declared once for every listing command (sqlite-utils' output_options).

@click.command("things")
@output_options
@pass_app
def things_cmd(app: AppContext, output: str | None) -> None:
    rows = [...]  # one dict per row, SI units, names with unit suffixes
    if not print_rows(rows, output):
        app.console.print(table_of(rows))  # the human view stays the command's own
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def output_options(command: F) -> F:
    """Add `--json` and `--csv` as one `output` parameter: "json", "csv" or None (the table)."""
    command = click.option(
        "--csv", "output", flag_value="csv", help="Print CSV: a header line, then a line a row."
    )(command)
    return click.option(
        "--json", "output", flag_value="json", help="Print a JSON array, an object a row."
    )(command)


def print_rows(rows: Sequence[dict[str, Any]], output: str | None) -> bool:
    """Print `rows` as JSON or CSV and return True; False for the table (the caller's view).

    CSV columns are the keys of all rows in first-seen order; a list or mapping value is
    written as JSON inside its cell, None as an empty cell.
    """
    if output == "json":
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2))
        return True
    if output == "csv":
        columns = list(dict.fromkeys(key for row in rows for key in row))
        writer = csv.DictWriter(sys.stdout, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
        return True
    return False


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return value
