"""The check's value objects: what `assess` returns and what the shells render from.

Kept apart from the engine so `plan_summary` (which builds `PlanSummary`) and the engine
(which uses it) import these without importing each other. `to_json()` on each is the
public `backstride check --json` shape, also what a saved check holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from backstride.assess.triage import TriageLevel


@dataclass(frozen=True)
class SummaryExercise:
    """An exercise the plan summary recommends, with its dose, how-to and sources."""

    id: str
    name: str
    kind: str
    sets: int
    reps: int | None
    hold_s: int | None
    per_side: bool
    why: str
    evidence: str
    sources: list[str]
    loads: list[str]
    instructions: str
    key_cue: str
    avoid_if: str
    muscles: list[str]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "kind": self.kind}
        out["sets"] = self.sets
        if self.reps:
            out["reps"] = self.reps
            if self.hold_s:
                out["hold_s"] = self.hold_s
        else:
            out["hold_s"] = self.hold_s
        out.update(per_side=self.per_side, why=self.why, evidence=self.evidence)
        out.update(sources=self.sources, loads=self.loads)
        out.update(instructions=self.instructions, key_cue=self.key_cue, avoid_if=self.avoid_if)
        out["muscles"] = self.muscles
        return out


@dataclass(frozen=True)
class SummaryHabit:
    """A habit the plan summary recommends."""

    id: str
    name: str
    text: str
    evidence: str
    sources: list[str]
    loads: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "text": self.text,
            "evidence": self.evidence,
            "sources": self.sources,
            "loads": self.loads,
        }


@dataclass(frozen=True)
class SummaryCue:
    """A running cue the plan summary recommends."""

    id: str
    text: str
    evidence: str
    sources: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "evidence": self.evidence,
            "sources": self.sources,
        }


@dataclass(frozen=True)
class SummaryWarmUp:
    """The warm-up, its steps with any forbidden one replaced or dropped."""

    id: str
    name: str
    steps: list[str]
    evidence: str
    sources: list[str]
    loads: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "steps": self.steps,
            "evidence": self.evidence,
            "sources": self.sources,
            "loads": self.loads,
        }


@dataclass(frozen=True)
class SummaryGuidance:
    """An extra text a triggered rule adds to the plan (e.g. the postnatal return)."""

    title: str
    text: str
    evidence: str | None
    sources: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "text": self.text,
            "evidence": self.evidence,
            "sources": self.sources,
        }


@dataclass(frozen=True)
class PlanSummary:
    """What a check's level allows: the *plan summary* of a check (not the weekly `Plan`).

    "gentle" at see_clinician (movement only), "full" below; there is none at emergency
    or urgent. `plan.build_plan` turns it into the dated weekly plan.
    """

    kind: Literal["gentle", "full"]
    focus_causes: list[str]
    advice: list[str]
    guidance: list[SummaryGuidance]
    left_out: list[str]
    exercises: list[SummaryExercise]
    warm_up: SummaryWarmUp | None
    habits: list[SummaryHabit]
    cues: list[SummaryCue]
    running: str
    recheck_after_days: int
    warning_signs: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "focus_causes": self.focus_causes,
            "advice": self.advice,
            "guidance": [g.to_json() for g in self.guidance],
            "left_out": self.left_out,
            "exercises": [e.to_json() for e in self.exercises],
            "warm_up": None if self.warm_up is None else self.warm_up.to_json(),
            "habits": [h.to_json() for h in self.habits],
            "cues": [c.to_json() for c in self.cues],
            "running": self.running,
            "recheck_after_days": self.recheck_after_days,
            "warning_signs": self.warning_signs,
        }


@dataclass(frozen=True)
class TriageReason:
    """One triggered safety rule, with its plain-language reason."""

    rule: str
    level: TriageLevel
    text: str
    advice: str
    running: str
    evidence: str
    sources: list[str]
    #: safety questions answered "unsure" that this rule counted as yes
    unsure: list[str] = field(default_factory=list)
    #: urgent rules: how soon to be seen ("today", "within 24 hours", "within 48 hours")
    how_soon: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The reason as the check's JSON contract shows it (CLI, web, saved checks)."""
        return {
            "rule": self.rule,
            "level": self.level.value,
            "text": self.text,
            "advice": self.advice,
            "running": self.running,
            "evidence": self.evidence,
            "sources": self.sources,
            "unsure": self.unsure,
            "how_soon": self.how_soon,
        }


@dataclass(frozen=True)
class CauseScore:
    """A ranked cause and the evidence lines behind its score."""

    id: str
    name: str
    score: float
    evidence: list[str]
    link_evidence: str
    honesty: str


@dataclass(frozen=True)
class Assessment:
    """Everything a check concludes; `to_json()` is the CLI's public `--json` shape.

    `reasons` are the rules at the result's level; `also_noted` keeps lower-level rules of an
    emergency or urgent result for the record, so their gentler advice ("keep to gentle
    activity") is never shown under a banner that says go now.
    """

    level: TriageLevel
    reasons: list[TriageReason]
    causes: list[CauseScore]
    plan: PlanSummary | None
    message: str
    disclaimer: str
    kb_version: str
    answers: dict[str, Any]
    filled_from_training: dict[str, Any] = field(default_factory=dict)
    also_noted: list[TriageReason] = field(default_factory=list)
    #: "now" at emergency; the most pressing rule's time at urgent; None below
    how_soon: str | None = None
    #: the emergency safety-net every non-emergency result carries
    safety_net: str | None = None
    #: training or video evidence that could not be read; the triage never depends on it
    evidence_problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "triage": {
                "level": self.level.value,
                "message": self.message,
                "how_soon": self.how_soon,
                "reasons": [r.to_json() for r in self.reasons],
                "also_noted": [r.to_json() for r in self.also_noted],
                "safety_net": self.safety_net,
            },
            "causes": [
                {
                    "id": c.id,
                    "name": c.name,
                    "score": c.score,
                    "evidence": c.evidence,
                    "link_evidence": c.link_evidence,
                    "honesty": c.honesty,
                }
                for c in self.causes
            ],
            "plan": None if self.plan is None else self.plan.to_json(),
            "disclaimer": self.disclaimer,
            "kb_version": self.kb_version,
            "filled_from_training": self.filled_from_training,
            "evidence_problems": self.evidence_problems,
        }
