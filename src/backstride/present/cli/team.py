"""Team mode commands: `team init`, `users add|list|delete`, `worker` (PostgreSQL only)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import click

from backstride.present.cli.context import AppContext, pass_app

if TYPE_CHECKING:
    import socket

    from backstride.config import Settings
    from backstride.team.db import TeamDB

ROLES = ("runner", "coach", "physio", "admin")


def _team_db(app: AppContext) -> TeamDB:
    try:
        from backstride.team.db import NotTeamDatabase, TeamDB
    except ImportError as exc:
        from backstride.errors import OptionalDependencyMissing

        raise OptionalDependencyMissing("team mode", "team") from exc
    try:
        return TeamDB.open(app.settings.resolved_database_url)
    except NotTeamDatabase as exc:
        raise click.UsageError(str(exc)) from exc


@click.group("team")
def team_group() -> None:
    """Team mode on PostgreSQL: create or upgrade the team schema and every runner's store."""


@team_group.command("init")
@pass_app
def init_cmd(app: AppContext) -> None:
    """Create or upgrade the team schema, the job queue and every runner's store schema."""
    from backstride.team.accounts import list_users
    from backstride.team.jobs import Queue

    db = _team_db(app)
    db.upgrade_team()
    created = Queue(db).apply_schema()
    with db.engine.connect() as conn:
        runners = [u for u in list_users(conn) if u.runner_schema]
    for user in runners:
        assert user.runner_schema is not None
        db.create_runner_store(user.runner_schema)
    click.echo(
        f"team schema {db.schema!r} at {sorted(db.team_heads())}; job queue "
        f"{'created' if created else 'present'}; {len(runners)} runner store(s) up to date"
    )
    db.dispose()


@click.group("users")
def users_group() -> None:
    """Team accounts: add, list, delete (PostgreSQL team mode)."""


@users_group.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="A file holding the password on its first line ('-' is not allowed: a password "
    "is never given on the command line, where other users and the shell history see it).",
)
@pass_app
def add_cmd(app: AppContext, email: str, role: str, password_file: Path) -> None:
    """Add an account; a runner gets a store of their own."""
    from backstride.team.accounts import AccountError, add_user

    lines = password_file.read_text(encoding="utf-8").splitlines()
    password = lines[0] if lines else ""
    db = _team_db(app)
    try:
        user = add_user(db, email=email, role=role, password=password)
    except AccountError as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        db.dispose()
    click.echo(f"added {user.email} ({user.role}), id {user.id}")


@users_group.command("list")
@pass_app
def list_cmd(app: AppContext) -> None:
    """List accounts: id, e-mail address, role."""
    from backstride.team.accounts import list_users

    db = _team_db(app)
    with db.engine.connect() as conn:
        for user in list_users(conn):
            click.echo(f"{user.id}\t{user.email}\t{user.role}")
    db.dispose()


@users_group.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask; a runner's data is deleted with them.")
@pass_app
def delete_cmd(app: AppContext, email: str, yes: bool) -> None:
    """Delete an account; a runner's whole store goes with it."""
    from backstride.team.accounts import by_email, delete_user

    db = _team_db(app)
    with db.engine.connect() as conn:
        user = by_email(conn, email)
    if user is None:
        raise click.UsageError(f"no account {email}")
    if not yes:
        click.confirm(f"delete {user.email} ({user.role}) and all of their data?", abort=True)
    delete_user(db, user, actor=None)
    db.dispose()
    click.echo(f"deleted {user.email}")


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(1, 32), default=1, help="Jobs at once.")
@click.option("--name", help="This worker's name in the queue's tables.")
@click.option(
    "--stalled-after",
    type=click.FloatRange(1, 3600),
    default=20.0,
    show_default=True,
    help="Seconds without a heartbeat after which a worker's running jobs are re-queued.",
)
@pass_app
def worker_cmd(app: AppContext, concurrency: int, name: str | None, stalled_after: float) -> None:
    """Run queued team jobs (imports) until stopped; start as many as you like."""
    from backstride.team.jobs import Queue

    try:
        from backstride.present.report.pdf import render_pdf
    except ImportError:  # without the report extra this worker fails report jobs, saying why
        render_pdf = None  # type: ignore[assignment]
    db = _team_db(app)
    queue = Queue(
        db,
        data_dir=app.settings.data_dir / "team",
        pdf_renderer=render_pdf,
        settings=app.settings,
        heartbeat_s=max(0.5, stalled_after / 4),
        stalled_after_s=stalled_after,
    )
    click.echo(f"worker on {db.schema!r}: waiting for jobs (Ctrl+C stops it)", err=True)
    queue.run_worker(concurrency=concurrency, name=name)
    db.dispose()


def serve_team(
    app: AppContext, *, host: str, port: int, host_names: tuple[str, ...], processes: int = 1
) -> None:
    """`serve --team`: the team server on PostgreSQL (SQLite is refused with exit 2)."""
    from backstride.present.web.server import run, run_processes
    from backstride.present.web.team import create_team_app

    db = _team_db(app)
    if db.team_heads() != db.team_code_heads():
        raise click.ClickException(
            f"the team schema {db.schema!r} is not up to date: run `backstride --db URL team init`"
        )
    shown = f"[{host}]" if ":" in host else host
    how = f" ({processes} processes)" if processes > 1 else ""
    click.echo(f"backstride team server at http://{shown}:{port}/{how}  (Ctrl+C stops it)")
    click.echo(
        "Put it behind a TLS reverse proxy for anyone off this machine; start "
        "`backstride --db URL worker` processes to run imports."
    )
    if processes > 1:
        db.dispose()
        start = functools.partial(serve_team_process, app.settings, host_names, host, port)
        run_processes(start, host=host, port=port, processes=processes)
        return
    run(create_team_app(db, app.settings, host_names=host_names), host=host, port=port)
    db.dispose()


def serve_team_process(
    settings: Settings, host_names: tuple[str, ...], host: str, port: int, sock: socket.socket
) -> None:
    """One process of `serve --team --processes N`: its own database pool and caches."""
    from backstride.present.web.server import run
    from backstride.present.web.team import create_team_app
    from backstride.team.db import TeamDB

    db = TeamDB.open(settings.resolved_database_url)
    try:
        web_app = create_team_app(db, settings, host_names=host_names)
        run(web_app, host=host, port=port, sockets=[sock])
    finally:
        db.dispose()


def register(cli: click.Group) -> None:
    cli.add_command(team_group)
    cli.add_command(users_group)
    cli.add_command(worker_cmd)
