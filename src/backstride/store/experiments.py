"""Randomised experiments (`backstride experiment`): keyword-only functions over a Connection."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from backstride.errors import NotFound
from backstride.models import Experiment, ExperimentBlock
from backstride.store.schema import experiments


def add(
    conn: Connection,
    *,
    change: str,
    block_days: int,
    washout_days: int,
    seed: int,
    blocks: tuple[ExperimentBlock, ...],
) -> Experiment:
    """Save a new experiment with its schedule, as shown to the runner."""
    row = conn.execute(
        insert(experiments).values(
            created_at=datetime.now(UTC),
            change=change,
            start_date=blocks[0].start,
            end_date=blocks[-1].end,
            block_days=block_days,
            washout_days=washout_days,
            seed=seed,
            schedule=[
                {"start": b.start.isoformat(), "end": b.end.isoformat(), "arm": b.arm}
                for b in blocks
            ],
        )
    )
    key = row.inserted_primary_key
    assert key is not None
    return get(conn, experiment_id=int(key[0]))


def _to_model(row: Any) -> Experiment:
    blocks = tuple(
        ExperimentBlock(date.fromisoformat(b["start"]), date.fromisoformat(b["end"]), b["arm"])
        for b in row.schedule
    )
    return Experiment(
        id=row.id,
        change=row.change,
        start_date=row.start_date,
        end_date=row.end_date,
        block_days=row.block_days,
        washout_days=row.washout_days,
        seed=row.seed,
        blocks=blocks,
        stopped_date=row.stopped_date,
    )


def get(conn: Connection, *, experiment_id: int) -> Experiment:
    row = conn.execute(select(experiments).where(experiments.c.id == experiment_id)).first()
    if row is None:
        raise NotFound(f"no experiment with id {experiment_id}")
    return _to_model(row)


def latest(conn: Connection) -> Experiment | None:
    """The newest experiment, running or not."""
    row = conn.execute(select(experiments).order_by(experiments.c.id.desc()).limit(1)).first()
    return None if row is None else _to_model(row)


def stop(conn: Connection, *, experiment_id: int, on: date) -> Experiment:
    conn.execute(
        update(experiments).where(experiments.c.id == experiment_id).values(stopped_date=on)
    )
    return get(conn, experiment_id=experiment_id)
