"""Bad and awkward video files: each gets a clear error or warning, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from backstride.errors import ClipNotAnalysable, NotAVideo, UnreadableVideo
from backstride.services.form import analyse_video
from backstride.video.decode import iter_frames, probe_video
from backstride.video.pose import FakePoseEstimator
from tests.video._runner import Runner


def test_text_file_is_not_a_video(tmp_path: Path) -> None:
    p = tmp_path / "notes.mp4"
    p.write_text("this is not a video\n" * 100)
    with pytest.raises(NotAVideo, match="not a video file"):
        probe_video(p)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotAVideo, match="no such file"):
        probe_video(tmp_path / "nope.mp4")


def test_unknown_codec_is_unreadable(tmp_path: Path, clip_writer: Callable[..., Path]) -> None:
    data = clip_writer(tmp_path / "ok.mp4", frames=30).read_bytes()
    p = tmp_path / "odd-codec.mp4"
    p.write_bytes(data.replace(b"avc1", b"zzz1").replace(b"avcC", b"zzzC"))
    with pytest.raises(UnreadableVideo, match="unknown video codec"):
        probe_video(p)


def test_truncated_file_without_index(tmp_path: Path, clip_writer: Callable[..., Path]) -> None:
    data = clip_writer(tmp_path / "ok.mp4", frames=60).read_bytes()
    p = tmp_path / "cut.mp4"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(NotAVideo, match="truncated"):
        probe_video(p)


def test_audio_only_file_has_no_video_stream(tmp_path: Path) -> None:
    import av

    p = tmp_path / "sound.m4a"
    out = av.open(str(p), "w")
    stream = out.add_stream("aac", rate=44100)
    frame = av.AudioFrame.from_ndarray(
        np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
    )
    frame.sample_rate = 44100
    for _ in range(20):
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)
    out.close()
    with pytest.raises(NotAVideo, match="no video stream"):
        probe_video(p)


def test_portrait_phone_clip_with_rotation_is_turned_upright(
    tmp_path: Path, clip_writer: Callable[..., Path]
) -> None:
    def painter(i: int) -> np.ndarray:
        img = np.zeros((64, 96, 3), np.uint8)
        img[:, :16] = 255  # a white band on the coded picture's left edge
        return img

    p = clip_writer(tmp_path / "phone.mp4", frames=5, rotation=90, painter=painter)
    info = probe_video(p)
    assert (info.width, info.height, info.rotation, info.portrait) == (64, 96, 90, True)
    frame = next(iter(iter_frames(p, info=info)))
    assert frame.shape == (96, 64, 3)
    # 90 deg counter-clockwise moves the coded left edge to the bottom
    assert frame[-8:].mean() > 200 and frame[:8].mean() < 50


def test_scaled_frames_keep_the_aspect(tmp_path: Path, clip_writer: Callable[..., Path]) -> None:
    p = clip_writer(tmp_path / "big.mp4", frames=3, width=320, height=180)
    frames = list(iter_frames(p, long_side=160))
    assert [f.shape for f in frames] == [(90, 160, 3)] * 3


def test_clip_under_two_seconds_is_rejected_before_the_model(
    tmp_path: Path, clip_writer: Callable[..., Path]
) -> None:
    p = clip_writer(tmp_path / "short.mp4", frames=45)
    with pytest.raises(ClipNotAnalysable, match=r"too short to analyse \(1.5 s\)"):
        analyse_video(p, "side", estimator=FakePoseEstimator([]))


@pytest.mark.slow
def test_truncated_file_with_index_up_front_warns_and_uses_the_frames_there(
    tmp_path: Path, clip_writer: Callable[..., Path]
) -> None:
    """A phone's faststart MP4 cut short in transfer: the index promises more than exists."""
    r = Runner(duration_s=12)
    kp = r.keypoints()
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 255, (len(kp), 64, 96, 3), dtype=np.uint8)
    p = clip_writer(
        tmp_path / "run.mp4", frames=len(kp), faststart=True, painter=lambda i: noise[i]
    )
    data = p.read_bytes()
    p.write_bytes(data[: len(data) * 2 // 3])
    report = analyse_video(p, "side", estimator=FakePoseEstimator(list(kp)))
    assert any("truncated" in w for w in report.warnings), report.warnings
    assert report.frames_analysed < len(kp)
    assert report.cadence_spm == pytest.approx(r.cadence_spm, rel=0.01)
