"""Orchestration: load from the store, call the pure analysis, return plain results.

May import ``store`` and ``analyse``; only ``present`` imports it.
"""
