"""Use cases that combine stages (ingest + store, ...); only `present` imports these."""
