"""Deleting one activity: its rows, links and original go; the rest stays; CLI and web."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from backstride.errors import NotFound
from backstride.models import DiaryEntry
from backstride.present.cli import cli
from backstride.services.activities import delete_activity
from backstride.services.importing import import_paths
from backstride.store import activities, diary, shoes
from backstride.store.schema import activity_shoes, seen_paths, source_files
from tests.ingest._hostile import gpx, tcx


def _originals(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "originals").rglob("*.*"))


def _two_runs(engine: Engine, tmp_path: Path) -> tuple[int, int, Path]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.gpx").write_bytes(gpx(days_ago=3))
    (inbox / "b.gpx").write_bytes(gpx(days_ago=2))
    data_dir = tmp_path / "data"
    report = import_paths(engine, [inbox], data_dir=data_dir)
    assert report.imported == 2
    with engine.connect() as conn:
        first, second = activities.between(conn)
    return first.id, second.id, data_dir


def test_delete_removes_the_activity_its_links_ledger_and_original(
    engine: Engine, tmp_path: Path
) -> None:
    gone_id, kept_id, data_dir = _two_runs(engine, tmp_path)
    with engine.begin() as conn:
        shoe = shoes.add(conn, name="Pegasus", limit_km=800, added_date=date(2024, 1, 1))
        shoes.assign(conn, shoe_id=shoe, activity_ids=[gone_id, kept_id])
        diary.add(
            conn,
            entry=DiaryEntry(
                entry_date=date.today(), kind="run", pain_after=2, activity_id=gone_id
            ),
        )
    assert len(_originals(data_dir)) == 2
    gone = delete_activity(engine, activity_id=gone_id, data_dir=data_dir)
    assert gone.activity.source_file.endswith("a.gpx")
    with engine.connect() as conn:
        assert [s.id for s in activities.between(conn)] == [kept_id]
        assert [r.activity_id for r in conn.execute(select(activity_shoes))] == [kept_id]
        (entry,) = diary.between(conn)
        assert entry.activity_id is None and entry.pain_after == 2
        ledger = [Path(r.name).name for r in conn.execute(select(source_files))]
        seen = [Path(r.path).name for r in conn.execute(select(seen_paths))]
    assert ledger == ["b.gpx"] and seen == ["b.gpx"]
    assert len(_originals(data_dir)) == 1
    # Importing the same file again brings it back.
    again = import_paths(engine, [tmp_path / "inbox"], data_dir=data_dir)
    assert again.imported == 1 and again.activities_total == 2


def test_a_file_with_two_sessions_keeps_its_original_until_both_are_deleted(
    engine: Engine, tmp_path: Path
) -> None:
    one = tcx()
    start = one.index(b"<Activity ")
    end = one.index(b"</Activity>") + len(b"</Activity>")
    second = one[start:end].replace(b'Sport="Running"', b'Sport="Biking"')
    (tmp_path / "multi.tcx").write_bytes(one[:end] + second + one[end:])
    data_dir = tmp_path / "data"
    assert import_paths(engine, [tmp_path / "multi.tcx"], data_dir=data_dir).imported == 2
    with engine.connect() as conn:
        first, other = activities.between(conn)
    delete_activity(engine, activity_id=first.id, data_dir=data_dir)
    assert len(_originals(data_dir)) == 1
    with engine.connect() as conn:
        assert len(list(conn.execute(select(source_files)))) == 1
    delete_activity(engine, activity_id=other.id, data_dir=data_dir)
    assert _originals(data_dir) == []


def test_deleting_an_unknown_id_says_so(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no activity with id 7"):
        delete_activity(engine, activity_id=7, data_dir=tmp_path)


def test_cli_delete_asks_first_unless_yes(
    runner: CliRunner, cli_env: dict[str, str], engine: Engine, tmp_path: Path
) -> None:
    gone_id, kept_id, _ = _two_runs(engine, tmp_path)
    no = runner.invoke(cli, ["activities", "delete", str(gone_id)], env=cli_env, input="n\n")
    assert no.exit_code == 1 and "Delete activity" in no.output and "Aborted" in no.output
    yes = runner.invoke(cli, ["activities", "delete", str(gone_id)], env=cli_env, input="y\n")
    assert yes.exit_code == 0 and f"Deleted activity {gone_id}" in yes.output
    forced = runner.invoke(cli, ["activities", "delete", str(kept_id), "--yes"], env=cli_env)
    assert forced.exit_code == 0 and "Delete activity" not in forced.output
    missing = runner.invoke(cli, ["activities", "delete", "999", "--yes"], env=cli_env)
    assert missing.exit_code == 1 and "no activity with id 999" in missing.output
    listed = runner.invoke(cli, ["activities", "--json"], env=cli_env)
    assert listed.exit_code == 0 and listed.output.strip() == "[]"


@pytest.fixture
def web(tmp_path: Path) -> Any:
    from backstride.config import Settings
    from backstride.present.web import create_app

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'test.db'}", data_dir=tmp_path / "data"
    )
    app = create_app(settings, config_path=tmp_path / "config.toml")
    origin = "http://127.0.0.1:8765"
    with TestClient(app, base_url=origin, headers={"origin": origin}) as client:
        yield client, app.state.web.engine
    app.state.web.engine.dispose()


@pytest.mark.slow
def test_web_activity_list_deletes_with_the_form_token(web: Any, tmp_path: Path) -> None:
    client, engine = web
    gone_id, kept_id, _ = _two_runs(engine, tmp_path)
    page = client.get("/training").text
    action = f"/training/activities/{gone_id}/delete"
    assert f'action="{action}"' in page and "data-confirm" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    refused = client.post(action, data={"csrf_token": "forged"})
    assert refused.status_code == 403
    done = client.post(action, data={"csrf_token": token.group(1)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/training")
    after = client.get("/training").text
    assert f"/training/activities/{gone_id}/delete" not in after
    assert f"/training/activities/{kept_id}/delete" in after
    again = client.post(action, data={"csrf_token": token.group(1)})
    assert again.status_code == 404
