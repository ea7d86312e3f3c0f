"""Adding to the pain diary: validate, save, and re-run the safety screen on any warning sign."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from backstride.analyse.summaries import local_date
from backstride.assess import Assessment, assess
from backstride.assess.engine import banner, how_soon, triage
from backstride.assess.triage import TriageLevel
from backstride.errors import InvalidDiaryEntry
from backstride.kb import KnowledgeBase
from backstride.models import DiaryEntry
from backstride.store import activities, checks, diary

KINDS = ("day", "run", "strength")


def validate_entry(entry: DiaryEntry, *, kb: KnowledgeBase, today: date) -> None:
    """Raise InvalidDiaryEntry listing every problem; nothing is saved then."""
    problems: list[str] = []
    if entry.kind not in KINDS:
        problems.append(f"kind `{entry.kind}` is not one of {', '.join(KINDS)}")
    if entry.entry_date > today:
        problems.append(f"date {entry.entry_date} is in the future (today is {today})")
    for name in ("pain_during", "pain_after", "pain_next_morning"):
        value = getattr(entry, name)
        if value is not None and (isinstance(value, bool) or not 0 <= value <= 10):
            problems.append(f"{name} must be a whole number from 0 to 10, got {value}")
    stiff = entry.morning_stiffness
    if stiff is not None and (isinstance(stiff, bool) or not 0 <= stiff <= 10):
        problems.append(f"morning_stiffness must be a whole number from 0 to 10, got {stiff}")
    if entry.sleep_h is not None and not 0 <= entry.sleep_h <= 24:
        problems.append(f"sleep_h must be hours from 0 to 24, got {entry.sleep_h}")
    if entry.worst_pain is None and not entry.warnings:
        problems.append("give at least one pain value (during, after or next morning)")
    problems += _choice_problems(entry, kb)
    psfs = kb.progress_rules.psfs
    for activity, score in entry.psfs:
        if not activity.strip() or not psfs.min_score <= score <= psfs.max_score:
            problems.append(
                f"PSFS `{activity}={score}`: name an activity and score it "
                f"{psfs.min_score}-{psfs.max_score}"
            )
    if problems:
        raise InvalidDiaryEntry("diary entry not saved: " + "; ".join(problems))


def _choice_problems(entry: DiaryEntry, kb: KnowledgeBase) -> list[str]:
    problems: list[str] = []
    onsets = kb.questions["pain_timing"].values or []
    if entry.onset is not None and entry.onset not in onsets:
        problems.append(f"onset `{entry.onset}` is not one of {', '.join(onsets)}")
    characters = kb.questions["pain_character"].values or []
    problems += [
        f"character `{c}` is not one of {', '.join(characters)}"
        for c in entry.character
        if c not in characters
    ]
    known = kb.progress_rules.diary_warnings
    problems += [
        f"warning `{w}` is not one of {', '.join(known)}"
        for w in entry.warnings
        if warning_id(w, kb) is None
    ]
    return problems


def warning_id(name: str, kb: KnowledgeBase) -> str | None:
    """The diary warning id `name` stands for (itself, or an old name's new id); None if unknown."""
    rules = kb.progress_rules
    if name in rules.diary_warnings:
        return name
    return rules.diary_warning_aliases.get(name)


def _canonical(warnings: tuple[str, ...], kb: KnowledgeBase) -> tuple[str, ...]:
    """The warnings under their question ids, each once, in the order given."""
    ids = [warning_id(w, kb) for w in warnings]
    return tuple(dict.fromkeys(i for i in ids if i is not None))


def _run_of_the_day(conn: Connection, day: date) -> int | None:
    """The id of the one imported run on `day`, if there is exactly one."""
    # The store directly rather than services.plan.training_history, whose module brings
    # numpy and the plan builder: `diary add --kind run` needs neither.
    # a local day lies within a day either side of the same UTC date (offsets reach ±14 h)
    start = datetime.combine(day - timedelta(days=1), time(), UTC)
    end = datetime.combine(day + timedelta(days=2), time(), UTC)
    runs = [
        r
        for r in activities.between(conn, start=start, end=end, sport="run")
        if local_date(r.activity) == day
    ]
    return runs[0].id if len(runs) == 1 else None


@dataclass(frozen=True)
class DiaryResult:
    """The saved entry and, when it reported a warning sign, the new safety-screen result."""

    entry: DiaryEntry
    recheck: Assessment | None = None
    recheck_check_id: int | None = None
    #: why the re-check is partial (no full check saved yet to overlay the signs on)
    recheck_note: str | None = None

    @property
    def plan_withdrawn(self) -> bool:
        level = None if self.recheck is None else self.recheck.level
        return level in (TriageLevel.EMERGENCY, TriageLevel.URGENT)


def warning_answers(warnings: tuple[str, ...], kb: KnowledgeBase) -> dict[str, Any]:
    """The safety-screen answers the reported warning signs stand for."""
    out: dict[str, Any] = {}
    for w in _canonical(warnings, kb):
        out = _more_severe(out, kb.progress_rules.diary_warnings[w].answers, kb)
    return out


def _more_severe(old: dict[str, Any], new: dict[str, Any], kb: KnowledgeBase) -> dict[str, Any]:
    """Overlay answers without ever softening one: `True` wins, and for a choice the later
    value of the question (none < stable < worsening, none < buttock < leg) wins."""
    out = dict(old)
    for qid, value in new.items():
        values = kb.questions[qid].values
        if qid not in out or value is True:
            out[qid] = value
        elif values and value in values and out[qid] in values:
            out[qid] = max(out[qid], value, key=values.index)
    return out


#: Shown with a re-check made from the warning signs alone.
NO_FULL_CHECK = "No full self-check saved yet: run `backstride check` for a plan."


def _partial_result(answers: dict[str, Any], kb: KnowledgeBase) -> Assessment:
    """Triage on the warning signs alone, when no full check exists to overlay them on.

    An `Assessment` as `assess` makes one (reasons, banner time, also-noted, safety-net),
    so every renderer of a check shows it; without a full check there are no causes or plan.
    """
    found = triage(answers, kb)
    level = TriageLevel.most_severe([r.level for r in found])
    reasons = [r for r in found if r.level is level]
    return Assessment(
        level=level,
        reasons=reasons,
        causes=[],
        plan=None,
        message=banner(level, reasons, kb),
        disclaimer=kb.meta.disclaimer,
        kb_version=kb.version,
        answers=answers,
        also_noted=[r for r in found if r.level is not level],
        how_soon=how_soon(level, reasons),
        safety_net=None if level is TriageLevel.EMERGENCY else kb.meta.safety_net,
    )


def add_entry(
    conn: Connection, *, entry: DiaryEntry, kb: KnowledgeBase, today: date
) -> DiaryResult:
    """Validate and save one entry; any warning sign re-runs the safety screen and saves it.

    The re-run overlays the warning signs on the latest check's answers and is saved as a
    new check (source "diary"), so an emergency or urgent result withdraws the plan.
    """
    validate_entry(entry, kb=kb, today=today)
    entry = replace(entry, warnings=_canonical(entry.warnings, kb))
    if entry.kind == "run" and entry.activity_id is None:
        entry = replace(entry, activity_id=_run_of_the_day(conn, entry.entry_date))
    saved = diary.add(conn, entry=entry)
    if not entry.warnings:
        return DiaryResult(saved)
    overlay = warning_answers(entry.warnings, kb)
    latest = checks.latest(conn)
    if latest is None:
        return DiaryResult(saved, _partial_result(overlay, kb), recheck_note=NO_FULL_CHECK)
    answers = _more_severe(dict(latest.answers), overlay, kb)
    assessment = assess(answers, kb)
    result = assessment.to_json()  # the store keeps JSON, with what started the re-check
    result["from_diary_warning"] = list(entry.warnings)
    check_id = checks.add(
        conn,
        answers=answers,
        result=result,
        kb_version=kb.version,
        triage_level=assessment.level.value,
        source="diary",
    )
    return DiaryResult(saved, assessment, check_id)
