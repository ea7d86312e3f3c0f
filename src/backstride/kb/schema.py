"""Pydantic models of the knowledge-base files; `extra="forbid"` makes a typo in a key fail at load."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

EvidenceLevel = Literal["strong", "moderate", "weak", "expert_opinion"]
AnswerType = Literal["bool", "int", "number", "choice", "choices"]
QuestionGroup = Literal[
    "safety_screen", "see_clinician_screen", "spotting", "self_tests", "derived"
]
TriageName = Literal["emergency", "urgent", "see_clinician", "self_care"]
#: How soon an urgent result must be seen, most pressing first (shared/spec/triage.md v2).
HowSoon = Literal["today", "within 24 hours", "within 48 hours"]
HOW_SOON_ORDER: tuple[HowSoon, ...] = ("today", "within 24 hours", "within 48 hours")

#: What an exercise, habit, the warm-up or a self-test loads; stop_rules.yaml declares the
#: tags and says which triggered rule forbids which (shared/spec/triage.md, "What a stop
#: rule does to the plan").
Loads = list[str]

#: A condition: a bare question id, a leaf mapping ({q: id, equals|includes|gte|gt|lte|lt: v}),
#: or {all: [...]}, {any: [...]}, {not: cond}. Validated structurally by assess.conditions.
Condition = str | dict[str, Any]


class _Strict(BaseModel):
    # defer_build: a KB unpickled from the cache (kb/cache.py) never validates, so building
    # some 40 validators at import would be ~50 ms of start-up for nothing.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Meta(_Strict):
    kb_version: str
    triage_levels: list[TriageName]
    evidence_levels: dict[EvidenceLevel, str]
    disclaimer: str
    level_messages: dict[TriageName, str]
    #: whom an urgent result sends the runner to, unless its most pressing rule names someone
    urgent_whom: str
    warning_signs_reminder: str
    #: the emergency safety-net every non-emergency result carries
    safety_net: str
    #: how an "unsure" answer is reported; {question} and {how_to_check} are filled in
    unsure_note: str


class Source(_Strict):
    id: str
    citation: str
    url: str | None = None
    ref: str | None = None
    #: what the study is (and is not) evidence for, and any detail not verified
    note: str | None = None


class Question(_Strict):
    id: str
    group: QuestionGroup
    type: AnswerType
    text: str
    values: list[str] | None = None
    value_labels: dict[str, str] | None = None
    min: float | None = None
    max: float | None = None
    required: bool = False
    help: str | None = None
    #: how a runner who answers "unsure" to a safety question can find out (triage.md v2)
    how_to_check: str | None = None
    sources: list[str] = Field(default_factory=list)
    evidence: EvidenceLevel | None = None
    #: self-tests only: what doing the test loads (not asked where a triggered rule forbids it)
    loads: Loads = Field(default_factory=list)

    @property
    def accepts_unsure(self) -> bool:
        """Every yes/no warning sign accepts "unsure", which counts as yes (answers.yaml v2)."""
        return self.group == "safety_screen" and self.type == "bool"


class ConditionalText(_Strict):
    when: Condition
    text: str


class RedFlag(_Strict):
    id: str
    triage: TriageName
    when: Condition
    message: str
    advice: str
    running: Literal["stop", "easy_pain_free"]
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)
    message_if: list[ConditionalText] = Field(default_factory=list)
    #: urgent rules only: how soon to be seen; the result's banner takes the most pressing
    how_soon: HowSoon | None = None
    #: emergency and urgent rules: the why of the banner's first line, in a few words
    headline: str | None = None
    #: urgent rules that send the runner to someone other than a doctor (e.g. the cancer team)
    see_whom: str | None = None


class EvidenceItem(_Strict):
    when: Condition
    weight: float = Field(ge=-1.0, le=1.0)
    text: str
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class Cause(_Strict):
    id: str
    name: str
    summary: str
    link_evidence: EvidenceLevel
    honesty: str
    evidence: list[EvidenceItem] = Field(min_length=1)
    self_tests: list[str] = Field(default_factory=list)
    exercises: list[str] = Field(default_factory=list)
    habits: list[str] = Field(default_factory=list)
    cues: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)


class Dosage(_Strict):
    sets: int = Field(ge=1)
    reps: int | None = Field(default=None, ge=1)
    hold_s: int | None = Field(default=None, ge=1)
    per_side: bool = False
    rest_s: int = Field(default=60, ge=0)


class Variant(_Strict):
    name: str
    how: str


class Pose(_Strict):
    """A side-view stick figure facing right, as absolute segment angles in degrees.

    0 points forward (right), 90 up, 180 back, 270 down. `arms` and `legs` list the near
    limb first, then the far one (drawn paler): [upper arm, forearm] and [thigh, shin]
    or [thigh, shin, foot] (the foot lies flat, 0, unless given). `head` defaults to the
    trunk's direction. The figure is set down so its lowest point touches the floor.
    """

    trunk: float
    head: float | None = None
    arms: list[list[float]] = Field(min_length=2, max_length=2)
    legs: list[list[float]] = Field(min_length=2, max_length=2)
    #: how far above the floor the lowest point is (standing on the step)
    lift: float = 0.0


class Figure(_Strict):
    """The start and end position of an exercise, drawn by `backstride.kb.figures`."""

    start: Pose
    end: Pose
    #: what is under or in the hands, drawn as a plain shape
    prop: Literal["step", "roller"] | None = None


class Exercise(_Strict):
    id: str
    name: str
    kind: Literal["strength", "mobility", "core"]
    targets: list[str] = Field(min_length=1)
    muscles: list[str]
    instructions: str
    key_cue: str
    dosage: Dosage
    regression: Variant
    progression: Variant
    progresses_to: str | None = None
    regresses_to: str | None = None
    avoid_if: str
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)
    #: what the exercise or its progression loads
    loads: Loads = Field(default_factory=list)
    #: the start and end position as joint angles (`kb check` requires one)
    figure: Figure | None = None

    @property
    def steps(self) -> list[str]:
        """The instructions one sentence a step."""
        return split_steps(self.instructions)


def split_steps(text: str) -> list[str]:
    """Sentences of `text`, each ending in its full stop (a step of an exercise's how-to)."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip())]
    return [p for p in parts if p]


class WarmUpStep(_Strict):
    """A warm-up step that loads something a rule may forbid, with what to do instead."""

    text: str
    loads: Loads = Field(min_length=1)
    instead: str | None = None


class WarmUp(_Strict):
    id: str
    name: str
    duration_min: int
    evidence: EvidenceLevel
    honesty: str
    sources: list[str] = Field(min_length=1)
    steps: list[str | WarmUpStep] = Field(min_length=1)
    loads: Loads = Field(default_factory=list)


class Cue(_Strict):
    id: str
    fault: str
    text: str
    evidence: EvidenceLevel
    honesty: str | None = None
    sources: list[str] = Field(min_length=1)


class Habit(_Strict):
    id: str
    name: str
    kind: Literal["strength", "warm_up", "run", "habit", "fuel", "rest", "mobility"]
    text: str
    params: dict[str, Any] = Field(default_factory=dict)
    evidence: EvidenceLevel
    honesty: str | None = None
    sources: list[str] = Field(min_length=1)
    loads: Loads = Field(default_factory=list)


class PainMonitoringRules(_Strict):
    acceptable_during_max: int = Field(ge=0, le=10)
    next_morning_no_worse: bool = True
    sessions_to_progress: int = Field(ge=1)
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class StrengthProgressionRules(_Strict):
    max_sets: int = Field(ge=1)
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class ImprovementRules(_Strict):
    mcid_points: float = Field(gt=0, le=10)
    mcid_fraction: float = Field(gt=0, lt=1)
    #: minimal detectable change: smaller moves are within measurement error
    mdc_points: float | None = Field(default=None, gt=0, le=10)
    baseline_days: int = Field(ge=1)
    recent_days: int = Field(ge=1)
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class EscalationRules(_Strict):
    after_days: int = Field(ge=1)
    min_diary_days: int = Field(ge=1)
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class ScheduleRules(_Strict):
    default_run_weekdays: list[int] = Field(min_length=1)
    default_long_run_weekday: int = Field(ge=0, le=6)
    default_hard_weekdays: list[int]
    default_weeks: int = Field(ge=1)
    exercises_per_cause: int = Field(ge=1)
    #: the causes the strength session and the mobility item answer (cause ids)
    strength_causes: list[str] = Field(min_length=1)
    mobility_causes: list[str] = Field(min_length=1)
    default_longest_run_minutes: int = Field(ge=1)
    easy_fraction_of_long: float = Field(gt=0, le=1)
    return_fractions: list[float] = Field(min_length=1)
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class ReturnAfterBreakRules(_Strict):
    """How the plan restarts when the guard's 30 days hold no run but earlier running exists."""

    reduction_per_week: float = Field(ge=0, le=1)
    min_reference_share: float = Field(gt=0, le=1)
    no_hard_days: int = Field(ge=0)
    walk_run_min_break_days: int = Field(ge=1)
    walk_run_days: int = Field(ge=0)
    long_break_days: int = Field(ge=1)
    long_break_walk_run_days: int = Field(ge=0)
    walk_run_run_minutes: int = Field(ge=1)
    walk_run_walk_minutes: int = Field(ge=1)
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class PsfsRules(_Strict):
    attribution: str
    min_score: int = Field(ge=0)
    max_score: int = Field(ge=1)
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class DiaryWarning(_Strict):
    """A warning sign the diary can record: the runner's words and the answers it stands for."""

    text: str
    answers: dict[str, Any] = Field(min_length=1)


class ProgressRulesFile(_Strict):
    """progress_rules.yaml: pain monitoring, the MCID, escalation and schedule defaults."""

    pain_monitoring: PainMonitoringRules
    strength_progression: StrengthProgressionRules
    improvement: ImprovementRules
    escalation: EscalationRules
    schedule: ScheduleRules
    return_after_break: ReturnAfterBreakRules
    psfs: PsfsRules
    diary_warnings: dict[str, DiaryWarning] = Field(min_length=1)
    diary_warning_aliases: dict[str, str] = Field(default_factory=dict)


class FormRule(_Strict):
    """A threshold on one video form metric (`backstride form`); see docs/video.md."""

    id: str
    metric: str
    view: Literal["side", "rear"]
    #: which side of the thresholds is the fault
    direction: Literal["above", "below"]
    mild: float
    marked: float
    #: below this metric confidence (0..1) the rule only warns, it does not report a finding
    min_confidence: float = Field(default=0.4, ge=0, le=1)
    #: the `form_observed` answer this feeds (None: the finding feeds a cause directly)
    fault: str | None = None
    cause: str
    cue: str | None = None
    title: str
    meaning: str
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class FormRulesFile(_Strict):
    """form_rules.yaml: what the video form check reports as a finding, and why."""

    rules: list[FormRule]


class FormMetric(_Strict):
    """One figure of the video form check in words (form_metrics.yaml), keyed by metric id."""

    id: str
    #: what the runner reads instead of the metric id
    name: str
    #: what the figure is and how it is measured, in one or two plain sentences
    meaning: str
    #: a published typical range in the metric's own unit, or None
    typical_range: tuple[float, float] | None = None
    #: where the range comes from, or why there is none: always said
    range_note: str
    #: the evidence level and sources of the range (both required with a range)
    evidence: EvidenceLevel | None = None
    sources: list[str] = Field(default_factory=list)


class FormMetricsFile(_Strict):
    """form_metrics.yaml: every figure the form check reports, named and explained."""

    metrics: list[FormMetric]


class LoadTag(_Strict):
    """One thing a plan item or self-test can load, and how the plan names it when left out."""

    id: str
    left_out: str


class Guidance(_Strict):
    """Text a triggered rule adds to the plan (e.g. the postnatal return to running)."""

    title: str
    text: str
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class StopRule(_Strict):
    """What one red-flag rule, while triggered, leaves out of the plan and the self-check."""

    rule: str
    forbids: Loads = Field(default_factory=list)
    #: the plan's running line while this rule applies (instead of the level's default)
    running: str | None = None
    guidance: Guidance | None = None


class StopRulesFile(_Strict):
    """stop_rules.yaml: the load tags, and which triggered rule or level forbids which."""

    tags: list[LoadTag] = Field(min_length=1)
    #: what every planned run loads (runs are built by the plan, not listed in a file)
    planned_runs: Loads = Field(min_length=1)
    #: forbidden whenever a triggered rule says `running: stop`
    running_stops: Loads = Field(min_length=1)
    #: forbidden at a level (the most severe level of the triggered rules, or the plan's)
    levels: dict[TriageName, Loads] = Field(default_factory=dict)
    rules: list[StopRule] = Field(default_factory=list)


# One model per file, so a problem names the file it is in.
LoadSeverity = Literal["none", "info", "caution", "warning"]


class LoadBand(_Strict):
    """One band of a ratio rule: applies while ``ratio <= max_ratio`` (None = no upper end)."""

    label: str
    max_ratio: float | None
    severity: LoadSeverity
    hazard_ratio: float | None = None


class LoadRule(_Strict):
    """One training-load rule: thresholds (units in the key names), evidence and sources."""

    id: str
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)
    text: str
    thresholds: dict[str, float]
    bands: list[LoadBand] = Field(default_factory=list)
    severity: LoadSeverity = "info"

    def band_for(self, ratio: float) -> LoadBand:
        """The first band whose ``max_ratio`` is not exceeded by ``ratio``."""
        for band in self.bands:
            if band.max_ratio is None or ratio <= band.max_ratio:
                return band
        raise ValueError(
            f"rule {self.id}: no band covers ratio {ratio}; add a max_ratio: null band"
        )


class LoadRulesFile(_Strict):
    """load_rules.yaml, looked up by id: ``rules["single_run_spike"].thresholds["window_days"]``.

    The parameter set `backstride.analyse` is handed (it never reads the file itself).
    """

    #: "recent" for the self-check's recent_changes and the home page's warnings
    recent_window_days: int = Field(ge=1)
    rules: list[LoadRule]

    def __getitem__(self, rule_id: str) -> LoadRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no load rule {rule_id!r}; the ids are listed in load_rules.yaml")

    def threshold(self, rule_id: str, name: str) -> float:
        """One threshold value, e.g. ``threshold("single_run_spike", "window_days")``."""
        return self[rule_id].thresholds[name]


class QuestionsFile(_Strict):
    questions: list[Question]


class RedFlagsFile(_Strict):
    red_flags: list[RedFlag]


class CausesFile(_Strict):
    causes: list[Cause]


class ExercisesFile(_Strict):
    exercises: list[Exercise]
    warm_up: WarmUp


class CuesFile(_Strict):
    cues: list[Cue]


class HabitsFile(_Strict):
    habits: list[Habit]


class SourcesFile(_Strict):
    sources: list[Source]


class InsightMethod(_Strict):
    """How personal evidence is estimated (insights.yaml `method`)."""

    id: str
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)
    text: str
    alpha: float = Field(gt=0, lt=1)
    correction: Literal["bonferroni"]
    min_days: int = Field(ge=10)
    min_runs: int = Field(ge=10)
    min_exposed: int = Field(ge=2)
    min_unexposed: int = Field(ge=2)


class InsightOutcome(_Strict):
    """A pain outcome: a day's pain (the same day or the next) or a run's pain."""

    id: str
    name: str
    unit: Literal["day", "run"]
    lag_days: int = Field(ge=0, le=1)
    #: the sentence part naming when the pain was, with {factor} for the factor's phrase
    phrase: str


class InsightFactor(_Strict):
    """A candidate factor from the runner's own training or diary, with its definition."""

    id: str
    name: str
    phrase: str
    kind: Literal["run", "day"]
    outcomes: list[str] = Field(min_length=1)
    question: str | None = None
    thresholds: dict[str, float]
    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)


class ExperimentDesign(_Strict):
    """The default randomised block design of `backstride experiment` (insights.yaml)."""

    evidence: EvidenceLevel
    sources: list[str] = Field(min_length=1)
    text: str
    pairs: int = Field(ge=1, le=6)
    block_days: int = Field(ge=3, le=28)
    washout_days: int = Field(ge=0, le=7)
    min_days_per_arm: int = Field(ge=3)


class InsightsFile(_Strict):
    """insights.yaml: the method, outcomes and factors of `backstride insights`."""

    method: InsightMethod
    outcomes: list[InsightOutcome]
    factors: list[InsightFactor]
    experiment: ExperimentDesign

    def factor(self, factor_id: str) -> InsightFactor:
        for f in self.factors:
            if f.id == factor_id:
                return f
        raise KeyError(f"no insight factor {factor_id!r}; the ids are listed in insights.yaml")

    def outcome(self, outcome_id: str) -> InsightOutcome:
        for o in self.outcomes:
            if o.id == outcome_id:
                return o
        raise KeyError(f"no insight outcome {outcome_id!r}; the ids are listed in insights.yaml")
