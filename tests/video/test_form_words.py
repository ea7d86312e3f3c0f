"""Issue 17, the form check in words: every figure named and ranged from the KB, a clip
filmed from the other view said so, and retake advice that names the real problem.
All on the synthetic runner through FakePoseEstimator, so each reason is made on purpose."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from backstride.analyse.form import FormAnalysis, analyse_track
from backstride.analyse.form.metrics import Metric
from backstride.assess.form import FormReport, FormResult, form_report, judge_form
from backstride.kb import load_kb
from backstride.present.cli import cli
from backstride.services.form import analyse_video
from backstride.video.pose import FakePoseEstimator, save_keypoints
from tests.video._runner import LEANING, Runner

KB = load_kb()
REAR = Runner(view="rear", width=1280, height=1280)


def _analyse(r: Runner, kp: np.ndarray | None = None, view: str | None = None) -> FormAnalysis:
    return analyse_track(
        r.keypoints() if kp is None else kp,
        fps=r.fps,
        width=r.width,
        height=r.height,
        view=view or r.view,  # type: ignore[arg-type]
    )


def _report(r: Runner, kp: np.ndarray | None = None, view: str | None = None) -> FormReport:
    return form_report(_analyse(r, kp, view), KB, duration_s=r.duration_s)


def _reasons(report: FormReport) -> list[str]:
    return [t.reason for t in report.retake]


@pytest.mark.parametrize("runner", [LEANING, REAR], ids=["side", "rear"])
def test_every_metric_carries_its_name_meaning_and_typical_range_or_why_not(
    runner: Runner,
) -> None:
    data = _report(runner).to_json()
    assert data["metrics"]
    for metric_id, m in data["metrics"].items():
        assert m["name"] and m["name"] != metric_id and m["meaning"]
        rng = m["typical_range"]
        assert rng is None or (len(rng) == 2 and rng[0] < rng[1]), metric_id
        assert isinstance(m["range_note"], str) and m["range_note"], metric_id
        if rng is not None:
            assert m["range_evidence"] and m["range_sources"], metric_id
    assert data["metrics"]["cadence_spm"]["typical_range"] is None
    if runner.view == "side":
        assert data["metrics"]["trunk_lean_deg"]["typical_range"] == [5, 12]


def test_a_clean_clip_from_the_right_view_needs_no_retake() -> None:
    report = _report(Runner())
    assert report.to_json()["view_check"] == {
        "asked": "side", "looks_like": "side", "wrong": False,
        "width_ratio": pytest.approx(0, abs=0.1),
    }  # fmt: skip
    assert report.retake == []


def test_a_rear_clip_read_as_side_says_the_view_looks_wrong_and_judges_nothing() -> None:
    report = _report(REAR, view="side")
    assert report.view_check is not None and report.view_check.looks_like == "rear"
    assert _reasons(report) == ["wrong_view"]
    assert "looks filmed from behind, but was analysed as a side view" in report.retake[0].advice
    assert report.findings == [] and report.form_observed == []


def test_a_side_clip_read_as_rear_says_the_view_looks_wrong() -> None:
    report = _report(LEANING, view="rear")
    assert _reasons(report) == ["wrong_view"]
    assert "looks filmed side-on" in report.retake[0].advice
    # the rear rules read nonsense from a side clip: none of it reaches the runner
    assert report.findings == []
    assert not any("film again with the whole body" in w for w in report.warnings)


def test_a_short_clip_is_called_too_short() -> None:
    report = _report(Runner(duration_s=4))
    assert _reasons(report) == ["too_short"]
    assert "only 4.0 s long" in report.retake[0].advice


def test_a_runner_lost_halfway_gives_few_strides_and_says_the_runner_was_lost() -> None:
    r = Runner(duration_s=10)
    kp = r.keypoints()
    kp[int(5.5 * r.fps) :] = np.nan  # out of the picture after 5.5 s
    report = _report(r, kp)
    assert _reasons(report) == ["few_strides", "runner_lost"]
    assert "Only 5.5 s of the 10.0 s clip" in report.retake[0].advice
    assert "found the runner in only 55% of the frames" in report.retake[1].advice


def test_unsure_landmarks_ask_for_better_light() -> None:
    r = Runner()
    kp = r.keypoints()
    kp[..., 3] = 0.6  # kept (over the 0.5 cut-off), but the model was unsure
    report = _report(r, kp)
    assert _reasons(report) == ["low_confidence"]
    assert "landmark confidence 0.60" in report.retake[0].advice
    assert "light" in report.retake[0].advice


@pytest.mark.parametrize(
    ("per_stride", "why"),
    [
        ([7.0, 8.0], "it was measured on only 2 strides"),
        ([1.0, 12.0, 3.0, 9.0, 2.0, 11.0], "it varies from 1.5 to 11.5 deg between strides"),
        ([6.0] * 6, "the joints it needs were unclear (too small in the picture, hidden or"),
    ],
    ids=["few-strides", "inconsistent", "unclear"],
)
def test_a_figure_too_unsure_to_judge_says_why(per_stride: list[float], why: str) -> None:
    drop = Metric("pelvic_drop_deg", 6.5, "deg", per_stride, confidence=0.2)
    findings, warnings = judge_form({"pelvic_drop_deg": drop}, "rear", KB)
    assert findings == []
    assert warnings[0].startswith(
        "Hip dropping on the free-leg side: the clip suggests it (hip drop"
    )
    assert why in warnings[0] and "whole body in view" not in warnings[0]


@pytest.mark.slow
def test_json_contract_through_the_cli(
    leaning_clip: tuple[Path, Path], runner: CliRunner, cli_env: dict[str, str]
) -> None:
    clip, keys = leaning_clip
    result = runner.invoke(
        cli, ["form", str(clip), "--json", "--replay-keypoints", str(keys)], env=cli_env
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for m in data["metrics"].values():
        assert "typical_range" in m and "range_note" in m
        assert m["typical_range"] is None or len(m["typical_range"]) == 2
    assert data["retake"] == [] and data["view_check"]["wrong"] is False


def _cli_text(
    runner: CliRunner, cli_env: dict[str, str], clip: Path, keys: Path, *args: str
) -> str:
    env = {**cli_env, "COLUMNS": "80"}
    result = runner.invoke(
        cli, ["form", str(clip), "--replay-keypoints", str(keys), *args], env=env
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.slow
def test_cli_text_names_figures_with_ranges_and_fits_80_columns(
    leaning_clip: tuple[Path, Path], runner: CliRunner, cli_env: dict[str, str]
) -> None:
    clip, keys = leaning_clip
    text = _cli_text(runner, cli_env, clip, keys)
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80, text
    assert not re.search(r"\b[a-z]+_[a-z_]+_(deg|spm|pct_leg|leg|frames|hip)\b", text), text
    assert "Trunk lean" in text and "Heel ahead of the hip" in text
    assert "5 to 12°" in text and "none published" in text
    flat = " ".join(text.split())
    assert "No published range: no single range applies, as cadence rises" in flat
    assert "What the figures mean" in flat


@pytest.mark.slow
def test_cli_says_the_view_looks_wrong(
    tmp_path: Path,
    clip_writer: Callable[..., Path],
    runner: CliRunner,
    cli_env: dict[str, str],
) -> None:
    kp = REAR.keypoints()
    clip = clip_writer(tmp_path / "behind.mp4", frames=len(kp), width=64, height=64)
    keys = tmp_path / "behind.npz"
    save_keypoints(keys, kp)
    text = " ".join(_cli_text(runner, cli_env, clip, keys, "--view", "side").split())
    assert "Film again" in text
    assert "looks filmed from behind, but was analysed as a side view" in text
    assert "No figures or findings" in text


@pytest.mark.slow
def test_the_service_passes_the_retake_advice_on(leaning_clip: tuple[Path, Path]) -> None:
    clip, keys = leaning_clip
    report = analyse_video(clip, "rear", estimator=FakePoseEstimator.from_file(keys))
    assert [t.reason for t in report.retake] == ["wrong_view"]


@pytest.mark.parametrize("runner", [LEANING, REAR], ids=["side", "rear"])
def test_the_result_is_the_json_typed_and_reads_back_from_it(runner: Runner) -> None:
    """The shells render `FormResult`: its figures are rounded as the JSON rounds them, so a
    fresh check and the same check read back from the store print the same digits."""
    report = _report(runner)
    result = report.result()
    assert result.to_json() == report.to_json()
    assert FormResult.from_json(result.to_json()) == result
    for metric_id, m in report.metrics.items():
        shown = result.metrics[metric_id]
        assert shown.value == (None if m.value is None else round(m.value, 2))
        assert shown.name == KB.form_metrics[metric_id].name
    assert [f.value for f in result.findings] == [round(f.value, 2) for f in report.findings]
    saved = json.loads(json.dumps({k: v for k, v in result.to_json().items() if k != "outputs"}))
    assert FormResult.from_json(saved) == result


def test_a_check_saved_by_an_older_version_still_reads() -> None:
    """Saved before the view check, the retake advice and the metric words existed."""
    old = {
        "view": "side", "fps": 30.0, "strides_used": 9, "cadence_spm": 172.4,
        "metrics": {"cadence_spm": {"value": 172.4, "unit": "steps/min", "range": None,
                                    "confidence": 0.9, "confidence_level": "high"}},
        "findings": [], "form_observed": [], "warnings": ["short clip"],
    }  # fmt: skip
    result = FormResult.from_json(old)
    assert result.view_check is None and result.retake == [] and result.frames_detected is None
    assert result.metrics["cadence_spm"].name is None
    assert result.label("cadence_spm") == "cadence_spm"
