"""Everything the physio report shows, gathered from the store into typed, plain values.

The renderers (HTML, PDF) only lay these out: every number is already in words or units
here, so no raw score reaches the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from backstride.analyse.load import RunSpike, longest_run_ratios
from backstride.analyse.pain import daily_worst, is_improved, slope_per_week
from backstride.analyse.personal_findings import Insights
from backstride.assess.form_model import FormResult
from backstride.assess.model import Assessment
from backstride.assess.words import match_words
from backstride.config import Settings
from backstride.kb import KnowledgeBase
from backstride.kb.schema import Question
from backstride.models import DiaryEntry, SavedCheck
from backstride.services.insights import insights_from_store
from backstride.services.plan import PlanView, latest_check, plan_view
from backstride.services.training import WordedFlag, load_report
from backstride.store import activities, checks, diary, form_checks

#: Weeks of training shown in the load chart.
LOAD_WEEKS = 12
#: Days of runs the 30-day-guard lines look at.
GUARD_DAYS = 90
#: Contributors and evidence lines each shown: the report is read in a minute.
CONTRIBUTORS = 3
EVIDENCE_LINES = 3


def answer_words(q: Question, value: Any) -> str:
    """An answer as the runner chose it: the KB's label, Yes/No, or the number."""
    if value is None:
        return "not answered"
    if value == "unsure":
        return "Unsure (counted as yes)"
    if q.type == "bool":
        return "Yes" if value else "No"
    labels = q.value_labels or {}
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v).replace("_", " ")) for v in value) or "none"
    if q.values:
        return labels.get(str(value), str(value).replace("_", " "))
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class ScreeningAnswer:
    question: str
    answer: str
    #: a yes / unsure / worsening answer: a warning sign the physio should see first
    flagged: bool


@dataclass(frozen=True)
class Contributor:
    name: str
    strength: str  # "strong match" ... in words
    evidence: list[str]


@dataclass(frozen=True)
class PainHistory:
    """Every diary day's worst pain, with the change against the minimal important change."""

    points: list[tuple[date, int]]
    entries: int
    plan_start: date
    slope_per_week: float | None
    first_mean: float | None  # mean of the first `window_days` with entries
    last_mean: float | None  # mean of the last `window_days`
    window_days: int
    mcid_points: float
    mcid_fraction: float
    #: smaller changes are within measurement error (None: the KB gives none)
    mdc_points: float | None
    mcid_source: str
    improved: bool

    @property
    def before_plan(self) -> int:
        return sum(1 for d, _ in self.points if d < self.plan_start)


@dataclass(frozen=True)
class GuardRun:
    """A run above the 30-day longest-run guard, in plain values."""

    run_date: date
    distance_km: float
    previous_longest_km: float
    percent_longer: int


@dataclass(frozen=True)
class ReportData:
    """The report's content; the HTML and PDF renderers only lay it out."""

    today: date
    #: the latest saved check (its level and notes) and its result, typed
    check: SavedCheck
    result: Assessment
    view: PlanView
    weekly_km: list[tuple[date, float]]
    events: list[str] = field(default_factory=list)
    #: the heading of the current level: "Latest self-check (...)" or what raised it
    level_title: str = ""
    #: set when a diary entry or the pain trend raised the level or withdrew the plan
    escalation: str | None = None
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (reason, advice)
    screening: list[ScreeningAnswer] = field(default_factory=list)
    screening_note: str = ""
    contributors: list[Contributor] = field(default_factory=list)
    pain: PainHistory | None = None
    guard_runs: list[tuple[date, float, float | None]] = field(default_factory=list)
    guard_over: list[GuardRun] = field(default_factory=list)
    guard_limit: float = 1.1
    longest_30d_km: float | None = None
    form_findings: list[str] = field(default_factory=list)
    psfs: list[tuple[date, str, int]] = field(default_factory=list)
    psfs_attribution: str = ""
    this_week: list[tuple[date, list[str]]] = field(default_factory=list)
    #: the runner's own evidence (n-of-1 associations), over the whole stored history
    insights: Insights | None = None


def _warning_entry(conn: Connection, saved: SavedCheck) -> DiaryEntry | None:
    """The diary entry whose warning signs produced this (source "diary") check."""
    signs = saved.result.get("from_diary_warning")
    if not isinstance(signs, list):
        return None
    entries = diary.between(conn)
    matching = [e for e in entries if e.warnings and set(e.warnings) == set(signs)]
    found = matching or [e for e in entries if e.warnings]
    return found[-1] if found else None


def _screening(
    saved: SavedCheck, interrupted: bool, kb: KnowledgeBase, overlay: dict[str, Any], when: str
) -> list[ScreeningAnswer]:
    out = []
    for q in kb.questions_in("safety_screen"):
        value = saved.answers.get(q.id)
        words = answer_words(q, value)
        if value is None and interrupted:
            words = "not asked (the check stopped at the emergency answer)"
        if q.id in overlay and when:
            words += f" (reported in the diary on {when})"
        flagged = value is True or value == "unsure" or value in ("stable", "worsening")
        out.append(ScreeningAnswer(q.text, words, flagged))
    return out


def _pain(conn: Connection, kb: KnowledgeBase, today: date, plan_start: date) -> PainHistory | None:
    points = daily_worst(diary.between(conn, end=today))
    if not points:
        return None
    rules = kb.progress_rules.improvement
    window = rules.baseline_days
    first = [p for d, p in points if d < points[0][0] + timedelta(days=window)]
    last = [p for d, p in points if d > points[-1][0] - timedelta(days=window)]
    first_mean = sum(first) / len(first)
    last_mean = sum(last) / len(last)
    span = (points[-1][0] - points[0][0]).days >= window
    source = "; ".join(kb.sources[s].citation.split(".")[0] for s in rules.sources)
    return PainHistory(
        points=points,
        entries=len(points),
        plan_start=plan_start,
        slope_per_week=slope_per_week(points),
        first_mean=first_mean if span else None,
        last_mean=last_mean if span else None,
        window_days=window,
        mcid_points=rules.mcid_points,
        mcid_fraction=rules.mcid_fraction,
        mdc_points=rules.mdc_points,
        mcid_source=source,
        improved=span
        and is_improved(
            first_mean, last_mean, mcid_points=rules.mcid_points, mcid_fraction=rules.mcid_fraction
        ),
    )


def _guard(
    conn: Connection, kb: KnowledgeBase, today: date
) -> tuple[list[RunSpike], float, float | None]:
    rule = kb.load_rules["single_run_spike"]
    window = int(rule.thresholds["window_days"])
    limit = next((b.max_ratio for b in rule.bands if b.max_ratio is not None), 1.1)
    start = datetime.combine(today - timedelta(days=GUARD_DAYS + window + 1), time(), UTC)
    end = datetime.combine(today + timedelta(days=2), time(), UTC)
    runs = activities.between(conn, start=start, end=end, sport="run", with_route=False)
    first = today - timedelta(days=GUARD_DAYS)
    spikes = [
        s for s in longest_run_ratios(runs, window_days=window) if first <= s.run_date <= today
    ]
    recent = [s.distance_m for s in spikes if s.run_date > today - timedelta(days=window)]
    return spikes, limit, (max(recent) / 1000 if recent else None)


def _form_findings(conn: Connection) -> list[str]:
    out = []
    for view, saved in sorted(form_checks.latest_per_view(conn).items()):
        findings = FormResult.from_json(saved.report).findings
        said = "; ".join(f"{f.title} ({f.severity})" for f in findings) or "no findings"
        out.append(
            f"{view.replace('_', ' ').capitalize()} video of {saved.created_at:%d %b %Y}: {said}"
        )
    return out


def _events(conn: Connection, flags: list[WordedFlag]) -> list[str]:
    """The load analysis' flags (jumps, streaks, breaks; each names its day or week) and
    diary warning signs; single-run spikes are in the guard's own lines."""
    out = []
    for f in flags:
        if f.rule_id == "single_run_spike":
            continue  # the 30-day-guard lines name these runs already
        out.append(f.text)
    out += [
        f"{e.entry_date:%a %d %b %Y}: diary reported warning signs: {', '.join(e.warnings)}"
        for e in diary.between(conn)
        if e.warnings
    ]
    return [e for e in out if e.strip()]


def report_data(
    conn: Connection, *, kb: KnowledgeBase, today: date, settings: Settings
) -> ReportData:
    """The latest check, pain and load, the plan with its adherence, and notable events."""
    saved = latest_check(conn)
    view = plan_view(conn, kb=kb, today=today, save=False)
    load = load_report(conn, weeks=LOAD_WEEKS, today=today, settings=settings, rules=kb.load_rules)
    weekly_km = [(w.week_start_date, w.distance_m / 1000) for w in load.weeks]
    result = Assessment.from_json(saved.result, answers=saved.answers)
    trigger = _warning_entry(conn, saved)
    overlay: dict[str, Any] = {}
    when = ""
    if trigger is not None:
        from backstride.services.diary import warning_answers

        overlay = warning_answers(trigger.warnings, kb)
        when = f"{trigger.entry_date:%d %b %Y}"
        signs = [
            kb.progress_rules.diary_warnings[w].text
            for w in trigger.warnings
            if w in kb.progress_rules.diary_warnings
        ]
        escalation: str | None = (
            f"Escalation raised by diary entry on {trigger.entry_date:%a %d %b %Y}: "
            + "; ".join(signs)
            + "."
        )
        title = f"Current level (raised by diary entry on {when})"
    elif view.escalated:
        escalation = (
            "Escalation raised by the pain diary: no clinically important improvement after "
            f"{view.progress.days_on_plan} days on the plan. " + (view.plan.escalation or "")
        ).strip()
        title = f"Latest self-check ({saved.created_at:%d %b %Y})"
    else:
        escalation = None
        title = f"Latest self-check ({saved.created_at:%d %b %Y})"
    contributors = [
        Contributor(c.name, match_words(c.score), _evidence(c.evidence))
        for c in result.causes
        if c.score > 0
    ][:CONTRIBUTORS]
    spikes, limit, longest = _guard(conn, kb, today)
    over = [
        GuardRun(
            s.run_date,
            s.distance_m / 1000,
            s.previous_longest_m / 1000,
            round((s.ratio - 1) * 100),
        )
        for s in spikes
        if s.ratio is not None and s.previous_longest_m and s.ratio > limit
    ]
    entries = diary.between(conn, end=today)
    psfs = [(e.entry_date, name, score) for e in entries for name, score in e.psfs]
    # the next seven days of the plan, across its calendar weeks
    next_days = [d for w in view.plan.weeks for d in w.days if d.date >= today][:7]
    return ReportData(
        insights=insights_from_store(conn, kb=kb, today=today),
        today=today,
        check=saved,
        result=result,
        view=view,
        weekly_km=weekly_km,
        events=_events(conn, list(load.flags)),
        level_title=title,
        escalation=escalation,
        reasons=[(r.text, r.advice) for r in result.reasons if r.text],
        screening=_screening(saved, result.interrupted, kb, overlay, when),
        screening_note=_screening_source(conn, saved),
        contributors=contributors,
        pain=_pain(conn, kb, today, view.plan.plan_start),
        guard_runs=[(s.run_date, s.distance_m / 1000, _km(s.previous_longest_m)) for s in spikes],
        guard_over=over,
        guard_limit=limit,
        longest_30d_km=longest,
        form_findings=_form_findings(conn),
        psfs=psfs[-8:],
        psfs_attribution=kb.progress_rules.psfs.attribution if psfs else "",
        this_week=[(d.date, [_item_words(i) for i in d.items if i.title]) for d in next_days],
    )


def _item_words(item: Any) -> str:
    """A plan item's title with its exercises by name, e.g. "Strength (Glute bridge, ...)"."""
    names = [ex.name for ex in item.exercises if ex.name]
    return f"{item.title} ({', '.join(names)})" if names else str(item.title)


def _evidence(lines: list[str]) -> list[str]:
    """The first few evidence lines, without the engine's "+ " / "- " markers."""
    out = [str(e).removeprefix("+ ").removeprefix("- ").strip() for e in lines]
    return [e for e in out if e][:EVIDENCE_LINES]


def _km(metres: float | None) -> float | None:
    return None if metres is None else metres / 1000


def _screening_source(conn: Connection, saved: SavedCheck) -> str:
    """Which check the answers come from, in words."""
    full = next(
        (c for c in checks.recent(conn, limit=20) if "from_diary_warning" not in c.result), None
    )
    if "from_diary_warning" in saved.result and full is not None:
        return (
            f"Answers of the self-check of {full.created_at:%d %b %Y}, with the warning signs "
            "reported in the diary since."
        )
    return f"Answers given in the self-check of {saved.created_at:%d %b %Y}."
