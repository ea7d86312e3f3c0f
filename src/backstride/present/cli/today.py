"""`backstride today` (today's sessions, tomorrow, the week) and `backstride exercise ID`."""

from __future__ import annotations

import json
from datetime import date, datetime

import click
from rich.console import Console

from backstride.kb import load_kb
from backstride.kb.figures import FIGURE_DIR
from backstride.plan.model import PlannedExercise
from backstride.present.cli.context import AppContext, pass_app
from backstride.present.indent import print_indented
from backstride.services.exercises import exercise_card
from backstride.services.plan import preferences_from_store
from backstride.services.today import TodayView, today_view


def _label(level: str | None) -> str:
    return (level or "").replace("_", " ")


def render_card(console: Console, ex: PlannedExercise, *, full: bool = True) -> None:
    """An exercise card: dose, steps, key cue, stop-if, easier/harder, muscles, evidence."""
    console.print(f"[bold]{ex.name}[/]  {ex.dose_text}, rest {ex.rest_s} s", highlight=False)
    for n, step in enumerate(ex.steps, 1):
        console.print(f"  {n}. {step}", highlight=False)
    console.print(f"  Key cue: {ex.key_cue}", highlight=False)
    console.print(f"  [bold]Stop if:[/] {ex.avoid_if}", highlight=False)
    if full:
        console.print(f"  Easier: {ex.regression}", highlight=False)
        console.print(f"  Harder: {ex.progression}", highlight=False)
        console.print(f"  Muscles: {', '.join(ex.muscles)}", highlight=False)
    console.print(f"  Evidence: {_label(ex.evidence)}", highlight=False)
    if full and ex.figure:
        console.print(f"  Figure: {FIGURE_DIR.parent.parent / ex.figure}", highlight=False)


def render_today(console: Console, t: TodayView) -> None:
    plan = t.view.plan
    if t.stopped:
        console.print(f"[bold red]{plan.level.replace('_', ' ').upper()}[/]: {plan.message}")
        for line in plan.advice:
            console.print(f"- {line}", highlight=False)
        return
    console.print(f"[bold]Today, {t.date:%A %d %B}[/]")
    if t.experiment is not None:
        console.print(t.experiment.text, highlight=False)
    if t.day_pain is None:
        console.print("Today's back pain: not logged (backstride diary add --kind day --during N).")
    else:
        console.print(f"Today's back pain: {t.day_pain}/10.")
    if not t.items:
        console.print("Nothing planned today.")
    for ti in t.items:
        mark = "[green]✓ done[/]" if ti.done else ("\\[ ]" if ti.tickable else "•")
        console.print(f"{mark} {ti.item.title}", highlight=False)
        if ti.item.detail and ti.item.kind in ("run", "fuel"):
            print_indented(console, ti.item.detail, 4)
        for ex in ti.item.exercises:
            print_indented(console, f"{ex.name}: {ex.dose_text} — stop if: {ex.avoid_if}", 4)
    if any(ti.tickable and not ti.done for ti in t.items):
        console.print("Tick one off: backstride plan done KIND (or on the web app's Today page).")
    if t.tomorrow:
        names = ", ".join(i.title for i in t.tomorrow if i.kind != "habit")
        console.print(f"[bold]Tomorrow:[/] {names}", highlight=False)
    console.print("[bold]This week:[/]")
    for d in t.week:
        sessions = [i for i in d.items if i.kind in ("run", "strength", "mobility", "rest")]
        text = "; ".join(
            ("✓ " if i.kind in d.done else "") + i.title.split(",")[0] for i in sessions
        )
        here = " <- today" if d.is_today else ""
        console.print(f"  {d.date:%a %d}  {text or '-'}{here}", highlight=False)
    a = t.view.adherence
    if a.planned:
        console.print(f"Sessions done so far: {a.done} of {a.planned}")


@click.command("today")
@click.option("--json", "as_json", is_flag=True, help="Print today as one JSON object.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), hidden=True)
@pass_app
def today_cmd(app: AppContext, as_json: bool, today: datetime | None) -> None:
    """Today's sessions with what is done, tomorrow's, and this week at a glance."""
    day = today.date() if today else date.today()
    with app.engine.begin() as conn:
        prefs = preferences_from_store(conn, settings=app.settings)
        view = today_view(conn, kb=load_kb(), today=day, preferences=prefs)
    if as_json:
        click.echo(json.dumps(view.to_json(), indent=2))
    else:
        render_today(app.console, view)


@click.command("exercise")
@click.argument("exercise_id")
@click.option("--json", "as_json", is_flag=True, help="Print the card as one JSON object.")
@pass_app
def exercise_cmd(app: AppContext, exercise_id: str, as_json: bool) -> None:
    """Show an exercise card: steps, key cue, dose, easier/harder, stop-if, evidence, figure."""
    card = exercise_card(load_kb(), exercise_id)
    if as_json:
        click.echo(json.dumps(card.to_json(), indent=2))
    else:
        render_card(app.console, card)


def register(cli: click.Group) -> None:
    cli.add_command(today_cmd)
    cli.add_command(exercise_cmd)
