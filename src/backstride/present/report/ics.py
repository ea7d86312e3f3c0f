"""The plan as an iCalendar file: one all-day event per training day (RFC 5545, via icalendar).

A day's event lists that day's items; rest days get none (a calendar of rest rows is noise).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from backstride.errors import OptionalDependencyMissing
from backstride.plan import Plan
from backstride.plan.model import PlanItem


def _evidence(level: str | None) -> str:
    return "" if not level else level.replace("_", " ")


def _description(item: PlanItem) -> str:
    lines = []
    if item.detail:
        lines.append(item.detail)
    for ex in item.exercises:
        dose = f"{ex.sets} x {ex.reps}" if ex.reps is not None else f"{ex.sets} x {ex.hold_s} s"
        side = " each side" if ex.per_side else ""
        evidence = f" (evidence: {_evidence(ex.evidence)})" if ex.evidence else ""
        lines.append(f"- {ex.name}: {dose}{side}, rest {ex.rest_s} s{evidence}")
        lines.append(f"  easier: {ex.regression}")
        lines.append(f"  harder: {ex.progression}")
    for cue in item.run.cues if item.run is not None else ():
        lines.append(f"Cue: {cue}")
    lines.append(f"Why: {item.why}")
    if item.evidence:
        lines.append(f"Evidence: {_evidence(item.evidence)}")
    lines += [f"Source: {s}" for s in item.sources]
    return "\n".join(lines)


def _summary(items: list[PlanItem]) -> str:
    titles = [i.title for i in items if i.kind in ("run", "strength", "mobility")]
    titles = titles or [i.title for i in items]
    return "backstride: " + " + ".join(titles)


def plan_to_ics(
    plan: Plan, *, now: datetime | None = None, reminders: Mapping[date, str] | None = None
) -> bytes:
    """Serialise the plan, one event a day; UIDs are stable per date, so a re-import updates.

    `reminders` (e.g. the running experiment's instruction for each day) lead that day's
    event; a day with a reminder and no session still gets its one event.
    """
    reminders = reminders or {}
    try:  # the optional extra `report`, needed only when a calendar is written
        from icalendar import Calendar, Event
    except ImportError as exc:
        raise OptionalDependencyMissing("the calendar export", "report") from exc

    stamp = now or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//backstride//plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "backstride plan")
    for day in (d for week in plan.weeks for d in week.days):
        items = [i for i in day.items if i.kind != "rest"]
        note = reminders.get(day.date)
        if not items and not note:
            continue
        event = Event()
        event.add("uid", f"{day.date.isoformat()}@backstride")
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)
        event.add("dtend", day.date + timedelta(days=1))
        event.add("summary", _summary(items) if items else "backstride: experiment day")
        parts = [note] if note else []
        parts += [f"{i.title.upper()}\n{_description(i)}" for i in items]
        event.add("description", "\n\n".join(parts))
        event.add("categories", sorted({i.kind for i in items}))
        cal.add_component(event)
    return bytes(cal.to_ical())
