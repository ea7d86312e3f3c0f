"""The form analysis on a synthetic runner whose cadence, lean, overstride and drop are known."""

from __future__ import annotations

import numpy as np
import pytest

from backstride.analyse.form import analyse_track, find_cuts
from backstride.assess.form import judge_form
from backstride.errors import ClipNotAnalysable
from backstride.kb import load_kb
from tests.video._runner import Runner


def _run(r: Runner, kp: np.ndarray | None = None):  # type: ignore[no-untyped-def]
    return analyse_track(
        r.keypoints() if kp is None else kp,
        fps=r.fps,
        width=r.width,
        height=r.height,
        view=r.view,  # type: ignore[arg-type]
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "runner",
    [
        Runner(),
        Runner(facing=-1, cadence_spm=180, trunk_lean_deg=18, reach_px=90),
        Runner(fps=60, cadence_spm=160, trunk_lean_deg=-3, reach_px=10),
        Runner(
            cadence_spm=150,
            duration_s=5,
            width=1280,
            height=720,
            hip_y=250,
            ground_y=690,
            trunk_px=180,
            bob_px=8,
            lift_px=60,
        ),
    ],
    ids=["170spm-right", "180spm-left-leaning", "60fps-upright", "landscape-small"],
)
def test_side_metrics_match_the_runner_they_were_built_from(runner: Runner) -> None:
    a = _run(runner)
    m = a.metrics
    assert m["cadence_spm"].value == pytest.approx(runner.cadence_spm, rel=0.01)
    assert m["trunk_lean_deg"].value == pytest.approx(runner.trunk_lean_deg, abs=0.5)
    # contact is found within a frame, while the belt moves the heel a few % of leg length
    assert m["overstride_pct_leg"].value == pytest.approx(runner.overstride_pct_leg, abs=3.0)
    assert m["trunk_lean_deg"].confidence_level == "high"
    assert a.metric_set.direction == runner.facing
    assert a.strides_used >= 2


@pytest.mark.slow
def test_rear_pelvic_drop_matches_the_built_in_drop() -> None:
    r = Runner(view="rear", pelvic_drop_deg=6.0, width=1280, height=1280)
    a = _run(r)
    assert a.metrics["pelvic_drop_deg"].value == pytest.approx(6.0, abs=0.5)
    assert a.metrics["pelvic_drop_deg"].confidence_level == "high"
    assert a.metrics["arms_cross_pct_frames"].value == 0.0
    level = _run(Runner(view="rear", pelvic_drop_deg=0.0, width=1280, height=1280))
    assert level.metrics["pelvic_drop_deg"].value == pytest.approx(0.0, abs=0.5)


def test_small_runner_from_behind_gives_a_low_confidence_flag() -> None:
    r = Runner(view="rear", pelvic_drop_deg=6.0, hip_width_px=24, width=1280, height=1280)
    a = _run(r)
    assert a.metrics["pelvic_drop_deg"].confidence_level == "low"
    assert any("only ~24 px wide" in w for w in a.warnings)


def test_too_short_for_two_strides_per_foot_is_rejected_with_the_reason() -> None:
    r = Runner(duration_s=1.6)
    with pytest.raises(ClipNotAnalysable, match=r"too short to analyse: \d steps found"):
        _run(r)


def test_nobody_in_the_frames_is_rejected() -> None:
    r = Runner()
    kp = r.keypoints()
    kp[: int(0.6 * len(kp))] = np.nan
    with pytest.raises(ClipNotAnalysable, match="no runner found: .* 40% of the frames"):
        _run(r, kp)


def test_runner_leaving_the_frame_is_analysed_on_the_stretch_in_view() -> None:
    r = Runner(duration_s=12)
    kp = r.keypoints()
    kp[-90:, :, 0] += 0.8  # runs out of the picture to the right for the last 3 s
    a = _run(r, kp)
    assert a.segment[1] <= len(kp) - 90
    assert any("out of view" in w for w in a.warnings)
    assert a.metrics["cadence_spm"].value == pytest.approx(r.cadence_spm, rel=0.01)


@pytest.mark.slow
def test_tracker_jumping_to_someone_else_is_flagged() -> None:
    r = Runner(duration_s=12)
    kp = r.keypoints()
    kp[200:, :, 0] -= 0.35  # a different person, far to the left
    a = _run(r, kp)
    assert any("several people" in w for w in a.warnings)


@pytest.mark.slow
def test_slow_motion_withholds_the_cadence() -> None:
    r = Runner(cadence_spm=170, fps=30)
    slowed = Runner(cadence_spm=170 / 4, fps=30, duration_s=30)  # 4x slow playback
    a = _run(slowed)
    assert a.metrics["cadence_spm"].confidence == 0.0
    assert any("slow motion" in w for w in a.warnings)
    assert _run(r).metrics["cadence_spm"].confidence > 0.7


def test_cuts_are_found_in_thumbnails() -> None:
    rng = np.random.default_rng(1)
    base = rng.integers(0, 255, (18, 32)).astype(np.float32)
    thumbs = np.stack([base + rng.normal(0, 2, base.shape) for _ in range(60)])
    thumbs[30:] = 255 - thumbs[30:]
    assert find_cuts(thumbs) == [30]
    assert find_cuts(thumbs[:30]) == []


@pytest.mark.parametrize(
    ("runner", "rule", "severity"),
    [
        (Runner(trunk_lean_deg=20), "trunk_lean_forward", "marked"),
        (Runner(trunk_lean_deg=13), "trunk_lean_forward", "mild"),
        (Runner(reach_px=120), "overstride_distance", "marked"),
        (Runner(trunk_lean_deg=-8), "chest_high_leaning_back", "marked"),
    ],
)
def test_findings_follow_the_kb_thresholds(runner: Runner, rule: str, severity: str) -> None:
    kb = load_kb()
    findings, _ = judge_form(_run(runner).metrics, "side", kb)
    by_id = {f.id: f for f in findings}
    assert rule in by_id
    assert by_id[rule].severity == severity
    assert by_id[rule].cue


def test_good_form_gives_no_finding() -> None:
    findings, _ = judge_form(_run(Runner(trunk_lean_deg=6, reach_px=20)).metrics, "side", load_kb())
    assert findings == []


def test_pelvic_drop_finding_feeds_weak_glutes() -> None:
    r = Runner(view="rear", pelvic_drop_deg=9.0, width=1280, height=1280)
    findings, _ = judge_form(_run(r).metrics, "rear", load_kb())
    drop = next(f for f in findings if f.id == "pelvic_drop")
    assert (drop.cause, drop.severity, drop.fault) == ("weak_glutes", "marked", None)


def test_standing_person_is_not_steady_running() -> None:
    r = Runner(duration_s=6)
    kp = r.keypoints()
    kp[:] = kp[15]  # a person standing still for 6 s
    with pytest.raises(ClipNotAnalysable, match="no steady running found: 0 steps in 6.0 s"):
        _run(r, kp)
