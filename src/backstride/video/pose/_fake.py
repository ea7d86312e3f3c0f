"""The deterministic estimator for tests: recorded or synthesised keypoints, replayed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from backstride.errors import VideoError
from backstride.video.pose._base import N_LANDMARKS, Array


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
