"""Read FIT activity files: a lean fast decoder, with fitdecode as reference and fallback.

read_fit            fast path; falls back to the reference on anything it does not cover
read_fit_reference  fitdecode only (~1 MB/s), the correctness baseline

A file CRC mismatch is CorruptFile. research/activities.md warns that some readers
reject valid legacy files (header CRC 0) by restarting the CRC after the header; both
readers here compute it over header + data as the SDK does, and all 111 valid corpus
files match, so a mismatch means bytes really changed. Header CRCs are not checked.
"""

from __future__ import annotations

import logging

from backstride.ingest._fit_fast import FastPathUnsupported, decode_fit
from backstride.ingest._fit_reference import decode_fit_reference
from backstride.ingest._fit_summary import activities_from_members
from backstride.models import Activity

__all__ = ["FastPathUnsupported", "read_fit", "read_fit_reference"]

log = logging.getLogger(__name__)


def read_fit(
    data: bytes, *, source_file: str, content_hash: str, with_profile: bool = False
) -> list[Activity]:
    """One Activity per sport session (multisport files give several; session_index 0..n).

    Raises:
        CorruptFile: truncated, bad file CRC, garbage or empty input.
        NotAnActivity: a valid FIT file of another type (settings, monitoring, workout,
            course, …; the message names it) or one with nothing to summarise.
    """
    try:
        members = decode_fit(data)
    except FastPathUnsupported as exc:
        log.info("%s: fast FIT decoder declined (%s); using fitdecode", source_file, exc)
        return read_fit_reference(
            data, source_file=source_file, content_hash=content_hash, with_profile=with_profile
        )
    return activities_from_members(
        members, source_file=source_file, content_hash=content_hash, with_profile=with_profile
    )


def read_fit_reference(
    data: bytes, *, source_file: str, content_hash: str, with_profile: bool = False
) -> list[Activity]:
    """Same contract as `read_fit`, decoding with fitdecode only."""
    members = decode_fit_reference(data)
    return activities_from_members(
        members, source_file=source_file, content_hash=content_hash, with_profile=with_profile
    )
