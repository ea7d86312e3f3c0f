"""The interactive self-check: safety screen first, interrupting at once on an emergency answer."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.panel import Panel
from rich.prompt import Prompt

from backstride.assess.answers import check_answer
from backstride.assess.model import Assessment
from backstride.errors import InvalidAnswer
from backstride.kb import KnowledgeBase
from backstride.kb.schema import Question
from backstride.present.cli.context import AppContext
from backstride.present.report.terminal import render_result
from backstride.services import selfcheck

_YES = {"y", "yes", "true"}
_NO = {"n", "no", "false"}


def _options(console: Console, q: Question) -> list[str]:
    """Print the numbered values (with their plain labels) and return them."""
    values = list(q.values or [])
    labels = q.value_labels or {}
    for i, v in enumerate(values):
        label = labels.get(v)
        console.print(f"  [bold]{i + 1}[/] {v}" + (f" [dim]({label})[/]" if label else ""))
    return values


def _pick(values: list[str], entry: str) -> str:
    """A typed number picks by position; anything else is matched by check_answer."""
    entry = entry.strip()
    if entry.isdigit() and 1 <= int(entry) <= len(values):
        return values[int(entry) - 1]
    return entry


def _parse(q: Question, raw: str, values: list[str]) -> Any:
    """The typed text as a canonical answer; raises InvalidAnswer naming what is allowed."""
    text = raw.strip()
    if q.type == "bool":
        low = text.casefold()
        value: Any = True if low in _YES else False if low in _NO else text
    elif q.type == "choice":
        value = _pick(values, text)
    elif q.type == "choices":
        value = [_pick(values, p) for p in text.split(",") if p.strip()]
    else:
        try:
            value = int(text) if q.type == "int" else float(text)
        except ValueError:
            value = text
    return check_answer(q, value)


def _hint(q: Question) -> str:
    if q.type == "bool":
        return "y/n/unsure" if q.accepts_unsure else "y/n"
    if q.type == "choices":
        return "numbers or names, comma-separated"
    if q.type == "choice":
        return "a number or a name"
    return "a number"


def ask(console: Console, q: Question) -> Any:
    """One question, re-asked until the answer fits; optional ones may be skipped.

    Every answer goes through the same check_answer as answers files and the web form, so a
    typed "Sharp" is matched, "Sharp pain" is refused with what is allowed, and "unsure" is
    accepted on the warning signs (it counts as yes).
    """
    if q.help:
        console.print(Panel(q.help, title="How to do this test", border_style="dim"))
    console.print(f"[bold]{q.text}[/]")
    values = _options(console, q) if q.type in ("choice", "choices") else []
    skip = "" if q.required else ", blank to skip"
    while True:
        raw = Prompt.ask(f"  ({_hint(q)}{skip})", default="", show_default=False, console=console)
        if not raw.strip() or raw.strip().casefold() == "skip":
            if not q.required:
                return None
            console.print(
                "  [red]This question needs an answer (it is part of the safety screen).[/]"
            )
            continue
        try:
            return _parse(q, raw, values)
        except InvalidAnswer as exc:
            console.print(f"  [red]{exc}[/]")


def _save(app: AppContext, kb: KnowledgeBase, answers: dict[str, Any], result: Assessment) -> None:
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
