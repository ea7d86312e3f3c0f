"""The audit log: who viewed or changed whose data, and when (never the data itself).

The log is a table of the team schema, written and read in `store.team.audit`; the
shells and the other team modules record and read it through here.
"""

from __future__ import annotations

from backstride.store.team.audit import Entry, for_runner, record

__all__ = ["Entry", "for_runner", "record"]
