"""Every command has help and every setting is documented (datasette's test_docs idea)."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest

from backstride import config
from backstride.present.cli import cli, docs
from tests.conftest import REPO


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, cmd in sorted(group.commands.items()):
        yield f"{prefix}{name}", cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix}{name} ")


@pytest.mark.parametrize(
    ("name", "cmd"), list(_commands(cli)), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_command_has_help(name: str, cmd: click.Command) -> None:
    assert cmd.help and len(cmd.help.strip()) > 10, f"`backstride {name}` has no help text"


@pytest.mark.parametrize("setting", sorted(config.Settings.model_fields))
def test_every_setting_is_documented(setting: str) -> None:
    assert setting in config.SETTING_HELP
    assert setting in (config.__doc__ or "") or setting in ("host", "port")


def test_settings_layers_env_over_defaults(tmp_path: object) -> None:
    settings = config.load_settings(
        environ={"BACKSTRIDE_UNITS": "imperial", "BACKSTRIDE_DB": "/tmp/x.db"}, read_file=False
    )
    assert settings.units == "imperial"
    assert settings.resolved_database_url == "sqlite:////tmp/x.db"
    cli_wins = config.load_settings(
        {"units": "metric"}, environ={"BACKSTRIDE_UNITS": "imperial"}, read_file=False
    )
    assert cli_wins.units == "metric"


def test_bad_setting_is_a_clear_error() -> None:
    with pytest.raises(config.ConfigError, match="units"):
        config.load_settings(environ={"BACKSTRIDE_UNITS": "furlongs"}, read_file=False)


def test_cli_reference_is_in_step_with_the_commands() -> None:
    written = (REPO / docs.CLI_MD).read_text(encoding="utf-8")
    assert written == docs.render(), (
        "docs/cli.md is out of step with the commands' --help: "
        "run `python -m backstride.present.cli.docs` from the repository root"
    )
