"""assess(): triage first, then cause ranking, then what the level allows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from backstride.assess.answers import UNSURE, check_answer, validate_answers
from backstride.assess.conditions import evaluate, questions_in
from backstride.assess.model import Assessment, CauseScore, TriageReason
from backstride.assess.plan_summary import summarise_plan
from backstride.assess.triage import TriageLevel
from backstride.errors import InvalidAnswer
from backstride.kb import KnowledgeBase
from backstride.kb.schema import HOW_SOON_ORDER
from backstride.models import TrainingEvidence

#: Causes scoring below this are not named as likely.
MIN_LIKELY_SCORE = 0.15


def _derive(answers: dict[str, Any]) -> dict[str, Any]:
    """Add the engine's derived facts (never asked, never accepted as input)."""
    out = dict(answers)
    if isinstance(answers.get("age"), int) and isinstance(answers.get("weeks_since_onset"), int):
        out["onset_age_years"] = answers["age"] - answers["weeks_since_onset"] / 52.0
    return out


def _unsure_in(cond: Any, answers: Mapping[str, Any]) -> list[str]:
    """The questions of `cond` answered "unsure" (each counted as yes by the rule)."""
    return sorted(q for q in questions_in(cond) if answers.get(q) == UNSURE)


def _unsure_note(qids: list[str], kb: KnowledgeBase) -> str:
    return " ".join(
        kb.meta.unsure_note.format(
            question=kb.questions[q].text, how_to_check=kb.questions[q].how_to_check or ""
        ).strip()
        for q in qids
    )


def triage(answers: Mapping[str, Any], kb: KnowledgeBase) -> list[TriageReason]:
    """Every triggered rule, most severe first (file order within a level).

    "unsure" on a safety question counts as yes (the condition language reads it as truthy),
    and the reason then says which question was unsure and how to check it.
    """
    found: list[TriageReason] = []
    for rule in kb.red_flags:
        if not evaluate(rule.when, answers):
            continue
        unsure = _unsure_in(rule.when, answers)
        parts = [rule.message] + [m.text for m in rule.message_if if evaluate(m.when, answers)]
        if unsure:
            parts.append(_unsure_note(unsure, kb))
        found.append(
            TriageReason(
                rule=rule.id,
                level=TriageLevel(rule.triage),
                text=" ".join(parts),
                advice=rule.advice,
                running=rule.running,
                evidence=rule.evidence,
                sources=kb.cite(rule.sources),
                unsure=unsure,
                how_soon=rule.how_soon,
            )
        )
    return sorted(found, key=lambda r: -r.level.severity)


def how_soon(level: TriageLevel, reasons: list[TriageReason]) -> str | None:
    """The most pressing time among the reasons: what the banner must say (triage.md v2)."""
    if level is TriageLevel.EMERGENCY:
        return "now"
    if level is not TriageLevel.URGENT:
        return None
    times = [r.how_soon for r in reasons if r.how_soon in HOW_SOON_ORDER]
    return min(times, key=HOW_SOON_ORDER.index, default=HOW_SOON_ORDER[-1])


def banner(level: TriageLevel, reasons: Sequence[TriageReason], kb: KnowledgeBase) -> str:
    """The level's message: where or whom, how soon and why, in its first line (triage.md v2).

    An urgent banner states the time and the person of its most pressing reason, so it never
    says a different time than the reasons below it.
    """
    rules = {r.id: r for r in kb.red_flags}
    at_level = [rules[r.rule] for r in reasons if r.level is level and r.rule in rules]
    why = "; ".join(dict.fromkeys(r.headline for r in at_level if r.headline))
    when = how_soon(level, list(reasons))
    pressing = [r for r in at_level if r.how_soon == when]
    whom = next((r.see_whom for r in pressing if r.see_whom), kb.meta.urgent_whom)
    return kb.meta.level_messages[level.value].format(how_soon=when or "", why=why, whom=whom)


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
    evidence_problems: Sequence[str] = (),
) -> Assessment:
    """Assess one self-check.

    The safety screen is validated and evaluated first; a missing required answer is
    an error, never a "no". Training evidence fills answers the runner left blank.
    """
    answers = validate_answers(raw_answers, kb)
    filled: dict[str, Any] = {}
    problems = list(evidence_problems)
    if training:
        for key, value in training.answers.items():
            if key in answers or key not in kb.questions:
                continue
            try:  # one unreadable figure is named and left out, never fatal
                filled[key] = check_answer(kb.questions[key], value)
            except InvalidAnswer as exc:
                problems.append(f"from your training history: {exc}")
    facts = _derive({**filled, **answers})
    found = triage(_derive(answers), kb)  # the level never depends on training data
    level = TriageLevel.most_severe([r.level for r in found])
    reasons = [r for r in found if r.level is level]
    also = [r for r in found if r.level is not level]
    causes = rank_causes(facts, kb, training if filled else None)
    when = how_soon(level, reasons)
    return Assessment(
        level=level,
        reasons=reasons,
        causes=causes,
        plan=summarise_plan(level, reasons, causes, kb, min_score=MIN_LIKELY_SCORE),
        message=banner(level, reasons, kb),
        disclaimer=kb.meta.disclaimer,
        kb_version=kb.version,
        answers=answers,
        filled_from_training=filled,
        also_noted=also,
        how_soon=when,
        safety_net=None if level is TriageLevel.EMERGENCY else kb.meta.safety_net,
        evidence_problems=problems,
    )
