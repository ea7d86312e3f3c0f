"""Personal evidence over the whole stored history: `backstride insights`, /insights, the
report's Insights section and the self-check's evidence lines.

The store is read here; the factors and the statistics are pure (analyse.personal, nof1).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from backstride.kb import KnowledgeBase
from backstride.store import activities, diary, shoes
from backstride.wording import insight_evidence_line, insight_text, not_enough_text

if TYPE_CHECKING:
    from backstride.analyse.personal_findings import Finding, Insights


def insights_from_store(conn: Connection, *, kb: KnowledgeBase, today: date) -> Insights:
    """Every factor against every outcome over all diary days up to `today`."""
    # deferred: numpy and the factor definitions, only when insights are computed (the
    # self-check imports this module for `personal_evidence_lines`)
    from backstride.analyse.personal import daily_factors, find_insights

    entries = list(diary.between(conn, end=today))
    first = entries[0].entry_date if entries else today
    last = max((e.entry_date for e in entries), default=today)
    data = daily_factors(
        activities.between(conn, sport="run"),
        entries,
        first=first,
        last=last,
        rules=kb.insights,
        load_rules=kb.load_rules,
        shoe_list=shoes.list_all(conn),
        assignments=shoes.assignments(conn),
    )
    return find_insights(data, kb.insights)


def finding_json(f: Finding) -> dict[str, Any]:
    """One finding in `backstride insights --json`'s shape."""
    return {
        "factor": f.factor,
        "outcome": f.outcome,
        "effect": round(f.effect, 2),
        "ci": [round(f.ci[0], 2), round(f.ci[1], 2)],
        "ci_level": round(f.level, 5),
        "n_exposed": f.n_exposed,
        "n_unexposed": f.n_unexposed,
        "rho": round(f.rho, 3),
        "credible": f.credible,
        "text": insight_text(f),
    }


def insights_json(found: Insights) -> dict[str, Any]:
    """The contract of `backstride insights --json`."""
    return {
        "findings": [finding_json(f) for f in found.findings],
        "not_enough_data": [
            {
                "factor": n.factor,
                "outcome": n.outcome,
                "n_exposed": n.n_exposed,
                "n_unexposed": n.n_unexposed,
                "n_days": n.n_days,
                "more_days_needed": n.more_days,
                "more_exposures_needed": n.more_exposed,
                "text": not_enough_text(n),
            }
            for n in found.not_enough_data
        ],
        "tests": found.tests,
        "method": found.method,
        "first": found.first.isoformat() if found.first else None,
        "last": found.last.isoformat() if found.last else None,
    }


def evidence_lines(found: Insights, kb: KnowledgeBase) -> dict[str, list[str]]:
    """Credible findings of higher pain, as lines under the self-check question each
    factor speaks to (insights.yaml `question`), for the cause ranking."""
    lines: dict[str, list[str]] = {}
    for f in found.credible:
        factor = kb.insights.factor(f.factor)
        if factor.question is None or f.effect <= 0:
            continue
        lines.setdefault(factor.question, []).append(insight_evidence_line(f))
    return lines


def diary_days(conn: Connection, *, today: date) -> int:
    """How many days carry a `day` pain entry: whether insights are worth computing."""
    return sum(1 for e in diary.between(conn, end=today) if e.kind == "day")


def personal_evidence_lines(
    conn: Connection, *, kb: KnowledgeBase, today: date
) -> dict[str, list[str]]:
    """Evidence lines from the diary, or none while it is too short to test anything."""
    if diary_days(conn, today=today) < kb.insights.method.min_days:
        return {}
    return evidence_lines(insights_from_store(conn, kb=kb, today=today), kb)
