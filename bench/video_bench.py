"""Form-check benchmark: frames per second and ratio to real time, with and without output.

    python bench/video_bench.py              # 3 repeats per case (about 3-4 min on 2 cores)
    python bench/video_bench.py --repeats 1  # quicker
    python bench/video_bench.py --smoke      # the clip's first 4 s, once: checks it runs

Clips: the treadmill clip of ../shared/videos at its own resolution (720x1280 portrait,
30 fps, 12 s) and the same frames placed on a 1280x720 landscape canvas (720p, the size a
phone held sideways writes). Cases per clip:

- baseline      the bare loop: PyAV decode on the main thread + MediaPipe Pose on every
                full-size frame (what the research notes measured at ~78 fps for 720p);
- analysis      `analyse_video` without outputs: threaded decode (long side <= 1280 px),
                pose on two halves in parallel, cleaning, events, metrics, findings
                (model load included);
- analysis@640  the same with frames scaled to a 640 px long side first;
- annotated     `analyse_video` with --out: plus key-frame PNGs and the H.264 MP4.

Figures are the median of the repeats; "x RT" is fps / clip fps (>= 1 keeps up with the
camera). CPU time is shown next to wall time because the machine is shared: "fps/cpu" =
frames per CPU-second, which other jobs on the machine do not change; with two cores free
the wall-clock fps of the parallel cases approaches up to twice that.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from backstride.services.form import analyse_video
from backstride.video.decode import iter_frames, probe_video
from backstride.video.pose import MediaPipePose

SHARED = Path(os.environ.get("BACKSTRIDE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CLIP = SHARED / "videos" / "side_treadmill_garage_zzzhushi.mp4"


def make_landscape_720p(src: Path, target: Path) -> Path:
    """The portrait frames, centred on a 1280x720 canvas (H.264, same fps)."""
    import av

    out = av.open(str(target), "w")
    stream = out.add_stream("libx264", rate=30)
    stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
    stream.options = {"preset": "veryfast", "crf": "20"}
    for frame in iter_frames(src, long_side=720):
        canvas = np.full((720, 1280, 3), 40, np.uint8)
        h, w = frame.shape[:2]
        x = (1280 - w) // 2
        canvas[:h, x : x + w] = frame
        for packet in stream.encode(av.VideoFrame.from_ndarray(canvas, format="rgb24")):
            out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)
    out.close()
    return target


def first_seconds(src: Path, target: Path, seconds: float) -> Path:
    """The clip's first `seconds`, re-encoded (H.264, same size and fps)."""
    import av

    info = probe_video(src)
    out = av.open(str(target), "w")
    stream = out.add_stream("libx264", rate=round(info.fps))
    stream.pix_fmt, stream.options = "yuv420p", {"preset": "veryfast", "crf": "20"}
    for n, frame in enumerate(iter_frames(src)):
        if n >= seconds * info.fps:
            break
        if n == 0:
            stream.height, stream.width = frame.shape[:2]
        for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
            out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)
    out.close()
    return target


def bare_loop(path: Path) -> int:
    """Decode + estimate on one thread, no analysis: the in-run baseline."""
    import av

    pose = MediaPipePose()
    n = 0
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            pose.estimate(frame.to_ndarray(format="rgb24"))
            n += 1
    pose.close()
    return n


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--smoke", action="store_true", help="the clip's first 4 s, once, no 720p copy (tests)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.repeats = 1
    if not CLIP.exists():
        print(f"{CLIP} not found (set BACKSTRIDE_SHARED)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        if args.smoke:
            clips = {"own, first 4 s": first_seconds(CLIP, tmpd / "s.mp4", 4.0)}
        else:
            landscape = make_landscape_720p(CLIP, tmpd / "l.mp4")
            clips = {"own 720x1280": CLIP, "720p 1280x720": landscape}
        print(
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, {args.repeats} repeats"
        )
        print(
            f"{'clip':<15} {'case':<14} {'wall s':>7} {'cpu s':>7} {'fps':>7} {'x RT':>6} "
            f"{'fps/cpu':>8}"
        )
        for label, path in clips.items():
            info = probe_video(path)
            n = info.frame_count
            cases: dict[str, Callable[[], object]] = {
                "baseline": lambda p=path: bare_loop(p),
                "analysis": lambda p=path: analyse_video(p, "side"),
                "analysis@640": lambda p=path: analyse_video(p, "side", analysis_long_side=640),
                "annotated": lambda p=path: analyse_video(p, "side", tmpd / "out"),
            }
            for case, fn in cases.items():
                wall, cpu = timed(fn, args.repeats)
                fps = n / wall
                print(
                    f"{label:<15} {case:<14} {wall:7.2f} {cpu:7.2f} {fps:7.1f} "
                    f"{fps / info.fps:6.2f} {n / cpu:8.1f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
