"""Helpers for the video tests: tiny clips written with PyAV, the synthetic runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

av = pytest.importorskip("av", reason="the video extra is not installed: pip install -e '.[video]'")


def write_clip(
    path: Path,
    *,
    frames: int,
    width: int = 96,
    height: int = 64,
    fps: int = 30,
    rotation: int = 0,
    painter: Callable[[int], np.ndarray] | None = None,
    faststart: bool = False,
) -> Path:
    """An H.264 MP4 of `frames` frames; `rotation` sets the display matrix as phones do."""
    out = av.open(str(path), "w", options={"movflags": "+faststart"} if faststart else {})
    stream = out.add_stream("libx264", rate=fps)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    stream.options = {"preset": "ultrafast"}
    if rotation:
        stream.set_display_rotation(rotation)
    for i in range(frames):
        img = painter(i) if painter else np.full((height, width, 3), 100 + i % 5, np.uint8)
        for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
            out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)
    out.close()
    return path


@pytest.fixture
def clip_writer() -> Callable[..., Path]:
    return write_clip


@pytest.fixture
def leaning_clip(tmp_path: Path) -> tuple[Path, Path]:
    """A tiny clip and the keypoints of the LEANING runner (for FakePoseEstimator)."""
    from backstride.video.pose import save_keypoints
    from tests.video._runner import LEANING

    kp = LEANING.keypoints()
    clip = write_clip(tmp_path / "run.mp4", frames=len(kp), width=72, height=128)
    keys = tmp_path / "run.keypoints.npz"
    save_keypoints(keys, kp)
    return clip, keys
