"""`backstride report --out FILE.html|FILE.pdf`: a report to hand to a physiotherapist."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from backstride.files import write_atomic
from backstride.kb import load_kb
from backstride.present.cli.context import AppContext, pass_app
from backstride.services.report import report_data


@click.command("report")
@click.option(
    "--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write it: .html or .pdf.",
)  # fmt: skip
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), hidden=True)
@pass_app
def report_cmd(app: AppContext, out: Path, today: datetime | None) -> None:
    """Write the latest check, pain and load charts, the plan and adherence, notable events.

    Example: backstride report --out physio.pdf
    """
    suffix = out.suffix.lower()
    if suffix not in (".html", ".pdf"):
        raise click.BadParameter("the file must end in .html or .pdf", param_hint="--out")
    day = today.date() if today else date.today()
    with app.engine.connect() as conn:
        data = report_data(conn, kb=load_kb(), today=day, settings=app.settings)
    if suffix == ".pdf":
        # deferred: WeasyPrint, an optional extra, only for a PDF
        from backstride.present.report.pdf import render_pdf

        write_atomic(out, render_pdf(data))
    else:
        # deferred: the HTML renderer's charts and Jinja2, only for an HTML report
        from backstride.present.report.html import render_html

        write_atomic(out, render_html(data))
    click.echo(f"Report written to {out}.")


def register(cli: click.Group) -> None:
    cli.add_command(report_cmd)
