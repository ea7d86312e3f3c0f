"""Which way the camera looked, read from the runner's apparent width.

Seen from behind (or in front), shoulders and hips are wide: joint-centre shoulder width is
about two thirds of the trunk length (mid-shoulder to mid-hip) and hip width about a third,
so their sum is about 1.0 trunk length; seen side-on, both collapse towards zero. The
ratio needs no calibration, cancels the camera distance, and was measured on the shared
clips (shared/videos, MediaPipe 0.10.21): 0.99 on the rear clip, 0.14 to 0.36 on the three
side clips. Between the two thresholds (a camera at 30-60 degrees) no view is claimed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from backstride.analyse.form.metrics import View
from backstride.analyse.form.track import PoseTrack

L_SH, R_SH, L_HIP, R_HIP = 11, 12, 23, 24

#: How each view is said in a sentence ("filmed from behind").
VIEW_WORDS: dict[str, str] = {"side": "side-on", "rear": "from behind"}

#: At or below this (shoulder + hip width) / trunk length the runner is seen side-on.
SIDE_AT_MOST = 0.45
#: At or above it, from behind or in front (cos 45 degrees of the frontal ~1.0).
REAR_AT_LEAST = 0.7


@dataclass(frozen=True)
class ViewCheck:
    """The view asked for, the one the clip looks filmed from (None: cannot tell), and why."""

    asked: View
    looks_like: View | None
    width_ratio: float | None

    @property
    def wrong(self) -> bool:
        return self.looks_like is not None and self.looks_like != self.asked

    def to_json(self) -> dict[str, Any]:
        return {
            "asked": self.asked,
            "looks_like": self.looks_like,
            "wrong": self.wrong,
            "width_ratio": None if self.width_ratio is None else round(self.width_ratio, 2),
        }


def width_ratio(track: PoseTrack) -> float | None:
    """Median over frames of (shoulder width + hip width) / trunk length, in image x."""
    xy = track.xy
    widths = np.abs(xy[:, L_SH, 0] - xy[:, R_SH, 0]) + np.abs(xy[:, L_HIP, 0] - xy[:, R_HIP, 0])
    mid_sh = (xy[:, L_SH] + xy[:, R_SH]) / 2
    mid_hip = (xy[:, L_HIP] + xy[:, R_HIP]) / 2
    trunk = np.linalg.norm(mid_sh - mid_hip, axis=1)
    ok = np.isfinite(widths) & np.isfinite(trunk) & (trunk > 0)
    if not ok.any():
        return None
    return float(np.median(widths[ok] / trunk[ok]))


def check_view(track: PoseTrack, asked: View) -> ViewCheck:
    """Whether the clip looks filmed from the view it is analysed as."""
    ratio = width_ratio(track)
    looks: View | None = None
    if ratio is not None and ratio <= SIDE_AT_MOST:
        looks = "side"
    elif ratio is not None and ratio >= REAR_AT_LEAST:
        looks = "rear"
    return ViewCheck(asked=asked, looks_like=looks, width_ratio=ratio)
