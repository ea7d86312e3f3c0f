"""A synthetic runner: BlazePose keypoints with known cadence, lean, overstride and pelvic drop.

The fast tests feed these to FakePoseEstimator, so every number the analysis reports can be
checked against the truth it was built from. Geometry (pixels, y down):

- the pelvis stays at x = cx (treadmill) and bobs with the step rate, lowest at midstance;
- each foot's stride phase p runs 0..1: initial contact at p = 0 with the heel `reach`
  ahead of the hip, stance until p = 0.4 while the belt carries the foot back to `reach`
  behind, midstance at p = 0.2 (foot under the hip); swing lifts and brings it forward;
- the knee comes from two-link inverse kinematics (thigh and shank of equal length);
- shoulders sit `trunk_px` from the pelvis along the trunk lean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

STANCE = 0.4


@dataclass(frozen=True)
class Runner:
    cadence_spm: float = 170.0
    trunk_lean_deg: float = 6.0
    reach_px: float = 40.0  # heel ahead of the hip at contact
    facing: int = 1  # +1 faces image-right
    fps: float = 30.0
    duration_s: float = 10.0
    width: int = 720
    height: int = 1280
    hip_y: float = 700.0
    ground_y: float = 1180.0
    bob_px: float = 12.0
    trunk_px: float = 300.0
    lift_px: float = 120.0
    foot_px: float = 80.0
    ankle_px: float = 25.0  # ankle height above the sole
    pelvic_drop_deg: float = 0.0  # rear view only
    hip_width_px: float = 110.0
    view: str = "side"

    @property
    def n_frames(self) -> int:
        return int(round(self.duration_s * self.fps))

    @property
    def leg_length_px(self) -> float:
        """Hip to ankle at midstance (pelvis at its lowest)."""
        return self.ground_y - self.ankle_px - (self.hip_y + self.bob_px)

    @property
    def overstride_pct_leg(self) -> float:
        return self.reach_px / self.leg_length_px * 100.0

    def keypoints(self) -> np.ndarray:
        """(T, 33, 4) normalised x, y, z, visibility, as an estimator returns them."""
        t = np.arange(self.n_frames) / self.fps
        f_stride = self.cadence_spm / 120.0
        out = np.zeros((self.n_frames, 33, 4))
        out[..., 3] = 0.95
        for i, ti in enumerate(t):
            out[i, :, :2] = self._pose(ti, f_stride)
        out[..., 0] /= self.width
        out[..., 1] /= self.height
        return out

    def _foot(self, p: float) -> tuple[float, float]:
        """Heel x offset from the hip (signed by facing) and sole height above the ground."""
        p %= 1.0
        if p < STANCE:
            return self.reach_px - 2 * self.reach_px * p / STANCE, 0.0
        s = (p - STANCE) / (1 - STANCE)
        x = -self.reach_px + 2 * self.reach_px * (1 - math.cos(math.pi * s)) / 2
        return x, self.lift_px * math.sin(math.pi * s)

    def _pose(self, t: float, f_stride: float) -> np.ndarray:
        d = self.facing
        xy = np.zeros((33, 2))
        p_left = t * f_stride
        # pelvis lowest at each midstance: p = 0.2 and 0.7 of the left foot's stride
        hip_y = self.hip_y + self.bob_px * math.cos(2 * math.pi * 2 * (p_left - 0.2))
        cx = self.width / 2
        lean = math.radians(self.trunk_lean_deg)
        sh = np.array(
            [cx + d * self.trunk_px * math.sin(lean), hip_y - self.trunk_px * math.cos(lean)]
        )
        if self.view == "rear":
            return self._rear(t, f_stride, hip_y, cx)
        for side, phase in ((0, p_left), (1, p_left + 0.5)):
            heel_dx, lift = self._foot(phase)
            hip = np.array([cx, hip_y])
            heel = np.array([cx + d * heel_dx, self.ground_y - lift])
            ankle = heel + np.array([d * 0.2 * self.foot_px, -self.ankle_px])
            toe = np.array([heel[0] + d * self.foot_px, heel[1]])
            knee = self._knee(hip, ankle, d)
            xy[[23 + side, 25 + side, 27 + side, 29 + side, 31 + side]] = [
                hip,
                knee,
                ankle,
                heel,
                toe,
            ]
            xy[11 + side] = sh
            xy[13 + side] = (sh + hip) / 2 + np.array([d * 40, 0])
            xy[15 + side] = (sh + hip) / 2 + np.array([d * 70, -20])
        xy[0] = sh + np.array([d * 30, -90])
        xy[1:11] = xy[0] + np.array([0, 10])
        xy[17:23] = xy[15] + np.array([d * 10, 5])
        return xy

    def _knee(self, hip: np.ndarray, ankle: np.ndarray, d: int) -> np.ndarray:
        seg = (self.leg_length_px + 20) / 2
        v = ankle - hip
        dist = float(np.linalg.norm(v))
        mid = hip + v / 2
        h = math.sqrt(max(0.0, seg**2 - (dist / 2) ** 2))
        normal = np.array([-v[1], v[0]]) / dist
        if normal[0] * d < 0:  # the knee bends forward
            normal = -normal
        return mid + normal * h

    def _rear(self, t: float, f_stride: float, hip_y: float, cx: float) -> np.ndarray:
        """From behind: runner's left is image-left. The swing side's hip drops at midstance."""
        xy = np.zeros((33, 2))
        half = self.hip_width_px / 2
        p_left = t * f_stride
        # + when the left foot is in midstance (p = 0.2), - at the right foot's (p = 0.7)
        stance_sign = math.cos(2 * math.pi * (p_left - 0.2))
        drop = math.radians(self.pelvic_drop_deg) * stance_sign
        # left stance: right (swing) hip lower = larger y on the image-right hip
        dy = half * math.tan(drop)
        hips = [np.array([cx - half, hip_y - dy]), np.array([cx + half, hip_y + dy])]
        sh_half = half * 1.3
        for side, phase in ((0, p_left), (1, p_left + 0.5)):
            _, lift = self._foot(phase)
            x = hips[side][0]
            ankle = np.array([x, self.ground_y - self.ankle_px - lift])
            knee = (hips[side] + ankle) / 2
            sh = np.array([cx + (-1 if side == 0 else 1) * sh_half, hip_y - self.trunk_px])
            xy[[23 + side, 25 + side, 27 + side]] = [hips[side], knee, ankle]
            xy[29 + side] = ankle + np.array([0, self.ankle_px])
            xy[31 + side] = ankle + np.array([0, self.ankle_px - 5])
            xy[11 + side] = sh
            xy[13 + side] = sh + np.array([0, 120])
            xy[15 + side] = sh + np.array([(1 if side == 0 else -1) * 20, 220])
        xy[0] = np.array([cx, hip_y - self.trunk_px - 90])
        xy[1:11] = xy[0]
        xy[17:23] = xy[15]
        return xy


#: A runner leaning 20 deg from the waist and landing far ahead of the hip (720x1280 geometry):
#: two findings with a `form_observed` fault each, lean_from_waist and overstride.
LEANING = Runner(trunk_lean_deg=20, reach_px=90, duration_s=8)
