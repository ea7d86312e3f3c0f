"""The interactive self-check: safety screen first, interrupting at once on an emergency answer."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.panel import Panel
from rich.prompt import Confirm, FloatPrompt, IntPrompt, Prompt

from backstride.errors import InvalidAnswer
from backstride.kb import KnowledgeBase
from backstride.kb.schema import Question
from backstride.present.cli.context import AppContext
from backstride.present.report.terminal import render_result
from backstride.services import selfcheck


def _ask_choices(console: Console, q: Question) -> list[str] | None:
    values = q.values or []
    console.print("  " + ", ".join(f"[bold]{i + 1}[/] {v}" for i, v in enumerate(values)))
    while True:
        raw = Prompt.ask(
            "  numbers or names, comma-separated (blank to skip)", default="", console=console
        )
        if not raw.strip():
            return None if not q.required else []
        picked = [p.strip() for p in raw.split(",") if p.strip()]
        try:
            return [
                values[int(p) - 1] if p.isdigit() else p
                for p in picked
                if p in values or p.isdigit()
            ]
        except IndexError:
            console.print("  [red]Pick numbers from the list.[/]")


def ask(console: Console, q: Question) -> Any:
    """One question, re-asked until the answer fits; optional ones may be skipped."""
    if q.help:
        console.print(Panel(q.help, title="How to do this test", border_style="dim"))
    label = f"[bold]{q.text}[/]"
    if q.type == "bool":
        if q.required:
            return Confirm.ask(label, console=console)
        raw = Prompt.ask(label, choices=["y", "n", "skip"], default="skip", console=console)
        return None if raw == "skip" else raw == "y"
    if q.type == "choice":
        choices = list(q.values or [])
        if q.required:
            return Prompt.ask(label, choices=choices, console=console)
        return Prompt.ask(label, choices=[*choices, ""], default="", console=console) or None
    if q.type == "choices":
        console.print(label)
        return _ask_choices(console, q)
    prompt = IntPrompt if q.type == "int" else FloatPrompt
    while True:
        if not q.required:
            raw = Prompt.ask(label + " (blank to skip)", default="", console=console)
            if not raw.strip():
                return None
            try:
                value: Any = int(raw) if q.type == "int" else float(raw)
            except ValueError:
                console.print("  [red]Please enter a number.[/]")
                continue
        else:
            value = prompt.ask(label, console=console)
        if (q.min is None or value >= q.min) and (q.max is None or value <= q.max):
            return value
        console.print(f"  [red]Please enter a value between {q.min:g} and {q.max or 'any'}.[/]")


def _save(
    app: AppContext, kb: KnowledgeBase, answers: dict[str, Any], result: dict[str, Any]
) -> None:
    with app.engine.begin() as conn:
        selfcheck.save_check(conn, kb=kb, answers=answers, result=result, source="cli-interactive")


def run_interview(app: AppContext, kb: KnowledgeBase, *, save: bool) -> None:
    """Ask every group in order; stop at the first emergency answer with what to do."""
    console = app.console
    console.print(Panel(kb.meta.disclaimer, title="backstride self-check", border_style="blue"))
    answers: dict[str, Any] = {}
    for group, title in selfcheck.GROUPS:
        console.rule(title)
        questions, left_out = selfcheck.questions_to_ask(kb, group, answers)
        if left_out:
            console.print(selfcheck.left_out_note(left_out), style="yellow", highlight=False)
        for q in questions:
            value = ask(console, q)
            if value is not None:
                answers[q.id] = value
            if group == "safety_screen" and (result := selfcheck.emergency_result(kb, answers)):
                render_result(console, result)
                if save:
                    _save(app, kb, answers, result)
                raise click.exceptions.Exit(0)
    try:
        result = selfcheck.run_check(answers, kb, training=None)
    except InvalidAnswer as exc:
        raise click.UsageError(str(exc)) from exc
    render_result(console, result)
    if save:
        _save(app, kb, answers, result)
