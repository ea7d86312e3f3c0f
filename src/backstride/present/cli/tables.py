"""Tables that fit the terminal: ids and dates are never cut, long text wraps instead.

Rich shrinks columns to the console's width and, by default, cuts a word that does not
fit with "…" ("2019-0…"). Here the key columns (ids, dates, numbers) keep their full
width and never wrap, and free text folds onto the next line; commands show fewer
columns by default and every column with `--wide`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich import box
from rich.table import Table

F = TypeVar("F", bound=Callable[..., Any])


def table(*columns: str | tuple[str, str], title: str | None = None) -> Table:
    """A light table; a column is a name (key: kept whole) or (name, "text"|"right"|"key").

    Text columns fold long words; key and right-aligned columns never wrap or shrink
    below their content.
    """
    out = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for col in columns:
        name, kind = (col, "key") if isinstance(col, str) else col
        if kind == "text":
            out.add_column(name, overflow="fold", ratio=1)
        else:
            out.add_column(
                name,
                no_wrap=True,
                justify="right" if kind == "right" else "left",
                min_width=len(name),
            )
    return out


def fit(t: Table) -> Table:
    """Give every key column the width of its widest cell, so Rich never cuts it."""
    for col in t.columns:
        if col.no_wrap:
            cells = [str(c) for c in col.cells]
            col.min_width = max([len(str(col.header)), *(len(c) for c in cells)])
    return t


def wide_option(f: F) -> F:
    """`--wide`: every column, for a terminal wide enough (or a pipe)."""
    return click.option("--wide", is_flag=True, help="Show every column (needs a wide terminal).")(
        f
    )
