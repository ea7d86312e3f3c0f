"""Build synthetic runs for the analysis tests (dates are local = UTC here)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from backstride.models import Activity, StoredActivity


def run(
    activity_id: int,
    day: date,
    km: float | None = 10.0,
    *,
    minutes: float = 60.0,
    hour: int = 7,
    sport: str = "running",
    **fields: object,
) -> StoredActivity:
    """One stored run on `day` of `km` kilometres lasting `minutes`."""
    activity = Activity(
        sport=sport,
        started_at=datetime.combine(day, time(hour), tzinfo=UTC),
        elapsed_s=minutes * 60,
        source_file=f"run{activity_id}.fit",
        content_hash=f"h{activity_id}",
        source_format="fit",
        distance_m=None if km is None else km * 1000,
        **fields,  # type: ignore[arg-type]
    )
    return StoredActivity(id=activity_id, activity=activity)
