"""The slice of the FIT profile the summaries need, and the decoded-file shape both readers fill.

Field numbers, scales and offsets come from the FIT SDK profile (Profile.xlsx, the same
table fitdecode ships); a test checks them against `fitdecode.profile`. Enum *names*
(sport, manufacturer, product, file type) are looked up in fitdecode's profile so that the
two readers name things identically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fitdecode import profile as _profile

#: FIT timestamps count seconds from 1989-12-31T00:00:00Z.
FIT_EPOCH_S = 631065600
#: Below this a date_time is seconds since device power-on, not since the FIT epoch.
FIT_DATETIME_MIN = 0x10000000

MESG_FILE_ID = 0
MESG_SPORT = 12
MESG_SESSION = 18
MESG_LAP = 19
MESG_RECORD = 20
MESG_ACTIVITY = 34

#: field number → (name, scale, offset), per message kept in full.
SUMMARY_FIELDS: dict[int, dict[int, tuple[str, float, float]]] = {
    MESG_FILE_ID: {
        0: ("type", 1, 0),
        1: ("manufacturer", 1, 0),
        2: ("product", 1, 0),
        8: ("product_name", 1, 0),
    },
    MESG_SPORT: {0: ("sport", 1, 0), 1: ("sub_sport", 1, 0)},
    MESG_SESSION: {
        253: ("timestamp", 1, 0),
        2: ("start_time", 1, 0),
        5: ("sport", 1, 0),
        6: ("sub_sport", 1, 0),
        7: ("total_elapsed_time", 1000, 0),
        8: ("total_timer_time", 1000, 0),
        9: ("total_distance", 100, 0),
        16: ("avg_heart_rate", 1, 0),
        17: ("max_heart_rate", 1, 0),
        18: ("avg_cadence", 1, 0),
        22: ("total_ascent", 1, 0),
        23: ("total_descent", 1, 0),
        92: ("avg_fractional_cadence", 128, 0),
    },
    MESG_LAP: {
        253: ("timestamp", 1, 0),
        2: ("start_time", 1, 0),
        7: ("total_elapsed_time", 1000, 0),
        8: ("total_timer_time", 1000, 0),
        9: ("total_distance", 100, 0),
        15: ("avg_heart_rate", 1, 0),
        16: ("max_heart_rate", 1, 0),
        17: ("avg_cadence", 1, 0),
        21: ("total_ascent", 1, 0),
        22: ("total_descent", 1, 0),
        25: ("sport", 1, 0),
        39: ("sub_sport", 1, 0),
        80: ("avg_fractional_cadence", 128, 0),
    },
    MESG_ACTIVITY: {253: ("timestamp", 1, 0), 5: ("local_timestamp", 1, 0)},
}

#: record field number → (name, scale, offset). Order defines the Record tuple below.
RECORD_FIELDS: dict[int, tuple[str, float, float]] = {
    253: ("timestamp", 1, 0),
    0: ("position_lat", 1, 0),
    1: ("position_long", 1, 0),
    2: ("altitude", 5, 500),
    78: ("enhanced_altitude", 5, 500),
    3: ("heart_rate", 1, 0),
    4: ("cadence", 1, 0),
    53: ("fractional_cadence", 128, 0),
    5: ("distance", 100, 0),
}

#: Fields whose raw number is an enum; the value stored is the profile's name.
ENUM_FIELDS: dict[str, str] = {
    "type": "file",
    "manufacturer": "manufacturer",
    "sport": "sport",
    "sub_sport": "sub_sport",
}

#: Manufacturers whose `product` number is a Garmin product id (FIT profile subfield).
GARMIN_PRODUCT_MANUFACTURERS = frozenset({"garmin", "dynastream", "dynastream_oem", "tacx"})


def enum_name(type_name: str, raw: int) -> str | int:
    """The profile's name for an enum value, or the number where the profile has none."""
    return _profile.FIELD_TYPES[type_name].enum.get(raw, raw)  # type: ignore[no-any-return]


def product_name(manufacturer: str | int | None, product: int) -> str | int:
    """The product's name where the profile knows it (Garmin family, Favero), else the number."""
    if manufacturer in GARMIN_PRODUCT_MANUFACTURERS:
        return enum_name("garmin_product", product)
    if manufacturer == "favero_electronics":
        return enum_name("favero_product", product)
    return product


#: One record: (timestamp [FIT s], lat [semicircles], lon [semicircles], altitude [m],
#: heart rate [bpm], cadence [rpm or strides/min, fractional part included], distance [m]).
Record = tuple[
    int | None, int | None, int | None, float | None, int | None, float | None, float | None
]


@dataclass
class FitMember:
    """One FIT file of a (possibly chained) stream, reduced to what the summaries use.

    Message dicts map field names to scaled values with invalid values left out; times
    stay raw FIT seconds so both readers can be compared exactly.
    """

    file_type: str | int | None = None
    manufacturer: str | int | None = None
    product: str | int | None = None
    sessions: list[dict[str, Any]] = field(default_factory=list)
    laps: list[dict[str, Any]] = field(default_factory=list)
    sports: list[dict[str, Any]] = field(default_factory=list)
    activity: dict[str, Any] | None = None
    records: list[Record] = field(default_factory=list)
    messages: int = 0
