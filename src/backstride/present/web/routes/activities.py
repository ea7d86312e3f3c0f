"""One activity's page: local start, moving time and pace, the route drawn from its own
points, pace / heart-rate / elevation along the run, and splits per km."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from backstride import units
from backstride.errors import NotFound
from backstride.present.report.charts import distance_chart, route_svg
from backstride.present.web.state import render, web
from backstride.services.activities import ActivityPage, activity_page

router = APIRouter()

#: Pace is smoothed over this distance: GPS pace sample by sample is mostly noise [m].
PACE_WINDOW_M = 200.0
#: Paces slower than this are walking or standing, clipped so the chart keeps its scale.
SLOWEST_PACE_S = 15 * 60.0


def _pace_points(page: ActivityPage, u: units.Units) -> list[tuple[float, float]]:
    """(km, seconds per km or mile) over a sliding PACE_WINDOW_M."""
    pts = page.profile
    out: list[tuple[float, float]] = []
    j = 0
    per = units.M_PER_MI if u == "imperial" else 1000.0
    for t, d, _, _ in pts:
        while j < len(pts) and pts[j][1] < d - PACE_WINDOW_M:
            j += 1
        t0, d0 = pts[j][0], pts[j][1]
        if d - d0 >= PACE_WINDOW_M / 2 and t > t0:
            out.append((units.distance_in(d, u), min((t - t0) / (d - d0) * per, SLOWEST_PACE_S)))
    return out


def charts(page: ActivityPage, u: units.Units) -> dict[str, str]:
    """The route and the three along-the-run charts as inline SVG."""
    unit = units.distance_unit(u)

    def clock(v: float) -> str:
        return units.format_pace(v, u).split(" ")[0]

    along = [(units.distance_in(d, u), ele, hr) for _, d, ele, hr in page.profile]
    return {
        "route": route_svg(page.route),
        "pace": distance_chart(
            _pace_points(page, u), label="Pace", unit=f"min/{unit}", invert=True, fmt=clock
        ),
        "hr": distance_chart(
            [(d, hr) for d, _, hr in along if hr is not None], label="Heart rate", unit="bpm"
        ),
        "elevation": distance_chart(
            [(d, e) for d, e, _ in along if e is not None], label="Elevation", unit="m", area=True
        ),
    }


@router.get("/activities/{activity_id}")
def activity(request: Request, activity_id: int) -> Any:
    state = web(request)
    try:
        with state.engine.connect() as conn:
            page = activity_page(
                conn, activity_id=activity_id, data_dir=state.settings.store_files_dir
            )
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    return render(
        request,
        "activity.html",
        page=page,
        a=page.stored.activity,
        charts=charts(page, state.settings.units),
    )
