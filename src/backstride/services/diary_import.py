"""`backstride diary import FILE.csv`: a runner's own spreadsheet log into the pain diary.

Columns ``date,kind,during,after,next_morning,notes`` (the fields of `diary add`; a day
entry's ``during`` is the day's pain), and optionally ``stiffness``, ``sleep_h`` and
``fuelled``. Every row is checked before anything is written; one bad row (a bad date, a
pain out of range, an unknown kind, a row twice, a row already in the diary) names its line
and nothing is imported. The caller's transaction makes the write all-or-nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

from sqlalchemy import Connection

from backstride.errors import DiaryError, DiaryImportError
from backstride.kb import KnowledgeBase
from backstride.models import DiaryEntry
from backstride.services.diary import KINDS, _run_of_the_day, validate_entry
from backstride.store import diary

REQUIRED = ("date", "kind", "during", "after", "next_morning", "notes")
OPTIONAL = ("stiffness", "sleep_h", "fuelled")
_TRUE, _FALSE = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}


def _pain(raw: str, name: str, problems: list[str]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{name} `{raw}` is not a whole number 0-10")
        return None
    if not 0 <= value <= 10:
        problems.append(f"{name} {value} is out of range 0-10")
        return None
    return value


def _row(fields: dict[str, str], today: date) -> tuple[DiaryEntry | None, list[str]]:
    problems: list[str] = []
    raw_date = (fields.get("date") or "").strip()
    try:
        day = date.fromisoformat(raw_date)
    except ValueError:
        problems.append(f"date `{raw_date}` is not a date (write YYYY-MM-DD)")
        day = None
    kind = (fields.get("kind") or "").strip().lower()
    if kind not in KINDS:
        problems.append(f"kind `{kind}` is not one of {', '.join(KINDS)}")
    during = _pain(fields.get("during") or "", "during", problems)
    after = _pain(fields.get("after") or "", "after", problems)
    morning = _pain(fields.get("next_morning") or "", "next_morning", problems)
    stiffness = _pain(fields.get("stiffness") or "", "stiffness", problems)
    sleep_raw = (fields.get("sleep_h") or "").strip()
    sleep = None
    if sleep_raw:
        try:
            sleep = float(sleep_raw)
        except ValueError:
            problems.append(f"sleep_h `{sleep_raw}` is not a number of hours")
    fuel_raw = (fields.get("fuelled") or "").strip().lower()
    fuelled = True if fuel_raw in _TRUE else False if fuel_raw in _FALSE else None
    if fuel_raw and fuelled is None:
        problems.append(f"fuelled `{fuel_raw}` is not yes or no")
    if problems or day is None:
        return None, problems
    entry = DiaryEntry(
        day, kind, during, after, morning, notes=(fields.get("notes") or "").strip(),
        morning_stiffness=stiffness, sleep_h=sleep, fuelled=fuelled,
    )  # fmt: skip
    return entry, []


def parse_csv(text: str, *, kb: KnowledgeBase, today: date) -> list[DiaryEntry]:
    """The file's entries, or DiaryImportError naming every bad row (line numbers as a
    spreadsheet shows them, the header being line 1)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DiaryImportError([f"line 1: missing column(s) {', '.join(missing)}"])
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
    if unknown:
        raise DiaryImportError([f"line 1: unknown column(s) {', '.join(unknown)}"])
    problems: list[str] = []
    entries: list[DiaryEntry] = []
    seen: dict[tuple[date, str], int] = {}
    for line, raw in enumerate(reader, start=2):
        fields = {(k or "").strip().lower(): (v or "") for k, v in raw.items()}
        if not any(v.strip() for v in fields.values()):
            continue  # a blank line
        entry, row_problems = _row(fields, today)
        if entry is not None:
            try:
                validate_entry(entry, kb=kb, today=today)
            except DiaryError as exc:
                row_problems.append(str(exc).removeprefix("diary entry not saved: "))
            key = (entry.entry_date, entry.kind)
            if key in seen:
                row_problems.append(
                    f"duplicate of line {seen[key]} ({entry.kind} on {entry.entry_date})"
                )
            seen.setdefault(key, line)
        problems += [f"line {line}: {p}" for p in row_problems]
        if entry is not None and not row_problems:
            entries.append(entry)
    if problems:
        raise DiaryImportError(problems)
    return entries


def import_csv(conn: Connection, *, text: str, kb: KnowledgeBase, today: date) -> list[DiaryEntry]:
    """Save every entry of the file or none: a row already in the diary is a problem too."""
    entries = parse_csv(text, kb=kb, today=today)
    existing = {(e.entry_date, e.kind) for e in diary.between(conn)}
    clashes = [
        f"{e.kind} entry for {e.entry_date} is in the diary already"
        for e in entries
        if (e.entry_date, e.kind) in existing
    ]
    if clashes:
        raise DiaryImportError(clashes)
    saved = []
    for e in entries:
        if e.kind == "run":
            e = replace(e, activity_id=_run_of_the_day(conn, e.entry_date))
        saved.append(diary.add(conn, entry=e))
    return saved
