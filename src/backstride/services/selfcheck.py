"""The self-check as a use case shared by the CLI interview, `check --answers` and the web flow.

The emergency interruption, the training evidence a check may use and how a check is saved
live here once, so every shell interrupts, assesses and stores a check the same way.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine

from backstride.assess import Assessment, assess
from backstride.assess.engine import banner, triage
from backstride.assess.restrictions import forbidden_by, self_tests_allowed
from backstride.assess.triage import TriageLevel
from backstride.config import Settings
from backstride.kb import KnowledgeBase, load_kb
from backstride.kb.schema import LoadRulesFile, Question
from backstride.models import SavedCheck, TrainingEvidence
from backstride.services import training
from backstride.services.insights import personal_evidence_lines
from backstride.store import checks, form_checks

logger = logging.getLogger(__name__)

#: The question groups in the order every flow asks them; the safety screen always first.
GROUPS: tuple[tuple[str, str], ...] = (
    ("safety_screen", "First, warning signs"),
    ("see_clinician_screen", "About your pain"),
    ("spotting", "Spotting the source (skip any you don't know)"),
    ("self_tests", "Optional self-tests"),
)


def emergency_result(kb: KnowledgeBase, answers: dict[str, Any]) -> Assessment | None:
    """The result to show at once when the answers so far trigger an emergency rule.

    It carries no causes and no plan: nothing should distract from getting help now. It is
    `interrupted`, so its JSON says the check stopped here and names no evidence.
    """
    reasons = [r for r in triage(answers, kb) if r.level is TriageLevel.EMERGENCY]
    if not reasons:
        return None
    return Assessment(
        level=TriageLevel.EMERGENCY,
        reasons=reasons,
        causes=[],
        plan=None,
        message=banner(TriageLevel.EMERGENCY, reasons, kb),
        disclaimer=kb.meta.disclaimer,
        kb_version=kb.version,
        answers=dict(answers),
        how_soon="now",
        interrupted=True,
    )


def questions_to_ask(
    kb: KnowledgeBase, group: str, answers: dict[str, Any]
) -> tuple[list[Question], list[Question]]:
    """(ask, left out): a group's questions, less the self-tests the answers so far forbid.

    A self-test that loads what a triggered rule suspects (a single-leg bridge to failure
    after a possible bone stress injury, say) is not asked (stop_rules.yaml).
    """
    questions = kb.questions_in(group)
    if group != "self_tests":
        return questions, []
    return self_tests_allowed(questions, forbidden_by(triage(answers, kb), kb))


def left_out_note(left_out: list[Question]) -> str:
    """Why some self-tests are not asked, in plain words; empty when none is left out."""
    if not left_out:
        return ""
    names = ", ".join(q.text.split(":")[0].strip().lower() for q in left_out)
    return (
        f"Not asked: {names}. Your answers so far point to something these tests would load; "
        "leave them to the clinician who sees you."
    )


def training_evidence(
    engine: Engine, *, today: date, settings: Settings, rules: LoadRulesFile
) -> tuple[TrainingEvidence | None, list[str]]:
    """What imported training says, if the runner has any, and what could not be read.

    The triage never depends on this: a history or form check that cannot be read is named
    in the result and the check goes on from the answers alone (triage.md v2).
    """
    try:
        with engine.connect() as conn:
            found = training.training_evidence_from_store(
                conn, today=today, settings=settings, rules=rules
            )
            found = _with_form_evidence(conn, found)
            found = _with_personal_evidence(conn, found, today)
    except Exception as exc:  # noqa: BLE001 - any failure here must not cost the runner the triage
        logger.warning("training evidence unreadable", exc_info=True)
        return None, [
            f"your training history and form checks could not be read ({type(exc).__name__}: {exc})"
        ]
    return (found if found.answers else None), []


def _with_form_evidence(conn: Connection, found: TrainingEvidence) -> TrainingEvidence:
    """Add what the latest saved form check of each view showed (prefills form_observed)."""
    # services.form brings numpy and the video stack: a store without form checks needs neither.
    if not form_checks.latest_per_view(conn):
        return found
    from backstride.services.form import form_evidence

    video = form_evidence(conn)
    if not video.answers:
        return found
    return TrainingEvidence(
        answers={**found.answers, **video.answers}, lines={**found.lines, **video.lines}
    )


def _with_personal_evidence(
    conn: Connection, found: TrainingEvidence, today: date
) -> TrainingEvidence:
    """Add the diary's credible findings (`backstride insights`) under the questions the
    history already answers, so they show among the cause lines "from your training"."""
    extra = personal_evidence_lines(conn, kb=load_kb(), today=today)
    if not any(qid in found.answers for qid in extra):
        return found
    lines = {qid: list(v) for qid, v in found.lines.items()}
    for qid, more in extra.items():
        if qid in found.answers:
            lines[qid] = [*lines.get(qid, []), *more]
    return TrainingEvidence(answers=found.answers, lines=lines)


def run_check(
    answers: dict[str, Any],
    kb: KnowledgeBase,
    *,
    training: TrainingEvidence | None,
    evidence_problems: list[str] | None = None,
) -> Assessment:
    """Assess complete answers; InvalidAnswer or MissingRequiredAnswers name what is wrong.

    The typed result: shells render from it and call `to_json()` only for `--json`, the
    API and the store.
    """
    return assess(answers, kb, training=training, evidence_problems=evidence_problems or [])


def save_check(
    conn: Connection,
    *,
    kb: KnowledgeBase,
    answers: dict[str, Any],
    result: Assessment,
    source: str,
) -> int:
    """Store a check with its answers and KB version, so a past result can be explained.

    The store keeps the result's JSON (`Assessment.to_json()`), which `saved_result` reads
    back.
    """
    return checks.add(
        conn,
        answers=answers,
        result=result.to_json(),
        kb_version=kb.version,
        triage_level=result.level.value,
        source=source,
    )


def saved_result(saved: SavedCheck) -> Assessment:
    """A saved check's result as the typed `Assessment`, whatever version saved it."""
    return Assessment.from_json(saved.result, answers=saved.answers)
