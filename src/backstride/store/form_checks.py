"""Saved video form checks: keyword-only functions over a Connection, returning SavedFormCheck."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from backstride.errors import NotFound
from backstride.models import SavedFormCheck
from backstride.store.schema import form_checks

#: Report keys with a column of their own; everything else goes to `details`.
_COLUMNS = (
    "view",
    "fps",
    "duration_s",
    "frames_analysed",
    "strides_used",
    "cadence_spm",
    "form_observed",
    "findings",
    "metrics",
    "warnings",
    "estimator",
    "kb_version",
)
#: Report keys never stored: where the pictures were written is about files, not the run.
_NOT_STORED = ("outputs", "saved_id")


def add(
    conn: Connection,
    *,
    report: dict[str, Any],
    source: str,
    clip_name: str,
    output_key: str | None = None,
    created_at: datetime | None = None,
) -> int:
    """Save one check (`report` as `FormReport.to_json` gives it) and return its id."""
    values = {k: report[k] for k in _COLUMNS}
    details = {k: v for k, v in report.items() if k not in _COLUMNS and k not in _NOT_STORED}
    row = conn.execute(
        insert(form_checks).values(
            created_at=created_at or datetime.now(UTC),
            source=source,
            clip_name=clip_name,
            details=details,
            output_key=output_key,
            **values,
        )
    )
    key = row.inserted_primary_key
    assert key is not None
    return int(key[0])


def _to_model(row: Any) -> SavedFormCheck:
    report: dict[str, object] = dict(row.details or {})
    report.update({k: getattr(row, k) for k in _COLUMNS})
    return SavedFormCheck(
        id=row.id,
        created_at=row.created_at,
        source=row.source,
        clip_name=row.clip_name,
        report=report,
        output_key=row.output_key,
    )


def get(conn: Connection, *, check_id: int) -> SavedFormCheck:
    """One saved form check by id."""
    row = conn.execute(select(form_checks).where(form_checks.c.id == check_id)).first()
    if row is None:
        raise NotFound(
            f"no saved form check with id {check_id}; `backstride form-history` lists them"
        )
    return _to_model(row)


def recent(conn: Connection, *, limit: int = 50) -> list[SavedFormCheck]:
    """The newest form checks first."""
    rows = conn.execute(
        select(form_checks)
        .order_by(form_checks.c.created_at.desc(), form_checks.c.id.desc())
        .limit(limit)
    )
    return [_to_model(r) for r in rows]


def latest_per_view(conn: Connection) -> dict[str, SavedFormCheck]:
    """The newest check of each camera view (side, rear): what the self-check uses."""
    newest = (
        select(form_checks.c.view, func.max(form_checks.c.id).label("id"))
        .group_by(form_checks.c.view)
        .subquery()
    )
    rows = conn.execute(
        select(form_checks)
        .join(newest, form_checks.c.id == newest.c.id)
        .order_by(form_checks.c.view)
    )
    return {r.view: _to_model(r) for r in rows}


def output_keys(conn: Connection) -> set[str]:
    """The web app's output folders that saved checks still refer to."""
    rows = conn.execute(
        select(form_checks.c.output_key).where(form_checks.c.output_key.is_not(None))
    )
    return {str(r.output_key) for r in rows}
