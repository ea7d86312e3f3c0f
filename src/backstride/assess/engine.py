"""assess(): triage first, then cause ranking, then what the level allows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backstride.assess.answers import validate_answers
from backstride.assess.conditions import evaluate, questions_in
from backstride.assess.plan_summary import summarise_plan
from backstride.assess.triage import TriageLevel
from backstride.kb import KnowledgeBase
from backstride.models import TrainingEvidence

#: Causes scoring below this are not named as likely.
MIN_LIKELY_SCORE = 0.15


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
    """Everything a check concludes; `to_json()` is the CLI's public `--json` shape."""

    level: TriageLevel
    reasons: list[TriageReason]
    causes: list[CauseScore]
    plan: dict[str, Any] | None
    message: str
    disclaimer: str
    kb_version: str
    answers: dict[str, Any]
    filled_from_training: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "triage": {
                "level": self.level.value,
                "message": self.message,
                "reasons": [r.to_json() for r in self.reasons],
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
            "plan": self.plan,
            "disclaimer": self.disclaimer,
            "kb_version": self.kb_version,
            "filled_from_training": self.filled_from_training,
        }


def _derive(answers: dict[str, Any]) -> dict[str, Any]:
    """Add the engine's derived facts (never asked, never accepted as input)."""
    out = dict(answers)
    if isinstance(answers.get("age"), int) and isinstance(answers.get("weeks_since_onset"), int):
        out["onset_age_years"] = answers["age"] - answers["weeks_since_onset"] / 52.0
    return out


def triage(answers: Mapping[str, Any], kb: KnowledgeBase) -> list[TriageReason]:
    """Every triggered rule, most severe first (file order within a level)."""
    found: list[TriageReason] = []
    for rule in kb.red_flags:
        if not evaluate(rule.when, answers):
            continue
        text = " ".join(
            [rule.message] + [m.text for m in rule.message_if if evaluate(m.when, answers)]
        )
        found.append(
            TriageReason(
                rule=rule.id,
                level=TriageLevel(rule.triage),
                text=text,
                advice=rule.advice,
                running=rule.running,
                evidence=rule.evidence,
                sources=kb.cite(rule.sources),
            )
        )
    return sorted(found, key=lambda r: -r.level.severity)


def rank_causes(
    answers: Mapping[str, Any], kb: KnowledgeBase, training: TrainingEvidence | None = None
) -> list[CauseScore]:
    """Score each cause from its matching evidence; highest first.

    On equal scores the cause whose link to back pain is better supported ranks first,
    so an expert-opinion cause never outranks a weak or moderate one on the same answers.
    """
    support = {"strong": 0, "moderate": 1, "weak": 2, "expert_opinion": 3}
    from_training = set(training.answers) if training else set()
    ranked: list[CauseScore] = []
    for cause in kb.causes.values():
        chance_none, damp, lines = 1.0, 1.0, []
        for item in cause.evidence:
            if not evaluate(item.when, answers):
                continue
            if item.weight >= 0:
                chance_none *= 1.0 - item.weight
            else:
                damp *= 1.0 + item.weight
            sign = "+" if item.weight >= 0 else "-"
            lines.append(f"{sign} {item.text} (evidence: {item.evidence.replace('_', ' ')})")
            for qid in sorted(questions_in(item.when) & from_training):
                lines += [f"  from your training: {line}" for line in training.lines.get(qid, [])]  # type: ignore[union-attr]
        score = round((1.0 - chance_none) * damp, 3)
        ranked.append(
            CauseScore(cause.id, cause.name, score, lines, cause.link_evidence, cause.honesty)
        )
    return sorted(ranked, key=lambda c: (-c.score, support[c.link_evidence], c.id))


def assess(
    raw_answers: Mapping[str, Any],
    kb: KnowledgeBase,
    *,
    training: TrainingEvidence | None = None,
) -> Assessment:
    """Assess one self-check.

    The safety screen is validated and evaluated first; a missing required answer is
    an error, never a "no". Training evidence fills answers the runner left blank.
    """
    answers = validate_answers(raw_answers, kb)
    filled: dict[str, Any] = {}
    if training:
        usable = validate_answers(
            {k: v for k, v in training.answers.items() if k in kb.questions},
            kb,
            require_all=False,
            where="training history",
        )
        filled = {k: v for k, v in usable.items() if k not in answers}
    facts = _derive({**filled, **answers})
    reasons = triage(facts, kb)
    level = TriageLevel.most_severe([r.level for r in reasons])
    causes = rank_causes(facts, kb, training if filled else None)
    return Assessment(
        level=level,
        reasons=reasons,
        causes=causes,
        plan=summarise_plan(level, reasons, causes, kb, min_score=MIN_LIKELY_SCORE),
        message=kb.meta.level_messages[level.value],
        disclaimer=kb.meta.disclaimer,
        kb_version=kb.version,
        answers=answers,
        filled_from_training=filled,
    )
