"""What the triggered safety rules leave out of the plan and the self-check (pure).

shared/spec/triage.md, "What a stop rule does to the plan": where a rule says stop running
or the level is see_clinician, the plan carries every triggered reason's advice, stop
reasons first, and leaves out whatever the reasons forbid. The table is data
(kb/data/stop_rules.yaml); exercises, habits, the warm-up and self-tests name what they
load. The plan summary, the weekly plan and both interactive self-checks (CLI and web)
call `forbidden_by`, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from backstride.kb import KnowledgeBase
from backstride.kb.schema import Guidance, Question, StopRule, WarmUpStep


class Reason(Protocol):
    """What a triggered rule must say for the table: its id, level and running verdict."""

    @property
    def rule(self) -> str: ...

    @property
    def running(self) -> str: ...


R = TypeVar("R", bound=Reason)


def _level_of(reason: Reason) -> str:
    level = getattr(reason, "level", "")
    return str(getattr(level, "value", level))


def _entries(reasons: Iterable[Reason], kb: KnowledgeBase) -> list[StopRule]:
    table = {entry.rule: entry for entry in kb.stop_rules.rules}
    return [table[r.rule] for r in reasons if r.rule in table]


def forbidden_by(
    reasons: Sequence[Reason], kb: KnowledgeBase, *, level: str | None = None
) -> set[str]:
    """Every load tag the triggered `reasons` forbid.

    The union of each reason's own entry in stop_rules.yaml, the entry of each reason's
    level (and of `level`, the plan's own level when the pain diary escalated it), and the
    running-stop tags when any reason says `running: stop`.
    """
    table = kb.stop_rules
    out: set[str] = set()
    for entry in _entries(reasons, kb):
        out.update(entry.forbids)
    levels = {_level_of(r) for r in reasons} | ({level} if level else set())
    for name, tags in table.levels.items():
        if name in levels:
            out.update(tags)
    if any(r.running == "stop" for r in reasons):
        out.update(table.running_stops)
    return out


def allowed(loads: Iterable[str], forbidden: set[str]) -> bool:
    """True when nothing in `loads` is forbidden."""
    return forbidden.isdisjoint(loads)


def running_stopped(forbidden: set[str], kb: KnowledgeBase) -> bool:
    """True when a planned run would load a forbidden tag."""
    return not allowed(kb.stop_rules.planned_runs, forbidden)


def stop_first(reasons: Sequence[R]) -> list[R]:
    """The reasons in their order (most severe first), those that stop running before the rest."""
    return sorted(reasons, key=lambda r: r.running != "stop")


def advice_in_order(reasons: Sequence[Reason]) -> list[str]:
    """Every triggered reason's advice, stop reasons first, each text once."""
    out: list[str] = []
    for r in stop_first(reasons):
        text = getattr(r, "advice", "")
        if text and text not in out:
            out.append(text)
    return out


def guidance_for(reasons: Sequence[Reason], kb: KnowledgeBase) -> list[Guidance]:
    """The extra texts the triggered rules add to the plan (e.g. the postnatal return)."""
    out: list[Guidance] = []
    for entry in _entries(stop_first(reasons), kb):
        if entry.guidance is not None and entry.guidance not in out:
            out.append(entry.guidance)
    return out


def running_text(reasons: Sequence[Reason], kb: KnowledgeBase) -> str | None:
    """A triggered rule's own running line, if any (stop reasons first)."""
    for entry in _entries(stop_first(reasons), kb):
        if entry.running:
            return entry.running
    return None


def left_out(forbidden: set[str], kb: KnowledgeBase) -> list[str]:
    """What the forbidden tags leave out of a plan, in plain words, in the table's order.

    Tags only self-tests carry are not named: the plan never holds a self-test.
    """
    in_plans = set(kb.stop_rules.planned_runs) | warm_up_loads(kb)
    in_plans.update(t for e in kb.exercises.values() for t in e.loads)
    in_plans.update(t for h in kb.habits.values() for t in h.loads)
    return [t.left_out for t in kb.stop_rules.tags if t.id in forbidden and t.id in in_plans]


def warm_up_steps(forbidden: set[str], kb: KnowledgeBase) -> list[str]:
    """The warm-up's steps, a forbidden step replaced by its alternative (or dropped)."""
    out: list[str] = []
    for step in kb.warm_up.steps:
        if not isinstance(step, WarmUpStep):
            out.append(step)
        elif allowed(step.loads, forbidden):
            out.append(step.text)
        elif step.instead:
            out.append(step.instead)
    return out


def warm_up_loads(kb: KnowledgeBase) -> set[str]:
    """What the warm-up as a whole loads (its steps' own tags can be swapped out)."""
    return set(kb.warm_up.loads) | set(kb.habits["warm_up_before_runs"].loads)


def self_tests_allowed(
    questions: Sequence[Question], forbidden: set[str]
) -> tuple[list[Question], list[Question]]:
    """(asked, left out): the self-tests whose loads the triggered rules allow, and the rest."""
    asked = [q for q in questions if allowed(q.loads, forbidden)]
    return asked, [q for q in questions if q not in asked]
