"""Annotated-video helpers: segments written in parallel join into one playable H.264 file."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backstride.video.annotate import AnnotatedVideo, join_mp4
from backstride.video.decode import iter_frames, probe_video


def _segment(path: Path, values: range, size: tuple[int, int] = (64, 48)) -> Path:
    w, h = size
    with AnnotatedVideo(path, width=w, height=h, fps=30) as writer:
        for v in values:
            writer.write(np.full((h, w, 3), v, np.uint8))
    return path


def test_segments_join_in_order(tmp_path: Path) -> None:
    parts = [
        _segment(tmp_path / "a.mp4", range(0, 90)),
        _segment(tmp_path / "b.mp4", range(90, 150)),
    ]
    target = tmp_path / "joined.mp4"
    assert join_mp4(parts, target)
    info = probe_video(target)
    assert (info.codec, info.frame_count, info.duration_s) == ("h264", 150, 5.0)
    grey = [int(f[0, 0].mean()) for f in iter_frames(target)]
    assert len(grey) == 150
    assert np.all(np.diff(grey) >= -3)  # rising grey ramp: the halves are in order
    assert abs(grey[89] - 89) <= 3 and abs(grey[90] - 90) <= 3


def test_segments_of_different_sizes_are_not_joined(tmp_path: Path) -> None:
    parts = [
        _segment(tmp_path / "a.mp4", range(0, 30)),
        _segment(tmp_path / "b.mp4", range(0, 30), size=(96, 64)),
    ]
    assert not join_mp4(parts, tmp_path / "joined.mp4")
    assert not (tmp_path / "joined.mp4").exists()
