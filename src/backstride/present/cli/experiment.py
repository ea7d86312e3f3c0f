"""`backstride experiment start|status|stop|report`: a fair test of one change."""

from __future__ import annotations

import json
from datetime import date, datetime

import click

from backstride.present.cli.context import AppContext, pass_app

_DAY = click.DateTime(["%Y-%m-%d"])


def _today(today: datetime | None) -> date:
    return today.date() if today else date.today()


@click.group("experiment")
def experiment_group() -> None:
    """A fair test of one change: a randomised block schedule, then its effect."""


@experiment_group.command("start")
@click.argument("change")
@click.option("--start", "start_on", type=_DAY, help="First day (default today).")
@click.option("--pairs", type=click.IntRange(1, 6), help="Pairs of blocks (default 3).")
@click.option("--block-days", type=click.IntRange(3, 28), help="Days per block (default 7).")
@click.option(
    "--washout-days",
    type=click.IntRange(0, 7),
    help="Days left out at each block's start (default 2).",
)
@click.option("--seed", type=int, hidden=True)
@click.option("--today", type=_DAY, hidden=True)
@pass_app
def start_cmd(
    app: AppContext, change: str, start_on: datetime | None, pairs: int | None,
    block_days: int | None, washout_days: int | None, seed: int | None, today: datetime | None,
) -> None:  # fmt: skip
    """Start testing CHANGE, e.g. backstride experiment start "strength before runs"."""
    from backstride.kb import load_kb
    from backstride.services.experiment import start

    kb = load_kb()
    with app.engine.begin() as conn:
        e = start(
            conn, change=change, kb=kb, today=_today(today),
            start_date=start_on.date() if start_on else None, pairs=pairs,
            block_days=block_days, washout_days=washout_days, seed=seed,
        )  # fmt: skip
    click.echo(f"Experiment: {e.change}, {e.start_date} to {e.end_date}.")
    for i, b in enumerate(e.blocks, start=1):
        what = f"with {e.change}" if b.arm == "change" else "as usual"
        click.echo(f"  block {i}: {b.start} to {b.end}  {what}")
    click.echo(
        f"The first {e.washout_days} days of each block are a washout (not counted). "
        "Log your back pain every day: `backstride diary add --during N`."
    )
    click.echo(kb.insights.experiment.text)


@experiment_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print today's instruction as JSON.")
@click.option("--today", type=_DAY, hidden=True)
@pass_app
def status_cmd(app: AppContext, as_json: bool, today: datetime | None) -> None:
    """What the running experiment asks of today."""
    from backstride.services.experiment import experiment_today

    with app.engine.connect() as conn:
        now = experiment_today(conn, _today(today))
    if as_json:
        click.echo(json.dumps(None if now is None else {
            "experiment_id": now.experiment_id, "change": now.change, "day": now.day.isoformat(),
            "arm": now.arm, "block": now.block, "blocks": now.blocks, "washout": now.washout,
            "days_left": now.days_left, "text": now.text,
        }, indent=2))  # fmt: skip
        return
    click.echo(now.text if now else "No experiment is running today.")


@experiment_group.command("stop")
@click.option("--today", type=_DAY, hidden=True)
@pass_app
def stop_cmd(app: AppContext, today: datetime | None) -> None:
    """Stop the running experiment early (its report uses the days so far)."""
    from backstride.services.experiment import stop

    with app.engine.begin() as conn:
        e = stop(conn, today=_today(today))
    click.echo(
        f"Stopped: {e.change} ({e.stopped_date}). `backstride experiment report` shows the result."
    )


@experiment_group.command("report")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--today", type=_DAY, hidden=True)
@pass_app
def report_cmd(app: AppContext, as_json: bool, today: datetime | None) -> None:
    """The effect of the change on your daily back pain, or "inconclusive"."""
    from backstride.kb import load_kb
    from backstride.services.experiment import report

    with app.engine.connect() as conn:
        r = report(conn, kb=load_kb(), today=_today(today))
    if as_json:
        click.echo(json.dumps({
            "change": r.experiment.change, "effect": r.effect,
            "ci": list(r.ci) if r.ci else None, "n_change": r.n_change, "n_usual": r.n_usual,
            "conclusive": r.conclusive, "text": r.text, "method": r.method,
        }, indent=2))  # fmt: skip
        return
    click.echo(r.text)


def register(cli: click.Group) -> None:
    cli.add_command(experiment_group)
