"""`backstride load`: the weekly training table and the flags, each naming its run or week."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import click

from backstride import units
from backstride.analyse.report import LoadReport, WeekRow
from backstride.kb import load_kb
from backstride.present.cli import tables
from backstride.present.cli.context import AppContext, pass_app
from backstride.present.indent import print_indented
from backstride.services import training
from backstride.services.training import WordedFlag


def _pct(ratio: float | None) -> str:
    return "" if ratio is None else f"{(ratio - 1) * 100:+.0f}%"


def _num(value: float | None, spec: str = ".2f") -> str:
    return "" if value is None else format(value, spec)


def _row(w: WeekRow, u: units.Units) -> list[str]:
    if w.partial:  # a week so far would always look like a drop
        w = replace(
            w, distance_change_ratio=None, duration_change_ratio=None, climbing_change_ratio=None
        )
    return [
        f"{w.week_start_date:%a %d %b}{'*' if w.partial else ''}",
        str(w.runs),
        f"{units.distance_in(w.distance_m, u):.1f}",
        _pct(w.distance_change_ratio),
        units.format_duration(w.duration_s),
        _pct(w.duration_change_ratio),
        f"{w.climbing_m:.0f}",
        _pct(w.climbing_change_ratio),
        f"{units.distance_in(w.longest_run_m, u):.1f}",
        _num(w.long_run_share, ".0%"),
        str(w.hard_runs),
        _num(w.monotony, ".1f"),
        _num(None if w.strain is None else units.distance_in(w.strain, u), ".0f"),
        _num(w.acwr_rolling),
        _num(w.acwr_ewma),
        _num(w.avg_cadence_spm, ".0f"),
    ]


def _flag_line(f: WordedFlag) -> str:
    where = f"run #{f.activity_id}; " if f.activity_id else ""
    return f"[{f.severity}] {f.text} ({where}rule {f.rule_id})"


#: The columns `load` shows without `--wide` (indexes into `_row`): the week, runs,
#: distance and its change, time, climbing, the longest run, hard runs and cadence.
NARROW = (0, 1, 2, 3, 4, 6, 8, 10, 15)


def json_of(report: LoadReport[WordedFlag]) -> dict[str, Any]:
    """`load --json`: each flag by its sentence (``text``, after its rule and severity);
    the finding the sentence was worded from stays out."""
    out = report.to_dict()
    out["flags"] = [
        {"rule_id": f["rule_id"], "severity": f["severity"], "text": f["text"]}
        | {k: v for k, v in f.items() if k not in ("rule_id", "severity", "text", "finding")}
        for f in out["flags"]
    ]
    return out


def render(app: AppContext, report: LoadReport[WordedFlag], *, wide: bool = False) -> None:
    """The table, the flags and the one-line trends, in the user's units."""
    u, unit = app.settings.units, units.distance_unit(app.settings.units)
    names = (
        "week", "runs", unit, "chg", "time", "chg", "climb m", "chg", f"long {unit}",
        "long share", "hard", "monotony", f"strain {unit}", "ACWR roll", "ACWR ewma",
        "spm" if not wide else "cadence spm",
    )  # fmt: skip
    keep = range(len(names)) if wide else NARROW
    table = tables.table(
        *[names[i] if i == 0 else (names[i], "right") for i in keep],
        title=f"Running by week to {report.today:%a %d %b %Y} (* = week so far)",
    )
    for week in report.weeks:
        row = _row(week, u)
        table.add_row(*[row[i] for i in keep])
    app.console.print(tables.fit(table))
    app.console.print("Flags:" if report.flags else "No flags in these weeks.")
    for flag in report.flags:
        print_indented(app.console, _flag_line(flag), 2)
    climb = _num(report.climbing_m_per_km, ".1f")
    surfaces = ", ".join(f"{k} {v:.0%}" for k, v in report.surface_shares.items()) or "unknown"
    app.console.print(
        f"Terrain: {climb or '?'} m climbing per km ({report.flatness or 'unknown'}); "
        f"surface {surfaces}; "
        f"most-repeated route {_num(report.same_route_share, '.0%') or 'n/a'} of runs (28 days)"
    )
    app.console.print(
        f"Shoes in use (30 days): {report.pairs_in_rotation}; cadence trend "
        f"{_num(report.cadence_trend_spm_per_week, '+.1f') or 'n/a'} spm/week"
    )
    app.console.print(report.acwr_note, style="dim")


@click.command("load")
@click.option(
    "--weeks",
    type=click.IntRange(1, 520),
    default=8,
    show_default=True,
    help="How many weeks to show, ending with the current one.",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Analyse as of this date (YYYY-MM-DD) instead of today.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (SI units) instead of a table.")
@tables.wide_option
@pass_app
def load_cmd(
    app: AppContext, weeks: int, today: datetime | None, as_json: bool, wide: bool
) -> None:
    """Weekly distance, time, climbing and load, with the flags that tripped and why.

    Example: backstride load --weeks 12
    """
    day = today.date() if today is not None else date.today()
    rules = load_kb().load_rules
    with app.engine.begin() as conn:
        report = training.load_report(
            conn, weeks=weeks, today=day, settings=app.settings, rules=rules
        )
        latest = None if report.weeks else training.latest_run_date(conn)
    if as_json:
        click.echo(json.dumps(json_of(report), indent=2))
    elif latest is not None:  # an old history: say where its weeks are
        app.console.print(
            f"No runs in the {weeks} weeks to {day:%d %b %Y}; your latest run was on "
            f"{latest:%a %d %b %Y}: `backstride load --today {latest:%Y-%m-%d}` shows "
            "the weeks up to it.",
            markup=False,
            highlight=False,
        )
    elif not report.weeks:
        click.echo("No runs stored yet: `backstride import FILE...` adds your history.")
    else:
        render(app, report, wide=wide)


def register(cli: click.Group) -> None:
    cli.add_command(load_cmd)
