"""Training analysis: pure functions over plain values (activities, dates); no database."""
