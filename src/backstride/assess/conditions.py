"""Evaluate the knowledge base's condition language (see kb.conditions) without eval."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Answers = Mapping[str, Any]


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda a, v: bool(a == v),
    "includes": lambda a, v: isinstance(a, list | tuple) and v in a,
    "gte": lambda a, v: _number(a) and a >= v,
    "gt": lambda a, v: _number(a) and a > v,
    "lte": lambda a, v: _number(a) and a <= v,
    "lt": lambda a, v: _number(a) and a < v,
}


def _leaf(cond: Mapping[str, Any], answers: Answers) -> bool:
    qid = cond["q"]
    if qid not in answers or answers[qid] is None:
        return False
    op = next(k for k in cond if k != "q")
    return _OPS[op](answers[qid], cond[op])


def evaluate(cond: Any, answers: Answers) -> bool:
    """True when `cond` holds for `answers`; an unanswered question makes its leaf false."""
    if isinstance(cond, str):
        return bool(answers.get(cond))
    if "q" in cond:
        return _leaf(cond, answers)
    if "all" in cond:
        return all(evaluate(c, answers) for c in cond["all"])
    if "any" in cond:
        return any(evaluate(c, answers) for c in cond["any"])
    if "not" in cond:
        return not evaluate(cond["not"], answers)
    if "at_least" in cond:
        return sum(evaluate(c, answers) for c in cond["of"]) >= int(cond["at_least"])
    raise ValueError(f"malformed condition: {cond!r}")


def questions_in(cond: Any) -> set[str]:
    """The question ids a condition reads."""
    if isinstance(cond, str):
        return {cond}
    if "q" in cond:
        return {str(cond["q"])}
    inner = cond.get("all") or cond.get("any") or cond.get("of") or [cond["not"]]
    return set().union(*(questions_in(c) for c in inner))
