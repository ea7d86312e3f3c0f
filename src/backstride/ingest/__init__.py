"""Activity files → `Activity` values; no database access here."""
