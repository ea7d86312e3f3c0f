"""The plan as an iCalendar file: one all-day event per plan item (RFC 5545, via icalendar)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from backstride.plan import Plan


def _description(item: dict[str, Any]) -> str:
    lines = []
    if item.get("detail"):
        lines.append(item["detail"])
    for ex in item.get("exercises", []):
        dose = (
            f"{ex['sets']} x {ex['reps']}" if "reps" in ex else f"{ex['sets']} x {ex['hold_s']} s"
        )
        side = " each side" if ex.get("per_side") else ""
        evidence = f" (evidence: {ex['evidence'].replace('_', ' ')})" if ex.get("evidence") else ""
        lines.append(f"- {ex['name']}: {dose}{side}, rest {ex['rest_s']} s{evidence}")
        lines.append(f"  easier: {ex['regression']}")
        lines.append(f"  harder: {ex['progression']}")
    for cue in (item.get("run") or {}).get("cues", []):
        lines.append(f"Cue: {cue}")
    lines.append(f"Why: {item['why']}")
    if item.get("evidence"):
        lines.append(f"Evidence: {item['evidence'].replace('_', ' ')}")
    lines += [f"Source: {s}" for s in item["sources"]]
    return "\n".join(lines)


def plan_to_ics(plan: Plan, *, now: datetime | None = None) -> bytes:
    """Serialise the plan; UIDs are stable per date, kind and position, so a re-import updates."""
    from icalendar import Calendar, Event

    stamp = now or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//backstride//plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "backstride plan")
    for week in plan.to_json()["weeks"]:
        for day in week["days"]:
            when = datetime.fromisoformat(day["date"]).date()
            for n, item in enumerate(day["items"]):
                event = Event()
                event.add("uid", f"{day['date']}-{n}-{item['kind']}@backstride")
                event.add("dtstamp", stamp)
                event.add("dtstart", when)
                event.add("dtend", when + timedelta(days=1))
                event.add("summary", item["title"])
                event.add("description", _description(item))
                event.add("categories", [item["kind"]])
                cal.add_component(event)
    return bytes(cal.to_ical())
