"""Triage levels and their severity order (most severe first)."""

from __future__ import annotations

from enum import StrEnum


class TriageLevel(StrEnum):
    """What the runner should do now; the order of the members is the severity order."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SEE_CLINICIAN = "see_clinician"
    SELF_CARE = "self_care"

    @property
    def severity(self) -> int:
        """Higher is more severe."""
        return len(_ORDER) - _ORDER.index(self)

    @property
    def allows_exercise_plan(self) -> bool:
        """Emergency and urgent results never come with an exercise plan (shared/spec/triage.md)."""
        return self in (TriageLevel.SEE_CLINICIAN, TriageLevel.SELF_CARE)

    @classmethod
    def most_severe(cls, levels: list[TriageLevel]) -> TriageLevel:
        return max(levels, key=lambda lv: lv.severity, default=cls.SELF_CARE)


_ORDER = list(TriageLevel)
