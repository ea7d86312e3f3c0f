"""Keeping originals: a SQLite store's folder against PostgreSQL's original_files table.

Run: .venv/bin/python bench/originals_bench.py [N] [POSTGRES_URL] [--smoke]
(default 300 originals of ~60 kB; the URL defaults to BACKSTRIDE_TEST_POSTGRES_URL;
`--smoke` keeps 10, to check the bench runs)

Each original is kept the way an import keeps it: a file written atomically in the
store's folder, or a row inserted in its own transaction. Median of 3, both in the
same run (the machine is shared and noisy); the ratio is the table's time over the
folder's. Reading every original back (what `export` does) is timed too.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text


def _payloads(n: int) -> list[tuple[str, bytes]]:
    out = []
    for i in range(n):
        data = os.urandom(20_000) + b"<trkpt/>" * 5000 + str(i).encode()
        out.append((hashlib.sha256(data).hexdigest(), data))
    return out


def main(n: int, url: str) -> None:
    from backstride import store
    from backstride.store.files import StoreFiles, original_key

    payloads = _payloads(n)
    mb = sum(len(d) for _, d in payloads) / 1e6
    folder_w, folder_r, table_w, table_r = [], [], [], []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            files = StoreFiles(Path(tmp))
            started = time.perf_counter()
            for digest, data in payloads:
                files.write_original(original_key(digest, "gpx", packed=False), data)
            folder_w.append(time.perf_counter() - started)
            started = time.perf_counter()
            for digest, _ in payloads:
                files.path(original_key(digest, "gpx", packed=False)).read_bytes()
            folder_r.append(time.perf_counter() - started)
        if not url:
            continue
        schema = f"b_{uuid.uuid4().hex[:8]}"
        admin = store.engine.create(url)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine = store.engine.create(url + f"?options=-csearch_path%3D{schema}")
        store.upgrade(engine)
        files = StoreFiles(Path("/nonexistent"), in_database=True)
        try:
            started = time.perf_counter()
            with engine.connect() as conn:
                for digest, data in payloads:
                    with conn.begin():
                        key = original_key(digest, "gpx", packed=False)
                        files.insert_original(conn, digest, key, data)
            table_w.append(time.perf_counter() - started)
            started = time.perf_counter()
            with engine.connect() as conn:
                for digest, _ in payloads:
                    files.read_original(conn, digest, None)
            table_r.append(time.perf_counter() - started)
        finally:
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    fw, fr = statistics.median(folder_w), statistics.median(folder_r)
    print(f"{n} originals, {mb:.1f} MB, median of 3")
    print(
        f"  folder (SQLite store): write {fw * 1000 / n:.2f} ms each ({mb / fw:.0f} MB/s), "
        f"read {fr * 1000 / n:.2f} ms each"
    )
    if table_w:
        tw, tr = statistics.median(table_w), statistics.median(table_r)
        print(
            f"  PostgreSQL original_files: write {tw * 1000 / n:.2f} ms each "
            f"({mb / tw:.0f} MB/s), read {tr * 1000 / n:.2f} ms each; "
            f"write {tw / fw:.1f}x the folder's time, read {tr / fr:.1f}x"
        )
    else:
        print("  PostgreSQL: no URL given (argument or BACKSTRIDE_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=300, help="originals (default 300)")
    parser.add_argument(
        "url", nargs="?", default=os.environ.get("BACKSTRIDE_TEST_POSTGRES_URL", ""),
        help="PostgreSQL URL (default BACKSTRIDE_TEST_POSTGRES_URL; none: the folder only)",
    )  # fmt: skip
    parser.add_argument("--smoke", action="store_true", help="10 originals (tests)")
    args = parser.parse_args()
    main(10 if args.smoke else args.n, args.url)
