"""Pose estimators behind one small interface (httpx's transports are the model).

PoseEstimator           the protocol: estimate(frame_rgb) -> (33, 4) keypoints or None; close()
MediaPipePose           mediapipe 0.10.21 legacy Pose, model_complexity=1 (weights in the wheel)
FakePoseEstimator       replays recorded or synthesised keypoints, one row per call: the
                        tests' MockTransport, running the same pipeline without the model
"""

from backstride.video.pose._base import LANDMARKS, N_LANDMARKS, SKELETON, Array, PoseEstimator
from backstride.video.pose._fake import FakePoseEstimator, save_keypoints
from backstride.video.pose._mediapipe import MediaPipePose

__all__ = [
    "LANDMARKS",
    "N_LANDMARKS",
    "SKELETON",
    "Array",
    "FakePoseEstimator",
    "MediaPipePose",
    "PoseEstimator",
    "save_keypoints",
]
