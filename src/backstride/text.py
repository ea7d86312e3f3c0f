"""Text from outside (file names, reasons) made safe for a database, JSON and a terminal.

A leaf module, so the ingest stage (display names) and the store (bounded columns) share
one repair instead of each keeping a copy.
"""

from __future__ import annotations


def valid_utf8(value: str) -> str:
    """`value` as valid UTF-8: a lone surrogate becomes its byte as `\\xNN`.

    POSIX file names are bytes; one that is not UTF-8 reaches Python with its odd bytes as
    lone surrogates (surrogateescape), which no database, JSON reply or terminal takes.
    Shown as `\\xNN` (`m_caf\\xe9.fit`) the name stays readable and distinct; a surrogate
    that did not come from surrogateescape becomes `?`.
    """
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "surrogateescape" if _escapable(value) else "replace")
        return raw.decode("utf-8", "backslashreplace")
    return value


def _escapable(value: str) -> bool:
    try:
        value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True
