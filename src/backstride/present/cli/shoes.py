"""`backstride shoes`: add, list, retire and assign pairs; create pairs from imported gear."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from backstride import units
from backstride.analyse.report import ShoeStatus
from backstride.errors import StoreError
from backstride.present.cli import tables
from backstride.present.cli.context import AppContext, pass_app
from backstride.present.cli.output import output_options, print_rows
from backstride.services import records
from backstride.services import shoes as shoe_service

_DATE = click.DateTime(["%Y-%m-%d"])


def _day(value: datetime | None) -> date:
    return value.date() if value is not None else date.today()


@click.group("shoes")
def shoes_group() -> None:
    """Running shoes: distance per pair, limits, retirement, rotation."""


class _LimitKm(click.ParamType[float]):
    """A shoe limit [km]: refused at the command line (exit 2) when NaN, infinite or out of range."""

    name = "km"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            return shoe_service.checked_limit_km(float(value))
        except ValueError:
            self.fail(f"{value!r} is not a number", param, ctx)
        except StoreError as exc:
            self.fail(str(exc), param, ctx)


@shoes_group.command("add")
@click.argument("name")
@click.option(
    "--limit-km",
    type=_LimitKm(),
    default=None,
    help="Distance after which the pair is due (default: the shoe_limit_km setting).",
)
@click.option(
    "--start-km",
    type=float,
    default=0.0,
    show_default=True,
    help="Distance the pair had already done before backstride.",
)
@pass_app
def add_cmd(app: AppContext, name: str, limit_km: float | None, start_km: float) -> None:
    """Add a pair. Example: backstride shoes add "Pegasus 40" --start-km 120"""
    with app.engine.begin() as conn:
        shoe = shoe_service.add_shoe(
            conn,
            name=name,
            today=date.today(),
            settings=app.settings,
            limit_km=limit_km,
            start_distance_m=units.m_from_km(start_km),
        )
    click.echo(f"added shoes #{shoe.id} {shoe.name} (limit {shoe.limit_km:g} km)")


def _status(s: ShoeStatus) -> str:
    if s.shoe.retired_date:
        return f"retired {s.shoe.retired_date:%Y-%m-%d}"
    return "over limit" if s.over_limit else "in use"


def _as_dict(s: ShoeStatus) -> dict[str, object]:
    return {
        "id": s.shoe.id,
        "name": s.shoe.name,
        "distance_m": s.distance_m,
        "limit_km": s.shoe.limit_km,
        "start_distance_m": s.shoe.start_distance_m,
        "added_date": s.shoe.added_date.isoformat(),
        "over_limit": s.over_limit,
        "retired_date": s.shoe.retired_date.isoformat() if s.shoe.retired_date else None,
    }


@shoes_group.command("list")
@output_options
@tables.wide_option
@pass_app
def list_cmd(app: AppContext, output: str | None, wide: bool) -> None:
    """List pairs with distance (linked runs plus runs whose gear has the pair's name)."""
    with app.engine.begin() as conn:
        statuses = shoe_service.shoe_statuses(conn)
    if print_rows([_as_dict(s) for s in statuses], output):
        return
    u = app.settings.units
    cols: list[str | tuple[str, str]] = [
        "id", (units.distance_unit(u), "right"), ("limit", "right"), "status",
    ]  # fmt: skip
    if wide:
        cols.append("added")
    table = tables.table(*cols, ("name", "text"))
    for s in statuses:
        row = [
            str(s.shoe.id),
            f"{units.distance_in(s.distance_m, u):.1f}",
            units.format_distance(s.shoe.limit_km * 1000, u),
            _status(s),
        ]
        if wide:
            row.append(f"{s.shoe.added_date:%Y-%m-%d}")
        table.add_row(*row, s.shoe.name)
    app.console.print(
        tables.fit(table) if statuses else "No shoes yet: `backstride shoes add NAME`."
    )


@shoes_group.command("retire")
@click.argument("shoe_id", type=int)
@click.option("--date", "on", type=_DATE, default=None, help="Retirement date (default today).")
@pass_app
def retire_cmd(app: AppContext, shoe_id: int, on: datetime | None) -> None:
    """Retire a pair; its runs and distance are kept."""
    with app.engine.begin() as conn:
        shoe = records.retire_shoe(conn, shoe_id=shoe_id, retired_date=_day(on))
    click.echo(f"retired shoes #{shoe.id} {shoe.name}")


@shoes_group.command("set-limit")
@click.argument("shoe_id", type=int)
@click.argument("limit_km", type=_LimitKm())
@pass_app
def set_limit_cmd(app: AppContext, shoe_id: int, limit_km: float) -> None:
    """Set the distance [km] after which a pair is due. Example: backstride shoes set-limit 1 650"""
    with app.engine.begin() as conn:
        shoe = records.set_shoe_limit(conn, shoe_id=shoe_id, limit_km=limit_km)
    click.echo(f"shoes #{shoe.id} {shoe.name}: limit {shoe.limit_km:g} km")


@shoes_group.command("assign")
@click.argument("shoe_id", type=int)
@click.argument("activity_ids", type=int, nargs=-1)
@click.option("--since", type=_DATE, default=None, help="Link every run from this date on.")
@pass_app
def assign_cmd(
    app: AppContext, shoe_id: int, activity_ids: tuple[int, ...], since: datetime | None
) -> None:
    """Link runs to a pair: by id, or every run --since DATE (replacing earlier links)."""
    if not activity_ids and since is None:
        raise click.UsageError("give ACTIVITY_ID... or --since YYYY-MM-DD")
    with app.engine.begin() as conn:
        count = shoe_service.assign(conn, shoe_id=shoe_id, activity_ids=activity_ids)
        if since is not None:
            count += shoe_service.assign_since(conn, shoe_id=shoe_id, since=since.date())
    click.echo(f"linked {count} activities to shoes #{shoe_id}")


@shoes_group.command("sync-gear")
@pass_app
def sync_gear_cmd(app: AppContext) -> None:
    """Create a pair for each gear name on imported runs (e.g. Strava) and link those runs."""
    with app.engine.begin() as conn:
        synced = shoe_service.sync_gear(conn, settings=app.settings)
    for s in synced:
        click.echo(
            f"{'created' if s.created else 'updated'} shoes #{s.shoe.id} {s.shoe.name}: "
            f"{s.linked} runs linked"
        )
    if not synced:
        click.echo("no unlinked runs with a gear name")


def register(cli: click.Group) -> None:
    cli.add_command(shoes_group)
