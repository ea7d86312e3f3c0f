"""Training analysis: pure functions over plain values (activities, dates); no database.

Every threshold (30-day spike bands, 10/30% weekly change, hard-session ratios, shoe
limits, route similarity, ...) lives in ``src/backstride/kb/data/load_rules.yaml`` with its
evidence level and sources; ``backstride.kb.load_kb()`` reads it and the caller passes
``kb.load_rules`` in as ``rules`` (pvlib-style parameter sets: nothing here reads a file).
"""
