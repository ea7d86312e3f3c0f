"""The plan's value objects; `Plan.to_json()` is the public `backstride plan --json` shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

ItemKind = Literal["strength", "mobility", "warm_up", "run", "rest", "habit", "fuel"]


def how_lines(instructions: str, key_cue: str, avoid_if: str, muscles: Sequence[str]) -> list[str]:
    """An exercise's how-to as labelled lines, leaving out what is empty."""
    pairs = [
        ("How", instructions),
        ("Key cue", key_cue),
        ("Stop if", avoid_if),
        ("Muscles", ", ".join(muscles)),
    ]
    return [f"{label}: {text}" for label, text in pairs if text]


@dataclass(frozen=True)
class PlannedExercise:
    """One exercise at the dose the diary allows today (`step` 0 is the starting dose)."""

    id: str
    name: str
    sets: int
    reps: int | None
    hold_s: int | None
    per_side: bool
    rest_s: int
    regression: str
    progression: str
    step: int = 0
    note: str = ""
    evidence: str | None = None
    loads: tuple[str, ...] = ()
    #: how to do it, what to think of, when to stop and what it works (exercises.yaml)
    instructions: str = ""
    key_cue: str = ""
    avoid_if: str = ""
    muscles: tuple[str, ...] = ()
    #: the instructions one sentence a step, and the start/end figure's path in the package
    steps: tuple[str, ...] = ()
    figure: str | None = None

    @property
    def how_lines(self) -> list[str]:
        """The compact how-to: "How: …", "Key cue: …", "Stop if: …", "Muscles: …"."""
        return how_lines(self.instructions, self.key_cue, self.avoid_if, self.muscles)

    @property
    def dose_text(self) -> str:
        """E.g. "2 x 12", "3 x 30 s each side", "1 x 5 each side, 10 s holds"."""
        if self.reps is not None:
            text = f"{self.sets} x {self.reps}"
        else:
            text = f"{self.sets} x {self.hold_s} s"
        if self.per_side:
            text += " each side"
        if self.reps is not None and self.hold_s is not None:
            text += f", {self.hold_s} s holds"
        return text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "sets": self.sets}
        if self.reps is not None:
            out["reps"] = self.reps
        if self.hold_s is not None:
            out["hold_s"] = self.hold_s
        out.update(
            per_side=self.per_side,
            rest_s=self.rest_s,
            regression=self.regression,
            progression=self.progression,
            step=self.step,
            dose=self.dose_text,
        )
        if self.note:
            out["note"] = self.note
        if self.evidence:
            out["evidence"] = self.evidence
        out["loads"] = list(self.loads)
        if self.instructions:
            out.update(
                instructions=self.instructions,
                key_cue=self.key_cue,
                avoid_if=self.avoid_if,
                muscles=list(self.muscles),
            )
        # the exercise card: every exercise the plan names carries these five
        out.update(
            how_to=list(self.steps),
            key_cue=self.key_cue,
            stop_if=self.avoid_if,
            evidence=self.evidence,
            figure=self.figure,
        )
        return out


@dataclass(frozen=True)
class PlannedRun:
    """A run's size: always a duration, a distance where the history gives a pace.

    `walk_run` is (minutes running, minutes walking) when the run is done as walk-run
    intervals (the first weeks after a long break); `note` says why a run after a break
    is smaller than the runner's usual running.
    """

    intensity: Literal["easy", "hard", "long"]
    duration_s: float
    distance_m: float | None = None
    terrain: str | None = None
    cues: tuple[str, ...] = ()
    walk_run: tuple[int, int] | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "intensity": self.intensity,
            "duration_s": round(self.duration_s),
            "distance_m": None if self.distance_m is None else round(self.distance_m),
            "terrain": self.terrain,
            "cues": list(self.cues),
        }
        if self.walk_run is not None:
            out["walk_run"] = {"run_min": self.walk_run[0], "walk_min": self.walk_run[1]}
        return out


@dataclass(frozen=True)
class PlanItem:
    """One thing to do on a day, with why it is there and where the advice comes from."""

    kind: ItemKind
    title: str
    why: str
    sources: tuple[str, ...]
    exercises: tuple[PlannedExercise, ...] = ()
    detail: str = ""
    run: PlannedRun | None = None
    duration_min: float | None = None
    fuel_g_per_h: tuple[int, int] | None = None
    #: the evidence level of the advice the item puts into practice (exercises carry their own)
    evidence: str | None = None
    #: what the item loads (stop_rules.yaml tags), its exercises' included
    loads: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "title": self.title,
            "exercises": [e.to_json() for e in self.exercises],
            "why": self.why,
            "sources": list(self.sources),
            "detail": self.detail,
            "evidence": self.evidence,
            "loads": list(self.loads),
        }
        if self.run is not None:
            out["run"] = self.run.to_json()
        if self.duration_min is not None:
            out["duration_min"] = self.duration_min
        if self.fuel_g_per_h is not None:
            out["fuel_g_per_h"] = list(self.fuel_g_per_h)
        return out


@dataclass(frozen=True)
class PlanDay:
    date: date
    items: tuple[PlanItem, ...]

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "items": [i.to_json() for i in self.items]}


@dataclass(frozen=True)
class PlanWeek:
    start_date: date
    days: tuple[PlanDay, ...]

    def to_json(self) -> dict[str, Any]:
        return {"start_date": self.start_date.isoformat(), "days": [d.to_json() for d in self.days]}


@dataclass(frozen=True)
class PlanGuidance:
    """A text a triggered rule adds to the plan (e.g. the postnatal return to running)."""

    title: str
    text: str
    evidence: str
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "text": self.text,
            "evidence": self.evidence,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Plan:
    """A week-by-week programme; empty `weeks` and advice in `message` at emergency/urgent.

    `advice`: every triggered reason's advice (stop reasons first), then the escalation
    (also in `escalation`) and the diary's lines. `left_out`: what the reasons forbid, in
    plain words.
    """

    level: str
    message: str
    weeks: tuple[PlanWeek, ...]
    plan_start: date
    focus_causes: tuple[str, ...] = ()
    advice: tuple[str, ...] = ()
    disclaimer: str = ""
    escalation: str = ""
    guidance: tuple[PlanGuidance, ...] = ()
    left_out: tuple[str, ...] = ()

    @property
    def items(self) -> list[tuple[date, PlanItem]]:
        """Every item with its date, in order."""
        return [(d.date, i) for w in self.weeks for d in w.days for i in d.items]

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "message": self.message,
            "weeks": [w.to_json() for w in self.weeks],
            "plan_start": self.plan_start.isoformat(),
            "focus_causes": list(self.focus_causes),
            "advice": list(self.advice),
            "escalation": self.escalation,
            "guidance": [g.to_json() for g in self.guidance],
            "left_out": list(self.left_out),
            "disclaimer": self.disclaimer,
        }


@dataclass(frozen=True)
class PlanPreferences:
    """How the runner likes to train; None means the defaults in progress_rules.yaml.

    | field               | meaning                                               |
    |---------------------|-------------------------------------------------------|
    | run_weekdays        | days the runner runs (Monday = 0)                     |
    | long_run_weekday    | the day of the long run                               |
    | hard_weekdays       | days of hard sessions (intervals, tempo, hills)       |
    | weeks               | how many weeks to plan                                |
    | shoe_km             | distance on the main pair of shoes [km]               |
    | shoe_limit_km       | the runner's own replacement limit [km]               |
    | shoe_pairs          | active pairs of running shoes                         |
    | week_start          | the weekday a week starts on (0 Monday, 6 Sunday)     |
    """

    run_weekdays: tuple[int, ...] | None = None
    long_run_weekday: int | None = None
    hard_weekdays: tuple[int, ...] | None = None
    weeks: int | None = None
    shoe_km: float | None = None
    shoe_limit_km: float | None = None
    shoe_pairs: int | None = None
    week_start: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
