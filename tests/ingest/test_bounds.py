"""Physical bounds at import: bad sample values dropped and counted, impossible totals fail."""

from __future__ import annotations

import math

import pytest

from backstride.errors import CorruptFile
from backstride.ingest import SourceFile, read_activities
from backstride.ingest.bounds import LATITUDE_DEG, LONGITUDE_DEG
from backstride.models import Activity
from tests.ingest._hostile import fit_run, gpx, tcx


def read(data: bytes, name: str = "x.gpx") -> list[Activity]:
    return read_activities(SourceFile.from_bytes(name, data))


def _finite_route(activity: Activity) -> bool:
    return all(LATITUDE_DEG.holds(lat) and LONGITUDE_DEG.holds(lon) for lat, lon in activity.route)


@pytest.mark.parametrize("where", [0, 30, 59])
@pytest.mark.parametrize(
    "field,value",
    [("lon", "inf"), ("lon", "-inf"), ("lat", "nan"), ("lat", "999"), ("lon", "1e20")],
)
def test_an_off_globe_position_drops_that_point_only(where: int, field: str, value: str) -> None:
    (good,) = read(gpx())
    (run,) = read(gpx(bad={where: {field: value}}))
    assert _finite_route(run)
    assert run.distance_m is not None and math.isfinite(run.distance_m)
    # One point fewer changes the distance by at most one step each side (~46 m).
    assert run.distance_m == pytest.approx(good.distance_m, abs=50)
    if value != "nan":  # NaN is "not recorded", not out of bounds
        assert dict(run.dropped) == {"position": 1}


@pytest.mark.parametrize("value", ["1e20", "inf", "-1", "5", "300"])
def test_an_absurd_heart_rate_is_dropped_and_counted(value: str) -> None:
    (run,) = read(gpx(bad={3: {"hr": value}}))
    assert run.avg_hr_bpm == pytest.approx(150) and run.max_hr_bpm == pytest.approx(150)
    assert dict(run.dropped) == {"heart rate": 1}


@pytest.mark.parametrize("value", ["inf", "1e20", "-9999", "20000"])
def test_an_absurd_altitude_adds_no_climbing(value: str) -> None:
    (run,) = read(gpx(bad={10: {"ele": value}}))
    assert run.elevation_gain_m == 0 and run.elevation_loss_m == 0
    assert dict(run.dropped) == {"altitude": 1}


@pytest.mark.parametrize("year", ["0001", "1970", "9999"])
def test_a_point_dated_out_of_bounds_is_dropped_whole(year: str) -> None:
    (run,) = read(gpx(bad={59: {"time": f"{year}-01-01T00:00:00Z"}}))
    assert run.elapsed_s == pytest.approx(580)  # 59 points, 10 s apart
    assert dict(run.dropped) == {"time": 1}


@pytest.mark.parametrize("year", ["0001", "1989", "2999"])
def test_a_track_dated_out_of_bounds_fails_naming_the_date(year: str) -> None:
    with pytest.raises(CorruptFile, match=rf"x\.gpx: .*{year}-"):
        read(gpx(start=year))


def test_a_run_faster_than_any_runner_fails_naming_the_speed() -> None:
    # 0.01° of longitude per 10 s is ~77 m/s.
    points = {i: {"lon": f"{7.0 + i * 0.01:.4f}"} for i in range(60)}
    with pytest.raises(CorruptFile, match=r"impossible average speed 7\d\.\d m/s for a run"):
        read(gpx(bad=points))


@pytest.mark.parametrize("value", ["inf", "1e20", "-5", "nan"])
def test_a_tcx_lap_with_an_absurd_distance_falls_back_to_the_points(value: str) -> None:
    (run,) = read(tcx(value), "x.tcx")
    assert run.distance_m == pytest.approx(23.2 * 59)
    if value != "nan":
        assert dict(run.dropped) == {"lap total": 1}


def test_a_tcx_point_distance_of_1e20_is_dropped() -> None:
    (run,) = read(tcx("1368.8", point_distance="1e20"), "x.tcx")
    assert run.distance_m == pytest.approx(1368.8)
    assert dict(run.dropped) == {"distance": 1}


def test_a_fit_record_off_the_globe_or_with_an_absurd_heart_rate_is_dropped() -> None:
    (run,) = read(fit_run(lat_deg=120.0, hr=254), "x.fit")
    assert _finite_route(run)
    assert run.max_hr_bpm == pytest.approx(150)
    assert dict(run.dropped) == {"heart rate": 1, "position": 1}


def test_a_fit_session_distance_beyond_any_activity_fails_naming_it() -> None:
    with pytest.raises(CorruptFile, match=r"x\.fit: impossible distance 4\.29497e\+07 m"):
        read(fit_run(distance_cm=0xFFFFFFFE), "x.fit")
