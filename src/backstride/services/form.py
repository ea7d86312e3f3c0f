"""The video form check: the clip through the pose model, measured, judged, drawn.

analyse_video(path, view, out_dir)   the whole check; returns a FormReport (to_json for the web)
save_form_evidence(conn, report, ...) keep a check in the store (the latest per view feeds
                                     the self-check's form_observed)
form_evidence(conn)                  those saved findings as self-check evidence

The stages live where their kind of work does: `video.pipeline` (decode, pose model,
annotated outputs), `analyse.form` (numbers), `assess.form` (findings, advice).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import numpy as np
from sqlalchemy import Connection

from backstride.analyse.form import FormAnalysis, View, analyse_track, find_cuts
from backstride.assess.form import FormReport, form_report
from backstride.errors import OptionalDependencyMissing
from backstride.kb import KnowledgeBase, load_kb
from backstride.models import TrainingEvidence
from backstride.store import form_checks
from backstride.video.pipeline import (
    ANALYSIS_LONG_SIDE,
    KeyFrame,
    Overlay,
    Progress,
    estimate_poses,
    write_outputs,
)
from backstride.video.pose import PoseEstimator

#: Folder under the data dir holding each web form check's key frames and annotated video.
FORM_OUTPUT_DIR = "form"


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

    `estimator` replaces the pose model (which otherwise runs as `workers` instances on
    parts of the clip); `progress` is called after each frame, from worker threads.

    Raises:
        NotAVideo, UnreadableVideo: the file cannot be read as video.
        ClipNotAnalysable: readable, but too short, nobody in it, or no steady running.
    """
    clip = estimate_poses(
        path, estimator=estimator, long_side=analysis_long_side, workers=workers, progress=progress
    )
    info = clip.info
    cuts = find_cuts(clip.thumbs) if clip.thumbs is not None else []
    analysis = analyse_track(
        clip.keypoints, fps=info.fps, width=info.width, height=info.height, view=view, cuts=cuts
    )
    kb = kb or load_kb()
    report = form_report(
        analysis,
        kb,
        duration_s=info.duration_s,
        video=info.to_json(),
        estimator=clip.estimator,
        warnings=clip.warnings,
    )
    if out_dir is not None:
        report.outputs = write_outputs(
            path,
            info,
            _overlay(analysis),
            _key_frames(analysis, report),
            out_dir,
            annotate=annotate,
            workers=workers,
            progress=progress,
        )
    return report


def _overlay(analysis: FormAnalysis) -> Overlay:
    return Overlay(
        xy=analysis.track.xy,
        start=analysis.segment[0],
        contacts=frozenset(s.ic for s in analysis.gait.steps),
        label=f"{analysis.view} view",
    )


def _key_frames(analysis: FormAnalysis, report: FormReport) -> list[KeyFrame]:
    """Per finding, the frame (whole clip) of the stride closest to the median."""
    wanted: list[KeyFrame] = []
    for f in report.findings:
        m = analysis.metrics[f.metric]
        if not m.frames:
            continue
        i = int(np.argmin([abs(v - f.value) for v in m.per_stride]))
        about = report.described.get(f.metric)
        name = f.metric if about is None else about.name
        caption = (f.title, f"{name} {f.value:.1f} {f.unit} ({f.severity})")
        wanted.append(KeyFrame(analysis.segment[0] + m.frames[i], f.id, caption))
    return wanted


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
    """Delete the web app's form-check pictures and videos.

    Delete-all calls this beside emptying the tables: the annotated videos show the
    runner, so they must not outlive the data they belong to. Returns folders removed.
    """
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
    try:
        import av  # noqa: F401

        found = importlib.util.find_spec("mediapipe") is not None
    except (ImportError, ValueError):
        found = False
    if found:
        return None
    return str(OptionalDependencyMissing("the form check from a video", "video"))
