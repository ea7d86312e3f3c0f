"""A form check's value objects: its findings and retake advice, each figure with its
description, the computed report, and the result the shells render and the store keeps.

`FormReport` is what the analysis made (the metrics with every per-stride value);
`FormResult` is what it reports, rounded as `backstride form --json` rounds it, so the
terminal and the pages print the same digits from a fresh check and from a saved one
(`FormResult.from_json`, which also reads the shapes older versions saved).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from backstride.analyse.form.metrics import Metric
from backstride.analyse.form.view import ViewCheck

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

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            metric=str(data["metric"]),
            value=float(data["value"]),
            unit=str(data["unit"]),
            threshold=float(data["threshold"]),
            severity=str(data["severity"]),
            confidence=float(data["confidence"]),
            confidence_level=str(data["confidence_level"]),
            fault=data.get("fault"),
            cause=str(data["cause"]),
            cue=data.get("cue"),
            meaning=str(data.get("meaning") or ""),
            evidence=str(data.get("evidence") or ""),
            sources=list(data.get("sources") or []),
        )


@dataclass(frozen=True)
class Retake:
    """One reason to film again, and what to change."""

    reason: str  # wrong_view | too_short | few_strides | runner_lost | low_confidence
    advice: str

    def to_json(self) -> dict[str, str]:
        return {"reason": self.reason, "advice": self.advice}


@dataclass(frozen=True)
class MetricDescription:
    """A figure in words (form_metrics.yaml): its name, meaning, typical range and why."""

    name: str
    meaning: str
    typical_range: tuple[float, float] | None
    range_note: str
    range_evidence: str | None
    range_sources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        rng = self.typical_range
        return {
            "name": self.name,
            "meaning": self.meaning,
            "typical_range": None if rng is None else list(rng),
            "range_note": self.range_note,
            "range_evidence": self.range_evidence,
            "range_sources": list(self.range_sources),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MetricDescription | None:
        """None for a figure saved without its words."""
        if "name" not in data:
            return None
        rng = data.get("typical_range")
        return cls(
            name=str(data["name"]),
            meaning=str(data.get("meaning") or ""),
            typical_range=None if rng is None else (float(rng[0]), float(rng[1])),
            range_note=str(data.get("range_note") or ""),
            range_evidence=data.get("range_evidence"),
            range_sources=tuple(data.get("range_sources") or ()),
        )


def _rounded(pair: Sequence[float] | None) -> tuple[float, float] | None:
    return None if pair is None else (round(pair[0], 2), round(pair[1], 2))


@dataclass(frozen=True)
class Figure:
    """One metric as reported: the median, the runner's own range (10th to 90th
    percentile of the strides) and the confidence, to two decimals, with its words."""

    value: float | None
    unit: str
    per_stride: tuple[float, ...]
    range: tuple[float, float] | None
    confidence: float
    confidence_level: str
    note: str
    about: MetricDescription | None = None

    # The words, as attributes of the figure (as in its JSON), for the renderers.
    @property
    def name(self) -> str | None:
        return None if self.about is None else self.about.name

    @property
    def meaning(self) -> str:
        return "" if self.about is None else self.about.meaning

    @property
    def typical_range(self) -> tuple[float, float] | None:
        return None if self.about is None else self.about.typical_range

    @property
    def range_note(self) -> str:
        return "" if self.about is None else self.about.range_note

    @property
    def range_evidence(self) -> str | None:
        return None if self.about is None else self.about.range_evidence

    @classmethod
    def from_metric(cls, m: Metric, about: MetricDescription | None) -> Figure:
        return cls(
            value=None if m.value is None else round(m.value, 2),
            unit=m.unit,
            per_stride=tuple(round(v, 2) for v in m.per_stride),
            range=_rounded(m.range),
            confidence=round(m.confidence, 2),
            confidence_level=m.confidence_level,
            note=m.note,
            about=about,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "unit": self.unit,
            "per_stride": list(self.per_stride),
            "range": None if self.range is None else list(self.range),
            "confidence": self.confidence,
            "confidence_level": self.confidence_level,
            "samples": len(self.per_stride),
            "note": self.note,
            **({} if self.about is None else self.about.to_json()),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Figure:
        value = data.get("value")
        return cls(
            value=None if value is None else float(value),
            unit=str(data.get("unit") or ""),
            per_stride=tuple(float(v) for v in data.get("per_stride") or ()),
            range=_rounded(data.get("range")),
            confidence=float(data.get("confidence") or 0.0),
            confidence_level=str(data.get("confidence_level") or "low"),
            note=str(data.get("note") or ""),
            about=MetricDescription.from_json(data),
        )


@dataclass
class FormReport:
    """Everything `backstride form` found; `to_json` (through `result()`) is the CLI's and
    the web page's contract."""

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
    #: what `video.pipeline.write_outputs` wrote: key-frame PNGs and the annotated MP4
    outputs: dict[str, Any] = field(default_factory=dict)
    estimator: str = ""
    kb_version: str = ""
    #: each metric in words (`assess.form.describe_metric`)
    described: dict[str, MetricDescription] = field(default_factory=dict)
    view_check: ViewCheck | None = None
    retake: list[Retake] = field(default_factory=list)

    @property
    def form_observed(self) -> list[str]:
        """The self-check's `form_observed` answer these findings support (sorted, unique)."""
        return sorted({f.fault for f in self.findings if f.fault})

    def result(self, *, saved_id: int | None = None) -> FormResult:
        """What this check reports, rounded as its JSON is."""
        return FormResult(
            view=self.view,
            fps=round(self.fps, 3),
            duration_s=round(self.duration_s, 3),
            frames_analysed=self.frames_analysed,
            frames_detected=self.frames_detected,
            strides_used=self.strides_used,
            cadence_spm=None if self.cadence_spm is None else round(self.cadence_spm, 1),
            metrics={
                k: Figure.from_metric(m, self.described.get(k)) for k, m in self.metrics.items()
            },
            findings=[
                replace(f, value=round(f.value, 2), confidence=round(f.confidence, 2))
                for f in self.findings
            ],
            form_observed=self.form_observed,
            warnings=list(self.warnings),
            view_check=None if self.view_check is None else _rounded_view(self.view_check),
            retake=list(self.retake),
            video=self.video,
            outputs=self.outputs,
            estimator=self.estimator,
            kb_version=self.kb_version,
            saved_id=saved_id,
        )

    def to_json(self) -> dict[str, Any]:
        return self.result().to_json()


def _rounded_view(check: ViewCheck) -> ViewCheck:
    ratio = check.width_ratio
    return replace(check, width_ratio=None if ratio is None else round(ratio, 2))


def _view_check(data: Mapping[str, Any] | None) -> ViewCheck | None:
    if not data:
        return None
    return ViewCheck(data["asked"], data.get("looks_like"), data.get("width_ratio"))


@dataclass(frozen=True)
class FormResult:
    """One form check as reported and stored: what the terminal, the pages and `--json`
    show. Built by `FormReport.result()`, or read back by `from_json`."""

    view: str
    fps: float
    duration_s: float
    frames_analysed: int
    frames_detected: int | None
    strides_used: int
    cadence_spm: float | None
    metrics: dict[str, Figure]
    findings: list[Finding]
    form_observed: list[str]
    warnings: list[str]
    view_check: ViewCheck | None = None
    retake: list[Retake] = field(default_factory=list)
    video: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    estimator: str = ""
    kb_version: str = ""
    #: the saved check's id, when this one was just saved
    saved_id: int | None = None

    @property
    def annotated_video(self) -> str | None:
        path = self.outputs.get("annotated_video")
        return None if path is None else str(path)

    @property
    def key_frames(self) -> list[tuple[str, str]]:
        """(finding id, PNG path) of each key frame written."""
        return [(str(k["finding"]), str(k["path"])) for k in self.outputs.get("key_frames", [])]

    def label(self, metric: str) -> str:
        """A metric's name as shown, its id where the words are missing."""
        figure = self.metrics.get(metric)
        return metric if figure is None or figure.name is None else figure.name

    def to_json(self) -> dict[str, Any]:
        out = {
            "report_version": FORM_REPORT_VERSION,
            "view": self.view,
            "fps": self.fps,
            "duration_s": self.duration_s,
            "frames_analysed": self.frames_analysed,
            "frames_detected": self.frames_detected,
            "strides_used": self.strides_used,
            "cadence_spm": self.cadence_spm,
            "metrics": {k: m.to_json() for k, m in self.metrics.items()},
            "findings": [f.to_json() for f in self.findings],
            "form_observed": list(self.form_observed),
            "warnings": list(self.warnings),
            "view_check": None if self.view_check is None else self.view_check.to_json(),
            "retake": [r.to_json() for r in self.retake],
            "video": self.video,
            "outputs": self.outputs,
            "estimator": self.estimator,
            "kb_version": self.kb_version,
        }
        if self.saved_id is not None:
            out["saved_id"] = self.saved_id
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FormResult:
        """A saved check (`to_json`'s shape less the output paths, or an older shape)."""
        cadence = data.get("cadence_spm")
        metrics = data.get("metrics") or {}
        return cls(
            view=str(data["view"]),
            fps=float(data.get("fps") or 0.0),
            duration_s=float(data.get("duration_s") or 0.0),
            frames_analysed=int(data.get("frames_analysed") or 0),
            frames_detected=data.get("frames_detected"),
            strides_used=int(data.get("strides_used") or 0),
            cadence_spm=None if cadence is None else float(cadence),
            metrics={str(k): Figure.from_json(m) for k, m in metrics.items()},
            findings=[Finding.from_json(f) for f in data.get("findings") or []],
            form_observed=list(data.get("form_observed") or []),
            warnings=[str(w) for w in data.get("warnings") or []],
            view_check=_view_check(data.get("view_check")),
            retake=[Retake(r["reason"], r["advice"]) for r in data.get("retake") or []],
            video=dict(data.get("video") or {}),
            outputs=dict(data.get("outputs") or {}),
            estimator=str(data.get("estimator") or ""),
            kb_version=str(data.get("kb_version") or ""),
            saved_id=data.get("saved_id"),
        )
