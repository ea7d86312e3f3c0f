"""Answers + knowledge base (+ training evidence) -> Assessment. Pure: no files, no database."""

from backstride.assess.answers import validate_answers
from backstride.assess.engine import Assessment, CauseScore, TriageReason, assess
from backstride.assess.triage import TriageLevel

__all__ = [
    "Assessment",
    "CauseScore",
    "TriageLevel",
    "TriageReason",
    "assess",
    "validate_answers",
]
