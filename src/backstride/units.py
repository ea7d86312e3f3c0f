"""Display-unit conversions (used by present/ and wording; everything else is SI)."""

from __future__ import annotations

from typing import Literal

Units = Literal["metric", "imperial"]

M_PER_KM = 1000.0
M_PER_MI = 1609.344

#: The form check's units as the web pages write them (single-runner and team alike).
FORM_UNIT_LABELS: dict[str, str] = {
    "deg": "°",
    "% leg length": "% of leg length",
    "% hip width": "% of hip width",
    "% of frames": "% of frames",
}


def km_from_m(distance_m: float) -> float:
    return distance_m / M_PER_KM


def mi_from_m(distance_m: float) -> float:
    return distance_m / M_PER_MI


def m_from_km(distance_km: float) -> float:
    return distance_km * M_PER_KM


def m_from_mi(distance_mi: float) -> float:
    return distance_mi * M_PER_MI


def distance_unit(units: Units) -> str:
    """ "km" or "mi"."""
    return "km" if units == "metric" else "mi"


def distance_in(distance_m: float, units: Units) -> float:
    """A distance [m] in the display unit (km or mi)."""
    return km_from_m(distance_m) if units == "metric" else mi_from_m(distance_m)


def m_from_display(value: float, units: Units) -> float:
    """A distance typed in the display unit, back to metres."""
    return m_from_km(value) if units == "metric" else m_from_mi(value)


def format_distance(distance_m: float, units: Units = "metric") -> str:
    """ "28.1 km" or "17.5 mi"."""
    return f"{distance_in(distance_m, units):.1f} {distance_unit(units)}"


def format_size(count: int) -> str:
    """A byte count as people read it: "3.2 MB" (binary steps, one decimal)."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def format_duration(duration_s: float) -> str:
    """ "2:49" (hours:minutes)."""
    minutes = round(duration_s / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def pace_s(
    distance_m: float | None, moving_s: float | None, units: Units = "metric"
) -> float | None:
    """Seconds per km (per mile in imperial) over the moving time; None without both."""
    if not distance_m or not moving_s or distance_m < 10:
        return None
    per = M_PER_MI if units == "imperial" else 1000.0
    return moving_s / distance_m * per


def format_pace(seconds: float | None, units: Units = "metric") -> str:
    """ "5:12 /km" (minutes:seconds per km or mile); "" when unknown."""
    if seconds is None:
        return ""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d} /{distance_unit(units)}"


def format_clock(duration_s: float | None) -> str:
    """ "1:02:05" or "42:10" (hours:minutes:seconds); "" when unknown."""
    if duration_s is None:
        return ""
    whole = round(duration_s)
    h, m, s = whole // 3600, whole % 3600 // 60, whole % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
