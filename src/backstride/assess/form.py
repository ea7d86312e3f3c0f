"""Form metrics from a video → findings, judged against the KB's form_rules.yaml.

form_report(analysis, kb, ...)   the measured clip → FormReport (findings, retake advice,
                                 every figure named and explained from form_metrics.yaml)
judge_form(metrics, view, kb)    findings and the warnings for figures not judged
retake_advice(analysis)          what to change when filming again, by its real reason

The numbers come from `analyse.form`; what counts as a fault, how severe, which posture cue
to give and which cause it feeds is data (form_rules.yaml), so a physiotherapist can change
a threshold without touching code. A metric with too little confidence never becomes a
finding - it becomes a warning that says what was not judged and why. A clip that looks
filmed from the other view gives no findings at all: the rules of one view read nonsense
from the other (a side clip "twists" 88 degrees when read as a rear one).
"""

from __future__ import annotations

from typing import Any

from backstride.analyse.form import FormAnalysis
from backstride.analyse.form.metrics import STRIDES_FOR_FULL_CONFIDENCE, Metric
from backstride.analyse.form.view import VIEW_WORDS, ViewCheck
from backstride.assess.form_model import (
    FORM_REPORT_VERSION,
    Finding,
    FormReport,
    FormResult,
    MetricDescription,
    Retake,
)
from backstride.kb import KnowledgeBase

#: The value objects live in `form_model`; these names stay importable from here.
__all__ = [
    "FORM_REPORT_VERSION",
    "Finding",
    "FormReport",
    "FormResult",
    "MetricDescription",
    "Retake",
    "describe_metric",
    "form_observed",
    "form_report",
    "judge_form",
    "retake_advice",
]


def judge_form(
    metrics: dict[str, Metric], view: str, kb: KnowledgeBase
) -> tuple[list[Finding], list[str]]:
    """Findings for the metrics that cross a rule's threshold, plus warnings for those not judged."""
    findings: list[Finding] = []
    warnings: list[str] = []
    for rule in kb.form_rules:
        if rule.view != view:
            continue
        m = metrics.get(rule.metric)
        if m is None or m.value is None:
            continue
        above = rule.direction == "above"
        crossed = m.value > rule.mild if above else m.value < rule.mild
        if not crossed:
            continue
        if m.confidence < rule.min_confidence:
            name = (
                kb.form_metrics[rule.metric].name if rule.metric in kb.form_metrics else rule.metric
            )
            warnings.append(
                f"{rule.title}: the clip suggests it ({name.lower()} {m.value:.1f} {m.unit}), "
                f"but the confidence is too low ({m.confidence:.2f}) to report it: "
                f"{_why_unsure(m)}."
            )
            continue
        marked = m.value > rule.marked if above else m.value < rule.marked
        cue = kb.cues[rule.cue].text if rule.cue else None
        findings.append(
            Finding(
                id=rule.id,
                title=rule.title,
                metric=rule.metric,
                value=m.value,
                unit=m.unit,
                threshold=rule.marked if marked else rule.mild,
                severity="marked" if marked else "mild",
                confidence=m.confidence,
                confidence_level=m.confidence_level,
                fault=rule.fault,
                cause=rule.cause,
                cue=cue,
                meaning=rule.meaning,
                evidence=rule.evidence,
                sources=list(rule.sources),
            )
        )
    return findings, warnings


def _why_unsure(m: Metric) -> str:
    """The reason one figure's confidence is low, from the parts it is made of."""
    if len(m.per_stride) < STRIDES_FOR_FULL_CONFIDENCE:
        return f"it was measured on only {len(m.per_stride)} strides"
    rng = m.range
    if rng is not None and rng[1] - rng[0] > 0:
        return (
            f"it varies from {rng[0]:.1f} to {rng[1]:.1f} {m.unit} between strides, too "
            "much for one figure"
        )
    return "the joints it needs were unclear (too small in the picture, hidden or in poor light)"


#: Under this many seconds (of clip, or of running analysed) the figures rest on too few
#: strides: at 150-180 steps/min, 6 s holds 7-9 strides.
RETAKE_MIN_SECONDS = 6.0
#: Under this mean landmark visibility (0..1) the model was unsure where the joints are.
#: Good clips score 0.88-0.98 (shared/videos/MANIFEST.tsv).
RETAKE_MIN_VISIBILITY = 0.7
#: Under this share of frames with the runner found, the model kept losing them.
RETAKE_MIN_DETECTED = 0.8

_FILM_FROM = {
    "side": "side-on with the phone at hip height, square to the runner",
    "rear": "from straight behind with the phone at hip height",
}


def retake_advice(analysis: FormAnalysis) -> list[Retake]:
    """What limits this clip, each with the change that fixes it; empty when nothing does."""
    out: list[Retake] = []
    check = analysis.view_check
    if check.wrong and check.looks_like is not None:
        out.append(Retake("wrong_view", _wrong_view_advice(check)))
    seconds, strides = analysis.seconds_analysed, analysis.strides_used
    clip_s = analysis.frames_total / analysis.fps
    if clip_s < RETAKE_MIN_SECONDS:
        out.append(
            Retake(
                "too_short",
                f"The clip is only {clip_s:.1f} s long ({strides} strides): film 10-20 s of "
                "steady running so each figure rests on many strides.",
            )
        )
    elif seconds < RETAKE_MIN_SECONDS:
        out.append(
            Retake(
                "few_strides",
                f"Only {seconds:.1f} s of the {clip_s:.1f} s clip ({strides} strides) could be "
                "used, as the runner was lost, hidden or stopped: keep the whole body in the "
                "picture and run steadily from start to end.",
            )
        )
    detected = analysis.frames_detected / analysis.frames_total if analysis.frames_total else 0.0
    if detected < RETAKE_MIN_DETECTED:
        out.append(
            Retake(
                "runner_lost",
                f"The pose model found the runner in only {detected:.0%} of the frames: start "
                "filming with the runner already in the picture and keep the whole body in it.",
            )
        )
    vis = analysis.landmark_visibility
    if vis < RETAKE_MIN_VISIBILITY:
        out.append(
            Retake(
                "low_confidence",
                f"The pose model was unsure where the joints are (landmark confidence {vis:.2f}; "
                "clear clips reach 0.9): film in good, even light, against a plain background, "
                "in close-fitting clothes, with nothing in front of the legs.",
            )
        )
    return out


def _wrong_view_advice(check: ViewCheck) -> str:
    looks = check.looks_like or check.asked
    return (
        f"This clip looks filmed {VIEW_WORDS[looks]}, but was analysed as a {check.asked} "
        f"view, so no finding is reported: analyse it again as a {looks} view, or, for "
        f"the {check.asked}-view figures, film {_FILM_FROM[check.asked]}."
    )


def form_report(
    analysis: FormAnalysis,
    kb: KnowledgeBase,
    *,
    duration_s: float,
    video: dict[str, Any] | None = None,
    estimator: str = "",
    warnings: list[str] | None = None,
) -> FormReport:
    """The measured clip judged against the KB, with retake advice and figures in words."""
    view = analysis.view
    findings, judged = judge_form(analysis.metrics, view, kb)
    retake = retake_advice(analysis)
    if analysis.view_check.wrong:
        findings, judged = [], []
    cadence = analysis.metrics.get("cadence_spm")
    return FormReport(
        view=view,
        fps=analysis.fps,
        duration_s=duration_s,
        frames_analysed=analysis.segment[1] - analysis.segment[0],
        frames_detected=analysis.frames_detected,
        strides_used=analysis.strides_used,
        cadence_spm=cadence.value if cadence is not None and cadence.confidence > 0 else None,
        metrics=analysis.metrics,
        findings=findings,
        warnings=list(warnings or []) + analysis.warnings + judged,
        video=dict(video or {}),
        estimator=estimator,
        kb_version=kb.version,
        described={k: describe_metric(k, kb) for k in analysis.metrics},
        view_check=analysis.view_check,
        retake=retake,
    )


def describe_metric(metric_id: str, kb: KnowledgeBase) -> MetricDescription:
    """The figure in words from form_metrics.yaml: name, meaning, typical range and why."""
    d = kb.form_metrics.get(metric_id)
    if d is None:  # kb check makes sure this never happens with the shipped KB
        return MetricDescription(metric_id, "", None, "not described in the knowledge base", None)
    return MetricDescription(
        name=d.name,
        meaning=d.meaning,
        typical_range=d.typical_range,
        range_note=d.range_note,
        range_evidence=d.evidence,
        range_sources=tuple(d.sources),
    )


def form_observed(findings: list[Finding]) -> list[str]:
    """The self-check's `form_observed` answer these findings support (sorted, unique)."""
    return sorted({f.fault for f in findings if f.fault})
