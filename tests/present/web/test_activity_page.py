"""`/activities/{id}`: one truth for a run (local start, moving time, pace, elapsed as such),
the route from its own points, samples along the run and splits per km."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from backstride.services.activities import splits_of
from backstride.services.importing import import_paths
from tests.conftest import shared_path

FIT = ("corpus", "activities", "fit", "Runalyze__Fenix-3-with-runscribe-v1-38.fit")


def test_splits_interpolate_each_km_and_keep_a_real_last_part() -> None:
    # 2.5 km at a steady 5:00 /km, a sample every 100 m (30 s)
    points = [(i * 30.0, i * 100.0, 10.0 + i, 140.0) for i in range(26)]
    splits = splits_of(points)
    assert [round(s.distance_m) for s in splits] == [1000, 1000, 500]
    assert all(abs(s.pace_s_per_km - 300) < 1e-6 for s in splits)
    assert splits[0].climb_m == 10 and splits[0].avg_hr_bpm == 140
    assert len(splits_of(points[:11] + [(303.0, 1010.0, None, None)])) == 1  # 10 m left out


def _import(client: TestClient) -> int:
    state = client.app.state.web  # type: ignore[attr-defined]
    import_paths(state.engine, [shared_path(*FIT)], data_dir=state.settings.store_files_dir)
    from backstride.store import activities

    with state.engine.connect() as conn:
        return activities.between(conn)[0].id


def test_activity_page_shows_local_time_moving_time_route_charts_and_splits(
    client: TestClient,
) -> None:
    activity_id = _import(client)
    training = client.get("/training").text
    assert f'href="/activities/{activity_id}"' in training
    page = client.get(f"/activities/{activity_id}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Moving time" in html and "Elapsed time" in html and "(with stops)" in html
    assert "/km" in html
    assert 'class="chart route-map"' in html
    for label in ("Pace in min/km", "Heart rate in bpm", "Elevation in m"):
        assert f'aria-label="{label} along the run"' in html, label
    assert "Splits per km" in html and html.count("<tr>") >= 10  # a 10 km run


def test_an_unknown_activity_is_404(client: TestClient) -> None:
    assert client.get("/activities/999").status_code == 404


def test_page_without_a_kept_original_still_shows_the_run(
    client: TestClient, tmp_path: Path
) -> None:
    activity_id = _import(client)
    state = client.app.state.web  # type: ignore[attr-defined]
    for f in (state.settings.store_files_dir / "originals").rglob("*.fit*"):
        f.unlink()
    html = client.get(f"/activities/{activity_id}").text
    assert "original file is gone" in html and "Moving time" in html
