"""`team init`, `users add`, `serve --team` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from backstride.present.cli import cli
from backstride.team.accounts import by_email
from backstride.team.db import TeamDB, schema_from_url
from tests.team.conftest import drop_team, team_url, write_password


def test_serve_team_refuses_sqlite_with_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--db", str(tmp_path / "x.db"), "serve", "--team"])
    assert result.exit_code == 2
    assert "team mode needs PostgreSQL" in result.output
    assert not (tmp_path / "x.db").exists()


def test_users_add_refuses_sqlite_and_takes_no_password_argument(
    runner: CliRunner, tmp_path: Path
) -> None:
    db = ["--db", str(tmp_path / "x.db")]
    result = runner.invoke(
        cli,
        [
            *db,
            "users",
            "add",
            "a@b.org",
            "--role",
            "coach",
            "--password-file",
            str(write_password(tmp_path)),
        ],
    )
    assert result.exit_code == 2 and "PostgreSQL" in result.output
    result = runner.invoke(
        cli, [*db, "users", "add", "a@b.org", "--role", "coach", "--password", "x"]
    )
    assert result.exit_code == 2 and "No such option" in result.output


def test_the_team_schema_is_named_by_the_urls_search_path() -> None:
    assert schema_from_url("postgresql://h/db") == "team"
    assert schema_from_url("postgresql://h/db?options=-csearch_path%3Dclinic") == "clinic"


@pytest.mark.postgres
def test_init_add_and_init_again(runner: CliRunner, tmp_path: Path) -> None:
    url = team_url()
    try:
        first = runner.invoke(cli, ["--db", url, "team", "init"])
        assert first.exit_code == 0, first.output
        assert "job queue created" in first.output
        added = runner.invoke(
            cli,
            [
                "--db",
                url,
                "users",
                "add",
                "Physio@Example.org",
                "--role",
                "physio",
                "--password-file",
                str(write_password(tmp_path)),
            ],
        )
        assert added.exit_code == 0, added.output
        again = runner.invoke(cli, ["--db", url, "team", "init"])
        assert again.exit_code == 0 and "job queue present" in again.output
        short = tmp_path / "short.txt"
        short.write_text("short\n")
        weak = runner.invoke(
            cli,
            [
                "--db",
                url,
                "users",
                "add",
                "r@example.org",
                "--role",
                "runner",
                "--password-file",
                str(short),
            ],
        )
        assert weak.exit_code == 2 and "at least" in weak.output
        listed = runner.invoke(cli, ["--db", url, "users", "list"])
        assert "physio@example.org\tphysio" in listed.output
    finally:
        db = TeamDB.open(url)
        with db.engine.connect() as conn:
            user = by_email(conn, "physio@example.org")
        assert user is not None and user.runner_schema is None
        drop_team(db)
