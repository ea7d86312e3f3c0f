"""`backstride form VIDEO`: the running-form check from a phone video."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.padding import Padding
from rich.table import Table

from backstride.present.cli.context import AppContext, pass_app
from backstride.present.cli.output import output_options, print_rows

if TYPE_CHECKING:  # the form model brings numpy (analyse.form) and the KB: not for --help
    from backstride.assess.form_model import Figure, FormResult

#: Units as the terminal writes them.
_UNITS = {
    "deg": "°",
    "steps/min": " steps/min",
    "% leg length": "% of leg",
    "% hip width": "% of hips",
}


def _num(value: float, unit: str) -> str:
    return (
        f"{value:.0f}{_UNITS.get(unit, ' ' + unit)}"
        if unit == "steps/min"
        else (f"{value:.1f}{_UNITS.get(unit, ' ' + unit)}")
    )


def _typical(m: Figure) -> str:
    rng = m.typical_range
    if rng is None:
        return "none published"
    return f"{rng[0]:g} to {_num(rng[1], m.unit).replace('.0', '')}"


def _render(app: AppContext, result: FormResult) -> None:
    c = app.console
    cadence = result.metrics.get("cadence_spm")
    cad = result.cadence_spm and cadence is not None and cadence.value
    c.print(
        f"[bold]Form check[/bold] ({result.view} view): {result.strides_used} strides, "
        f"{result.frames_analysed} frames at {result.fps:.0f} fps"
        + (f", cadence {cad:.0f} steps/min" if cad else "")
    )
    if result.retake:
        c.print("\n[bold yellow]Film again[/bold yellow]")
        for r in result.retake:
            c.print(f"- {r.advice}")
    if result.view_check is not None and result.view_check.wrong:
        c.print("\nNo figures or findings: read from the wrong view they mean nothing.")
    else:
        _figures(app, result.metrics)
        if not result.findings:
            c.print("No form fault crossed a threshold in this clip.")
    for f in result.findings:
        c.print(
            f"\n[bold]{f.title}[/bold] - {f.severity}, {result.label(f.metric).lower()} "
            f"{_num(f.value, f.unit)} (confidence {f.confidence_level})"
        )
        c.print(f"  What it means for your back: {f.meaning}")
        if f.cue:
            c.print(f"  Cue: {f.cue}")
        c.print(f"  Feeds: {f.cause.replace('_', ' ')}  (evidence: {f.evidence})")
    for w in result.warnings:
        c.print(f"[yellow]note:[/yellow] {w}")
    if result.annotated_video:
        c.print(f"annotated video: {result.annotated_video}")
    for finding, path in result.key_frames:
        c.print(f"key frame ({finding}): {path}")
    if result.saved_id:
        c.print(f"Saved as form check {result.saved_id}: the self-check will use these findings.")
    c.print(
        "These are observations linked in studies to load on the back and hips, not a diagnosis."
    )


def _figures(app: AppContext, metrics: dict[str, Figure]) -> None:
    """The figures with the runner's own range and the typical one, then what each means."""
    c = app.console
    table = Table("Figure", "Yours", "Your strides", "Typical", "Sure?", box=None)
    for name, m in metrics.items():
        rng = m.range
        table.add_row(
            m.name or name,
            "-" if m.value is None else _num(m.value, m.unit),
            "-" if rng is None else f"{rng[0]:.1f} to {rng[1]:.1f}",
            _typical(m),
            m.confidence_level,
        )
    c.print()
    c.print(table)
    c.print("\n[bold]What the figures mean[/bold]")
    for name, m in metrics.items():
        c.print(f"[bold]{m.name or name}[/bold]: {m.meaning}")
        why = m.range_note
        if m.typical_range is None:
            note = f"No published range: {why}"
        else:
            level = (m.range_evidence or "").replace("_", " ")
            note = f"Typical {_typical(m)}: {why} (evidence: {level})"
        c.print(Padding(note, (0, 0, 0, 2), expand=False), style="dim")
    c.print()


@click.command("form")
@click.argument("video", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--view",
    type=click.Choice(["side", "rear"]),
    default="side",
    show_default=True,
    help="Where the camera was: beside the runner or behind.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for key-frame PNGs and the annotated MP4.",
)
@click.option(
    "--no-video",
    is_flag=True,
    help="With --out, write only the key-frame pictures, not the annotated video.",
)
@click.option(
    "--save",
    is_flag=True,
    help="Keep the findings so the self-check prefills 'form_observed' from them.",
)
@click.option(
    "--replay-keypoints",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    hidden=True,
    help="Testing: replay recorded keypoints (.npz/.json) instead of running the pose model.",
)
@pass_app
def form_cmd(
    app: AppContext,
    video: Path,
    view: str,
    as_json: bool,
    out_dir: Path | None,
    no_video: bool,
    save: bool,
    replay_keypoints: Path | None,
) -> None:
    """Check running form from a phone video: lean, overstride, pelvic drop, arms, cadence.

    Film 10-20 s of steady running, the whole body in view, the phone still and at hip
    height: side-on for lean and overstride, from behind for pelvic drop and arms.
    A clip that cannot be analysed exits 2 with the reason.

    Example: backstride form treadmill.mp4 --view side --out form-check
    """
    # deferred: numpy and the video stack, only when a clip is analysed
    from backstride.services.form import analyse_video, save_form_evidence

    estimator = None
    if replay_keypoints is not None:
        # deferred with services.form above (numpy)
        from backstride.video.pose import FakePoseEstimator

        estimator = FakePoseEstimator.from_file(replay_keypoints)
    report = analyse_video(
        video,
        view,  # type: ignore[arg-type]
        out_dir,
        estimator=estimator,
        annotate=not no_video,
    )
    saved_id = None
    if save:
        with app.engine.begin() as conn:
            saved_id = save_form_evidence(conn, report, source="cli", clip_name=video.name)
    result = report.result(saved_id=saved_id)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        _render(app, result)


@click.command("form-history")
@output_options
@click.option("--limit", default=20, show_default=True, help="How many checks to list.")
@pass_app
def form_history_cmd(app: AppContext, output: str | None, limit: int) -> None:
    """List saved form checks, newest first; the latest of each view feeds the self-check."""
    # deferred: CLI start-up, see tests/present/test_cli_startup.py (the store, and the
    # form model's numpy)
    from backstride.assess.form_model import FormResult
    from backstride.services import records

    with app.engine.connect() as conn:
        saved = records.recent_form_checks(conn, limit=limit)
    rows: list[dict[str, Any]] = [
        {"id": s.id, "created_at": s.created_at.isoformat(), "source": s.source,
         "clip_name": s.clip_name, **s.report}
        for s in saved
    ]  # fmt: skip
    if print_rows(rows, output):
        return
    if not saved:
        click.echo("No saved form checks: `backstride form VIDEO --save` keeps one.")
    for s in saved:
        result = FormResult.from_json(s.report)
        faults = ", ".join(f.title for f in result.findings) or "no fault crossed a threshold"
        click.echo(f"{s.id:>3}  {s.created_at:%Y-%m-%d}  {result.view:<4}  {s.clip_name}: {faults}")


def register(cli: click.Group) -> None:
    cli.add_command(form_cmd)
    cli.add_command(form_history_cmd)
