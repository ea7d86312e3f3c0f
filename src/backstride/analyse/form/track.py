"""Per-frame pose keypoints → a cleaned, pixel-space track ready for event detection.

Cleaning follows shared/research/video.md section 2 ("Preprocessing"): landmarks under
0.5 visibility are dropped, gaps of up to 3 frames are interpolated, and the track is
low-passed with a zero-lag 4th-order Butterworth (7 Hz at 30 fps, 11 Hz at 60 fps or more),
so event timing is not delayed the way a causal filter would delay it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]

MIN_VISIBILITY = 0.5
MAX_GAP_FRAMES = 3

#: Landmarks every frame of the analysed segment needs (shoulders and hips), plus at least
#: one ankle: the far ankle is often hidden (treadmill console, the near leg).
CORE = (11, 12, 23, 24)
ANKLES = (27, 28)


@dataclass(frozen=True)
class PoseTrack:
    """Landmarks in pixels of the upright frame (x right, y down); NaN where unknown.

    xy: (T, 33, 2) pixels; z: (T, 33) MediaPipe relative depth; vis: (T, 33) 0..1.
    """

    xy: Array
    z: Array
    vis: Array
    fps: float
    width: int
    height: int

    @property
    def n_frames(self) -> int:
        return int(self.xy.shape[0])

    @classmethod
    def from_keypoints(cls, keypoints: Array, *, fps: float, width: int, height: int) -> PoseTrack:
        """From (T, 33, 4) normalised keypoints as estimators return them (NaN rows: none)."""
        kp = np.asarray(keypoints, dtype=np.float64)
        xy = np.stack([kp[..., 0] * width, kp[..., 1] * height], axis=-1)
        return cls(xy=xy, z=kp[..., 2], vis=kp[..., 3], fps=fps, width=width, height=height)

    def detected(self) -> Array:
        """Frames where the estimator found a person at all."""
        return np.asarray(~np.isnan(self.vis).all(axis=1))

    def segment(self, start: int, stop: int) -> PoseTrack:
        return PoseTrack(
            xy=self.xy[start:stop],
            z=self.z[start:stop],
            vis=self.vis[start:stop],
            fps=self.fps,
            width=self.width,
            height=self.height,
        )


def cutoff_hz(fps: float) -> float:
    """Low-pass cut-off for running kinematics at this frame rate (research section 2)."""
    hz = 7.0 if fps < 45 else 11.0
    return min(hz, 0.4 * fps)


def fill_gaps(series: Array, max_gap: int = MAX_GAP_FRAMES) -> Array:
    """Linear interpolation over interior NaN runs of at most `max_gap` frames."""
    out = series.copy()
    nan = np.isnan(out)
    if not nan.any() or nan.all():
        return out
    idx = np.arange(len(out))
    i = 0
    while i < len(out):
        if not nan[i]:
            i += 1
            continue
        j = i
        while j < len(out) and nan[j]:
            j += 1
        if i > 0 and j < len(out) and j - i <= max_gap:
            out[i:j] = np.interp(idx[i:j], [i - 1, j], [out[i - 1], out[j]])
        i = j
    return out


def lowpass(series: Array, fps: float) -> Array:
    """Zero-lag Butterworth on each finite run; runs too short to filter stay as they are."""
    from scipy.signal import butter, filtfilt  # deferred: SciPy, the video extra

    b, a = butter(4, cutoff_hz(fps) / (fps / 2))
    out = series.copy()
    finite = np.isfinite(series)
    i = 0
    pad = 3 * max(len(a), len(b))
    while i < len(series):
        if not finite[i]:
            i += 1
            continue
        j = i
        while j < len(series) and finite[j]:
            j += 1
        if j - i > pad:
            out[i:j] = filtfilt(b, a, series[i:j])
        i = j
    return out


def clean(track: PoseTrack) -> PoseTrack:
    """Drop low-visibility landmarks, fill short gaps, low-pass every coordinate."""
    xy = track.xy.copy()
    low = ~(track.vis >= MIN_VISIBILITY)
    xy[low] = np.nan
    for j in range(xy.shape[1]):
        for c in range(2):
            xy[:, j, c] = lowpass(fill_gaps(xy[:, j, c]), track.fps)
    return PoseTrack(
        xy=xy, z=track.z, vis=track.vis, fps=track.fps, width=track.width, height=track.height
    )


def usable_frames(track: PoseTrack) -> Array:
    """Frames where every core landmark has a position after cleaning."""
    core = np.isfinite(track.xy[:, CORE, :]).all(axis=(1, 2))
    ankle = np.isfinite(track.xy[:, ANKLES, :]).all(axis=2).any(axis=1)
    return np.asarray(core & ankle)


def longest_run(mask: Array, breaks: Iterable[int] = ()) -> tuple[int, int]:
    """[start, stop) of the longest run of True not crossing a break (a frame that starts
    a new shot); (0, 0) when there is none."""
    starts = set(breaks)
    best = (0, 0)
    i = 0
    while i < len(mask):
        if not mask[i]:
            i += 1
            continue
        j = i + 1
        while j < len(mask) and mask[j] and j not in starts:
            j += 1
        if j - i > best[1] - best[0]:
            best = (i, j)
        i = j
    return best
