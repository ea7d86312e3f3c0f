"""A runner at a glance for their coach or physio: the caseload row and the runner page.

Everything is read from the runner's own store with the single-runner services. A row is
cached per runner under the store's change counter and the day; the counter comes with
the share that lets the viewer in, so a caseload asks no runner's store anything until
that runner's data changes, and shows the change on the next load.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from backstride.analyse.load import longest_run_ratios
from backstride.analyse.pain import daily_worst
from backstride.config import Settings
from backstride.errors import NotFound
from backstride.kb import KnowledgeBase
from backstride.services.care import Note, Prescribed, notes_for_runner, prescribed_exercises
from backstride.services.plan import plan_view
from backstride.services.training import load_report
from backstride.store import activities, checks, diary, form_checks
from backstride.store.team.versions import version_of

__all__ = ["Care", "Guard", "RunnerCache", "Summary", "read_care", "store_version", "summarise"]

#: Triage levels that put a runner at the top of the caseload.
ESCALATING = ("emergency", "urgent", "see_clinician")
GUARD_DAYS = 30
WEEKS = 8
PAIN_WINDOW_DAYS = 14


@dataclass(frozen=True)
class Guard:
    run_date: date
    distance_km: float
    ratio: float | None
    label: str


@dataclass(frozen=True)
class Summary:
    """What the caseload shows of one runner (no raw records)."""

    level: str | None
    checked_at: datetime | None
    pain_recent: float | None
    pain_before: float | None
    adherence: float | None
    load_flags: list[str]
    weekly_km: list[tuple[date, float]]
    guard: list[Guard]
    last_form: tuple[datetime, str] | None
    activity_count: int
    escalations: list[str] = field(default_factory=list)

    @property
    def pain_trend(self) -> str:
        if self.pain_recent is None:
            return "no entries"
        if self.pain_before is None:
            return "new"
        change = self.pain_recent - self.pain_before
        return "worse" if change >= 1 else "better" if change <= -1 else "steady"

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "pain_trend": self.pain_trend,
            "pain_recent": self.pain_recent,
            "adherence": self.adherence,
            "load_flags": self.load_flags,
            "weekly_km": [{"week": w.isoformat(), "km": km} for w, km in self.weekly_km],
            "guard": [
                {"date": g.run_date.isoformat(), "km": g.distance_km, "ratio": g.ratio}
                for g in self.guard
            ],
            "last_form_check": self.last_form[0].isoformat() if self.last_form else None,
            "escalations": self.escalations,
            "activity_count": self.activity_count,
        }


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def summarise(engine: Engine, *, kb: KnowledgeBase, settings: Settings, today: date) -> Summary:
    """One runner's summary, computed afresh (see `RunnerCache` for the cached one)."""
    with engine.connect() as conn:
        latest = checks.latest(conn)
        since = today - timedelta(days=2 * PAIN_WINDOW_DAYS)
        pains = daily_worst(diary.between(conn, start=since, end=today))
        split = today - timedelta(days=PAIN_WINDOW_DAYS)
        recent = _mean([p for d, p in pains if d > split])
        before = _mean([p for d, p in pains if d <= split])
        adherence = escalated = None
        try:
            view = plan_view(conn, kb=kb, today=today, save=False)
            adherence, escalated = view.adherence.fraction, view.escalated
        except NotFound:
            pass
        load = load_report(conn, weeks=WEEKS, today=today, settings=settings, rules=kb.load_rules)
        recent_since = today - timedelta(days=kb.load_rules.recent_window_days)
        flags = [
            f.text
            for f in load.flags
            if (f.flag_date or f.week_start_date or today) >= recent_since
        ]
        rule = kb.load_rules["single_run_spike"]
        window = int(rule.thresholds["window_days"])
        start = datetime.combine(today - timedelta(days=GUARD_DAYS + window + 1), time(), UTC)
        end = datetime.combine(today + timedelta(days=1), time(), UTC)
        runs = activities.between(conn, start=start, end=end)
        bands = [(b.max_ratio, b.label) for b in rule.bands]
        guard = [
            Guard(s.run_date, round(s.distance_m / 1000, 1), s.ratio, _band(s.ratio, bands))
            for s in longest_run_ratios(runs, window_days=window)
            if s.run_date > today - timedelta(days=GUARD_DAYS)
        ]
        forms = form_checks.recent(conn, limit=1)
        count = activities.count(conn)
    escalations: list[str] = []
    if latest is not None and latest.triage_level in ESCALATING:
        escalations.append(f"latest self-check: {latest.triage_level.replace('_', ' ')}")
    if escalated:
        escalations.append("pain not improving on the plan: review")
    if recent is not None and before is not None and recent - before >= 2:
        escalations.append(f"pain up from {before} to {recent} (0-10) in two weeks")
    return Summary(
        level=latest.triage_level if latest else None,
        checked_at=latest.created_at if latest else None,
        pain_recent=recent,
        pain_before=before,
        adherence=adherence,
        load_flags=flags,
        weekly_km=[(w.week_start_date, round(w.distance_m / 1000, 1)) for w in load.weeks],
        guard=guard,
        last_form=(forms[0].created_at, forms[0].view) if forms else None,
        activity_count=count,
        escalations=escalations,
    )


def _band(ratio: float | None, bands: list[tuple[float | None, str]]) -> str:
    if ratio is None:
        return "first run"
    for upper, label in bands:
        if upper is None or ratio <= upper:
            return label
    return bands[-1][1] if bands else ""


@dataclass(frozen=True)
class Care:
    """What the runner's physio or coach left them: notes, newest first, and exercises."""

    notes: list[Note]
    prescribed: list[Prescribed]


def store_version(conn: Connection, schema: str) -> int:
    """The change counter of the runner store at `schema` (on a team-schema connection)."""
    return version_of(conn, runner_schema=schema)


def read_care(engine: Engine) -> Care:
    return Care(notes_for_runner(engine), prescribed_exercises(engine))


class RunnerCache:
    """What the team pages read of each runner's store, kept while the store's version is.

    The version is the store's change counter (`SharedRunner.store_version`), bumped in
    every transaction that writes to the store, so what is cached under it is current
    while it is: no time window, and no query to the runner's schema on a hit. Each
    entry is computed after its version was read, so it may include later writes; cached
    under the earlier version it is recomputed on the next load, never served stale.
    Summaries are kept per day too (their windows end today).
    """

    def __init__(self, *, kb: KnowledgeBase, settings: Settings) -> None:
        self.kb = kb
        self.settings = settings
        self._lock = threading.Lock()
        self._summaries: dict[str, tuple[tuple[date, int], Summary]] = {}
        self._care: dict[str, tuple[int, Care]] = {}

    def summary(self, schema: str, engine: Engine, *, today: date, version: int) -> Summary:
        """The caseload row of the store at `schema` as of `version` (read before calling)."""
        key = (today, version)
        with self._lock:
            hit = self._summaries.get(schema)
        if hit is not None and hit[0] == key:
            return hit[1]
        found = summarise(engine, kb=self.kb, settings=self.settings, today=today)
        with self._lock:
            self._summaries[schema] = (key, found)
        return found

    def care(self, schema: str, engine: Engine, *, version: int) -> Care:
        """The notes and exercises in the store at `schema` as of `version`."""
        with self._lock:
            hit = self._care.get(schema)
        if hit is not None and hit[0] == version:
            return hit[1]
        found = read_care(engine)
        with self._lock:
            self._care[schema] = (version, found)
        return found
