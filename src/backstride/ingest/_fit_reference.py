"""The fitdecode-based FIT reader: slow (~1 MB/s) but complete; the correctness baseline."""

from __future__ import annotations

import io
import logging
import warnings
from datetime import datetime
from typing import Any

import fitdecode

from backstride.errors import CorruptFile
from backstride.ingest._fit_profile import (
    FIT_EPOCH_S,
    MESG_ACTIVITY,
    MESG_FILE_ID,
    MESG_LAP,
    MESG_RECORD,
    MESG_SESSION,
    MESG_SPORT,
    SUMMARY_FIELDS,
    FitMember,
    Record,
)

log = logging.getLogger(__name__)

#: fitdecode names some fields after the profile subfield it resolved; map them back.
_ALIASES = {
    "avg_running_cadence": "avg_cadence",
    "garmin_product": "product",
    "favero_product": "product",
}
_WANTED_NAMES = {
    num: {name for name, _, _ in fields.values()} for num, fields in SUMMARY_FIELDS.items()
}


def decode_fit_reference(data: bytes) -> list[FitMember]:
    """Decode a (possibly chained) FIT stream with fitdecode into summary-ready members.

    Raises:
        CorruptFile: for anything fitdecode cannot read (empty, truncated, bad CRC, garbage).
    """
    if not data:
        raise CorruptFile("empty file (0 bytes): nothing to read")
    members: list[FitMember] = []
    complete = False  # True right after a file's CRC: trailing junk may then be ignored
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # fitdecode warns on oddities it recovers from
            reader = fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE)
            for frame in reader:
                complete = _take_frame(frame, members)
    except fitdecode.FitHeaderError as exc:
        if members and complete:
            log.warning("ignoring bytes after the last FIT file: %s", exc)
            return members
        raise CorruptFile(f"not a readable FIT file: {exc}") from exc
    except fitdecode.FitCRCError as exc:
        raise CorruptFile(f"file CRC mismatch — the bytes changed after writing: {exc}") from exc
    except fitdecode.FitEOFError as exc:
        raise CorruptFile(f"truncated FIT file (FIT file #{len(members)}): {exc}") from exc
    except Exception as exc:  # fitdecode raises assorted errors on garbage; all mean "corrupt"
        raise CorruptFile(f"damaged FIT file: {type(exc).__name__}: {exc}") from exc
    return members


def _take_frame(frame: Any, members: list[FitMember]) -> bool:
    if isinstance(frame, fitdecode.FitHeader):
        members.append(FitMember())
        return False
    if isinstance(frame, fitdecode.FitCRC):
        return True
    if not isinstance(frame, fitdecode.FitDataMessage):
        return False
    member = members[-1]
    member.messages += 1
    num = frame.global_mesg_num
    if num == MESG_RECORD:
        member.records.append(_record(frame))
    elif num in SUMMARY_FIELDS:
        message = _summary(frame, _WANTED_NAMES[num])
        if num == MESG_SESSION:
            member.sessions.append(message)
        elif num == MESG_LAP:
            member.laps.append(message)
        elif num == MESG_ACTIVITY:
            member.activity = message
        elif num == MESG_SPORT:
            member.sports.append(message)
        elif num == MESG_FILE_ID and member.file_type is None and member.manufacturer is None:
            member.file_type = message.get("type")
            member.manufacturer = message.get("manufacturer")
            member.product = message.get("product", message.get("product_name"))
    return False


def _fit_seconds(value: Any) -> Any:
    if isinstance(value, datetime):
        return round(value.timestamp()) - FIT_EPOCH_S
    return value


def _summary(frame: Any, wanted: set[str]) -> dict[str, Any]:
    message: dict[str, Any] = {}
    for field in frame.fields:
        if field.field_def is not None and field.field_def.is_dev:
            continue
        name = _ALIASES.get(field.name, field.name)
        if name in wanted and field.value is not None and name not in message:
            message[name] = _fit_seconds(field.value)
    return message


def _record(frame: Any) -> Record:
    values: dict[str, Any] = {}
    for field in frame.fields:
        if field.value is not None and not (field.field_def is not None and field.field_def.is_dev):
            values.setdefault(field.name, field.value)
    ts = _fit_seconds(values.get("timestamp"))
    lat, lon = values.get("position_lat"), values.get("position_long")
    if lat is None or lon is None:
        lat = lon = None
    alt = values.get("enhanced_altitude", values.get("altitude"))
    cad = values.get("cadence")
    if cad is not None:
        cad = float(cad) + values.get("fractional_cadence", 0.0)
    return (ts, lat, lon, alt, values.get("heart_rate"), cad, values.get("distance"))
