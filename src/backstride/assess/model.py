"""The check's value objects: what `assess` returns and what the shells render from.

Kept apart from the engine so `plan_summary` (which builds `PlanSummary`) and the engine
(which uses it) import these without importing each other. `to_json()` on each is the
public `backstride check --json` shape, also what a saved check holds; `from_json()` reads
such a saved shape back (older ones too) so the shells render saved and new checks alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from backstride.assess.triage import TriageLevel

# Readers of saved JSON: a check saved by an older version may lack a key or hold a plain
# string where a record now stands; each reads what is there and defaults what is not.


def _text(data: Mapping[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    return default if value is None else str(value)


def _texts(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def _records(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key)
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


class _FlatRecord:
    """A record of text and lists of text whose JSON is its fields, in order: one
    `to_json` and one tolerant reader instead of a copy per record."""

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """Each field from `data` by its annotation: text, optional text or a list of text."""
        out: dict[str, Any] = {}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.type == "list[str]":
                out[f.name] = _texts(data, f.name)
            elif f.type == "str | None":
                value = data.get(f.name)
                out[f.name] = None if value is None else str(value)
            else:
                out[f.name] = _text(data, f.name)
        return out


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

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SummaryExercise:
        return cls(
            id=_text(data, "id"),
            name=_text(data, "name"),
            kind=_text(data, "kind"),
            sets=int(data.get("sets") or 0),
            reps=_int(data.get("reps")),
            hold_s=_int(data.get("hold_s")),
            per_side=bool(data.get("per_side")),
            why=_text(data, "why"),
            evidence=_text(data, "evidence"),
            sources=_texts(data, "sources"),
            loads=_texts(data, "loads"),
            instructions=_text(data, "instructions"),
            key_cue=_text(data, "key_cue"),
            avoid_if=_text(data, "avoid_if"),
            muscles=_texts(data, "muscles"),
        )


@dataclass(frozen=True)
class SummaryHabit(_FlatRecord):
    """A habit the plan summary recommends."""

    id: str
    name: str
    text: str
    evidence: str
    sources: list[str]
    loads: list[str]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SummaryHabit:
        return cls(**cls._read(data))


@dataclass(frozen=True)
class SummaryCue(_FlatRecord):
    """A running cue the plan summary recommends."""

    id: str
    text: str
    evidence: str
    sources: list[str]

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> SummaryCue:
        """A cue; a check saved before cues carried their evidence holds only the text."""
        if not isinstance(data, Mapping):
            return cls(id="", text=str(data), evidence="", sources=[])
        return cls(**cls._read(data))


@dataclass(frozen=True)
class SummaryWarmUp(_FlatRecord):
    """The warm-up, its steps with any forbidden one replaced or dropped."""

    id: str
    name: str
    steps: list[str]
    evidence: str
    sources: list[str]
    loads: list[str]

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> SummaryWarmUp:
        """The warm-up; a check saved before it carried its evidence holds only its name."""
        if not isinstance(data, Mapping):
            return cls(id="", name=str(data), steps=[], evidence="", sources=[], loads=[])
        return cls(**cls._read(data))


@dataclass(frozen=True)
class SummaryGuidance(_FlatRecord):
    """An extra text a triggered rule adds to the plan (e.g. the postnatal return)."""

    title: str
    text: str
    evidence: str | None
    sources: list[str]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SummaryGuidance:
        return cls(**cls._read(data))


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

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanSummary:
        """A saved plan summary; keys an older check lacks (advice, guidance, left_out) are
        empty, and its plain-string warm-up and cues become records without evidence."""
        warm = data.get("warm_up")
        cues = data.get("cues")
        return cls(
            kind="full" if data.get("kind") == "full" else "gentle",
            focus_causes=_texts(data, "focus_causes"),
            advice=_texts(data, "advice"),
            guidance=[SummaryGuidance.from_json(g) for g in _records(data, "guidance")],
            left_out=_texts(data, "left_out"),
            exercises=[SummaryExercise.from_json(e) for e in _records(data, "exercises")],
            warm_up=SummaryWarmUp.from_json(warm) if warm else None,
            habits=[SummaryHabit.from_json(h) for h in _records(data, "habits")],
            cues=[SummaryCue.from_json(c) for c in cues] if isinstance(cues, list) else [],
            running=_text(data, "running"),
            recheck_after_days=int(data.get("recheck_after_days") or 0),
            warning_signs=_text(data, "warning_signs"),
        )


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

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TriageReason:
        how_soon = data.get("how_soon")
        return cls(
            rule=_text(data, "rule"),
            level=TriageLevel(_text(data, "level", TriageLevel.SELF_CARE.value)),
            text=_text(data, "text"),
            advice=_text(data, "advice"),
            running=_text(data, "running"),
            evidence=_text(data, "evidence"),
            sources=_texts(data, "sources"),
            unsure=_texts(data, "unsure"),
            how_soon=None if how_soon is None else str(how_soon),
        )


@dataclass(frozen=True)
class CauseScore:
    """A ranked cause and the evidence lines behind its score."""

    id: str
    name: str
    score: float
    evidence: list[str]
    link_evidence: str
    honesty: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "evidence": self.evidence,
            "link_evidence": self.link_evidence,
            "honesty": self.honesty,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CauseScore:
        return cls(
            id=_text(data, "id"),
            name=_text(data, "name"),
            score=float(data.get("score") or 0),
            evidence=_texts(data, "evidence"),
            link_evidence=_text(data, "link_evidence"),
            honesty=_text(data, "honesty"),
        )


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
    #: the check stopped at an emergency answer, before the rest was asked
    #: (`services.selfcheck.emergency_result`): no causes, no plan, no evidence read
    interrupted: bool = False

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
            "causes": [c.to_json() for c in self.causes],
            "plan": None if self.plan is None else self.plan.to_json(),
            "disclaimer": self.disclaimer,
            "kb_version": self.kb_version,
            # it stopped before any evidence was read: the shape it has always been saved in
            **(
                {"interrupted": True}
                if self.interrupted
                else {
                    "filled_from_training": self.filled_from_training,
                    "evidence_problems": self.evidence_problems,
                }
            ),
        }

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], *, answers: Mapping[str, Any] | None = None
    ) -> Assessment:
        """A saved check's result (`to_json()`'s shape, or an older one) as the typed result.

        The answers are not part of that JSON (a saved check keeps them beside it); keys
        only a shell adds (`check_id`, `not_saved`, `from_diary_warning`) are not read.
        """
        triage = data.get("triage")
        tri: Mapping[str, Any] = triage if isinstance(triage, Mapping) else {}
        plan = data.get("plan")
        how_soon, safety_net = tri.get("how_soon"), tri.get("safety_net")
        filled = data.get("filled_from_training")
        return cls(
            level=TriageLevel(_text(tri, "level", TriageLevel.SELF_CARE.value)),
            reasons=[TriageReason.from_json(r) for r in _records(tri, "reasons")],
            causes=[CauseScore.from_json(c) for c in _records(data, "causes")],
            plan=PlanSummary.from_json(plan) if isinstance(plan, Mapping) and plan else None,
            message=_text(tri, "message"),
            disclaimer=_text(data, "disclaimer"),
            kb_version=_text(data, "kb_version"),
            answers=dict(answers or {}),
            filled_from_training=dict(filled) if isinstance(filled, Mapping) else {},
            also_noted=[TriageReason.from_json(r) for r in _records(tri, "also_noted")],
            how_soon=None if how_soon is None else str(how_soon),
            safety_net=None if safety_net is None else str(safety_net),
            evidence_problems=_texts(data, "evidence_problems"),
            interrupted=bool(data.get("interrupted")),
        )
