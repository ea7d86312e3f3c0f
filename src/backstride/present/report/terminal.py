"""Render a self-check result (the typed `Assessment`; a saved check is read back into one
with `services.selfcheck.saved_result`, so saved checks re-render the same) in a terminal."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backstride.assess.model import (
    Assessment,
    CauseScore,
    PlanSummary,
    SummaryCue,
    SummaryWarmUp,
)
from backstride.assess.words import match_words
from backstride.wording import NO_LEADING_CAUSE

LEVEL_STYLE = {
    "emergency": ("bold white on red", "EMERGENCY"),
    "urgent": ("bold red", "URGENT"),
    "see_clinician": ("bold yellow", "SEE A CLINICIAN"),
    "self_care": ("bold green", "SELF-CARE"),
}


def _triage_panel(result: Assessment) -> Panel:
    style, label = LEVEL_STYLE[result.level.value]
    body = [Text(result.message, style="bold")]
    for r in result.reasons:
        body.append(Text(f"\n• {r.text}"))
        body.append(Text(f"  What to do: {r.advice}", style="italic"))
        body.append(Text(f"  Evidence: {r.evidence.replace('_', ' ')}", style="dim"))
    if result.also_noted:
        # lower-level reasons: for the clinician, never their gentler advice under this banner
        body.append(Text("\nAlso tell the clinician:", style="bold"))
        body += [Text(f"• {r.text}") for r in result.also_noted]
    if result.safety_net:
        body.append(Text(f"\n{result.safety_net}", style="bold yellow"))
    return Panel(Group(*body), title=f"[{style}] {label} [/]", border_style=style.split()[-1])


def _causes_table(causes: list[CauseScore], limit: int = 5) -> Table:
    table = Table(title="Likely contributors (ranked; not a diagnosis)", show_lines=True)
    table.add_column("Cause")
    table.add_column("Fit")
    table.add_column("Why we think so")
    for c in [c for c in causes if c.score > 0][:limit]:
        why = (
            "\n".join(c.evidence)
            + f"\nHow strong is this link? {c.link_evidence.replace('_', ' ')}: {c.honesty}"
        )
        table.add_row(c.name, match_words(c.score), why)
    return table


def evidence_note(level: str | None) -> str:
    """E.g. " (evidence: expert opinion)"; empty where an entry has no level."""
    return f" (evidence: {level.replace('_', ' ')})" if level else ""


def _warm_up_line(warm: SummaryWarmUp) -> Text:
    # a check saved before the warm-up carried its evidence has none: its name alone
    return Text(f"• {warm.name}{evidence_note(warm.evidence)}")


def _cue_line(cue: SummaryCue) -> Text:
    # a check saved before cues carried their evidence has none: the text alone
    return Text(f"→ {cue.text}{evidence_note(cue.evidence)}", style="cyan")


def _plan_panel(plan: PlanSummary) -> Panel:
    # deferred: `backstride.plan` runs the whole plan package (builder, progression), which
    # `history` and the interview need only once a result with a plan is shown
    from backstride.plan.model import how_lines

    # each reason's advice is in the triage panel above; the plan adds what it changes
    lines = [Text(f"Running: {plan.running}", style="bold")]
    for g in plan.guidance:
        lines.append(Text(f"\n{g.title}{evidence_note(g.evidence)}", style="bold"))
        lines.append(Text(g.text))
    for ex in plan.exercises:
        # the JSON writes reps only for a repeated exercise, a hold otherwise
        dose = f"{ex.sets} x {ex.reps} reps" if ex.reps else f"{ex.sets} x {ex.hold_s} s"
        side = " each side" if ex.per_side else ""
        lines.append(Text(f"• {ex.name}: {dose}{side} ({ex.why}){evidence_note(ex.evidence)}"))
        how = how_lines(ex.instructions, ex.key_cue, ex.avoid_if, ex.muscles)
        lines += [Text(f"    {line}", style="dim") for line in how]
    if plan.warm_up:
        lines.append(_warm_up_line(plan.warm_up))
    lines += [Text(f"• {h.name}: {h.text}{evidence_note(h.evidence)}") for h in plan.habits]
    lines += [_cue_line(cue) for cue in plan.cues]
    if plan.left_out:
        lines.append(Text(f"Left out until you are seen: {'; '.join(plan.left_out)}.", style="dim"))
    lines.append(
        Text(f"\nRe-check in {plan.recheck_after_days} days. {plan.warning_signs}", style="yellow")
    )
    title = (
        "Your plan"
        if plan.kind == "full"
        else "Until you are seen: gentle, pain-free movement only"
    )
    return Panel(Group(*lines), title=title)


def render_result(console: Console, result: Assessment) -> None:
    """Triage first, then causes, then the plan, then the disclaimer."""
    console.print(_triage_panel(result))
    for problem in result.evidence_problems:
        console.print(Text(f"Not used: {problem}", style="yellow"))
    if result.level.allows_exercise_plan:  # self-care and see-a-clinician
        if any(c.score > 0 for c in result.causes):
            console.print(_causes_table(result.causes))
        else:
            console.print(Text(f"Likely contributors: {NO_LEADING_CAUSE}"))
    if result.plan:
        console.print(_plan_panel(result.plan))
    console.print(Text(result.disclaimer, style="dim italic"))
    console.print(Text(f"knowledge base {result.kb_version}", style="dim"))
