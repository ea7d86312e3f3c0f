"""Pose estimators behind one small interface, so the fast tests can replay known keypoints.

Every estimator returns, per frame, a (33, 4) array in MediaPipe's BlazePose topology:
x and y normalised to the frame (0..1, y down), z (relative depth, hips ≈ 0, smaller is
nearer the camera) and visibility (0..1); or None when nobody was found.

MediaPipePose           mediapipe 0.10.21 legacy Pose, model_complexity=1 (weights in the wheel)
FakePoseEstimator       replays recorded or synthesised keypoints, one row per call
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from backstride.errors import OptionalDependencyMissing, VideoError

Array = npt.NDArray[Any]

N_LANDMARKS = 33

#: BlazePose landmark indices used by the form analysis (left/right as the model labels them).
LANDMARKS: dict[str, int] = {
    "nose": 0,
    "left_ear": 7,
    "right_ear": 8,
    "left_shoulder": 11,
    "right_shoulder": 12,
    "left_elbow": 13,
    "right_elbow": 14,
    "left_wrist": 15,
    "right_wrist": 16,
    "left_hip": 23,
    "right_hip": 24,
    "left_knee": 25,
    "right_knee": 26,
    "left_ankle": 27,
    "right_ankle": 28,
    "left_heel": 29,
    "right_heel": 30,
    "left_foot_index": 31,
    "right_foot_index": 32,
}

#: Bones drawn on the annotated output.
SKELETON: tuple[tuple[int, int], ...] = (
    (11, 12),
    (11, 13),
    (13, 15),
    (12, 14),
    (14, 16),
    (11, 23),
    (12, 24),
    (23, 24),
    (23, 25),
    (25, 27),
    (27, 29),
    (29, 31),
    (27, 31),
    (24, 26),
    (26, 28),
    (28, 30),
    (30, 32),
    (28, 32),
)


class PoseEstimator(Protocol):
    """One person's landmarks per frame, fed frames in order (trackers keep state)."""

    name: str

    def estimate(self, frame_rgb: Array) -> Array | None: ...

    def close(self) -> None: ...


class MediaPipePose:
    """MediaPipe's legacy BlazePose, full model, in tracking mode.

    Why these settings: complexity 1 is the only model shipped inside the 0.10.21 wheel
    (0 and 2 try to download at construction, which fails offline); tracking mode
    (static_image_mode=False) re-uses the last pose as the region of interest and runs the
    detector only when the track is lost, ~1.5x faster than detecting every frame; and
    smooth_landmarks=False because its causal filter delays events - the analysis filters
    offline with a zero-lag Butterworth instead.
    """

    name = "mediapipe-0.10.21-pose-full"

    def __init__(self, *, min_detection_confidence: float = 0.5) -> None:
        try:
            from mediapipe.python.solutions import pose as mp_pose
        except ImportError as exc:
            raise OptionalDependencyMissing("the video form check", "video") from exc
        try:
            self._pose: Any = mp_pose.Pose(
                static_image_mode=False,
                model_complexity=1,
                smooth_landmarks=False,
                enable_segmentation=False,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=0.5,
            )
        except Exception as exc:  # mediapipe raises bare RuntimeError/URLError
            raise VideoError(f"the pose model could not be loaded: {exc}") from exc

    def estimate(self, frame_rgb: Array) -> Array | None:
        result = self._pose.process(frame_rgb)
        found = result.pose_landmarks
        if found is None:
            return None
        return np.array(
            [(lm.x, lm.y, lm.z, lm.visibility) for lm in found.landmark], dtype=np.float64
        )

    def close(self) -> None:
        self._pose.close()


class FakePoseEstimator:
    """Replays keypoints row by row, ignoring the pixels; NaN rows mean 'nobody found'.

    Keeps the fast tests off the real model while exercising the same pipeline; the
    keypoints come from a synthetic runner with known cadence and lean, or from a file
    written by `save_keypoints`.
    """

    name = "fake-replay"

    def __init__(self, keypoints: Array | Sequence[Array | None]) -> None:
        rows = [None if r is None else np.asarray(r, dtype=np.float64) for r in keypoints]
        self._rows = rows
        self._i = 0

    @classmethod
    def from_file(cls, path: Path) -> FakePoseEstimator:
        """Keypoints from `.npz` (array `keypoints`, shape (T, 33, 4)) or `.json` (list of rows)."""
        if path.suffix == ".npz":
            with np.load(path) as data:
                arr = np.asarray(data["keypoints"], dtype=np.float64)
        else:
            arr = np.asarray(json.loads(path.read_text(encoding="utf-8")), dtype=np.float64)
        if arr.ndim != 3 or arr.shape[1:] != (N_LANDMARKS, 4):
            raise VideoError(f"{path}: expected keypoints of shape (T, 33, 4), got {arr.shape}")
        return cls(list(arr))

    def estimate(self, frame_rgb: Array) -> Array | None:
        if self._i >= len(self._rows):
            return None
        row = self._rows[self._i]
        self._i += 1
        if row is None or np.isnan(row).any():
            return None
        return row

    def close(self) -> None:
        self._i = 0


def save_keypoints(path: Path, keypoints: Array) -> None:
    """Write (T, 33, 4) keypoints (NaN where nobody was found) for FakePoseEstimator."""
    np.savez_compressed(path, keypoints=np.asarray(keypoints, dtype=np.float32))
