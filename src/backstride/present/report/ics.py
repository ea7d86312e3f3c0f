"""The plan as an iCalendar file: one all-day event per training day (RFC 5545, via icalendar).

A day's event lists that day's items; rest days get none (a calendar of rest rows is noise).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
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


def _summary(items: list[dict[str, Any]]) -> str:
    titles = [i["title"] for i in items if i["kind"] in ("run", "strength", "mobility")]
    titles = titles or [i["title"] for i in items]
    return "backstride: " + " + ".join(titles)


def plan_to_ics(
    plan: Plan, *, now: datetime | None = None, reminders: Mapping[date, str] | None = None
) -> bytes:
    """Serialise the plan, one event a day; UIDs are stable per date, so a re-import updates.

    `reminders` (e.g. the running experiment's instruction for each day) lead that day's
    event; a day with a reminder and no session still gets its one event.
    """
    reminders = reminders or {}
    from icalendar import Calendar, Event

    stamp = now or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//backstride//plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "backstride plan")
    for week in plan.to_json()["weeks"]:
        for day in week["days"]:
            items = [i for i in day["items"] if i["kind"] != "rest"]
            when = datetime.fromisoformat(day["date"]).date()
            note = reminders.get(when)
            if not items and not note:
                continue
            event = Event()
            event.add("uid", f"{day['date']}@backstride")
            event.add("dtstamp", stamp)
            event.add("dtstart", when)
            event.add("dtend", when + timedelta(days=1))
            event.add("summary", _summary(items) if items else "backstride: experiment day")
            parts = [note] if note else []
            parts += [f"{i['title'].upper()}\n{_description(i)}" for i in items]
            event.add("description", "\n\n".join(parts))
            event.add("categories", sorted({i["kind"] for i in items}))
            cal.add_component(event)
    return bytes(cal.to_ical())
