"""The weekly plan: ranked causes, training history and pain diary -> Plan (pure; no database)."""

from backstride.plan.builder import build_plan, escalation_text
from backstride.plan.model import Plan, PlanDay, PlanItem, PlanPreferences, PlanWeek

__all__ = [
    "Plan",
    "PlanDay",
    "PlanItem",
    "PlanPreferences",
    "PlanWeek",
    "build_plan",
    "escalation_text",
]
