"""The video form check: decode → pose → metrics → findings → pictures and annotated video.

analyse_video(path, view, out_dir)   the whole check; returns a FormReport (to_json for the web)
save_form_evidence(conn, report, ...) keep a check in the store (the latest per view feeds
                                     the self-check's form_observed)
form_evidence(conn)                  those saved findings as self-check evidence
"""

from __future__ import annotations

import logging
import math
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from backstride.analyse.form import FormAnalysis, View, analyse_track, find_cuts
from backstride.assess.form import Finding, FormReport, judge_form
from backstride.errors import ClipNotAnalysable, OptionalDependencyMissing, UnreadableVideo
from backstride.ingest.video import VideoInfo, iter_frames, probe_video, scaled_size
from backstride.kb import KnowledgeBase, load_kb
from backstride.models import TrainingEvidence
from backstride.store import form_checks
from backstride.video.pose import MediaPipePose, PoseEstimator

Array = npt.NDArray[Any]

log = logging.getLogger(__name__)

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

#: Folder under the data dir holding each web form check's key frames and annotated video.
FORM_OUTPUT_DIR = "form"
#: The names `write_outputs` gives its pictures and video, and the only names the web
#: app's file route serves: one rule for both, so every clip's results can be shown.
OUTPUT_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.(png|mp4)")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
#: Where saved findings lived before the store had a form_checks table (deleted on sight).
LEGACY_EVIDENCE_FILE = "form_check.json"


#: progress(stage, done, total): stage "pose" counts frames estimated, "drawing" frames drawn.
Progress = Callable[[str, int, int], None]


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
) -> tuple[Array, list[int], list[str]]:
    """Keypoints (T, 33, 4, NaN where nobody), cut frames and warnings.

    With two estimators the clip is split in two halves estimated in parallel threads
    (MediaPipe releases the GIL while its graph runs, and decoding runs in threads of
    its own); each half's tracker starts with a fresh detection, so nothing is shared.
    """
    n = len(estimators)
    bounds = [round(info.frame_count * k / n) for k in range(n + 1)]
    parts: list[tuple[list[Array], list[Array], list[str]]] = []
    tick = _Ticker(progress, "pose", info.frame_count)
    # A container may understate its length: the last part stops at the cap regardless.
    cap = frame_cap(info)
    if n == 1:
        parts.append(_estimate_range(path, info, estimators[0], long_side, 0, cap, tick))
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
    cuts = find_cuts(np.stack(thumbs)) if same_shape else []
    return np.stack(rows), cuts, warnings


def analyse_video(
    path: Path,
    view: View = "side",
    out_dir: Path | None = None,
    *,
    estimator: PoseEstimator | None = None,
    kb: KnowledgeBase | None = None,
    analysis_long_side: int | None = ANALYSIS_LONG_SIDE,
    annotate: bool = True,
    workers: int | None = None,
    progress: Progress | None = None,
) -> FormReport:
    """Analyse a clip; with `out_dir`, also write key-frame PNGs and an annotated MP4 there.

    `workers`: pose-model instances run in parallel on halves of the clip (default: 2 on
    a multi-core machine for clips of 6 s or more; a given `estimator` always runs alone).
    `progress` is called after each frame (from worker threads) for a progress bar.

    Raises:
        NotAVideo, UnreadableVideo: the file cannot be read as video.
        ClipNotAnalysable: readable, but too short, nobody in it, or no steady running.
    """
    info = probe_video(path)
    _check_duration(path, info)
    kb = kb or load_kb()
    own = estimator is None
    if estimator is not None:
        estimators: list[PoseEstimator] = [estimator]
    else:
        n = workers or (2 if (os.cpu_count() or 1) >= 2 and info.duration_s >= 6 else 1)
        estimators = [MediaPipePose() for _ in range(n)]
    try:
        keypoints, cuts, warnings = estimate_clip(
            path, info, estimators, long_side=analysis_long_side, progress=progress
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
    analysis = analyse_track(
        keypoints, fps=info.fps, width=info.width, height=info.height, view=view, cuts=cuts
    )
    findings, judged_warnings = judge_form(analysis.metrics, view, kb)
    report = FormReport(
        view=view,
        fps=info.fps,
        duration_s=info.duration_s,
        frames_analysed=analysis.segment[1] - analysis.segment[0],
        frames_detected=analysis.frames_detected,
        strides_used=analysis.strides_used,
        cadence_spm=analysis.metrics["cadence_spm"].value
        if analysis.metrics["cadence_spm"].confidence > 0
        else None,
        metrics=analysis.metrics,
        findings=findings,
        warnings=warnings + analysis.warnings + judged_warnings,
        video=info.to_json(),
        estimator=estimators[0].name,
        kb_version=kb.version,
    )
    if out_dir is not None:
        report.outputs = write_outputs(
            path,
            info,
            analysis,
            findings,
            out_dir,
            annotate=annotate,
            workers=workers,
            progress=progress,
        )
    return report


def _key_frames(analysis: FormAnalysis, findings: list[Finding]) -> dict[int, list[Finding]]:
    """The frame (whole clip) of the stride closest to the median, per finding."""
    wanted: dict[int, list[Finding]] = {}
    start = analysis.segment[0]
    for f in findings:
        m = analysis.metrics[f.metric]
        if not m.frames:
            continue
        i = int(np.argmin([abs(v - f.value) for v in m.per_stride]))
        wanted.setdefault(start + m.frames[i], []).append(f)
    return wanted


def write_outputs(
    path: Path,
    info: VideoInfo,
    analysis: FormAnalysis,
    findings: list[Finding],
    out_dir: Path,
    *,
    annotate: bool = True,
    workers: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Key-frame PNGs per finding and the annotated MP4, in one more decode pass.

    Like the estimation, the pass runs on two halves in parallel on a multi-core machine;
    the two H.264 segments are joined by copying packets (no second encode).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    keys = _key_frames(analysis, findings)
    stem = output_stem(path.name)
    video_path = out_dir / f"{stem}.annotated.mp4"
    n = workers or (2 if (os.cpu_count() or 1) >= 2 and info.duration_s >= 6 else 1)
    outputs: dict[str, Any] = {"key_frames": [], "annotated_video": None}
    tick = _Ticker(progress if annotate else None, "drawing", info.frame_count)
    if not annotate or n == 1:
        target = video_path if annotate else None
        outputs["key_frames"] = _annotate_range(
            path, info, analysis, keys, 0, frame_cap(info), target, out_dir, tick
        )
    else:
        from concurrent.futures import ThreadPoolExecutor

        bounds = [round(info.frame_count * k / n) for k in range(n + 1)]
        parts = [out_dir / f".{stem}.part{k}.mp4" for k in range(n)]
        with ThreadPoolExecutor(max_workers=n, thread_name_prefix="annotate") as pool:
            futures = [
                pool.submit(
                    _annotate_range,
                    path,
                    info,
                    analysis,
                    keys,
                    bounds[k],
                    frame_cap(info) if k == n - 1 else bounds[k + 1],
                    parts[k],
                    out_dir,
                    tick,
                )
                for k in range(n)
            ]
            outputs["key_frames"] = [kf for f in futures for kf in f.result()]
        from backstride.video.annotate import join_mp4

        joined = join_mp4(parts, video_path)
        for part in parts:
            part.unlink(missing_ok=True)
        if not joined:
            _annotate_range(path, info, analysis, {}, 0, frame_cap(info), video_path, out_dir, tick)
    if annotate:
        outputs["annotated_video"] = str(video_path)
    return outputs


def _annotate_range(
    path: Path,
    info: VideoInfo,
    analysis: FormAnalysis,
    keys: dict[int, list[Finding]],
    first: int,
    last: int | None,
    video_path: Path | None,
    out_dir: Path,
    tick: Callable[[], None],
) -> list[dict[str, Any]]:
    """Draw frames [first, last) into `video_path` (if any) and the key frames among them."""
    from backstride.video.annotate import AnnotatedVideo, draw_pose, write_png

    w, h = scaled_size(info.width, info.height, OUTPUT_LONG_SIDE)
    sx, sy = w / info.width, h / info.height
    start, stop = analysis.segment
    xy = analysis.track.xy
    contacts = {s.ic for s in analysis.gait.steps}
    wanted = {i: f for i, f in keys.items() if i >= first and (last is None or i < last)}
    key_frames: list[dict[str, Any]] = []
    if video_path is None and not wanted:
        return key_frames
    writer = AnnotatedVideo(video_path, width=w, height=h, fps=info.fps) if video_path else None
    stop_at = last if writer is not None else max(wanted) + 1
    try:
        frames = iter_frames(path, long_side=OUTPUT_LONG_SIDE, info=info, start=first, stop=stop_at)
        for i, frame in enumerate(frames, start=first):
            local = i - start
            pts = xy[local] * np.array([sx, sy]) if 0 <= local < stop - start else None
            if writer is not None:
                caption = [f"{analysis.view} view  {i / info.fps:5.1f} s"]
                writer.write(
                    draw_pose(frame.copy(), pts, caption=caption, contact=local in contacts)
                )
                tick()
            for f in wanted.get(i, []):
                pic = draw_pose(
                    frame.copy(),
                    pts,
                    caption=[f.title, f"{f.metric} = {f.value:.1f} {f.unit} ({f.severity})"],
                    contact=True,
                )
                png = out_dir / f"{output_stem(path.name)}.{f.id}.png"
                write_png(png, pic)
                key_frames.append({"finding": f.id, "frame": i, "path": str(png)})
    finally:
        if writer is not None:
            writer.close()
    return key_frames


def save_form_evidence(
    conn: Connection,
    report: FormReport,
    *,
    source: str,
    clip_name: str,
    output_key: str | None = None,
) -> int:
    """Keep a check in the store; the latest per view prefills the self-check's form_observed.

    Returns the saved check's id. `source` is the shell ("cli", "web"); `clip_name` the
    file name as the runner knows it (never the path it was read from).
    """
    return form_checks.add(
        conn,
        report=report.to_json(),
        source=source,
        clip_name=Path(clip_name).name,
        output_key=output_key,
    )


def form_evidence(conn: Connection) -> TrainingEvidence:
    """The latest saved check of each view as self-check evidence for `form_observed`."""
    latest = form_checks.latest_per_view(conn)
    if not latest:
        return TrainingEvidence()
    faults: set[str] = set()
    lines: list[str] = []
    for view, saved in sorted(latest.items()):
        faults.update(saved.form_observed)
        findings = saved.report.get("findings") or []
        assert isinstance(findings, list)
        for f in findings:
            lines.append(
                f"{view} video {saved.created_at:%Y-%m-%d} ({saved.clip_name}): "
                f"{f['title']} ({f['severity']})"
            )
    return TrainingEvidence(
        answers={"form_observed": sorted(faults)}, lines={"form_observed": lines}
    )


def remove_form_files(data_dir: Path) -> int:
    """Delete the web app's form-check pictures and videos (and the findings file of earlier versions).

    Delete-all calls this beside emptying the tables: the annotated videos show the
    runner, so they must not outlive the data they belong to. Returns folders removed.
    """
    (data_dir / LEGACY_EVIDENCE_FILE).unlink(missing_ok=True)
    root = data_dir / FORM_OUTPUT_DIR
    if not root.is_dir():
        return 0
    removed = 0
    for folder in root.iterdir():
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def missing_video_support() -> str | None:
    """Why the form check cannot run on this installation, or None when it can.

    Only looks: PyAV is imported (it is light), MediaPipe only located (importing it
    loads the model runtime, which the check itself does when it starts).
    """
    import importlib.util

    try:
        import av  # noqa: F401

        found = importlib.util.find_spec("mediapipe") is not None
    except (ImportError, ValueError):
        found = False
    if found:
        return None
    return str(OptionalDependencyMissing("the form check from a video", "video"))
