"""`backstride serve`: the local web app on 127.0.0.1 over the same store as the CLI."""

from __future__ import annotations

import ipaddress
import re

import click

from backstride.errors import OptionalDependencyMissing
from backstride.present.cli.context import AppContext, pass_app


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost"; names other than localhost count as remote."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.?")


def _valid_names(
    ctx: click.Context, param: click.Parameter, names: tuple[str, ...]
) -> tuple[str, ...]:
    """Bare host names or addresses: no scheme, port or path (the port is --port's)."""
    for name in names:
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            if not _NAME.fullmatch(name):
                raise click.BadParameter(
                    f"{name!r}: give a bare host name or address, without scheme, port or path"
                ) from None
    return names


@click.command("serve")
@click.option("--host", help="Address to listen on (default 127.0.0.1, setting `host`).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default 8765, setting `port`).")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a non-loopback --host (others could reach your data); every page then "
    "asks for the access token printed at start-up.",
)
@click.option(
    "--host-name",
    "host_names",
    multiple=True,
    callback=_valid_names,
    help="Another name or address browsers use to reach the app (repeatable). The app "
    "answers only to loopback names, the --host address and these; any other Host header "
    "(a site pointing its name at your machine) is refused.",
)
@click.option(
    "--team",
    is_flag=True,
    help="Serve the team server (many runners, coaches, physios) on the PostgreSQL --db; "
    "see docs/team.md.",
)
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="With --team: serve from this many processes sharing the port (one per core "
    "the server may use; each keeps its own caches).",
)
@pass_app
def serve_cmd(
    app: AppContext,
    host: str | None,
    port: int | None,
    allow_remote: bool,
    host_names: tuple[str, ...],
    team: bool,
    processes: int,
) -> None:
    """Start the local web app and print its address. Example: backstride serve --port 8000"""
    host = host or app.settings.host
    port = port or app.settings.port
    if not is_loopback(host) and not allow_remote:
        raise click.UsageError(
            f"--host {host} would let other machines reach your health data; "
            "add --allow-remote if you really mean it"
        )
    if processes > 1 and not team:
        raise click.UsageError(
            "--processes is for the team server (--team): the single-runner app keeps "
            "its jobs and caches in one process"
        )
    if team:
        from backstride.present.cli.team import serve_team

        serve_team(app, host=host, port=port, host_names=host_names, processes=processes)
        return
    try:
        from backstride.present.web import create_app
        from backstride.present.web.security import Exposure, is_wildcard
        from backstride.present.web.server import run
    except ImportError as exc:
        raise OptionalDependencyMissing("the web app", "web") from exc
    # deferred: config brings pydantic (start-up, see tests/present/test_cli_startup.py)
    from backstride.config import config_file

    exposure = Exposure.serving(host, extra_names=host_names, allow_remote=allow_remote)
    web_app = create_app(
        app.settings, engine=app.engine, config_path=config_file(), exposure=exposure
    )
    shown = f"[{host}]" if ":" in host else host
    if is_wildcard(host):
        shown = host_names[0] if host_names else "<this machine's address>"
    click.echo(f"backstride is running at http://{shown}:{port}/  (Ctrl+C stops it)")
    if exposure.access_token is not None:
        click.echo(
            "Other machines can reach it (--allow-remote), so every page asks for a login.\n"
            "Access token (shown only now; a new one at every start):\n"
            f"  {exposure.access_token}\n"
            f"Log in by opening http://{shown}:{port}/login?token={exposure.access_token}\n"
            "The connection is not encrypted: use it only on a network you trust."
        )
    click.echo(
        "It answers to the host names "
        + ", ".join(sorted(exposure.host_names))
        + " on this port (add one with --host-name)."
    )
    if is_wildcard(host) and not host_names:
        click.echo(
            f"--host {host} listens on every interface, but browsers must use a name it "
            "answers to: give the address or name other machines type with --host-name."
        )
    run(web_app, host=host, port=port)


def register(cli: click.Group) -> None:
    cli.add_command(serve_cmd)
