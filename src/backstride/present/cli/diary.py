"""`backstride diary add|list`: the pain diary; a warning sign re-runs the safety screen first."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import click

from backstride.errors import InvalidDiaryEntry
from backstride.models import DiaryEntry
from backstride.present.cli.context import AppContext, pass_app
from backstride.present.cli.output import output_options, print_rows

_PAIN = click.IntRange(0, 10)


def _psfs(values: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    out = []
    for raw in values:
        name, _, score = raw.rpartition("=")
        try:
            out.append((name.strip(), int(score)))
        except ValueError as exc:
            raise InvalidDiaryEntry(
                f"--psfs `{raw}`: write ACTIVITY=SCORE, e.g. 'running 10 km=6'"
            ) from exc
    return tuple(out)


@click.group("diary")
def diary_group() -> None:
    """The pain diary: one entry per day and per run or strength session."""


@diary_group.command("add")
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="Day of the entry (default today)."
)
@click.option(
    "--kind", type=click.Choice(["day", "run", "strength"]), default="day", show_default=True
)
@click.option("--during", type=_PAIN, help="Pain 0-10 during the run/session (or the day).")
@click.option("--after", type=_PAIN, help="Pain 0-10 after it.")
@click.option("--next-morning", type=_PAIN, help="Pain 0-10 the next morning.")
@click.option(
    "--onset",
    help="Where it started: start_of_run, after_fatigue, after_run, next_morning, constant.",
)
@click.option(
    "--character", multiple=True, help="dull_ache, muscular_tightness, stiffness, sharp, burning."
)
@click.option("--helped", help="What helped.")
@click.option("--notes", default="", help="Free notes.")
@click.option(
    "--warning",
    "warnings",
    multiple=True,
    help=(
        "A warning sign, by the self-check question it answers (repeat for several): "
        "saddle_numbness, bladder_bowel_change, sexual_function_change, both_legs_symptoms, "
        "leg_weakness_stable, leg_weakness_worsening, trauma (a fall or blow), fever_or_unwell, "
        "unexplained_weight_loss, constant_night_pain, numbness_tingling, pain_radiates_leg, "
        "bony_tenderness (new pinpoint bone pain or pain on hopping), "
        "recent_spinal_procedure_or_infection."
    ),
)
@click.option(
    "--psfs",
    multiple=True,
    help="Patient-Specific Functional Scale (Stratford et al. 1995, with the authors' permission): 'ACTIVITY=SCORE', 0 unable to 10 as before.",
)
@click.option(
    "--activity-id", type=int, help="Link to an imported run (see `backstride activities`)."
)
@click.option("--stiffness", type=_PAIN, help="Morning stiffness 0-10 (a day entry).")
@click.option(
    "--sleep", "sleep_h", type=click.FloatRange(0, 24), help="Hours slept the night before."
)
@click.option(
    "--fuelled/--not-fuelled", default=None, help="Whether a run was fuelled with carbohydrate."
)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), hidden=True)
@pass_app
def add_cmd(
    app: AppContext,
    on: datetime | None,
    kind: str,
    during: int | None,
    after: int | None,
    next_morning: int | None,
    onset: str | None,
    character: tuple[str, ...],
    helped: str | None,
    notes: str,
    warnings: tuple[str, ...],
    psfs: tuple[str, ...],
    activity_id: int | None,
    stiffness: int | None,
    sleep_h: float | None,
    fuelled: bool | None,
    today: datetime | None,
) -> None:
    """Add an entry. Example: backstride diary add --kind run --during 3 --next-morning 2"""
    # Imported here so `diary --help` and `diary add --help` need neither the KB nor the store.
    from backstride.kb import load_kb
    from backstride.present.report.terminal import render_result
    from backstride.services.diary import add_entry

    day = today.date() if today else date.today()
    entry = DiaryEntry(
        on.date() if on else day, kind, during, after, next_morning, onset, character,
        helped, notes, warnings, _psfs(psfs), activity_id,
        morning_stiffness=stiffness, sleep_h=sleep_h, fuelled=fuelled,
    )  # fmt: skip
    with app.engine.begin() as conn:
        result = add_entry(conn, entry=entry, kb=load_kb(), today=day)
    if result.recheck is not None:  # the safety result comes first, before anything else
        render_result(app.console, result.recheck)
        if result.plan_withdrawn:
            app.console.print("[bold red]Your plan is withdrawn until you have been seen.")
    click.echo(f"Saved {entry.kind} entry for {entry.entry_date}.")


def _pain(value: int | None) -> str:
    return "-" if value is None else str(value)


@diary_group.command("list")
@output_options
@pass_app
def list_cmd(app: AppContext, output: str | None) -> None:
    """List diary entries, oldest first."""
    # deferred: CLI start-up, see tests/present/test_cli_startup.py (KB, store)
    from backstride.kb import load_kb
    from backstride.services import records

    with app.engine.connect() as conn:
        entries = records.diary_entries(conn)
    rows = [{**asdict(e), "entry_date": e.entry_date.isoformat()} for e in entries]
    if print_rows(rows, output):
        return
    if not entries:
        click.echo("No diary entries yet: `backstride diary add --during N` logs today's pain.")
        return
    # deferred with the store: rich's tables are not needed to add an entry
    from backstride.present.cli import tables

    table = tables.table(
        "date", "entry", ("during", "right"), ("after", "right"), ("next am", "right"),
        ("notes", "text"), title="Pain 0-10 (for a day entry, \"during\" is the day's worst)",
    )  # fmt: skip
    for e in entries:
        notes = "; ".join([e.notes, *(f"PSFS {name}: {score}/10" for name, score in e.psfs)])
        table.add_row(
            e.entry_date.isoformat(),
            e.kind,
            *(_pain(v) for v in (e.pain_during, e.pain_after, e.pain_next_morning)),
            notes.strip("; "),
        )
    app.console.print(tables.fit(table))
    if any(e.psfs for e in entries):
        app.console.print(load_kb().progress_rules.psfs.attribution, markup=False, highlight=False)
    if not entries:
        click.echo("No diary entries yet: `backstride diary add --during 3`.")


@diary_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), hidden=True)
@pass_app
def import_cmd(app: AppContext, file: Path, today: datetime | None) -> None:
    """Import your own spreadsheet log (CSV): all rows or none.

    Columns: date,kind,during,after,next_morning,notes (as `diary add`; a day entry's
    `during` is the day's back pain), optionally stiffness,sleep_h,fuelled.
    """
    from backstride.kb import load_kb
    from backstride.services.diary_import import import_csv

    day = today.date() if today else date.today()
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidDiaryEntry(f"{file.name} is not UTF-8 text (save it as CSV UTF-8)") from exc
    with app.engine.begin() as conn:
        saved = import_csv(conn, text=text, kb=load_kb(), today=day)
    click.echo(f"Imported {len(saved)} diary entries from {file.name}.")


def register(cli: click.Group) -> None:
    cli.add_command(diary_group)
