"""Phone video → facts about the clip and upright RGB frames (PyAV, FFmpeg inside the wheel).

probe_video(path)          codec, display size after rotation, fps, duration, frame count
iter_frames(path, ...)     upright RGB frames, optionally scaled down, decoded in a thread

Phones store portrait clips as landscape pictures plus a display-rotation matrix; every
frame is turned upright here so nothing downstream has to know. PyAV is imported lazily so
the rest of backstride works without the `video` extra.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from backstride.errors import NotAVideo, OptionalDependencyMissing, UnreadableVideo

Array = npt.NDArray[Any]

#: Above this stream rate a clip is treated as high-speed capture; the frame rate is
#: real time, so timing stays right, but phones also write slowed copies at 30 fps
#: that look like normal video (see `warnings` in the form report).
HIGH_SPEED_FPS = 100.0


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about the clip, with width/height as displayed."""

    path: Path
    codec: str
    width: int
    height: int
    coded_width: int
    coded_height: int
    rotation: int
    fps: float
    duration_s: float
    frame_count: int

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def to_json(self) -> dict[str, Any]:
        return {
            "codec": self.codec,
            "width": self.width,
            "height": self.height,
            "rotation_deg": self.rotation,
            "fps": round(self.fps, 3),
            "duration_s": round(self.duration_s, 3),
            "frame_count": self.frame_count,
        }


def _av() -> Any:
    try:
        import av
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise OptionalDependencyMissing("the video form check", "video") from exc
    return av


def _open(path: Path) -> Any:
    av = _av()
    if not path.is_file():
        raise NotAVideo(f"{path}: no such file")
    try:
        container = av.open(str(path))
    except av.error.InvalidDataError as exc:
        raise NotAVideo(
            f"{path.name}: not a video file, or a truncated one (no readable container index)"
        ) from exc
    except av.error.FFmpegError as exc:
        raise UnreadableVideo(f"{path.name}: cannot open the video: {exc}") from exc
    if not container.streams.video:
        container.close()
        raise NotAVideo(f"{path.name}: the file holds no video stream")
    return container


def _first_frame(container: Any, stream: Any, name: str) -> Any:
    av = _av()
    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError as exc:
        raise UnreadableVideo(f"{name}: the video cannot be decoded: {exc}") from exc
    raise UnreadableVideo(f"{name}: the video stream holds no decodable frame")


def probe_video(path: Path) -> VideoInfo:
    """Facts about the clip; decodes one frame so an unknown codec fails here, not later.

    Raises:
        NotAVideo: not a container FFmpeg recognises, or no video stream.
        UnreadableVideo: the codec is unknown or the first frame does not decode.
    """
    container = _open(path)
    try:
        stream = container.streams.video[0]
        if stream.codec_context is None or not stream.codec_context.name:
            raise UnreadableVideo(f"{path.name}: unknown video codec")
        first = _first_frame(container, stream, path.name)
        rotation = int(round(getattr(first, "rotation", 0) or 0)) % 360
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 0.0
        if fps <= 0:
            raise UnreadableVideo(f"{path.name}: the stream has no frame rate")
        duration = 0.0
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * Fraction(stream.time_base))
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        frames = int(stream.frames or round(duration * fps))
        if duration <= 0 and frames:
            duration = frames / fps
        cw, ch = int(first.width), int(first.height)
        w, h = (ch, cw) if rotation in (90, 270) else (cw, ch)
        return VideoInfo(
            path=path,
            codec=str(stream.codec_context.name),
            width=w,
            height=h,
            coded_width=cw,
            coded_height=ch,
            rotation=rotation,
            fps=fps,
            duration_s=duration,
            frame_count=frames,
        )
    finally:
        container.close()


def scaled_size(width: int, height: int, long_side: int | None) -> tuple[int, int]:
    """Even-sized dimensions with the long side at most `long_side` (None: unchanged)."""
    if not long_side or max(width, height) <= long_side:
        return width - width % 2, height - height % 2
    scale = long_side / max(width, height)
    w, h = round(width * scale), round(height * scale)
    return w - w % 2, h - h % 2


def _upright(image: Array, rotation: int) -> Array:
    # PyAV's rotation is counter-clockwise, as is np.rot90 with positive k.
    k = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(image, k=k)) if k else image


_END = object()


def iter_frames(
    path: Path,
    *,
    long_side: int | None = None,
    info: VideoInfo | None = None,
    start: int = 0,
    stop: int | None = None,
) -> Iterator[Array]:
    """Upright RGB frames (H, W, 3 uint8), scaled so the long side is at most `long_side`.

    `start`/`stop` pick frames [start, stop) by decode order; frames before `start` are
    decoded (H.264 needs them) but not converted, which costs little.

    Decoding and scaling run in a background thread: FFmpeg releases the GIL, so on two
    cores the pose model and the decoder overlap instead of taking turns.

    Raises:
        UnreadableVideo: a frame fails to decode part-way (truncated or corrupt file);
            frames before the failure have been yielded.
    """
    info = info or probe_video(path)
    # Scale in coded orientation, then rotate: same pixels, cheaper than the reverse.
    w, h = scaled_size(info.width, info.height, long_side)
    cw, ch = (h, w) if info.rotation in (90, 270) else (w, h)
    frames: queue.Queue[Any] = queue.Queue(maxsize=8)
    halt = threading.Event()
    av = _av()

    def decode() -> None:
        try:
            container = _open(path)
        except Exception as exc:  # handed to the consumer, raised there
            frames.put(exc)
            return
        try:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for i, frame in enumerate(container.decode(stream)):
                if halt.is_set() or (stop is not None and i >= stop):
                    return
                if i >= start:
                    frames.put(frame.to_ndarray(width=cw, height=ch, format="rgb24"))
        except av.error.FFmpegError as exc:
            frames.put(UnreadableVideo(f"{path.name}: decoding failed part-way: {exc}"))
        finally:
            container.close()
            frames.put(_END)

    worker = threading.Thread(target=decode, name="video-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = frames.get()
            if item is _END:
                break
            if isinstance(item, Exception):
                raise item
            yield _upright(item, info.rotation)
    finally:
        halt.set()
        while worker.is_alive():
            try:
                frames.get(timeout=0.05)
            except queue.Empty:
                pass
        worker.join()
