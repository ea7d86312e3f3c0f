"""Running form from pose keypoints: clean the track, find steps, measure, check the clip.

analyse_track(keypoints, fps=, width=, height=, view=, cuts=)  → FormAnalysis

Pure numbers: no files, no model. The keypoints come from any `PoseEstimator`; the KB
judges the metrics afterwards (assess.form).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from backstride.analyse.form.events import Gait, detect_gait
from backstride.analyse.form.metrics import Metric, MetricSet, View, rear_metrics, side_metrics
from backstride.analyse.form.track import PoseTrack, clean, longest_run, usable_frames
from backstride.analyse.form.view import VIEW_WORDS, ViewCheck, check_view
from backstride.errors import ClipNotAnalysable

Array = npt.NDArray[Any]

__all__ = [
    "FormAnalysis",
    "Metric",
    "PoseTrack",
    "View",
    "ViewCheck",
    "analyse_track",
    "find_cuts",
]

#: Steps needed: two strides per foot means three contacts per foot.
MIN_STEPS = 6
#: Share of frames in which the estimator must find somebody.
MIN_DETECTED = 0.5
#: Running cadence range; outside it the clip is slowed, sped up or not running.
RUNNING_SPM = (140.0, 230.0)
#: A pelvis jump larger than this share of leg length between two frames is not a
#: movement but the tracker switching to somebody else (or a cut).
MAX_JUMP_LEG = 0.5
#: Landmarks whose visibility says how sure the model was of the runner: shoulders, hips,
#: knees, ankles and heels.
BODY = (11, 12, 23, 24, 25, 26, 27, 28, 29, 30)


@dataclass
class FormAnalysis:
    """The measured clip: metrics, the steps found, and what limits trust in them."""

    view: View
    fps: float
    segment: tuple[int, int]
    frames_total: int
    frames_detected: int
    gait: Gait
    metric_set: MetricSet
    track: PoseTrack
    view_check: ViewCheck
    #: mean visibility (0..1) the model gave the body's landmarks in the analysed stretch
    landmark_visibility: float
    warnings: list[str] = field(default_factory=list)

    @property
    def metrics(self) -> dict[str, Metric]:
        return self.metric_set.metrics

    @property
    def strides_used(self) -> int:
        return len(self.gait.steps) // 2

    @property
    def seconds_analysed(self) -> float:
        return (self.segment[1] - self.segment[0]) / self.fps


def find_cuts(thumbs: Array, *, factor: float = 6.0, floor: float = 25.0) -> list[int]:
    """Frame indices where a new shot starts: a frame difference far above the clip's usual.

    `thumbs` is (T, h, w) grey thumbnails. A cut changes most pixels at once; running
    changes a few. Both a multiple of the median difference and an absolute floor (grey
    levels) must be crossed, so a static treadmill clip with tiny differences has no cuts.
    """
    if len(thumbs) < 3:
        return []
    diffs = np.abs(np.diff(thumbs.astype(np.float32), axis=0)).mean(axis=(1, 2))
    med = float(np.median(diffs))
    return [int(i) + 1 for i in np.flatnonzero((diffs > factor * max(med, 1.0)) & (diffs > floor))]


def _jumps(track: PoseTrack) -> list[int]:
    hip = np.nanmean(track.xy[:, [23, 24], :], axis=1)
    leg = np.nanmedian(np.linalg.norm(track.xy[:, 23] - track.xy[:, 27], axis=1))
    if not np.isfinite(leg) or leg <= 0:
        return []
    step = np.linalg.norm(np.diff(hip, axis=0), axis=1)
    return [int(i) + 1 for i in np.flatnonzero(np.nan_to_num(step) > MAX_JUMP_LEG * leg)]


def _inside(track: PoseTrack) -> Array:
    """Frames whose core landmarks lie inside the picture (a runner leaving it is guessed)."""
    core = track.xy[:, [11, 12, 23, 24], :]
    margin = 0.02
    x_ok = (core[..., 0] >= -margin * track.width) & (core[..., 0] <= (1 + margin) * track.width)
    y_ok = (core[..., 1] >= -margin * track.height) & (core[..., 1] <= (1 + margin) * track.height)
    return np.asarray((x_ok & y_ok).all(axis=1) | np.isnan(core).any(axis=(1, 2)))


def analyse_track(
    keypoints: Array,
    *,
    fps: float,
    width: int,
    height: int,
    view: View,
    cuts: Sequence[int] = (),
) -> FormAnalysis:
    """Measure the longest clean stretch of running in the clip.

    Raises:
        ClipNotAnalysable: nobody found, too few steps for two strides per foot.
    """
    # NaN marks a landmark the model did not see; every reduction here is NaN-aware on
    # purpose, so numpy's "empty slice" warnings carry no news.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _analyse(keypoints, fps=fps, width=width, height=height, view=view, cuts=cuts)


def _analyse(
    keypoints: Array,
    *,
    fps: float,
    width: int,
    height: int,
    view: View,
    cuts: Sequence[int] = (),
) -> FormAnalysis:
    raw = PoseTrack.from_keypoints(keypoints, fps=fps, width=width, height=height)
    n = raw.n_frames
    notes: list[str] = []
    detected = raw.detected()
    if n == 0 or detected.mean() < MIN_DETECTED:
        pct = 0 if n == 0 else round(100 * detected.mean())
        raise ClipNotAnalysable(
            f"no runner found: a person was detected in only {pct}% of the frames; film the "
            "whole body, side-on or from behind, in good light"
        )
    ok = detected & _inside(raw)
    breaks = sorted(set(cuts) | set(_jumps(raw)))
    jumps = _jumps(raw)
    if cuts:
        notes.append(
            f"The clip has {len(cuts)} cut(s) (at {', '.join(f'{c / fps:.1f} s' for c in cuts[:5])}); "
            "only the longest uncut stretch was analysed."
        )
    if jumps:
        notes.append(
            "The tracked person jumped between frames "
            f"(at {', '.join(f'{j / fps:.1f} s' for j in jumps[:5])}): there may be several "
            "people in view and the model may have followed someone else. Film the runner alone."
        )
    cleaned = clean(raw)
    ok &= usable_frames(cleaned)
    start, stop = longest_run(ok, breaks)
    if stop - start < n * 0.85 and stop > start:
        notes.append(
            f"The runner was out of view, hidden or lost for part of the clip; analysed "
            f"{start / fps:.1f}-{stop / fps:.1f} s of {n / fps:.1f} s."
        )
    track = clean(raw.segment(start, stop))
    gait = detect_gait(track)
    if len(gait.steps) < MIN_STEPS:
        usable_s = (stop - start) / fps
        if usable_s >= MIN_STEPS * 60.0 / RUNNING_SPM[0]:
            reason = (
                f"no steady running found: {len(gait.steps)} steps in {usable_s:.1f} s of "
                "footage with a person in it. The person followed may be walking or standing, "
                "or be someone else: the pose model follows one person, so with several people "
                "in view film the runner alone, running steadily for 10 s or more"
            )
        else:
            reason = (
                f"too short to analyse: {len(gait.steps)} steps found in {usable_s:.1f} s of "
                f"usable running, at least {MIN_STEPS} are needed (two strides per foot) - "
                "film 10 s or more of steady running"
            )
        if jumps:
            reason += "; the model also jumped between people, so film the runner alone"
        looks = check_view(track, view).looks_like
        if looks is not None and looks != view:
            reason += f"; the clip also looks filmed {VIEW_WORDS[looks]}, not {VIEW_WORDS[view]}"
        raise ClipNotAnalysable(reason)
    metric_set = side_metrics(track, gait) if view == "side" else rear_metrics(track, gait)
    notes += metric_set.warnings
    _check_timing(gait, metric_set, notes)
    if view == "side" and metric_set.metrics.get("trunk_lean_deg") is not None:
        notes.append(
            "Chest high / arched back is judged from the trunk line only: the video cannot "
            "see the lower-back curve itself (low confidence by design)."
        )
    vis = raw.vis[start:stop][:, BODY]
    return FormAnalysis(
        view=view,
        fps=fps,
        segment=(start, stop),
        frames_total=n,
        frames_detected=int(detected.sum()),
        gait=gait,
        metric_set=metric_set,
        track=track,
        view_check=check_view(track, view),
        landmark_visibility=float(np.nanmean(vis)) if np.isfinite(vis).any() else 0.0,
        warnings=notes,
    )


def _check_timing(gait: Gait, ms: MetricSet, notes: list[str]) -> None:
    """Cadence into the metrics, withheld (confidence 0) when it cannot be real running."""
    cad = gait.cadence_spm
    est = list(gait.cadence_estimates.values())
    if cad is None:
        ms.metrics["cadence_spm"] = Metric("cadence_spm", None, "steps/min", [], 0.0, "no steps")
        return
    per_stride = [
        60.0 / (b.t_mid_s - a.t_mid_s) for a, b in zip(gait.steps, gait.steps[1:], strict=False)
    ]
    agree = (max(est) - min(est)) / cad if len(est) > 1 else 0.5
    conf = max(0.0, min(1.0, len(gait.steps) / 12)) * (1.0 if agree < 0.03 else 0.6)
    note = f"from {gait.cadence_method}; estimates {', '.join(f'{k} {v:.1f}' for k, v in gait.cadence_estimates.items())}"
    lo, hi = RUNNING_SPM
    if not lo <= cad <= hi:
        notes.append(
            f"The step rate found ({cad:.0f} steps/min) is outside running's {lo:.0f}-{hi:.0f}: "
            "the clip is slow motion or sped up, or the person is not running. Cadence is "
            "withheld; angles are still shown."
        )
        conf = 0.0
    ms.metrics["cadence_spm"] = Metric("cadence_spm", cad, "steps/min", per_stride, conf, note)
