"""Track-level helpers shared by the file readers: climbing from altitude, route thinning.

Pure functions over plain sequences; no file formats here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

_EARTH_RADIUS_M = 6_371_000.0

#: Altitude must move this far past the last turning point before it counts as climbing or
#: descending: GPS altitude wanders by metres while standing still, barometric altimeters
#: step by ~0.2–1 m. Calibrated (after the 3-point median) against the device's own totals
#: on the 39 corpus FIT files that carry both: 1.5 m gave a median error of 4.5 % (29 of 39
#: within 10 %); 1 m over-counts noisy GPS altitude, 3 m misses gentle rolling climbs.
ELEVATION_HYSTERESIS_M = 1.5


def elevation_gain_loss_m(
    altitudes_m: Sequence[float], *, hysteresis_m: float = ELEVATION_HYSTERESIS_M
) -> tuple[float, float]:
    """Total climb and descent [m] of an altitude series, ignoring wiggles under the hysteresis.

    A 3-point median first drops single-sample spikes (GPS altitude glitches), then the
    reference altitude only moves once the signal has left a ±`hysteresis_m` band, so
    noise around a flat line adds nothing.
    """
    if len(altitudes_m) < 2:
        return 0.0, 0.0
    a = altitudes_m
    smooth = [a[0], *(sorted(a[i - 1 : i + 2])[1] for i in range(1, len(a) - 1)), a[-1]]
    gain = loss = 0.0
    ref = smooth[0]
    for alt in smooth:
        if alt - ref >= hysteresis_m:
            gain += alt - ref
            ref = alt
        elif ref - alt >= hysteresis_m:
            loss += ref - alt
            ref = alt
    return gain, loss


def simplify_route(
    points: Sequence[tuple[float, float]],
    *,
    spacing_m: float = 50.0,
    max_points: int = 200,
    unit_deg: float = 1.0,
) -> tuple[tuple[float, float], ...]:
    """Thin a (lat, lon) track to points at least `spacing_m` apart, at most `max_points`.

    Enough for terrain and route-similarity analysis; the first and last points are kept.
    Points may be in any angular unit (`unit_deg` degrees each, e.g. FIT semicircles), so
    readers need not convert every sample; the result is in degrees, rounded to 1e-6°.
    Distances use an equirectangular projection at the first point's latitude, exact to
    well under 1 % over the few hundred metres compared.
    """
    if not points:
        return ()
    lat0, lon0 = points[0]
    # threshold in squared point units; longitude shrunk by cos(latitude)
    k = math.cos(math.radians(lat0 * unit_deg))
    step = spacing_m / _EARTH_RADIUS_M * 180 / math.pi / unit_deg
    step2 = step * step
    kept = [points[0]]
    last_lat, last_lon = lat0, lon0
    for lat, lon in points:
        dy = lat - last_lat
        dx = (lon - last_lon) * k
        if dx * dx + dy * dy >= step2:
            kept.append((lat, lon))
            last_lat, last_lon = lat, lon
    if kept[-1] != points[-1] and len(points) > 1:
        kept.append(points[-1])
    if len(kept) > max_points:
        last = len(kept) - 1
        kept = [kept[round(i * last / (max_points - 1))] for i in range(max_points)]
    return tuple((round(lat * unit_deg, 6), round(lon * unit_deg, 6)) for lat, lon in kept)
