"""Shoes and their links to activities: keyword-only functions returning models.Shoe.

``Shoe.distance_m`` here is the pair's start distance plus every activity linked to it;
the analysis also counts runs whose imported gear name matches (see analyse.shoes).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from backstride.errors import NotFound, StoreError
from backstride.models import Shoe
from backstride.store.schema import activities, activity_shoes, shoes


def add(
    conn: Connection,
    *,
    name: str,
    limit_km: float,
    added_date: date,
    start_distance_m: float = 0.0,
) -> int:
    """Add a pair and return its id; names are unique."""
    if not name.strip():
        raise StoreError("a pair of shoes needs a name")
    if by_name(conn, name=name) is not None:
        raise StoreError(
            f"a pair named {name.strip()!r} already exists; `backstride shoes list` shows it"
        )
    result = conn.execute(
        insert(shoes).values(
            name=name.strip(),
            limit_km=limit_km,
            added_date=added_date,
            start_distance_m=start_distance_m,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _query() -> Any:
    linked = (
        select(
            activity_shoes.c.shoe_id,
            func.coalesce(func.sum(activities.c.distance_m), 0.0).label("linked_m"),
        )
        .join(activities, activities.c.id == activity_shoes.c.activity_id)
        .group_by(activity_shoes.c.shoe_id)
        .subquery()
    )
    return (
        select(shoes, func.coalesce(linked.c.linked_m, 0.0).label("linked_m"))
        .outerjoin(linked, linked.c.shoe_id == shoes.c.id)
        .order_by(shoes.c.id)
    )


def _to_model(row: Any) -> Shoe:
    return Shoe(
        id=row.id,
        name=row.name,
        limit_km=float(row.limit_km),
        added_date=row.added_date,
        retired_date=row.retired_date,
        distance_m=float(row.start_distance_m) + float(row.linked_m),
        start_distance_m=float(row.start_distance_m),
    )


def get(conn: Connection, *, shoe_id: int) -> Shoe:
    """One pair by id."""
    row = conn.execute(_query().where(shoes.c.id == shoe_id)).first()
    if row is None:
        raise NotFound(f"no shoes with id {shoe_id}; `backstride shoes list` shows the ids")
    return _to_model(row)


def by_name(conn: Connection, *, name: str) -> Shoe | None:
    """The pair with this name (case-insensitive), if any."""
    row = conn.execute(_query().where(func.lower(shoes.c.name) == name.strip().lower())).first()
    return _to_model(row) if row is not None else None


def list_all(conn: Connection, *, include_retired: bool = True) -> list[Shoe]:
    """Every pair, oldest first."""
    query = _query()
    if not include_retired:
        query = query.where(shoes.c.retired_date.is_(None))
    return [_to_model(row) for row in conn.execute(query)]


def retire(conn: Connection, *, shoe_id: int, retired_date: date) -> Shoe:
    """Mark a pair retired; its runs and distance stay."""
    get(conn, shoe_id=shoe_id)
    conn.execute(update(shoes).where(shoes.c.id == shoe_id).values(retired_date=retired_date))
    return get(conn, shoe_id=shoe_id)


def set_limit(conn: Connection, *, shoe_id: int, limit_km: float) -> Shoe:
    """Change the distance after which a pair is due."""
    if limit_km <= 0:
        raise StoreError(f"limit {limit_km:g} km: a shoe limit must be above 0")
    get(conn, shoe_id=shoe_id)
    conn.execute(update(shoes).where(shoes.c.id == shoe_id).values(limit_km=limit_km))
    return get(conn, shoe_id=shoe_id)


def assign(conn: Connection, *, shoe_id: int, activity_ids: Iterable[int]) -> int:
    """Link activities to a pair (replacing any earlier pair); returns how many were linked."""
    get(conn, shoe_id=shoe_id)
    ids = sorted(set(activity_ids))
    if not ids:
        return 0
    found = set(conn.execute(select(activities.c.id).where(activities.c.id.in_(ids))).scalars())
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"no activities with ids {missing}; `backstride activities` lists them")
    conn.execute(delete(activity_shoes).where(activity_shoes.c.activity_id.in_(ids)))
    conn.execute(insert(activity_shoes), [{"activity_id": i, "shoe_id": shoe_id} for i in ids])
    return len(ids)


def assignments(conn: Connection) -> dict[int, int]:
    """activity id -> shoe id for every linked activity."""
    rows = conn.execute(select(activity_shoes.c.activity_id, activity_shoes.c.shoe_id))
    return {int(a): int(s) for a, s in rows}
