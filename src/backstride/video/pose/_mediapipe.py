"""The real estimator: MediaPipe's legacy BlazePose, imported only when one is made."""

from __future__ import annotations

from typing import Any

import numpy as np

from backstride.errors import OptionalDependencyMissing, VideoError
from backstride.video.pose._base import Array


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
