"""Hostile zips, built small here: one budget per upload across nesting, no overlaps."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from backstride.ingest import FailedSource, SourceFile, archive, iter_sources

MB = 1024 * 1024


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buffer.getvalue()


def _read(tmp_path: Path, data: bytes) -> tuple[list[SourceFile], list[FailedSource], int]:
    """(sources, failures, bytes expanded) of an upload written to disk."""
    path = tmp_path / "upload.zip"
    path.write_bytes(data)
    found = list(iter_sources([path]))
    sources = [s for s in found if isinstance(s, SourceFile)]
    failed = [s for s in found if isinstance(s, FailedSource)]
    return sources, failed, sum(len(s.data) for s in sources)


def test_nested_zips_share_one_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each archive alone stays under the limit; together they are three times over it.
    monkeypatch.setattr(archive, "MAX_ARCHIVE_EXPANDED_BYTES", 8 * MB)
    middle = zip_of({f"{i}.fit": bytes(MB) for i in range(6)})
    upload = zip_of({f"part{i}.zip": middle for i in range(4)})
    sources, failed, expanded = _read(tmp_path, upload)
    assert expanded <= 8 * MB
    assert [f.name for f in failed] == [str(tmp_path / "upload.zip!part1.zip")]
    assert "refused" in failed[0].error and "in total" in failed[0].error


@pytest.mark.slow
def test_a_small_upload_may_not_expand_past_the_ratio_of_its_own_size(tmp_path: Path) -> None:
    # ~100 KB of nested zips holding 80 MB: within every per-member check, 800x overall.
    inner = zip_of({f"{i}.fit": bytes(MB) for i in range(20)})
    upload = zip_of({f"part{i}.zip": inner for i in range(4)})
    assert len(upload) < 200_000
    sources, failed, expanded = _read(tmp_path, upload)
    assert expanded <= archive.MAX_FILE_BYTES
    assert failed and "refused" in failed[-1].error


def test_entries_are_counted_across_nesting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "MAX_ARCHIVE_ENTRIES", 50)
    inner = zip_of({f"{i}.fit": b"x" for i in range(30)})
    upload = zip_of({"a.zip": inner, "b.zip": inner})
    sources, failed, _ = _read(tmp_path, upload)
    assert len(sources) == 30
    assert len(failed) == 1 and "more than 50 archive entries" in failed[0].error


_LOCAL = "<4sHHHHHIIIHH"
_CENTRAL = "<4sHHHHHHIIIHHHHHII"
_END = "<4sHHHHIIH"


def _local(name: bytes, method: int, payload: bytes, crc: int, size: int) -> bytes:
    head = struct.pack(
        _LOCAL, b"PK\x03\x04", 20, 0, method, 0, 33, crc, len(payload), size, len(name), 0
    )
    return head + name + payload


def _central(name: bytes, method: int, csize: int, crc: int, size: int, offset: int) -> bytes:
    fields = (b"PK\x01\x02", 20, 20, 0, method, 0, 33, crc, csize, size, len(name), 0, 0, 0, 0, 0)
    return struct.pack(_CENTRAL, *fields, offset) + name


def _with_directory(body: bytes, entries: list[bytes]) -> bytes:
    directory = b"".join(entries)
    end = struct.pack(
        _END, b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    return body + directory + end


def _deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def test_entries_sharing_one_local_header_are_refused(tmp_path: Path) -> None:
    payload, data = _deflated(bytes(MB)), bytes(MB)
    crc = zlib.crc32(data)
    body = _local(b"run.fit", 8, payload, crc, len(data))
    upload = _with_directory(body, [_central(b"run.fit", 8, len(payload), crc, MB, 0)] * 40)
    sources, failed, expanded = _read(tmp_path, upload)
    assert sources == [] and expanded == 0
    assert len(failed) == 1 and "overlap" in failed[0].error


def test_entries_whose_bytes_overlap_are_refused(tmp_path: Path) -> None:
    # Entry a.fit is stored (not compressed) and its content is entry b.fit's whole
    # local record, which the directory also lists: b's bytes lie inside a's.
    data = bytes(MB)
    payload = _deflated(data)
    inner = _local(b"b.fit", 8, payload, zlib.crc32(data), len(data))
    outer = _local(b"a.fit", 0, inner, zlib.crc32(inner), len(inner))
    entries = [
        _central(b"a.fit", 0, len(inner), zlib.crc32(inner), len(inner), 0),
        _central(b"b.fit", 8, len(payload), zlib.crc32(data), len(data), 30 + len(b"a.fit")),
    ]
    sources, failed, _ = _read(tmp_path, _with_directory(outer, entries))
    assert sources == []
    assert len(failed) == 1 and "overlap" in failed[0].error


def test_a_member_name_flagged_utf8_that_is_not_fails_that_archive_only(tmp_path: Path) -> None:
    data = b"x"
    head = struct.pack(_LOCAL, b"PK\x03\x04", 20, 0x800, 0, 0, 33, zlib.crc32(data), 1, 1, 6, 0)
    body = head + b"caf\xe9.x" + data
    fields = (b"PK\x01\x02", 20, 20, 0x800, 0, 0, 33, zlib.crc32(data), 1, 1, 6, 0, 0, 0, 0, 0, 0)
    upload = _with_directory(body, [struct.pack(_CENTRAL, *fields) + b"caf\xe9.x"])
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "b.zip").write_bytes(zip_of({"a.fit": b"y"}))
    (tmp_path / "ok" / "a.zip").write_bytes(upload)
    found = list(iter_sources([tmp_path / "ok"]))
    assert [type(s).__name__ for s in found] == ["FailedSource", "SourceFile"]
    assert "not a readable zip archive" in found[0].error  # type: ignore[union-attr]


def test_unpacking_has_a_time_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_ARCHIVE_UNPACK_S", -1.0)  # spent before it starts
    sources, failed, _ = _read(tmp_path, zip_of({"a.fit": b"x"}))
    assert sources == [] and len(failed) == 1 and "longer than" in failed[0].error
