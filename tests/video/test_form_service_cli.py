"""`analyse_video` and `backstride form` end to end, with the fake estimator on tiny clips."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from backstride import store
from backstride.present.cli import cli
from backstride.services.form import analyse_video, form_evidence, save_form_evidence
from backstride.store import form_checks
from backstride.video.decode import probe_video
from backstride.video.pose import FakePoseEstimator, save_keypoints
from tests.video._runner import LEANING, Runner


@pytest.mark.slow
def test_report_json_contract(leaning_clip: tuple[Path, Path]) -> None:
    clip, keys = leaning_clip
    data = analyse_video(clip, "side", estimator=FakePoseEstimator.from_file(keys)).to_json()
    for key in ("view", "fps", "strides_used", "cadence_spm", "metrics", "findings", "warnings"):
        assert key in data
    assert data["view"] == "side" and data["fps"] == 30
    assert data["cadence_spm"] == pytest.approx(LEANING.cadence_spm, rel=0.01)
    lean = data["metrics"]["trunk_lean_deg"]
    assert set(lean) >= {"value", "unit", "per_stride", "confidence"}
    assert lean["value"] == pytest.approx(20, abs=0.5) and lean["unit"] == "deg"
    assert len(lean["per_stride"]) >= 8
    ids = {f["id"]: f for f in data["findings"]}
    assert ids["trunk_lean_forward"]["fault"] == "lean_from_waist"
    assert ids["trunk_lean_forward"]["cause"] == "running_form"
    assert "ankles" in ids["trunk_lean_forward"]["cue"]
    assert ids["overstride_distance"]["severity"] == "marked"
    assert data["form_observed"] == ["lean_from_waist", "overstride"]
    assert all(isinstance(w, str) for w in data["warnings"])


@pytest.mark.slow
def test_outputs_key_frames_and_a_browser_playable_video(
    leaning_clip: tuple[Path, Path], tmp_path: Path
) -> None:
    clip, keys = leaning_clip
    out = tmp_path / "out"
    report = analyse_video(clip, "side", out, estimator=FakePoseEstimator.from_file(keys))
    video = Path(report.outputs["annotated_video"])
    info = probe_video(video)
    assert (info.codec, info.width, info.height) == ("h264", 72, 128)
    assert info.frame_count == LEANING.n_frames
    pngs = {k["finding"]: Path(k["path"]) for k in report.outputs["key_frames"]}
    assert set(pngs) == {f.id for f in report.findings}
    for png in pngs.values():
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_cli_json_and_save_feed_form_observed(
    leaning_clip: tuple[Path, Path], runner: CliRunner, cli_env: dict[str, str]
) -> None:
    clip, keys = leaning_clip
    result = runner.invoke(
        cli, ["form", str(clip), "--json", "--save", "--replay-keypoints", str(keys)], env=cli_env
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["form_observed"] == ["lean_from_waist", "overstride"]
    assert data["saved_id"] == 1
    engine = store.connect(cli_env["BACKSTRIDE_DB"])
    with engine.connect() as conn:
        evidence = form_evidence(conn)
    engine.dispose()
    assert evidence.answers == {"form_observed": ["lean_from_waist", "overstride"]}
    assert any("Leaning forward from the waist" in line for line in evidence.lines["form_observed"])
    assert not list(Path(cli_env["BACKSTRIDE_DATA_DIR"]).glob("*.json"))  # nothing beside the store


@pytest.mark.slow
def test_cli_text_output_explains_each_finding(
    leaning_clip: tuple[Path, Path], runner: CliRunner, cli_env: dict[str, str]
) -> None:
    clip, keys = leaning_clip
    result = runner.invoke(cli, ["form", str(clip), "--replay-keypoints", str(keys)], env=cli_env)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Leaning forward from the waist" in text
    assert "What it means for your back" in text
    assert "not a diagnosis" in text


def test_cli_exits_2_with_the_reason(
    tmp_path: Path, runner: CliRunner, cli_env: dict[str, str]
) -> None:
    bad = tmp_path / "holiday.mp4"
    bad.write_bytes(b"\x00" * 5000)
    result = runner.invoke(cli, ["form", str(bad)], env=cli_env)
    assert result.exit_code == 2
    assert "not a video file" in result.output


def test_cli_no_runner_exits_2(
    tmp_path: Path, clip_writer: Callable[..., Path], runner: CliRunner, cli_env: dict[str, str]
) -> None:
    clip = clip_writer(tmp_path / "empty.mp4", frames=120)
    keys = tmp_path / "none.npz"
    save_keypoints(keys, np.full((120, 33, 4), np.nan))
    result = runner.invoke(cli, ["form", str(clip), "--replay-keypoints", str(keys)], env=cli_env)
    assert result.exit_code == 2
    assert "no runner found" in result.output


@pytest.mark.slow
def test_the_latest_check_of_each_view_feeds_the_self_check(
    engine: Engine,
    leaning_clip: tuple[Path, Path],
    tmp_path: Path,
    clip_writer: Callable[..., Path],
) -> None:
    clip, keys = leaning_clip
    side = analyse_video(clip, "side", estimator=FakePoseEstimator.from_file(keys))
    upright = Runner(reach_px=5, duration_s=8)
    kp = upright.keypoints()
    plain = clip_writer(tmp_path / "plain.mp4", frames=len(kp), width=72, height=128)
    clean = analyse_video(plain, "side", estimator=FakePoseEstimator(list(kp)))
    assert clean.form_observed == []
    with engine.connect() as conn:
        assert form_evidence(conn).answers == {}
    with engine.begin() as conn:
        save_form_evidence(conn, side, source="cli", clip_name="/phone/a.mp4")
    with engine.connect() as conn:
        evidence = form_evidence(conn)
    assert evidence.answers["form_observed"] == ["lean_from_waist", "overstride"]
    assert all("(a.mp4)" in line for line in evidence.lines["form_observed"])  # name, not path
    with engine.begin() as conn:  # a newer side clip without faults replaces the older one
        save_form_evidence(conn, clean, source="web", clip_name="b.mp4")
    with engine.connect() as conn:
        assert form_evidence(conn).answers == {"form_observed": []}
        assert [s.clip_name for s in form_checks.recent(conn)] == ["b.mp4", "a.mp4"]


@pytest.mark.slow
def test_a_cut_in_the_clip_is_reported_and_skipped(
    tmp_path: Path, clip_writer: Callable[..., Path]
) -> None:
    r = Runner(duration_s=12)
    kp = r.keypoints()
    rng = np.random.default_rng(3)
    shots = [rng.integers(0, 255, (128, 72, 3), dtype=np.uint8) for _ in range(2)]
    clip = clip_writer(
        tmp_path / "edited.mp4",
        frames=len(kp),
        width=72,
        height=128,
        painter=lambda i: shots[int(i >= 240)],
    )
    report = analyse_video(clip, "side", estimator=FakePoseEstimator(list(kp)))
    assert any("cut(s) (at 8.0 s)" in w for w in report.warnings), report.warnings
    assert report.frames_analysed == 240


@pytest.mark.slow
def test_saved_form_check_prefills_the_self_check(
    leaning_clip: tuple[Path, Path], runner: CliRunner, cli_env: dict[str, str]
) -> None:
    clip, keys = leaning_clip
    saved = runner.invoke(
        cli, ["form", str(clip), "--save", "--replay-keypoints", str(keys)], env=cli_env
    )
    assert saved.exit_code == 0, saved.output
    baseline = Path(__file__).resolve().parent.parent / "data" / "answers" / "baseline.yaml"
    result = runner.invoke(
        cli, ["check", "--answers", str(baseline), "--json", "--no-save"], env=cli_env
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["filled_from_training"]["form_observed"] == ["lean_from_waist", "overstride"]
    running_form = next(c for c in data["causes"] if c["id"] == "running_form")
    assert "+ Video shows a lean from the waist" in running_form["evidence"][0]
    assert any("from your training: side video" in line for line in running_form["evidence"])


def test_split_estimation_keeps_frame_order(
    tmp_path: Path, clip_writer: Callable[..., Path]
) -> None:
    """Two estimators on two halves (how the real model uses both cores) join in order."""
    from backstride.video.pipeline import estimate_clip

    kp = Runner(duration_s=3).keypoints()
    clip = clip_writer(tmp_path / "c.mp4", frames=len(kp), width=72, height=128)
    halves = [FakePoseEstimator(list(kp[:45])), FakePoseEstimator(list(kp[45:]))]
    got, thumbs, warnings = estimate_clip(clip, probe_video(clip), halves, long_side=None)
    np.testing.assert_allclose(got, kp)
    assert thumbs is not None and len(thumbs) == len(kp)
    assert warnings == []


@pytest.mark.slow
def test_saved_form_check_reaches_the_plan_cues(
    leaning_clip: tuple[Path, Path], runner: CliRunner, cli_env: dict[str, str]
) -> None:
    clip, keys = leaning_clip
    baseline = Path(__file__).resolve().parent.parent / "data" / "answers" / "baseline.yaml"
    steps = [
        ["form", str(clip), "--save", "--replay-keypoints", str(keys)],
        ["check", "--answers", str(baseline), "--json"],
        ["plan", "--json"],
    ]
    for args in steps:
        result = runner.invoke(cli, args, env=cli_env)
        assert result.exit_code == 0, (args, result.output)
    text = result.output
    assert "lean from the ankles, not the waist" in text
    assert "let your feet land under your hips" in text


@pytest.mark.slow
def test_progress_counts_every_frame_of_both_stages(
    leaning_clip: tuple[Path, Path], tmp_path: Path
) -> None:
    """What the web page's progress bar is fed: frames through the model, then frames drawn."""
    clip, keys = leaning_clip
    seen: list[tuple[str, int, int]] = []
    analyse_video(
        clip,
        "side",
        tmp_path / "out",
        estimator=FakePoseEstimator.from_file(keys),
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    pose = [s for s in seen if s[0] == "pose"]
    drawing = [s for s in seen if s[0] == "drawing"]
    assert [d for _, d, _ in pose] == list(range(1, LEANING.n_frames + 1))
    assert drawing[-1] == ("drawing", LEANING.n_frames, LEANING.n_frames)
    assert seen.index(pose[-1]) < seen.index(drawing[0])


class _NoModel:
    """A pose model that must never be asked: the clip is refused before it runs."""

    name = "none"

    def estimate(self, frame: np.ndarray) -> np.ndarray | None:
        raise AssertionError("the pose model ran on a clip that should have been refused")

    def close(self) -> None:
        pass


def test_a_clip_over_two_minutes_is_refused_before_the_pose_model_runs(
    tmp_path: Path, clip_writer: Callable[..., Path], runner: CliRunner, cli_env: dict[str, str]
) -> None:
    from backstride.errors import ClipNotAnalysable

    long = clip_writer(tmp_path / "long run.mp4", frames=125, width=16, height=16, fps=1)
    with pytest.raises(ClipNotAnalysable) as refused:
        analyse_video(long, "side", tmp_path / "out", estimator=_NoModel())
    assert str(refused.value) == (
        "long run.mp4: too long to analyse (125 s; the limit is 120 s): trim it to 10-60 s "
        "of steady running, or film again"
    )
    assert not (tmp_path / "out").exists()
    result = runner.invoke(cli, ["form", str(long)], env=cli_env)  # the real model's path
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "too long to analyse (125 s; the limit is 120 s)" in result.output


@pytest.mark.slow
def test_outputs_of_a_clip_named_in_another_script_are_named_clip(
    leaning_clip: tuple[Path, Path], tmp_path: Path
) -> None:
    clip, keys = leaning_clip
    renamed = clip.rename(clip.with_name("бег.mp4"))
    report = analyse_video(
        renamed, "side", tmp_path / "out", estimator=FakePoseEstimator.from_file(keys)
    )
    assert Path(report.outputs["annotated_video"]).name == "clip.annotated.mp4"
    assert {Path(k["path"]).name for k in report.outputs["key_frames"]} == {
        f"clip.{f.id}.png" for f in report.findings
    }
