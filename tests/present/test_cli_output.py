"""`--json` / `--csv` are declared once (present/cli/output.py) and mean the same rows."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from backstride.present.cli import cli

#: Every listing command with the shared output options.
LISTINGS = [["activities"], ["diary", "list"], ["form-history"], ["history"], ["shoes", "list"]]


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_listing_commands_offer_json_and_csv(args: list[str], runner: CliRunner) -> None:
    help_text = runner.invoke(cli, [*args, "--help"], terminal_width=80).output
    assert "--json" in help_text and "--csv" in help_text


def test_csv_has_the_json_rows_and_columns(runner: CliRunner, cli_env: dict[str, str]) -> None:
    for day, during in (("2024-05-01", "3"), ("2024-05-02", "5")):
        added = runner.invoke(
            cli, ["diary", "add", "--date", day, "--during", during, "--notes", "a, \"b\""],
            env=cli_env,
        )  # fmt: skip
        assert added.exit_code == 0, added.output
    as_json = json.loads(runner.invoke(cli, ["diary", "list", "--json"], env=cli_env).output)
    as_csv = runner.invoke(cli, ["diary", "list", "--csv"], env=cli_env).output
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert list(rows[0]) == list(as_json[0])
    assert [r["entry_date"] for r in rows] == ["2024-05-01", "2024-05-02"]
    assert rows[1]["pain_during"] == "5" and rows[1]["notes"] == 'a, "b"'
    assert json.loads(rows[0]["psfs"]) == as_json[0]["psfs"]


def test_an_empty_listing_is_an_empty_json_array(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    result = runner.invoke(cli, ["shoes", "list", "--json"], env=cli_env)
    assert result.exit_code == 0 and json.loads(result.output) == []
