"""The FIT profile slice the fast decoder hard-codes agrees with the FIT SDK (via fitdecode)."""

from __future__ import annotations

import pytest
from fitdecode import profile

from backstride.ingest._fit_profile import RECORD_FIELDS, SUMMARY_FIELDS

TABLE = [
    (mesg, num, spec)
    for mesg, fields in [*SUMMARY_FIELDS.items(), (20, RECORD_FIELDS)]
    for num, spec in fields.items()
]


@pytest.mark.parametrize(("mesg", "num", "spec"), TABLE, ids=[f"{m}.{s[0]}" for m, _, s in TABLE])
def test_field_number_name_scale_and_offset_match_the_sdk_profile(
    mesg: int, num: int, spec: tuple[str, float, float]
) -> None:
    name, scale, offset = spec
    field = profile.MESSAGE_TYPES[mesg].fields[num]
    assert field.name == name
    assert (field.scale or 1) == scale
    assert (field.offset or 0) == offset
