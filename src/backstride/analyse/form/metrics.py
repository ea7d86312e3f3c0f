"""Form metrics per step and stride, with a confidence for each (formulas: docs/video.md).

Image coordinates are pixels, x right, y down. Side-view angles are signed by the running
direction `d` (+1 when the runner faces image-right), decided once per clip from the feet
(toe ahead of heel), not per frame - a per-frame flip is what Sports2D issue #35 is about.
Distances are normalised by leg length (hip to ankle at midstance), so the camera
distance and the phone's resolution cancel out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from backstride.analyse.form.events import Gait, Step
from backstride.analyse.form.track import PoseTrack

Array = npt.NDArray[Any]

View = Literal["side", "rear"]

NOSE = 0
L_SH, R_SH = 11, 12
L_WRIST, R_WRIST = 15, 16
L_HIP, R_HIP = 23, 24
L_KNEE, R_KNEE = 25, 26
L_ANKLE, R_ANKLE = 27, 28
L_HEEL, R_HEEL = 29, 30
L_TOE, R_TOE = 31, 32

SIDE = {
    "left": (L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_TOE),
    "right": (R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_TOE),
}

#: Mean visibility of knee, ankle and heel at contact for a foot to count as seen.
MIN_FOOT_VISIBILITY = 0.75

#: Strides (pairs of steps) for full confidence from the stride count alone.
STRIDES_FOR_FULL_CONFIDENCE = 4


@dataclass(frozen=True)
class Metric:
    """One form figure: the runner's median over steps/strides with the per-stride values."""

    name: str
    value: float | None
    unit: str
    per_stride: list[float]
    confidence: float
    note: str = ""
    #: frame (in the analysed segment) each per-stride value was measured at
    frames: list[int] = field(default_factory=list)

    @property
    def confidence_level(self) -> str:
        if self.value is None or self.confidence < 0.4:
            return "low"
        return "high" if self.confidence >= 0.7 else "moderate"

    @property
    def range(self) -> tuple[float, float] | None:
        """The runner's own range: 10th to 90th percentile of the per-stride values."""
        if len(self.per_stride) < 2:
            return None
        lo, hi = np.percentile(self.per_stride, [10, 90])
        return float(lo), float(hi)

    def to_json(self) -> dict[str, Any]:
        rng = self.range
        return {
            "value": None if self.value is None else round(self.value, 2),
            "unit": self.unit,
            "per_stride": [round(v, 2) for v in self.per_stride],
            "range": None if rng is None else [round(rng[0], 2), round(rng[1], 2)],
            "confidence": round(self.confidence, 2),
            "confidence_level": self.confidence_level,
            "samples": len(self.per_stride),
            "note": self.note,
        }


@dataclass
class MetricSet:
    view: View
    direction: int
    leg_length_px: float | None
    metrics: dict[str, Metric] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _angle_from_vertical(dx: float, dy_up: float) -> float:
    return math.degrees(math.atan2(dx, dy_up))


def _p(track: PoseTrack, frame: int, joint: int) -> Array:
    return np.asarray(track.xy[frame, joint])


def _mid(track: PoseTrack, frame: int, a: int, b: int) -> Array:
    return np.asarray((track.xy[frame, a] + track.xy[frame, b]) / 2)


def _vis(track: PoseTrack, frames: Sequence[int], joints: Sequence[int]) -> float:
    if not frames:
        return 0.0
    v = track.vis[np.ix_(list(frames), list(joints))]
    return float(np.nan_to_num(np.nanmean(v))) if np.isfinite(v).any() else 0.0


def _confidence(visibility: float, n_strides: int, spread: float | None, cap: float = 1.0) -> float:
    """Visibility x stride count x consistency; `spread` is the per-stride SD in the metric's unit
    relative to what is meaningful for it (1.0 = as large as the smallest clinical difference)."""
    count = min(1.0, n_strides / STRIDES_FOR_FULL_CONFIDENCE)
    consistency = 1.0 if spread is None else 1.0 / (1.0 + max(0.0, spread - 1.0))
    return max(0.0, min(cap, visibility * count * consistency))


def _metric(
    name: str,
    unit: str,
    values: list[tuple[float, int]],
    visibility: float,
    meaningful: float,
    *,
    cap: float = 1.0,
    note: str = "",
    per_stride_pairs: bool = True,
) -> Metric:
    kept = [(v, f) for v, f in values if math.isfinite(v)]
    vals = [v for v, _ in kept]
    if not vals:
        return Metric(name, None, unit, [], 0.0, note or "no usable strides")
    strides = len(vals) / 2 if per_stride_pairs else len(vals)
    spread = float(np.std(vals)) / meaningful if len(vals) > 1 else None
    conf = _confidence(visibility, int(strides), spread, cap)
    return Metric(name, float(np.median(vals)), unit, vals, conf, note, [f for _, f in kept])


def running_direction(track: PoseTrack) -> int:
    """+1 when the runner faces image-right: the toes are ahead of the heels."""
    dx = np.concatenate(
        [
            track.xy[:, L_TOE, 0] - track.xy[:, L_HEEL, 0],
            track.xy[:, R_TOE, 0] - track.xy[:, R_HEEL, 0],
        ]
    )
    med = np.nanmedian(dx) if np.isfinite(dx).any() else 0.0
    if med == 0 or not np.isfinite(med):
        nose = track.xy[:, NOSE, 0] - np.nanmean(track.xy[:, [L_SH, R_SH], 0], axis=1)
        med = np.nanmedian(nose) if np.isfinite(nose).any() else 1.0
    return 1 if med >= 0 else -1


C = TypeVar("C")


@dataclass(frozen=True)
class MetricDef(Generic[C]):
    """One row of a view's metric table (gpxpy-style): what one figure is and how it is made.

    ``values`` gives the (value, frame) pairs from the clip's prepared context `C`;
    ``visibility``, ``meaningful``, ``cap`` and ``per_stride_pairs`` say how `_metric`
    summarises them into a median with a confidence.
    """

    id: str
    unit: str
    values: Callable[[C], list[tuple[float, int]]]
    visibility: Callable[[C], float]
    meaningful: float
    note: str
    cap: float = 1.0
    per_stride_pairs: bool = True


def _evaluate(table: Sequence[MetricDef[C]], clip: C, out: MetricSet) -> MetricSet:
    """Every metric of `table` on `clip`, in table order, into `out.metrics`."""
    for d in table:
        out.metrics[d.id] = _metric(
            d.id,
            d.unit,
            d.values(clip),
            d.visibility(clip),
            d.meaningful,
            cap=d.cap,
            note=d.note,
            per_stride_pairs=d.per_stride_pairs,
        )
    return out


@dataclass(frozen=True)
class _SideClip:
    """A side-view clip prepared once: direction, leg length, the steps and which feet were seen."""

    track: PoseTrack
    d: int
    lg: float
    steps: list[Step]
    seen: list[Step]  # steps whose foot the model saw at contact
    trunk_vis: float
    ic_vis: float

    def trunk(self, frame: int) -> float:
        sh, hp = _mid(self.track, frame, L_SH, R_SH), _mid(self.track, frame, L_HIP, R_HIP)
        return _angle_from_vertical(self.d * (sh[0] - hp[0]), hp[1] - sh[1])

    def leg_line(self, s: Step) -> float:
        hp = _mid(self.track, s.midstance, L_HIP, R_HIP)
        ank = _p(self.track, s.midstance, SIDE[s.foot][2])
        return _angle_from_vertical(self.d * (hp[0] - ank[0]), ank[1] - hp[1])


StepFn = Callable[[_SideClip, Step], float]


def _per_step(fn: StepFn, *, at_ic: bool = False) -> Callable[[_SideClip], list[tuple[float, int]]]:
    """Values of `fn` for each step: at midstance over all steps, at initial contact over
    the seen ones; a step whose landmarks are missing is skipped."""

    def values(c: _SideClip) -> list[tuple[float, int]]:
        out = []
        for s in c.seen if at_ic else c.steps:
            try:
                v = float(fn(c, s))
            except (ValueError, ZeroDivisionError):
                continue
            if math.isfinite(v):
                out.append((v, s.ic if at_ic else s.midstance))
        return out

    return values


def _body(c: _SideClip, s: Step) -> float:
    sh = _mid(c.track, s.midstance, L_SH, R_SH)
    ank = _p(c.track, s.midstance, SIDE[s.foot][2])
    return _angle_from_vertical(c.d * (sh[0] - ank[0]), ank[1] - sh[1])


def _overstride(c: _SideClip, s: Step) -> float:
    heel = _p(c.track, s.ic, SIDE[s.foot][3])
    hp = _mid(c.track, s.ic, L_HIP, R_HIP)
    return float(c.d * (heel[0] - hp[0]) / c.lg * 100.0)


def _shank(c: _SideClip, s: Step) -> float:
    _, knee, ankle, _, _ = SIDE[s.foot]
    k, a = _p(c.track, s.ic, knee), _p(c.track, s.ic, ankle)
    return _angle_from_vertical(c.d * (a[0] - k[0]), a[1] - k[1])


def _knee_flexion(c: _SideClip, s: Step) -> float:
    hip, knee, ankle, _, _ = SIDE[s.foot]
    h, k, a = _p(c.track, s.ic, hip), _p(c.track, s.ic, knee), _p(c.track, s.ic, ankle)
    u, v = h - k, a - k
    cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    if not math.isfinite(cos):
        raise ValueError("joint missing")
    return 180.0 - math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _vertical_oscillation(c: _SideClip) -> list[tuple[float, int]]:
    """Pelvis height range from one midstance to the same foot's next, per stride."""
    vo: list[tuple[float, int]] = []
    hip_y = np.nanmean(c.track.xy[:, [L_HIP, R_HIP], 1], axis=1)
    for a, b in zip(c.steps, c.steps[2:], strict=False):
        seg = hip_y[a.midstance : b.midstance + 1]
        if np.isfinite(seg).all() and len(seg) > 2:
            vo.append((float((np.max(seg) - np.min(seg)) / c.lg * 100.0), a.midstance))
    return vo


def _trunk_vis(c: _SideClip) -> float:
    return c.trunk_vis


def _ic_vis(c: _SideClip) -> float:
    return c.ic_vis


#: The side view's figures, in report order.
SIDE_METRICS: tuple[MetricDef[_SideClip], ...] = (
    MetricDef(
        "trunk_lean_deg",
        "deg",
        _per_step(lambda c, s: c.trunk(s.midstance)),
        _trunk_vis,
        5.0,
        "hip-to-shoulder line from vertical at midstance; + = forward",
    ),
    MetricDef(
        "body_lean_deg",
        "deg",
        _per_step(_body),
        _trunk_vis,
        5.0,
        "stance ankle to shoulders from vertical at midstance; + = forward",
    ),
    MetricDef(
        "waist_fold_deg",
        "deg",
        _per_step(lambda c, s: c.trunk(s.midstance) - c.leg_line(s)),
        _trunk_vis,
        5.0,
        "trunk lean minus the ankle-to-hip line: large = leaning from the waist",
    ),
    MetricDef(
        "overstride_pct_leg",
        "% leg length",
        _per_step(_overstride, at_ic=True),
        _ic_vis,
        5.0,
        "heel ahead of the hip at initial contact",
    ),
    MetricDef(
        "shank_angle_ic_deg",
        "deg",
        _per_step(_shank, at_ic=True),
        _ic_vis,
        5.0,
        "shin from vertical at initial contact; + = ankle ahead of knee",
    ),
    MetricDef(
        "knee_flexion_ic_deg",
        "deg",
        _per_step(_knee_flexion, at_ic=True),
        _ic_vis,
        6.0,
        "knee bend at initial contact (0 = straight)",
    ),
    # Chest high / arched back: only a proxy - pelvic tilt is not observable from hip centres.
    MetricDef(
        "trunk_extension_proxy_deg",
        "deg",
        _per_step(lambda c, s: -c.trunk(s.midstance)),
        _trunk_vis,
        5.0,
        "shoulders behind the hips (+ = leaning back); a proxy, lumbar extension is not visible",
        cap=0.5,
    ),
    MetricDef(
        "vertical_oscillation_pct_leg",
        "% leg length",
        _vertical_oscillation,
        _trunk_vis,
        2.0,
        "pelvis rise and fall per stride; needs a fixed camera",
        per_stride_pairs=False,
    ),
)


def side_metrics(track: PoseTrack, gait: Gait) -> MetricSet:
    """Sagittal-plane figures at initial contact and midstance of each step (SIDE_METRICS)."""
    d = running_direction(track)
    steps = [s for s in gait.steps if 0 <= s.ic <= s.midstance < track.n_frames]
    legs = []
    for s in steps:
        hip, _, ankle, _, _ = SIDE[s.foot]
        legs.append(
            float(np.linalg.norm(_p(track, s.midstance, hip) - _p(track, s.midstance, ankle)))
        )
    legs = [v for v in legs if math.isfinite(v) and v > 0]
    out = MetricSet(
        view="side", direction=d, leg_length_px=float(np.median(legs)) if legs else None
    )
    lg = out.leg_length_px
    if not steps or lg is None:
        return out
    trunk_vis = _vis(track, [s.midstance for s in steps], (L_SH, R_SH, L_HIP, R_HIP))
    # Contacts of a hidden foot (the far leg behind a treadmill console) give guessed
    # landmarks; figures at contact use only the feet the model actually saw.
    seen = [s for s in steps if _vis(track, [s.ic], SIDE[s.foot][1:4]) >= MIN_FOOT_VISIBILITY]
    if len(seen) < len(steps):
        out.warnings.append(
            f"{len(steps) - len(seen)} of {len(steps)} foot contacts were hidden or unclear; "
            "figures at initial contact use the other "
            f"{len(seen)}."
        )
    ic_vis = float(np.mean([_vis(track, [s.ic], SIDE[s.foot][1:4]) for s in seen])) if seen else 0.0
    return _evaluate(SIDE_METRICS, _SideClip(track, d, lg, steps, seen, trunk_vis, ic_vis), out)


@dataclass(frozen=True)
class _RearClip:
    """A rear-view clip prepared once: hips by image side, pelvic tilt, widths, resolution."""

    track: PoseTrack
    steps: list[Step]
    hl: Array  # image-left hip per frame
    hr: Array  # image-right hip per frame
    hip_w: Array
    tilt: Array  # pelvic tilt per frame [deg], + = right lower
    base: float  # the clip-median tilt, taken as level
    med_w: float
    resolution: float
    sh_w: Array
    vis_hips: float
    arm_vis: float

    @property
    def strides(self) -> list[tuple[Step, Step]]:
        """Each step with the same foot's next one."""
        return list(zip(self.steps, self.steps[2:], strict=False))


def _stance(c: _RearClip, s: Step) -> float | None:
    """The image x of the weight-bearing (lower) ankle at midstance, None when unseen."""
    ankles = c.track.xy[s.midstance, [L_ANKLE, R_ANKLE], :]
    if not np.isfinite(ankles).all() or not np.isfinite(c.hl[s.midstance]).all():
        return None
    return float(ankles[int(np.argmax(ankles[:, 1])), 0])


def _pelvic_drops(c: _RearClip) -> list[tuple[float, int]]:
    half = max(1, int(round(0.08 * c.track.fps)))
    drops: list[tuple[float, int]] = []
    for s in c.steps:
        x_st = _stance(c, s)
        if x_st is None:
            continue
        mid_x = float((c.hl[s.midstance, 0] + c.hr[s.midstance, 0]) / 2)
        sign = 1.0 if x_st <= mid_x else -1.0  # + = the swing (opposite) hip lower
        w = c.tilt[max(0, s.midstance - half) : s.midstance + half + 1] - c.base
        if np.isfinite(w).any():
            drops.append((float(np.nanmax(sign * w)), s.midstance))
    return drops


def _step_widths(c: _RearClip) -> list[tuple[float, int]]:
    widths: list[tuple[float, int]] = []
    prev_x: float | None = None
    for s in c.steps:
        x_st = _stance(c, s)
        if x_st is None:
            continue
        if prev_x is not None and c.med_w > 0:
            widths.append((abs(x_st - prev_x) / float(c.hip_w[s.midstance]) * 100.0, s.midstance))
        prev_x = x_st
    return widths


def _arms_crossing(c: _RearClip) -> list[tuple[float, int]]:
    """Share of each stride's frames with a wrist beyond the pelvis midline by > 10% of
    the shoulder width, at the first such frame."""
    xy = c.track.xy
    midline = (c.hl[:, 0] + c.hr[:, 0]) / 2
    crossing = np.zeros(c.track.n_frames, dtype=bool)
    for sh, wr in ((L_SH, L_WRIST), (R_SH, R_WRIST)):
        toward = np.sign(midline - xy[:, sh, 0])
        depth = (xy[:, wr, 0] - midline) * toward / c.sh_w
        crossing |= np.nan_to_num(depth, nan=-1.0) > 0.1
    per_stride: list[tuple[float, int]] = []
    for a, b in c.strides:
        seg = crossing[a.midstance : b.midstance]
        if len(seg):
            peak = a.midstance + int(np.argmax(seg))
            per_stride.append((float(seg.mean() * 100.0), peak))
    return per_stride


def _torso_rotation(c: _RearClip) -> list[tuple[float, int]]:
    """Shoulders narrow relative to the pelvis as the trunk turns: the peak turn per stride."""
    ratio = c.sh_w / c.hip_w
    if np.isfinite(ratio).sum() <= 3:
        return []
    top = float(np.nanpercentile(ratio, 95))
    rot = np.degrees(np.arccos(np.clip(ratio / top, 0.0, 1.0)))
    return [
        (
            float(np.nanmax(rot[a.midstance : b.midstance + 1])),
            a.midstance + int(np.nanargmax(rot[a.midstance : b.midstance + 1])),
        )
        for a, b in c.strides
        if np.isfinite(rot[a.midstance : b.midstance + 1]).any()
    ]


def _hips_vis(c: _RearClip) -> float:
    return c.vis_hips * c.resolution


def _arms_vis(c: _RearClip) -> float:
    return c.arm_vis * c.resolution


#: The rear view's figures, in report order.
REAR_METRICS: tuple[MetricDef[_RearClip], ...] = (
    MetricDef(
        "pelvic_drop_deg",
        "deg",
        _pelvic_drops,
        _hips_vis,
        2.0,
        "contralateral pelvic drop at midstance, clip-median hip line as level",
    ),
    MetricDef(
        "step_width_pct_hip",
        "% hip width",
        _step_widths,
        _hips_vis,
        20.0,
        "side-to-side distance between successive foot contacts",
    ),
    MetricDef(
        "arms_cross_pct_frames",
        "% of frames",
        _arms_crossing,
        _arms_vis,
        15.0,
        "share of frames with a wrist past the body's midline",
        per_stride_pairs=False,
    ),
    MetricDef(
        "torso_rotation_proxy_deg",
        "deg",
        _torso_rotation,
        _arms_vis,
        10.0,
        "shoulder line turning against the pelvis, from apparent widths; a proxy",
        cap=0.5,
        per_stride_pairs=False,
    ),
)


def rear_metrics(track: PoseTrack, gait: Gait) -> MetricSet:
    """Frontal-plane figures from behind (REAR_METRICS); left and right come from image
    position, since from behind the runner's left is image-left whatever the model's labels say."""
    steps = [s for s in gait.steps if 0 <= s.midstance < track.n_frames]
    xy = track.xy
    hips = xy[:, [L_HIP, R_HIP], :]
    img_left = np.where(hips[:, 0:1, 0] <= hips[:, 1:2, 0], 0, 1)[:, 0]
    frames = np.arange(track.n_frames)
    hl = hips[frames, img_left]
    hr = hips[frames, 1 - img_left]
    hip_w = np.abs(hr[:, 0] - hl[:, 0])
    tilt = np.degrees(np.arctan2(hr[:, 1] - hl[:, 1], hr[:, 0] - hl[:, 0]))  # + = right lower
    base = float(np.nanmedian(tilt)) if np.isfinite(tilt).any() else 0.0
    out = MetricSet(view="rear", direction=0, leg_length_px=None)
    med_w = float(np.nanmedian(hip_w)) if np.isfinite(hip_w).any() else float("nan")
    vis_hips = _vis(track, [s.midstance for s in steps], (L_HIP, R_HIP, L_ANKLE, R_ANKLE))
    # 1 px of hip height difference is atan(1 / hip width): a small runner means coarse angles.
    px_deg = math.degrees(math.atan(1.0 / med_w)) if med_w > 0 else float("inf")
    resolution = min(1.0, 0.5 / px_deg) if math.isfinite(px_deg) and px_deg > 0 else 0.0
    if med_w < 60:
        out.warnings.append(
            f"The runner's hips are only ~{med_w:.0f} px wide, so 1 px is {px_deg:.1f} deg of "
            "pelvic drop: film closer, at hip height, at 720p or more."
        )
    sh_w = np.abs(xy[:, L_SH, 0] - xy[:, R_SH, 0])
    arm_vis = _vis(track, list(range(track.n_frames)), (L_SH, R_SH, L_WRIST, R_WRIST))
    clip = _RearClip(
        track, steps, hl, hr, hip_w, tilt, base, med_w, resolution, sh_w, vis_hips, arm_vis
    )
    return _evaluate(REAR_METRICS, clip, out)
