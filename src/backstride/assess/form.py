"""Form metrics from a video → findings, judged against the KB's form_rules.yaml.

The numbers come from `analyse.form`; what counts as a fault, how severe, which posture cue
to give and which cause it feeds is data (form_rules.yaml), so a physiotherapist can change
a threshold without touching code. A metric with too little confidence never becomes a
finding - it becomes a warning that says what was not judged and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backstride.analyse.form.metrics import Metric
from backstride.kb import KnowledgeBase

#: The JSON contract version of `FormReport.to_json` (bump on a breaking change).
FORM_REPORT_VERSION = 1


@dataclass(frozen=True)
class Finding:
    """One form fault seen in the clip, with what it means and what to do."""

    id: str
    title: str
    metric: str
    value: float
    unit: str
    threshold: float
    severity: str  # "mild" or "marked"
    confidence: float
    confidence_level: str
    fault: str | None
    cause: str
    cue: str | None
    meaning: str
    evidence: str
    sources: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "metric": self.metric,
            "value": round(self.value, 2),
            "unit": self.unit,
            "threshold": self.threshold,
            "severity": self.severity,
            "confidence": round(self.confidence, 2),
            "confidence_level": self.confidence_level,
            "fault": self.fault,
            "cause": self.cause,
            "cue": self.cue,
            "meaning": self.meaning,
            "evidence": self.evidence,
            "sources": self.sources,
        }


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
            warnings.append(
                f"{rule.title}: the clip suggests it ({rule.metric} {m.value:.1f} {m.unit}), "
                f"but the confidence is too low ({m.confidence:.2f}) to report it; film again "
                "with the whole body in view."
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


def form_observed(findings: list[Finding]) -> list[str]:
    """The self-check's `form_observed` answer these findings support (sorted, unique)."""
    return sorted({f.fault for f in findings if f.fault})


@dataclass
class FormReport:
    """Everything `backstride form` reports; `to_json` is the CLI's and the web page's contract."""

    view: str
    fps: float
    duration_s: float
    frames_analysed: int
    frames_detected: int
    strides_used: int
    cadence_spm: float | None
    metrics: dict[str, Metric]
    findings: list[Finding]
    warnings: list[str]
    video: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    estimator: str = ""
    kb_version: str = ""

    @property
    def form_observed(self) -> list[str]:
        return form_observed(self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "report_version": FORM_REPORT_VERSION,
            "view": self.view,
            "fps": round(self.fps, 3),
            "duration_s": round(self.duration_s, 3),
            "frames_analysed": self.frames_analysed,
            "frames_detected": self.frames_detected,
            "strides_used": self.strides_used,
            "cadence_spm": None if self.cadence_spm is None else round(self.cadence_spm, 1),
            "metrics": {name: m.to_json() for name, m in self.metrics.items()},
            "findings": [f.to_json() for f in self.findings],
            "form_observed": self.form_observed,
            "warnings": list(self.warnings),
            "video": self.video,
            "outputs": self.outputs,
            "estimator": self.estimator,
            "kb_version": self.kb_version,
        }
