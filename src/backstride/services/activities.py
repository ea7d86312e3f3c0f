"""One imported activity: remove it (rows and original), or correct its sport."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine

from backstride.errors import ConfigError
from backstride.ingest.sports import CHOICES, choice
from backstride.models import StoredActivity
from backstride.store import activities, sources
from backstride.store.files import StoreFiles

log = logging.getLogger(__name__)

#: The sports a runner may set (the web form lists them).
SPORT_CHOICES = CHOICES


def delete_activity(engine: Engine, *, activity_id: int, data_dir: Path) -> StoredActivity:
    """Delete activity `activity_id` and return what it was.

    `data_dir` is the store's own folder (`Settings.store_files_dir`). The activity goes
    with its shoe link (diary entries keep their text, unlinked). When no other session
    of the same file is stored, the file's ledger entry and its kept original go too,
    so importing that file again brings the activity back.

    Raises:
        NotFound: no activity has that id.
    """
    files = StoreFiles.for_engine(engine, data_dir, legacy=(data_dir,))
    with engine.begin() as conn:
        gone = activities.remove(conn, activity_id=activity_id)
        digest = gone.activity.content_hash
        if not activities.by_content(conn, content_hash=digest):
            original = sources.forget(conn, content_hash=digest)
            files.remove_original(conn, digest, original)
            if original is not None and not files.owns(files.path(original)):
                log.warning("%s is not in the store's folder %s: left in place", original, data_dir)
    return gone


def set_sport(engine: Engine, *, activity_id: int, sport: str) -> StoredActivity:
    """Set an activity's sport to the runner's word; importing the file again keeps it.

    Raises:
        NotFound: no activity has that id.
        ConfigError: `sport` is not one of ingest.sports.CHOICES (or an alias of one).
    """
    name = choice(sport)
    if name is None:
        raise ConfigError(f"unknown sport {sport!r}: one of {', '.join(CHOICES)}")
    with engine.begin() as conn:
        return activities.set_sport(conn, activity_id=activity_id, sport=name)
