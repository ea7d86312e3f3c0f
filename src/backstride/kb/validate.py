"""Read the KB files and cross-check them: every problem as "file: id: problem"."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from backstride.kb import schema as s
from backstride.kb.conditions import leaves
from backstride.kb.model import KnowledgeBase

FILES: dict[str, type[BaseModel]] = {
    "meta": s.Meta,
    "questions": s.QuestionsFile,
    "red_flags": s.RedFlagsFile,
    "causes": s.CausesFile,
    "exercises": s.ExercisesFile,
    "cues": s.CuesFile,
    "habits": s.HabitsFile,
    "sources": s.SourcesFile,
    "progress_rules": s.ProgressRulesFile,
    "form_rules": s.FormRulesFile,
    "form_metrics": s.FormMetricsFile,
    "stop_rules": s.StopRulesFile,
    "load_rules": s.LoadRulesFile,
    "insights": s.InsightsFile,
}

#: The safety screen of shared/spec/answers.yaml: a public contract the KB may not drop.
SPEC_SAFETY_SCREEN: dict[str, str] = {
    "saddle_numbness": "bool",
    "bladder_bowel_change": "bool",
    "sexual_function_change": "bool",
    "both_legs_symptoms": "bool",
    "leg_weakness": "choice",
    "trauma": "bool",
    "fever_or_unwell": "bool",
    "cancer_history": "bool",
    "unexplained_weight_loss": "bool",
    "constant_night_pain": "bool",
    "age": "int",
    "osteoporosis_or_steroids": "bool",
    "immunosuppressed_or_iv_drugs": "bool",
    "recent_spinal_procedure_or_infection": "bool",
}

CAUSE_IDS = (
    "weak_glutes",
    "tight_hip_flexors",
    "running_form",
    "core_weakness",
    "training_load_spike",
    "worn_footwear",
    "fueling_fatigue",
    "poor_recovery",
    "monotonous_terrain",
    "prolonged_sitting",
)


def _item_id(raw: Any, loc: tuple[Any, ...]) -> str:
    """The id of the record a pydantic error location points into, if any."""
    node = raw
    found = ""
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
    return found or "-"


#: libyaml's safe loader where PyYAML was built with it: the same documents, parsed ~5x
#: faster, which is most of a `check --answers` start-up (bench/cli_startup_bench.py).
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_files(folder: Path) -> tuple[dict[str, Any], list[str]]:
    """Parse every KB file with its schema model."""
    parsed: dict[str, Any] = {}
    problems: list[str] = []
    for name, model in FILES.items():
        path = folder / f"{name}.yaml"
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
        except (OSError, yaml.YAMLError) as exc:
            problems.append(f"{path.name}: -: cannot read: {exc}")
            continue
        try:
            parsed[name] = model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"])
                problems.append(f"{path.name}: {_item_id(raw, err['loc'])}: {where}: {err['msg']}")
    return parsed, problems


def _duplicates(file: str, ids: list[str]) -> list[str]:
    return [f"{file}: {i}: duplicate id" for i, n in Counter(ids).items() if n > 1]


def _check_leaf_value(q: s.Question, op: str, value: Any) -> str | None:
    if op == "truthy":
        return None if q.type == "bool" else f"bare id `{q.id}` needs a bool question"
    if op in ("gte", "gt", "lte", "lt"):
        if q.type not in ("int", "number") or isinstance(value, bool):
            return f"`{op}` on `{q.id}` needs a numeric question and value"
        return (
            None if isinstance(value, int | float) else f"`{op}` value for `{q.id}` is not a number"
        )
    if op == "includes" and q.type != "choices":
        return f"`includes` on `{q.id}` needs a choices question"
    if op == "equals" and q.type == "choices":
        return f"`equals` on choices question `{q.id}`: use `includes`"
    if q.values is not None and value not in q.values:
        return f"`{value}` is not a value of `{q.id}` (allowed: {', '.join(q.values)})"
    return None


def _check_condition(file: str, item_id: str, cond: Any, kb: KnowledgeBase) -> list[str]:
    problems: list[str] = []
    try:
        found = list(leaves(cond))
    except ValueError as exc:
        return [f"{file}: {item_id}: {exc}"]
    for leaf in found:
        q = kb.questions.get(leaf.question)
        if q is None:
            problems.append(f"{file}: {item_id}: unknown question `{leaf.question}`")
            continue
        msg = _check_leaf_value(q, leaf.op, leaf.value)
        if msg:
            problems.append(f"{file}: {item_id}: {msg}")
    return problems


def _missing(file: str, item_id: str, kind: str, refs: list[str], known: Any) -> list[str]:
    return [f"{file}: {item_id}: unknown {kind} `{r}`" for r in refs if r not in known]


def collect_problems(kb: KnowledgeBase) -> list[str]:
    """Cross-file checks the per-file schemas cannot make."""
    p: list[str] = []
    p += _duplicates("questions.yaml", [q.id for q in kb.questions.values()])
    p += _duplicates("red_flags.yaml", [r.id for r in kb.red_flags])
    for qid, qtype in SPEC_SAFETY_SCREEN.items():
        q = kb.questions.get(qid)
        if q is None:
            p.append(f"questions.yaml: {qid}: safety-screen question of the spec is missing")
        elif q.type != qtype or not q.required:
            p.append(f"questions.yaml: {qid}: must be required and of type {qtype}")
    for q in kb.questions.values():
        if q.accepts_unsure and not q.how_to_check:
            p.append(
                f"questions.yaml: {q.id}: a safety question accepts 'unsure' and needs `how_to_check`"
            )
        if q.type in ("choice", "choices") and not q.values:
            p.append(f"questions.yaml: {q.id}: {q.type} question needs `values`")
        elif q.type in ("choice", "choices") and q.group != "derived":
            # every answer shown in plain words: the web and the answers template read these
            if set(q.value_labels or {}) != set(q.values or []):
                p.append(
                    f"questions.yaml: {q.id}: `value_labels` must give a plain label for each "
                    "of its `values`, and only those"
                )
        p += _missing("questions.yaml", q.id, "source", q.sources, kb.sources)
        if q.group == "self_tests" and (q.evidence is None or not q.sources):
            p.append(f"questions.yaml: {q.id}: a self-test needs `evidence` and `sources`")
    for r in kb.red_flags:
        p += _check_condition("red_flags.yaml", r.id, r.when, kb)
        for extra in r.message_if:
            p += _check_condition("red_flags.yaml", r.id, extra.when, kb)
        p += _missing("red_flags.yaml", r.id, "source", r.sources, kb.sources)
        if (r.triage in ("emergency", "urgent")) != (r.headline is not None):
            p.append(
                f"red_flags.yaml: {r.id}: `headline` is required on emergency and urgent rules only"
            )
        if r.see_whom is not None and r.triage != "urgent":
            p.append(f"red_flags.yaml: {r.id}: `see_whom` is for urgent rules only")
        if (r.triage == "urgent") != (r.how_soon is not None):
            p.append(
                f"red_flags.yaml: {r.id}: `how_soon` is required on urgent rules and only there"
            )
    p += [
        f"causes.yaml: {c}: cause of the spec is missing" for c in CAUSE_IDS if c not in kb.causes
    ]
    for c in kb.causes.values():
        for item in c.evidence:
            p += _check_condition("causes.yaml", c.id, item.when, kb)
            p += _missing(
                "causes.yaml", f"{c.id}: {item.text!r}", "source", item.sources, kb.sources
            )
        p += _missing("causes.yaml", c.id, "exercise", c.exercises, kb.exercises)
        p += _missing("causes.yaml", c.id, "habit", c.habits, kb.habits)
        p += _missing("causes.yaml", c.id, "cue", c.cues, kb.cues)
        p += _missing("causes.yaml", c.id, "question", c.self_tests, kb.questions)
        p += _missing("causes.yaml", c.id, "source", c.sources, kb.sources)
    for e in kb.exercises.values():
        p += _missing("exercises.yaml", e.id, "cause", e.targets, kb.causes)
        links = [x for x in (e.progresses_to, e.regresses_to) if x]
        p += _missing("exercises.yaml", e.id, "exercise", links, kb.exercises)
        p += _missing("exercises.yaml", e.id, "source", e.sources, kb.sources)
        if (e.dosage.reps is None) == (e.dosage.hold_s is None) and e.kind != "core":
            p.append(f"exercises.yaml: {e.id}: dosage needs exactly one of reps or hold_s")
        p += _card_problems(e)
    p += _missing("exercises.yaml", kb.warm_up.id, "source", kb.warm_up.sources, kb.sources)
    for cue in kb.cues.values():
        p += _missing("cues.yaml", cue.id, "source", cue.sources, kb.sources)
    for h in kb.habits.values():
        p += _missing("habits.yaml", h.id, "source", h.sources, kb.sources)
    p += _check_progress_rules(kb)
    p += _check_form_rules(kb)
    p += _check_form_metrics(kb)
    p += _check_stop_rules(kb)
    p += _check_load_rules(kb)
    p += _check_insights(kb)
    return p


def _check_insights(kb: KnowledgeBase) -> list[str]:
    """Insight factors: unique ids, known sources, outcomes and self-check questions."""
    f, ins = "insights.yaml", kb.insights
    outcomes = {o.id for o in ins.outcomes}
    p = _duplicates(f, [x.id for x in ins.factors]) + _duplicates(f, [o.id for o in ins.outcomes])
    p += _missing(f, ins.method.id, "source", ins.method.sources, kb.sources)
    p += _missing(f, "experiment", "source", ins.experiment.sources, kb.sources)
    for factor in ins.factors:
        p += _missing(f, factor.id, "source", factor.sources, kb.sources)
        p += _missing(f, factor.id, "outcome", factor.outcomes, outcomes)
        if factor.question is not None:
            p += _missing(f, factor.id, "question", [factor.question], kb.questions)
    return p


def _card_problems(e: s.Exercise) -> list[str]:
    """An exercise card needs steps, a key cue, a stop rule, evidence and a figure."""
    p: list[str] = []
    if len(e.steps) < 2:
        p.append(f"exercises.yaml: {e.id}: `instructions` needs at least two steps (sentences)")
    for name in ("key_cue", "avoid_if"):
        if not getattr(e, name).strip():
            p.append(f"exercises.yaml: {e.id}: `{name}` must not be empty")
    if e.figure is None:
        p.append(f"exercises.yaml: {e.id}: needs a `figure` (start and end joint angles)")
    return p


def _check_stop_rules(kb: KnowledgeBase) -> list[str]:
    """Every tag used is declared, every rule exists, and new strength work is always tagged."""
    f = "stop_rules.yaml"
    table = kb.stop_rules
    tags = {t.id for t in table.tags}
    p = _duplicates(f, [t.id for t in table.tags])
    p += _duplicates(f, [r.rule for r in table.rules])
    p += _missing(f, "planned_runs", "tag", table.planned_runs, tags)
    p += _missing(f, "running_stops", "tag", table.running_stops, tags)
    for level, forbids in table.levels.items():
        p += _missing(f, level, "tag", forbids, tags)
    rule_ids = {r.id for r in kb.red_flags}
    for entry in table.rules:
        if entry.rule not in rule_ids:
            p.append(f"{f}: {entry.rule}: unknown red_flags.yaml rule `{entry.rule}`")
        p += _missing(f, entry.rule, "tag", entry.forbids, tags)
        if entry.guidance is not None:
            p += _missing(f, entry.rule, "source", entry.guidance.sources, kb.sources)
    for e in kb.exercises.values():
        p += _missing("exercises.yaml", e.id, "load tag", e.loads, tags)
        if e.kind in ("strength", "core") and "strength_progression" not in e.loads:
            p.append(
                f"exercises.yaml: {e.id}: a {e.kind} exercise must load `strength_progression`"
                " (see-clinician plans add no new strength work)"
            )
    w = kb.warm_up
    p += _missing("exercises.yaml", w.id, "load tag", w.loads, tags)
    for step in w.steps:
        if isinstance(step, s.WarmUpStep):
            p += _missing("exercises.yaml", w.id, "load tag", step.loads, tags)
    for h in kb.habits.values():
        p += _missing("habits.yaml", h.id, "load tag", h.loads, tags)
    for q in kb.questions.values():
        p += _missing("questions.yaml", q.id, "load tag", q.loads, tags)
        if q.loads and q.group != "self_tests":
            p.append(f"questions.yaml: {q.id}: only self-tests carry `loads`")
    return p


def _check_load_rules(kb: KnowledgeBase) -> list[str]:
    """Each load rule has a unique id and known sources, and its bands end open."""
    f = "load_rules.yaml"
    p = _duplicates(f, [r.id for r in kb.load_rules.rules])
    for rule in kb.load_rules.rules:
        p += _missing(f, rule.id, "source", rule.sources, kb.sources)
        if rule.bands and rule.bands[-1].max_ratio is not None:
            p.append(f"{f}: {rule.id}: the last band needs max_ratio: null")
    return p


#: Metric names the form analysis produces (analyse/form/metrics.py), by view.
FORM_METRICS: dict[str, tuple[str, ...]] = {
    "side": (
        "cadence_spm",
        "trunk_lean_deg",
        "body_lean_deg",
        "waist_fold_deg",
        "overstride_pct_leg",
        "shank_angle_ic_deg",
        "knee_flexion_ic_deg",
        "trunk_extension_proxy_deg",
        "vertical_oscillation_pct_leg",
    ),
    "rear": (
        "cadence_spm",
        "pelvic_drop_deg",
        "step_width_pct_hip",
        "arms_cross_pct_frames",
        "torso_rotation_proxy_deg",
    ),
}


def _check_form_rules(kb: KnowledgeBase) -> list[str]:
    f = "form_rules.yaml"
    p = _duplicates(f, [r.id for r in kb.form_rules])
    faults = kb.questions["form_observed"].values or [] if "form_observed" in kb.questions else []
    for r in kb.form_rules:
        if r.metric not in FORM_METRICS[r.view]:
            p.append(f"{f}: {r.id}: metric {r.metric!r} is not measured in the {r.view} view")
        if r.fault is not None and r.fault not in faults:
            p.append(f"{f}: {r.id}: fault {r.fault!r} is not a value of form_observed")
        above = r.direction == "above"
        if (r.marked < r.mild) if above else (r.marked > r.mild):
            p.append(f"{f}: {r.id}: the marked threshold must be beyond the mild one")
        p += _missing(f, r.id, "cause", [r.cause], kb.causes)
        p += _missing(f, r.id, "cue", [r.cue] if r.cue else [], kb.cues)
        p += _missing(f, r.id, "source", r.sources, kb.sources)
    return p


def _check_form_metrics(kb: KnowledgeBase) -> list[str]:
    """Every figure the analysis reports is named and explained; a range is cited."""
    f = "form_metrics.yaml"
    measured = {m for names in FORM_METRICS.values() for m in names}
    p = [f"{f}: {m}: not described" for m in sorted(measured - set(kb.form_metrics))]
    for m in kb.form_metrics.values():
        if m.id not in measured:
            p.append(f"{f}: {m.id}: not a metric the form analysis reports")
        if m.typical_range is not None:
            if m.typical_range[0] >= m.typical_range[1]:
                p.append(f"{f}: {m.id}: typical_range must run from low to high")
            if m.evidence is None or not m.sources:
                p.append(f"{f}: {m.id}: a typical_range needs its evidence and sources")
        p += _missing(f, m.id, "source", m.sources, kb.sources)
    return p


def _check_progress_rules(kb: KnowledgeBase) -> list[str]:
    rules = kb.progress_rules
    p: list[str] = []
    for name in (
        "pain_monitoring",
        "strength_progression",
        "improvement",
        "escalation",
        "schedule",
        "return_after_break",
        "psfs",
    ):
        section = getattr(rules, name)
        p += _missing("progress_rules.yaml", name, "source", section.sources, kb.sources)
    sched = rules.schedule
    for name in ("strength_causes", "mobility_causes"):
        p += _missing(
            "progress_rules.yaml", f"schedule.{name}", "cause", getattr(sched, name), kb.causes
        )
    days = [*sched.default_run_weekdays, *sched.default_hard_weekdays]
    if any(not 0 <= d <= 6 for d in days):
        p.append("progress_rules.yaml: schedule: weekdays run 0 (Monday) to 6 (Sunday)")
    if sched.default_long_run_weekday not in sched.default_run_weekdays:
        p.append("progress_rules.yaml: schedule: the long-run weekday must be a run weekday")
    if any(not 0 < f <= 1 for f in sched.return_fractions):
        p.append("progress_rules.yaml: schedule: return_fractions must lie in (0, 1]")
    return p + _diary_warning_problems(kb)


def _diary_warning_problems(kb: KnowledgeBase) -> list[str]:
    """Each diary sign answers real questions, and its id names what it answers."""
    rules = kb.progress_rules
    p: list[str] = []
    for warning, sign in rules.diary_warnings.items():
        for qid, value in sign.answers.items():
            q = kb.questions.get(qid)
            if q is None:
                p.append(f"progress_rules.yaml: {warning}: unknown question `{qid}`")
                continue
            msg = _check_leaf_value(q, "truthy" if value is True else "equals", value)
            if msg:
                p.append(f"progress_rules.yaml: {warning}: {msg}")
        # the id is the question id (a yes) or question id + value, so the diary and the
        # self-check speak of a sign by the same name
        named = {qid if value is True else f"{qid}_{value}" for qid, value in sign.answers.items()}
        if warning not in named:
            p.append(
                f"progress_rules.yaml: diary warning `{warning}`: name it after the answer it "
                f"stands for ({', '.join(sorted(named))})"
            )
    for alias, target in rules.diary_warning_aliases.items():
        if target not in rules.diary_warnings or alias in rules.diary_warnings:
            p.append(
                f"progress_rules.yaml: diary_warning_aliases: `{alias}` must name a diary "
                f"warning (got `{target}`) and not be one itself"
            )
    return p
