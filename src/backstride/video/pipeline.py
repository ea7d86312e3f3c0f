"""A clip through the pose model and back out as pictures: the form check's video stages.

estimate_poses(path, ...)      probe, refuse a clip too short or too long, decode and run the
                               pose model (two halves in parallel threads) → PoseClip
write_outputs(path, ...)       key-frame PNGs and the annotated MP4 (two halves in parallel,
                               joined by copying packets) → the report's `outputs`

What is drawn is handed in (`Overlay`, `KeyFrame`): this module knows frames and pixels,
not metrics or findings, so `analyse` and `assess` stay out of it.
"""

from __future__ import annotations

import math
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from backstride.errors import ClipNotAnalysable, UnreadableVideo
from backstride.video.decode import VideoInfo, iter_frames, probe_video, scaled_size
from backstride.video.pose import MediaPipePose, PoseEstimator

Array = npt.NDArray[Any]

#: Long side of the frames given to the pose model. MediaPipe scales to 224/256 px inputs
#: itself; scaling 720p further to 640 px in FFmpeg cost more CPU than it saved
#: (bench/video_bench.py), so only 1080p and 4K phone clips are scaled, to 720p-class.
ANALYSIS_LONG_SIDE = 1280
#: Long side of the annotated video: 720p-class output plays everywhere and encodes fast.
OUTPUT_LONG_SIDE = 720
#: Shortest clip worth decoding (two strides per foot need ~3 s at running cadence).
MIN_DURATION_S = 2.0
#: Longest clip analysed, checked before the pose model starts: 10-60 s of steady running
#: is what the check needs, and keypoints are held for every frame (~4 KB each), so an
#: hour of video would take ~1 GB and an hour of CPU for nothing more.
MAX_DURATION_S = 120.0
#: Thumbnail width for cut detection.
_THUMB_W = 32

#: The names `write_outputs` gives its pictures and video, and the only names the web
#: app's file route serves: one rule for both, so every clip's results can be shown.
OUTPUT_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.(png|mp4)")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")

#: progress(stage, done, total): stage "pose" counts frames estimated, "drawing" frames drawn.
Progress = Callable[[str, int, int], None]


@dataclass
class PoseClip:
    """The clip as the pose model saw it: keypoints per frame and what limits them."""

    info: VideoInfo
    #: (T, 33, 4): x, y normalised, z, visibility; NaN rows where nobody was found
    keypoints: Array
    #: (T, h, w) grey thumbnails for cut detection; None when frame sizes changed mid-clip
    thumbs: Array | None
    warnings: list[str] = field(default_factory=list)
    estimator: str = ""


@dataclass(frozen=True)
class Overlay:
    """What is drawn on every frame of the annotated video."""

    #: (N, 33, 2) landmark pixels at the clip's display size, for frames start..start+N
    xy: Array
    start: int
    #: frames (relative to `start`) where a foot lands: circled
    contacts: frozenset[int]
    label: str


@dataclass(frozen=True)
class KeyFrame:
    """One still to save: frame `frame` of the clip as `<stem>.<tag>.png`, with a caption."""

    frame: int
    tag: str
    caption: tuple[str, ...]


class _Ticker:
    """Counts frames done by every thread of a stage and reports the total so far."""

    def __init__(self, progress: Progress | None, stage: str, total: int) -> None:
        self._progress, self._stage, self._total = progress, stage, total
        self._done = 0
        self._lock = threading.Lock()

    def __call__(self) -> None:
        if self._progress is None:
            return
        with self._lock:  # reported in order, so the last call is the whole count
            self._done += 1
            self._progress(self._stage, self._done, self._total)


def output_stem(clip_name: str) -> str:
    """The part of the clip's name its outputs are named by: ASCII letters, digits, `_`
    and `-`, starting with a letter or digit (`clip` when nothing of the name is left).

    "my run.mp4" gives `my_run`, "Café.mov" `Cafe`, "(1) x.mp4" `1_x`, "бег.mp4" `clip`.
    """
    stem = Path(clip_name.replace("\\", "/")).stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return _UNSAFE.sub("_", ascii_stem).strip("_-")[:60].rstrip("_-") or "clip"


def frame_cap(info: VideoInfo) -> int:
    """Frames read at most, whatever the container claims: MAX_DURATION_S at its rate."""
    return math.ceil(MAX_DURATION_S * info.fps) + 1


def _workers(info: VideoInfo, workers: int | None) -> int:
    """Two halves in parallel on a multi-core machine for clips of 6 s or more."""
    return workers or (2 if (os.cpu_count() or 1) >= 2 and info.duration_s >= 6 else 1)


def _check_duration(path: Path, info: VideoInfo) -> None:
    duration = max(info.duration_s, info.frame_count / info.fps if info.fps else 0.0)
    if duration < MIN_DURATION_S:
        raise ClipNotAnalysable(
            f"{path.name}: too short to analyse ({info.duration_s:.1f} s); two strides per "
            "foot need about 3 s of running - film 10 s or more"
        )
    if duration > MAX_DURATION_S:
        raise ClipNotAnalysable(
            f"{path.name}: too long to analyse ({duration:.0f} s; the limit is "
            f"{MAX_DURATION_S:.0f} s): trim it to 10-60 s of steady running, or film again"
        )


def _thumb(frame: Array) -> Array:
    step = max(1, frame.shape[1] // _THUMB_W)
    return np.asarray(frame[::step, ::step].mean(axis=2), dtype=np.float32)


def estimate_poses(
    path: Path,
    *,
    estimator: PoseEstimator | None = None,
    long_side: int | None = ANALYSIS_LONG_SIDE,
    workers: int | None = None,
    progress: Progress | None = None,
) -> PoseClip:
    """Decode the clip and find the runner's landmarks in every frame.

    Without `estimator`, MediaPipe runs (`workers` instances on parts of the clip, closed
    afterwards); a given estimator always runs alone and stays open.

    Raises:
        NotAVideo, UnreadableVideo: the file cannot be read as video.
        ClipNotAnalysable: too short or too long, said before the pose model starts.
    """
    info = probe_video(path)
    _check_duration(path, info)
    own = estimator is None
    estimators = (
        [estimator] if estimator else [MediaPipePose() for _ in range(_workers(info, workers))]
    )
    try:
        keypoints, thumbs, warnings = estimate_clip(
            path, info, estimators, long_side=long_side, progress=progress
        )
    finally:
        if own:
            for est in estimators:
                est.close()
    if info.fps > 100:
        warnings.append(
            f"High-speed clip ({info.fps:.0f} fps): timing is taken at the recorded rate."
        )
    if info.rotation:
        warnings.append(
            f"The phone stored this clip rotated by {info.rotation} deg; turned upright."
        )
    return PoseClip(info, keypoints, thumbs, warnings, estimators[0].name)


def _estimate_range(
    path: Path,
    info: VideoInfo,
    estimator: PoseEstimator,
    long_side: int | None,
    start: int,
    stop: int | None,
    tick: Callable[[], None],
) -> tuple[list[Array], list[Array], list[str]]:
    rows: list[Array] = []
    thumbs: list[Array] = []
    warnings: list[str] = []
    empty = np.full((33, 4), np.nan)
    try:
        for frame in iter_frames(path, long_side=long_side, info=info, start=start, stop=stop):
            found = estimator.estimate(frame)
            rows.append(empty if found is None else found)
            thumbs.append(_thumb(frame))
            tick()
    except UnreadableVideo as exc:
        if not rows and start == 0:
            raise
        warnings.append(
            f"The file is damaged or cut short after {start + len(rows)} frames ({exc})."
        )
    return rows, thumbs, warnings


def estimate_clip(
    path: Path,
    info: VideoInfo,
    estimators: Sequence[PoseEstimator],
    *,
    long_side: int | None,
    progress: Progress | None = None,
) -> tuple[Array, Array | None, list[str]]:
    """Keypoints (T, 33, 4, NaN where nobody), grey thumbnails (None if sizes vary), warnings.

    With two estimators the clip is split in two halves estimated in parallel threads
    (MediaPipe releases the GIL while its graph runs, and decoding runs in threads of
    its own); each half's tracker starts with a fresh detection, so nothing is shared.
    """
    n = len(estimators)
    bounds = [round(info.frame_count * k / n) for k in range(n + 1)]
    tick = _Ticker(progress, "pose", info.frame_count)
    # A container may understate its length: the last part stops at the cap regardless.
    cap = frame_cap(info)
    if n == 1:
        parts = [_estimate_range(path, info, estimators[0], long_side, 0, cap, tick)]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=n, thread_name_prefix="pose") as pool:
            futures = [
                pool.submit(
                    _estimate_range,
                    path,
                    info,
                    est,
                    long_side,
                    bounds[k],
                    cap if k == n - 1 else bounds[k + 1],
                    tick,
                )
                for k, est in enumerate(estimators)
            ]
            parts = [f.result() for f in futures]
    rows = [r for part in parts for r in part[0]]
    thumbs = [t for part in parts for t in part[1]]
    warnings = [w for part in parts for w in part[2]][:1]
    if info.frame_count and len(rows) < 0.9 * info.frame_count and not warnings:
        warnings.append(
            f"Only {len(rows)} of the {info.frame_count} frames the file announces could be "
            "read: the file looks truncated."
        )
    if not rows:
        raise UnreadableVideo(f"{path.name}: no frame could be decoded")
    same_shape = all(t.shape == thumbs[0].shape for t in thumbs)
    return np.stack(rows), np.stack(thumbs) if same_shape else None, warnings


def write_outputs(
    path: Path,
    info: VideoInfo,
    overlay: Overlay,
    key_frames: Sequence[KeyFrame],
    out_dir: Path,
    *,
    annotate: bool = True,
    workers: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Key-frame PNGs and the annotated MP4, in one more decode pass.

    Like the estimation, the pass runs on two halves in parallel on a multi-core machine;
    the two H.264 segments are joined by copying packets (no second encode).
    Returns {"key_frames": [{"finding": tag, "frame": i, "path": png}], "annotated_video": mp4}.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    keys: dict[int, list[KeyFrame]] = {}
    for k in key_frames:
        keys.setdefault(k.frame, []).append(k)
    stem = output_stem(path.name)
    video_path = out_dir / f"{stem}.annotated.mp4"
    n = _workers(info, workers)
    outputs: dict[str, Any] = {"key_frames": [], "annotated_video": None}
    tick = _Ticker(progress if annotate else None, "drawing", info.frame_count)
    draw = _Drawing(path, info, overlay, out_dir, stem, tick)
    if not annotate or n == 1:
        outputs["key_frames"] = draw(keys, 0, frame_cap(info), video_path if annotate else None)
    else:
        from concurrent.futures import ThreadPoolExecutor

        from backstride.video.annotate import join_mp4

        bounds = [round(info.frame_count * k / n) for k in range(n + 1)]
        parts = [out_dir / f".{stem}.part{k}.mp4" for k in range(n)]
        with ThreadPoolExecutor(max_workers=n, thread_name_prefix="annotate") as pool:
            futures = [
                pool.submit(
                    draw,
                    keys,
                    bounds[k],
                    frame_cap(info) if k == n - 1 else bounds[k + 1],
                    parts[k],
                )
                for k in range(n)
            ]
            outputs["key_frames"] = [kf for f in futures for kf in f.result()]
        joined = join_mp4(parts, video_path)
        for part in parts:
            part.unlink(missing_ok=True)
        if not joined:
            draw({}, 0, frame_cap(info), video_path)
    if annotate:
        outputs["annotated_video"] = str(video_path)
    return outputs


@dataclass(frozen=True)
class _Drawing:
    """Draws frames [first, last) of one clip into a video part and saves its key frames."""

    path: Path
    info: VideoInfo
    overlay: Overlay
    out_dir: Path
    stem: str
    tick: Callable[[], None]

    def __call__(
        self, keys: dict[int, list[KeyFrame]], first: int, last: int, video_path: Path | None
    ) -> list[dict[str, Any]]:
        from backstride.video.annotate import AnnotatedVideo, draw_pose, write_png

        info, ov = self.info, self.overlay
        w, h = scaled_size(info.width, info.height, OUTPUT_LONG_SIDE)
        scale = np.array([w / info.width, h / info.height])
        wanted = {i: k for i, k in keys.items() if first <= i < last}
        saved: list[dict[str, Any]] = []
        if video_path is None and not wanted:
            return saved
        writer = AnnotatedVideo(video_path, width=w, height=h, fps=info.fps) if video_path else None
        stop_at = last if writer is not None else max(wanted) + 1
        try:
            frames = iter_frames(
                self.path, long_side=OUTPUT_LONG_SIDE, info=info, start=first, stop=stop_at
            )
            for i, frame in enumerate(frames, start=first):
                local = i - ov.start
                pts = ov.xy[local] * scale if 0 <= local < len(ov.xy) else None
                if writer is not None:
                    caption = [f"{ov.label}  {i / info.fps:5.1f} s"]
                    writer.write(
                        draw_pose(frame.copy(), pts, caption=caption, contact=local in ov.contacts)
                    )
                    self.tick()
                for k in wanted.get(i, []):
                    pic = draw_pose(frame.copy(), pts, caption=k.caption, contact=True)
                    png = self.out_dir / f"{self.stem}.{k.tag}.png"
                    write_png(png, pic)
                    saved.append({"finding": k.tag, "frame": i, "path": str(png)})
        finally:
            if writer is not None:
                writer.close()
        return saved
