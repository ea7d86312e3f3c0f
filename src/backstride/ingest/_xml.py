"""Hardened, streaming XML for GPX and TCX: lxml iterparse, no entities, no DTD, no network.

Strava's leading whitespace and undeclared namespace prefixes are tolerated; entity
declarations and external references are refused before lxml sees the bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from lxml import etree

from backstride.errors import CorruptFile, UnsafeInput

_PROLOG_JUNK = b"\xef\xbb\xbf \t\r\n"
_FATAL = 3  # lxml ErrorLevels.FATAL: the document is cut short or not XML at all


def prepare(data: bytes, *, source_file: str) -> bytes:
    """The bytes to parse: leading BOM/whitespace stripped, hostile DTDs refused.

    Raises:
        UnsafeInput: a DOCTYPE declaring entities or naming an external resource, the
            shape of billion-laughs and XXE attacks; GPX and TCX never need one.
        CorruptFile: nothing but whitespace.
    """
    body = data.lstrip(_PROLOG_JUNK)
    if not body:
        raise CorruptFile(f"{source_file}: empty file")
    doctype = body.find(b"<!DOCTYPE", 0, 1 << 20)
    if doctype != -1:
        end = body.find(b"]>", doctype)
        declaration = body[doctype : end if end != -1 else doctype + 4096]
        if b"<!ENTITY" in declaration or b"SYSTEM" in declaration or b"PUBLIC" in declaration:
            raise UnsafeInput(
                f"{source_file}: refused an XML DOCTYPE with entity declarations or external "
                "references (entity-expansion or external-entity attack); activity files "
                "never need one"
            )
    return body


_NAMES: dict[str, str] = {}


def localname(tag: Any) -> str:
    """`{namespace}hr`, `gpxtpx:hr` (undeclared prefix) and `hr` all give `hr`."""
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    name = _NAMES.get(tag)
    if name is None:
        name = _NAMES[tag] = tag.rpartition("}")[2].rpartition(":")[2]
    return name


def open_events(data: bytes, *, source_file: str, tags: tuple[str, ...]) -> Any:
    """A hardened lxml iterparse over `data`, reporting the end of each named element."""
    body = prepare(data, source_file=source_file)
    return etree.iterparse(
        io.BytesIO(body),
        events=("end",),
        tag=[f"{{*}}{t}" for t in tags] + list(tags),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
    )


def raise_on_fatal(context: Any, *, source_file: str) -> None:
    """After parsing in recover mode: a cut-short or non-XML document is CorruptFile."""
    fatal = [e for e in context.error_log if e.level >= _FATAL]
    if fatal:
        first = fatal[0]
        raise CorruptFile(
            f"{source_file}: truncated or malformed XML (line {first.line}: "
            f"{first.message.strip()})"
        )


def free_earlier_siblings(element: Any) -> None:
    """Drop the already-read siblings before `element`, keeping memory bounded."""
    parent = element.getparent()
    if parent is not None:
        del parent[: parent.index(element)]


def iter_elements(
    data: bytes, *, source_file: str, tags: tuple[str, ...], free: frozenset[str]
) -> Iterator[tuple[str, Any]]:
    """Yield (local name, element) for each element named in `tags` as it closes.

    Elements named in `free` (the repeating containers, e.g. track points) are then
    cleared with their earlier siblings, so memory stays bounded by one point.

    Raises:
        CorruptFile: truncated or malformed XML (after the elements read so far).
    """
    context = open_events(data, source_file=source_file, tags=tags)
    cache = _NAMES
    try:
        for _event, element in context:
            tag = element.tag
            name = cache.get(tag) or localname(tag)
            yield name, element
            if name in free:
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(f"{source_file}: not readable XML: {exc}") from exc
    raise_on_fatal(context, source_file=source_file)
