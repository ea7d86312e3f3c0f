"""Plan adherence: planned sessions done out of those planned so far (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from backstride.plan.model import Plan

#: Item kinds that count as sessions; habits, fuel, warm-ups and rest days do not.
SESSION_KINDS = ("strength", "mobility", "run")


@dataclass(frozen=True)
class Adherence:
    """Sessions done / planned up to `until` (today's once done), overall and per kind."""

    done: int
    planned: int
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def fraction(self) -> float | None:
        return self.done / self.planned if self.planned else None

    def to_json(self) -> dict[str, object]:
        return {
            "done": self.done,
            "planned": self.planned,
            "fraction": self.fraction,
            "by_kind": {k: {"done": d, "planned": p} for k, (d, p) in self.by_kind.items()},
        }


def adherence(plan: Plan, *, until: date, done: Iterable[tuple[date, str]]) -> Adherence:
    """Each (date, kind) session of the plan before `until` counts, done when it is in `done`.

    A session planned on `until` (today) counts once it is done: ticking today's run
    moves the figure today, and a session not yet done today is not yet missed.
    """
    done_set = set(done)
    planned = {
        (d, i.kind)
        for d, i in plan.items
        if i.kind in SESSION_KINDS and (d < until or (d == until and (d, i.kind) in done_set))
    }
    by_kind = {
        kind: (
            sum(1 for s in planned if s[1] == kind and s in done_set),
            sum(1 for s in planned if s[1] == kind),
        )
        for kind in SESSION_KINDS
    }
    total_done = sum(d for d, _ in by_kind.values())
    return Adherence(total_done, len(planned), by_kind)
