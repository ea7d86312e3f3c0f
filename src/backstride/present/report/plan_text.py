"""The plan and progress in the terminal (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.panel import Panel

if TYPE_CHECKING:
    from backstride.services.plan import PlanView


def render_advice(console: Console, view: PlanView) -> None:
    """Escalation and withdrawal first, prominent, before anything else."""
    plan = view.plan
    if not plan.weeks:
        console.print(
            Panel(plan.message, title=f"[bold red]{plan.level.upper()}", border_style="red")
        )
    elif view.escalated:
        console.print(
            Panel(plan.advice[0], title="[bold yellow]See a clinician", border_style="yellow")
        )


def render_plan(console: Console, view: PlanView) -> None:
    render_advice(console, view)
    plan = view.plan
    if not plan.weeks:
        for line in plan.advice:
            console.print(f"- {line}")
        console.print(plan.disclaimer)
        return
    console.print(f"[bold]{plan.message}")
    for week in plan.weeks:
        console.rule(f"Week of {week.start_date:%a %d %b}")
        for day in week.days:
            titles = "; ".join(i.title for i in day.items)
            console.print(f"[bold]{day.date:%a %d %b}[/]  {titles}")
            for item in day.items:
                for ex in item.exercises:
                    console.print(f"    {ex.name}: {ex.dose_text}", highlight=False)
                if item.kind == "fuel" or (item.run and item.run.terrain):
                    console.print(f"    {item.detail}", highlight=False)
                for cue in item.run.cues if item.run else ():
                    console.print(f"    Cue: {cue}", highlight=False)
    done = view.adherence
    if done.planned:
        console.print(f"Sessions done so far: {done.done}/{done.planned}")
    console.print(plan.disclaimer)
