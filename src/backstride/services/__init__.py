"""Use cases that combine stages (ingest + store, store + analyse); only `present` imports these.

Each function takes plain values and returns dataclasses or plain values; the shells turn
them into text, HTML or JSON. All SQL lives in `store`; `present` never imports `store`,
and reaches a single saved record through `records` and the database itself through
`database`.

The transaction rule: the shell opens the transaction and the service runs inside it.
A service takes a ``Connection`` that the caller opened with ``engine.begin()`` (it
writes) or ``engine.connect()`` (it only reads); the service never commits, so a failure
anywhere in the use case rolls all of it back. A service takes an ``Engine`` instead only
when its work is, by design, not one transaction, and says why in its docstring:

- `importing.import_paths`: one transaction per file, so one bad file costs only itself;
- `activities.delete_activity`: the original file is unlinked only after the commit;
- `selfcheck.training_evidence`: a store it cannot read must not cost the runner the triage.
"""
