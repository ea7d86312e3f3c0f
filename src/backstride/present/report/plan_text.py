"""The plan and progress in the terminal (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from backstride.present.indent import print_indented
from backstride.services.today import plan_sessions, short_title

if TYPE_CHECKING:
    from backstride.plan import Plan
    from backstride.services.plan import PlanView


def render_advice(console: Console, view: PlanView) -> None:
    """Escalation and withdrawal first, prominent, before anything else."""
    plan = view.plan
    if not plan.weeks:
        console.print(
            Panel(plan.message, title=f"[bold red]{plan.level.upper()}", border_style="red")
        )
    elif view.escalated:
        text = plan.escalation or plan.advice[0]
        console.print(Panel(text, title="[bold yellow]See a clinician", border_style="yellow"))


def _evidence(level: str | None) -> str:
    return f" (evidence: {level.replace('_', ' ')})" if level else ""


def _first(console: Console, plan: Plan) -> None:
    """Every triggered reason's advice (stop reasons first), what is left out, guidance."""
    advice = [a for a in plan.advice if a != plan.escalation]
    if advice or plan.left_out:
        lines = [Text(f"- {a}") for a in advice]
        if plan.left_out:
            lines.append(Text(f"Left out until you are seen: {'; '.join(plan.left_out)}."))
        console.print(Panel(Group(*lines), title="Advice", border_style="yellow"))
    for g in plan.guidance:
        note = Text(f"{_evidence(g.evidence).strip()} {'; '.join(g.sources)}", style="dim")
        console.print(Panel(Group(Text(g.text), note), title=g.title))


def render_plan(console: Console, view: PlanView, *, full: bool = False) -> None:
    """The plan at a glance: a line a day, then each session once with its exercises.

    The how-to of each exercise is one command away (`backstride exercise ID`), so the
    weeks do not repeat it; `full` prints it under each exercise as well.
    """
    render_advice(console, view)
    plan = view.plan
    if not plan.weeks:
        for line in plan.advice:
            console.print(f"- {line}")
        console.print(plan.disclaimer)
        return
    console.print(f"[bold]{plan.message}")
    _first(console, plan)
    for week in plan.weeks:
        console.rule(f"Week of {week.start_date:%a %d %b}")
        for day in week.days:
            chips = [short_title(i) for i in day.items if i.kind in _GRID_KINDS]
            console.print(
                f"[bold]{day.date:%a %d}[/]  {' · '.join(chips) or 'Rest'}", highlight=False
            )
    console.rule("The sessions")
    ids: list[str] = []
    for item in plan_sessions(view):
        console.print(f"[bold]{item.title}[/]{_evidence(item.evidence)}", highlight=False)
        if item.kind in ("run", "fuel", "warm_up", "habit") and item.detail:
            print_indented(console, item.detail, 2)
        for cue in item.run.cues if item.run else ():
            print_indented(console, f"Cue: {cue}", 2)
        for ex in item.exercises:
            ids.append(ex.id)
            line = f"• {ex.name} [dim]({ex.id})[/]: {ex.dose_text}{_evidence(ex.evidence)}"
            print_indented(console, line, 2, markup=True)
            if full:
                for line in ex.how_lines:
                    print_indented(console, line, 6)
            elif ex.avoid_if:
                print_indented(console, f"Stop if: {ex.avoid_if}", 4)
    if ids and not full:
        first = ids[0]
        console.print(
            f"How to do each: backstride exercise ID (e.g. backstride exercise {first}), "
            "or backstride plan --full.",
            highlight=False,
        )
    done = view.adherence
    if done.planned:
        console.print(f"Sessions done so far: {done.done} of {done.planned}")
    console.print(plan.disclaimer)


#: What the day lines list (habits, the warm-up and fuelling are in "The sessions").
_GRID_KINDS = ("run", "strength", "mobility", "rest")
