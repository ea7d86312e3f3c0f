"""Build small FIT files byte by byte, so tests can state their exact content.

Independent of the code under test: its CRC is the FIT SDK's nibble-table routine.
"""

from __future__ import annotations

import struct

_CRC_TABLE = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip

FIT_EPOCH_S = 631065600


def sdk_crc(data: bytes, crc: int = 0) -> int:
    """FIT SDK `FitCRC_Get16`, nibble at a time."""
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


def fit_file(*messages: bytes, header_size: int = 14) -> bytes:
    """A complete FIT file: header (with header CRC when 14 bytes), messages, file CRC."""
    body = b"".join(messages)
    header = struct.pack("<BBHI4s", header_size, 0x20, 2132, len(body), b".FIT")
    if header_size == 14:
        header += struct.pack("<H", sdk_crc(header))
    content = header + body
    return content + struct.pack("<H", sdk_crc(content))


def definition(
    local: int,
    global_num: int,
    fields: list[tuple[int, int, int]],
    *,
    big_endian: bool = False,
    dev_fields: list[tuple[int, int, int]] | None = None,
) -> bytes:
    """A definition message; fields are (number, size, base type byte)."""
    header = 0x40 | local | (0x20 if dev_fields else 0)
    out = struct.pack(
        ">BBBHB" if big_endian else "<BBBHB", header, 0, int(big_endian), global_num, len(fields)
    )
    out += b"".join(bytes(f) for f in fields)
    if dev_fields:
        out += bytes([len(dev_fields)]) + b"".join(bytes(f) for f in dev_fields)
    return out


def data(local: int, fmt: str, *values: object, big_endian: bool = False) -> bytes:
    return bytes([local]) + struct.pack((">" if big_endian else "<") + fmt, *values)


def compressed(local: int, time_offset: int, fmt: str, *values: object) -> bytes:
    """A data message with a compressed-timestamp header (local type 0–3)."""
    return bytes([0x80 | (local << 5) | (time_offset & 0x1F)]) + struct.pack("<" + fmt, *values)
