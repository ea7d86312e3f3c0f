"""Terminal lines that sit under a heading and keep their indent when they wrap.

A detail printed as ``"  " + text`` wraps back to the margin at 80 columns, so it reads
as a new item; Rich's padding wraps it inside the indent instead.
"""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding


def print_indented(console: Console, text: str, indent: int, *, markup: bool = False) -> None:
    """`text` indented by `indent` columns on every wrapped line (`markup`: Rich tags in it)."""
    shown = console.render_str(text, markup=markup, highlight=False)
    console.print(Padding(shown, (0, 0, 0, indent), expand=False))
