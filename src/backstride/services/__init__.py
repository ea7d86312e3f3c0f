"""Use cases that combine stages (ingest + store, store + analyse); only `present` imports these.

Each function takes a Connection and plain values and returns plain results.
"""
