"""Models to and from the database (SQLite by default, PostgreSQL from the same code)."""

from backstride.store.engine import connect, upgrade

__all__ = ["connect", "upgrade"]
