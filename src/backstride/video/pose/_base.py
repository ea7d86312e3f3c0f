"""What every pose estimator returns, and the protocol they implement.

Every estimator returns, per frame, a (33, 4) array in MediaPipe's BlazePose topology:
x and y normalised to the frame (0..1, y down), z (relative depth, hips ≈ 0, smaller is
nearer the camera) and visibility (0..1); or None when nobody was found.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy.typing as npt

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
