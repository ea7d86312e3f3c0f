"""`backstride insights [--json]`: associations between your own training and your back pain."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from backstride.present.cli.context import AppContext, pass_app
from backstride.present.indent import print_indented
from backstride.wording import (
    insight_text,
    insights_window,
    not_enough_by_factor,
    nothing_tested_text,
)

if TYPE_CHECKING:  # rich loads only when the findings are printed, not for --json
    from rich.console import Console

    from backstride.analyse.personal_findings import Insights


@click.command("insights")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), hidden=True)
@pass_app
def insights_cmd(app: AppContext, as_json: bool, today: datetime | None) -> None:
    """What in your own training goes with your back pain (associations, not causes).

    Each factor (a run over your 30-day longest, hard days back to back, a new pair, short
    sleep, ...) is compared with your diary's pain the same day, the next day and on runs,
    allowing for today's pain following yesterday's and for how many factors are tested.
    """
    # deferred: CLI start-up, see tests/present/test_cli_startup.py (the KB, the store)
    from backstride.kb import load_kb
    from backstride.services.insights import insights_from_store, insights_json

    day = today.date() if today else date.today()
    with app.engine.connect() as conn:
        found = insights_from_store(conn, kb=load_kb(), today=day)
    if as_json:
        click.echo(json.dumps(insights_json(found), indent=2))
        return
    _render(app.console, found)


def _render(console: Console, found: Insights) -> None:
    nothing = nothing_tested_text(found)
    if nothing is None:
        tested = f"{found.tests} factor-outcome pairs tested"
        console.print(f"[bold]Personal evidence[/bold] {insights_window(found)}: {tested}")
    else:
        console.print(f"[bold]Personal evidence[/bold] {insights_window(found)}")
        console.print(f"\n{nothing}", highlight=False)
    credible = found.credible
    if credible:
        console.print("\n[bold]Credible associations[/bold] (the corrected interval excludes zero)")
        for f in credible:
            console.print(f"  • {insight_text(f)}", highlight=False)
    elif nothing is None:
        console.print(
            "\nNo credible association found: nothing in your records clearly goes with more or less pain."
        )
    others = [f for f in found.findings if not f.credible]
    if others:
        console.print("\n[bold]Tested, no clear association[/bold]")
        for f in others:
            console.print(f"  • {insight_text(f)}", highlight=False)
    if found.not_enough_data:
        console.print("\n[bold]Not enough data yet[/bold]")
        for line in not_enough_by_factor(found.not_enough_data):
            print_indented(console, f"• {line}", 2)
    console.print(f"\n[dim]Method: {found.method}[/dim]", highlight=False)


def register(cli: click.Group) -> None:
    cli.add_command(insights_cmd)
