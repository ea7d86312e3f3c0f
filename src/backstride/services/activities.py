"""Remove one imported activity: its rows, and its original file once nothing else uses it."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine

from backstride.models import StoredActivity
from backstride.store import activities, sources

log = logging.getLogger(__name__)


def delete_activity(engine: Engine, *, activity_id: int, data_dir: Path) -> StoredActivity:
    """Delete activity `activity_id` and return what it was.

    The activity goes with its shoe link (diary entries keep their text, unlinked).
    When no other session of the same file is stored, the file's ledger entry and its
    kept original go too, so importing that file again brings the activity back.

    Raises:
        NotFound: no activity has that id.
    """
    with engine.begin() as conn:
        gone = activities.remove(conn, activity_id=activity_id)
        digest = gone.activity.content_hash
        original = None
        if not activities.by_content(conn, content_hash=digest):
            original = sources.forget(conn, content_hash=digest)
    if original is not None:
        _unlink_original(Path(original), data_dir)
    return gone


def _unlink_original(path: Path, data_dir: Path) -> None:
    # Only ever a file under the originals folder: the ledger names it, but a ledger
    # edited by hand must not make a delete remove anything else.
    originals = (data_dir / "originals").resolve()
    try:
        resolved = path.resolve()
        if resolved.is_relative_to(originals):
            resolved.unlink(missing_ok=True)
        else:
            log.warning("%s is not under %s: left in place", path, originals)
    except OSError as exc:
        log.warning("could not remove the original %s: %s", path, exc)
