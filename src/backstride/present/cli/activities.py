"""`backstride activities`: list imported activities as a table or JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click
from rich.table import Table

from backstride import units
from backstride.analyse.summaries import local_start
from backstride.models import StoredActivity
from backstride.present.cli import tables
from backstride.present.cli.context import AppContext, pass_app
from backstride.present.cli.output import output_options, print_rows
from backstride.services import records
from backstride.services.activities import delete_activity, set_sport

_FT_PER_M = 3.28084


def to_json(stored: StoredActivity, units_: units.Units = "metric") -> dict[str, Any]:
    """One activity as JSON (SI units, names with unit suffixes; no route).

    ``local_start`` is the start in the activity's own offset where the file has one,
    else the machine's; ``pace_s_per_km`` is over the moving time.
    """
    a = stored.activity
    local = local_start(a)
    return {
        "id": stored.id,
        "sport": a.sport,
        "sport_inferred": a.sport_inferred,
        "sub_sport": a.sub_sport,
        "name": a.name,
        "started_at": a.started_at.astimezone(UTC).isoformat(),
        "local_start": local.isoformat(),
        "local_start_time": local.strftime("%H:%M:%S"),
        "utc_offset_s": a.utc_offset_s,
        "distance_m": a.distance_m,
        "elapsed_s": a.elapsed_s,
        "moving_s": a.moving_s,
        "pace_s_per_km": units.pace_s(a.distance_m, a.moving_s or a.elapsed_s),
        "elevation_gain_m": a.elevation_gain_m,
        "elevation_loss_m": a.elevation_loss_m,
        "avg_hr_bpm": a.avg_hr_bpm,
        "max_hr_bpm": a.max_hr_bpm,
        "avg_cadence_spm": a.avg_cadence_spm,
        "device": a.device,
        "gear": a.gear,
        "source_file": a.source_file,
        "source_format": a.source_format,
    }


def _table(found: list[StoredActivity], u: units.Units, *, wide: bool = False) -> Table:
    """id, local start, sport, distance, moving time and pace; `wide` adds the rest."""
    unit = units.distance_unit(u)
    cols: list[str | tuple[str, str]] = [
        "id", "date (local)", ("sport", "text"), (unit, "right"), ("moving", "right"),
        ("pace", "right"),
    ]  # fmt: skip
    if wide:
        cols += [
            ("elapsed", "right"), ("ft up" if u == "imperial" else "m up", "right"),
            ("HR", "right"), ("spm", "right"), ("gear", "text"),
        ]  # fmt: skip
    cols.append(("name", "text"))
    t = tables.table(*cols)
    for stored in found:
        a = stored.activity
        moving = a.moving_s or a.elapsed_s
        row = [
            str(stored.id),
            local_start(a).strftime("%Y-%m-%d %H:%M"),
            # words, so "stand up paddleboarding" wraps instead of taking the name's room
            a.sport.replace("_", " ") + ("?" if a.sport_inferred else ""),
            "" if a.distance_m is None else f"{units.distance_in(a.distance_m, u):.2f}",
            units.format_clock(moving),
            units.format_pace(units.pace_s(a.distance_m, moving, u), u).split(" ")[0],
        ]
        if wide:
            gain = a.elevation_gain_m
            row += [
                units.format_clock(a.elapsed_s),
                "" if gain is None else f"{gain * (_FT_PER_M if u == 'imperial' else 1):.0f}",
                "" if a.avg_hr_bpm is None else f"{a.avg_hr_bpm:.0f}",
                "" if a.avg_cadence_spm is None else f"{a.avg_cadence_spm:.0f}",
                a.gear or "",
            ]
        row.append(a.name or "")
        t.add_row(*row)
    return tables.fit(t)


@click.group("activities", invoke_without_command=True)
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="From this date (UTC).")
@click.option("--sport", help="A sport or family: run, ride, swim, walk, ...")
@output_options
@tables.wide_option
@click.pass_context
def activities_cmd(
    ctx: click.Context, since: datetime | None, sport: str | None, output: str | None, wide: bool
) -> None:
    """List imported activities, oldest first; `activities delete ID` removes one.

    Example: backstride activities --since 2025-01-01 --sport run
    """
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.find_object(AppContext)
    assert app is not None
    start = since.replace(tzinfo=UTC) if since else None
    with app.engine.connect() as conn:
        # Every row, impossible dates included: this is where the runner finds and
        # deletes them, though no analysis reads them.
        found = records.activities_between(conn, start=start, sport=sport, implausible=True)
    if not print_rows([to_json(s) for s in found], output):
        shown = _table(found, app.settings.units, wide=wide)
        # --wide asks for every column whole: lines as long as they need (a pipe or a
        # wide terminal) rather than columns squeezed to nothing in 80
        console = app.console
        unbounded = console.options.update_width(1000)
        width = console.measure(shown, options=unbounded).maximum if wide else console.width
        narrow = console.width
        console.width = max(width, narrow)  # print(width=) would stop at the terminal's
        try:
            console.print(shown)
        finally:
            console.width = narrow
        if any(s.activity.sport_inferred for s in found):
            app.console.print(
                "sport? = the file named no sport: guessed from its speed and cadence; "
                "correct it with `backstride activities set-sport ID SPORT`",
                markup=False,
                highlight=False,
            )


@activities_cmd.command("set-sport")
@click.argument("activity_id", type=int, metavar="ID")
@click.argument("sport", metavar="SPORT")
@pass_app
def set_sport_cmd(app: AppContext, activity_id: int, sport: str) -> None:
    """Correct an activity's sport (kept if the same file is imported again).

    SPORT: running, trail_running, walking, hiking, cycling, swimming, rowing, training
    or generic (run, ride, walk ... work too). Example: backstride activities set-sport 42 run
    """
    changed = set_sport(app.engine, activity_id=activity_id, sport=sport)
    click.echo(f"Activity {activity_id} is now {changed.activity.sport}.")


@activities_cmd.command("delete")
@click.argument("activity_id", type=int, metavar="ID")
@click.option("--yes", is_flag=True, help="Delete without asking.")
@pass_app
def delete_cmd(app: AppContext, activity_id: int, yes: bool) -> None:
    """Delete one activity (its shoe link, and its kept original file once unused).

    Importing the same file again brings it back. Example: backstride activities delete 42
    """
    with app.engine.connect() as conn:
        found = records.activity(conn, activity_id=activity_id)
    if not yes:
        app.console.print(_table([found], app.settings.units, wide=True))
        click.confirm(f"Delete activity {activity_id}?", abort=True)
    delete_activity(app.engine, activity_id=activity_id, data_dir=app.settings.store_files_dir)
    click.echo(f"Deleted activity {activity_id} ({found.activity.source_file}).")


def register(cli: click.Group) -> None:
    cli.add_command(activities_cmd)
