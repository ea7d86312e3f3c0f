"""Scores in words: what a runner or a physio reads instead of a raw number."""

from __future__ import annotations


def match_words(score: float) -> str:
    """A ranked cause's score (0-1) in words; pages and the report never print the number."""
    if score >= 0.7:
        return "strong match"
    if score >= 0.4:
        return "moderate match"
    return "some match"
