"""What every part of a plan needs to know, computed once: `PlanContext`.

Its own module so that `builder` (which makes one) and `items` (which reads it) import it
without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from backstride.assess import restrictions as rx
from backstride.assess.model import Assessment
from backstride.assess.triage import TriageLevel
from backstride.kb import KnowledgeBase
from backstride.plan.model import PlanPreferences
from backstride.plan.progression import ProgressionState

#: The cause whose plan starts with the temporary load reduction.
LOAD_CAUSE = "training_load_spike"


@dataclass(frozen=True)
class _Phase:
    fraction: float
    hard_allowed: bool
    label: str


class PlanContext:
    """What every part of the plan needs to know, computed once."""

    def __init__(
        self,
        assessment: Assessment,
        kb: KnowledgeBase,
        prefs: PlanPreferences,
        state: ProgressionState,
        plan_start: date,
        gentle: bool,
        today: date,
        level: TriageLevel | None = None,
    ) -> None:
        self.assessment, self.kb, self.prefs, self.state = assessment, kb, prefs, state
        self.today = today
        self.gentle = gentle
        lv = (level or assessment.level).value
        #: load tags the triggered reasons (and the plan's level) forbid: stop_rules.yaml
        self.forbidden = rx.forbidden_by(assessment.reasons, kb, level=lv)
        self.stop_running = rx.running_stopped(self.forbidden, kb)
        summary = assessment.plan
        self.focus: tuple[str, ...] = tuple(summary.focus_causes) if summary else ()
        self.answers = assessment.answers
        self.plan_start = plan_start
        reduction = kb.habits["temporary_load_reduction"].params
        self.reduction_days = int(reduction["days"])
        self.reduction_fraction = float(reduction["volume_fraction"])
        starts = [plan_start] if LOAD_CAUSE in self.focus else []
        if state.regressed_on is not None:
            starts.append(state.regressed_on + timedelta(days=1))
        self.reduction_start = max(starts) if starts else None

    def phase(self, day: date) -> _Phase:
        if self.gentle:
            return _Phase(self.reduction_fraction, False, "gentle")
        if self.reduction_start is None or day < self.reduction_start:
            return _Phase(1.0, True, "usual")
        end = self.reduction_start + timedelta(days=self.reduction_days)
        if day < end:
            return _Phase(self.reduction_fraction, False, "reduction")
        steps = self.kb.progress_rules.schedule.return_fractions
        step = max((day - end).days // 7 - self._missed_weeks(end), 0)
        fraction = steps[min(step, len(steps) - 1)]
        return _Phase(fraction, fraction >= 1.0, "return")

    def _missed_weeks(self, end: date) -> int:
        """Completed return weeks (before today) whose diary shows no good run.

        The return moves up a step only after a week with a run the pain-monitoring rule
        passes, so a week without one holds the volume; weeks still to come are planned
        as if they go well, and are re-planned from the diary as they happen.
        """
        done = max((self.today - end).days // 7, 0)
        good = {(d - end).days // 7 for d in self.state.good_run_dates if d >= end}
        return sum(1 for w in range(done) if w not in good)

    def allows(self, loads: Iterable[str]) -> bool:
        """True when nothing in `loads` is forbidden by the triggered reasons."""
        return rx.allowed(loads, self.forbidden)

    @property
    def irritated(self) -> bool:
        return self.gentle or self.reduction_start is not None
