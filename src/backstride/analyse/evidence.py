"""What the training history says for the self-check, each value citing the runs behind it.

``flags`` applies every load rule; ``training_evidence`` turns the flags and the recent
runs into answers in the answers-spec vocabulary (the runner's own answers win), each
with the findings behind it (``backstride.wording`` words them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from backstride.analyse import shoes, summaries
from backstride.analyse.findings import (
    Finding,
    LoadFlag,
    LongestRun,
    NoRecentChange,
    NoSameRoute,
    ShoeTotal,
)
from backstride.analyse.flags import History, history_flags, prepare
from backstride.analyse.state_flags import route_flag, state_flags
from backstride.models import Shoe, StoredActivity

if TYPE_CHECKING:  # a type only: the caller hands the rules in (kb.load_rules)
    from backstride.kb.schema import LoadRulesFile

#: The answers spec's order of recent_changes values.
RECENT_CHANGES = (
    "none",
    "mileage_increase",
    "more_hard_sessions",
    "hills_added",
    "long_run_longer",
    "new_shoes",
    "returned_after_break",
    "surface_change",
)


@dataclass(frozen=True)
class HistoryEvidence:
    """What the runs say about the self-check's questions, before wording.

    ``answers`` holds values in the answers-spec vocabulary; ``findings`` holds, per
    question id, the findings behind the value (``backstride.wording.evidence_lines``
    makes them the sentences of ``models.TrainingEvidence``).
    """

    answers: dict[str, object] = field(default_factory=dict)
    findings: dict[str, list[Finding]] = field(default_factory=dict)


def _flag_end(flag: LoadFlag, today: date) -> date:
    if flag.flag_date is not None:
        return flag.flag_date
    if flag.week_start_date is not None:
        return flag.week_start_date + timedelta(days=6)
    return today


def flags(
    activities: Sequence[StoredActivity],
    shoe_list: Sequence[Shoe] = (),
    *,
    today: date,
    since: date | None = None,
    rules: LoadRulesFile,
    assignments: Mapping[int, int] | None = None,
    week_start: summaries.WeekStart = "monday",
) -> list[LoadFlag]:
    """Every flag the runs up to `today` raise, oldest first; `since` drops earlier ones.

    A week flag is kept when any day of its week is on or after `since`.
    """
    h = prepare(
        activities,
        shoe_list,
        today=today,
        rules=rules,
        assignments=assignments,
        week_start=week_start,
    )
    return _all_flags(h, since)


def _all_flags(h: History, since: date | None) -> list[LoadFlag]:
    found = history_flags(h) + state_flags(h)
    if since is not None:
        found = [f for f in found if _flag_end(f, h.today) >= since]
    return sorted(found, key=lambda f: (f.flag_date or f.week_start_date or h.today, f.rule_id))


def _recent_changes(h: History, found: Sequence[LoadFlag]) -> tuple[list[str], list[Finding]]:
    values = {f.recent_change for f in found if f.recent_change}
    behind: list[Finding] = [f.finding for f in found if f.recent_change]
    if not values:
        return ["none"], [NoRecentChange(h.rules.recent_window_days)]
    return [v for v in RECENT_CHANGES if v in values], behind


def _longest_run(h: History, recent: Sequence[StoredActivity]) -> LongestRun:
    run = max(recent, key=lambda r: (summaries.duration_s(r.activity), r.id))
    secs = summaries.duration_s(run.activity)
    return LongestRun(
        summaries.local_date(run.activity),
        round(secs / 60),
        run.activity.distance_m or None,
        h.rules.recent_window_days,
    )


def _shoe_km(h: History, since: date) -> tuple[float, ShoeTotal] | None:
    uses = shoes.shoe_use(h.runs, h.shoe_of, since=since)
    if not uses:
        return None
    shoe_id, use = next(iter(uses.items()))
    shoe = next((s for s in h.shoes if s.id == shoe_id), None)
    if shoe is None:
        return None
    total_m = shoes.distance_per_shoe_m(h.runs, h.shoes, h.shoe_of)[shoe_id]
    return round(total_m / 1000, 1), ShoeTotal(
        shoe.name, total_m, h.rules.recent_window_days, use.runs
    )


def training_evidence(
    activities: Sequence[StoredActivity],
    shoe_list: Sequence[Shoe] = (),
    *,
    today: date,
    rules: LoadRulesFile,
    assignments: Mapping[int, int] | None = None,
    week_start: summaries.WeekStart = "monday",
) -> HistoryEvidence:
    """Answers for recent_changes, shoe_km, same_route_most_days and longest_run_minutes.

    Only questions the runs can speak to are answered: nothing without a run in the
    recent window (``recent_window_days`` in load_rules.yaml), no shoe_km without shoe
    data, no same_route_most_days without enough runs with a track.
    """
    h = prepare(
        activities,
        shoe_list,
        today=today,
        rules=rules,
        assignments=assignments,
        week_start=week_start,
    )
    since = today - timedelta(days=h.rules.recent_window_days - 1)
    recent = [r for r in h.runs if summaries.local_date(r.activity) >= since]
    if not recent:
        return HistoryEvidence()
    answers: dict[str, object] = {}
    behind: dict[str, list[Finding]] = {}
    answers["recent_changes"], behind["recent_changes"] = _recent_changes(h, _all_flags(h, since))
    longest = _longest_run(h, recent)
    answers["longest_run_minutes"], behind["longest_run_minutes"] = longest.minutes, [longest]
    shoe = _shoe_km(h, since)
    if shoe is not None:
        answers["shoe_km"], behind["shoe_km"] = shoe[0], [shoe[1]]
    route_flags, repeated = route_flag(h)
    if repeated is not None:
        answers["same_route_most_days"] = bool(route_flags)
        window = int(h.rules.threshold("same_route", "window_days"))
        behind["same_route_most_days"] = [f.finding for f in route_flags] or [
            NoSameRoute(window, len(repeated.activity_ids), repeated.runs_with_route)
        ]
    return HistoryEvidence(answers=answers, findings=behind)
