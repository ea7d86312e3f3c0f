"""Answers + knowledge base (+ training evidence) -> Assessment. Pure: no files, no database."""

from backstride.assess.answers import validate_answers
from backstride.assess.engine import assess
from backstride.assess.model import Assessment, CauseScore, PlanSummary, TriageReason
from backstride.assess.triage import TriageLevel

__all__ = [
    "Assessment",
    "CauseScore",
    "PlanSummary",
    "TriageLevel",
    "TriageReason",
    "assess",
    "validate_answers",
]
