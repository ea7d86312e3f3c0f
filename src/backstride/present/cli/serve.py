"""`backstride serve`: the local web app on 127.0.0.1 over the same store as the CLI."""

from __future__ import annotations

import ipaddress

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


@click.command("serve")
@click.option("--host", help="Address to listen on (default 127.0.0.1, setting `host`).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default 8765, setting `port`).")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a non-loopback --host (others could reach your data).",
)
@pass_app
def serve_cmd(app: AppContext, host: str | None, port: int | None, allow_remote: bool) -> None:
    """Start the local web app and print its address. Example: backstride serve --port 8000"""
    host = host or app.settings.host
    port = port or app.settings.port
    if not is_loopback(host) and not allow_remote:
        raise click.UsageError(
            f"--host {host} would let other machines reach your health data; "
            "add --allow-remote if you really mean it"
        )
    try:
        import uvicorn

        from backstride.present.web import create_app
    except ImportError as exc:
        raise OptionalDependencyMissing("the web app", "web") from exc
    from backstride.config import config_file

    web_app = create_app(app.settings, engine=app.engine, config_path=config_file())
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"backstride is running at http://{shown}:{port}/  (Ctrl+C stops it)")
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


def register(cli: click.Group) -> None:
    cli.add_command(serve_cmd)
