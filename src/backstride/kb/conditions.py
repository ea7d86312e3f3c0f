"""The structure of the knowledge base's condition language (evaluation lives in assess.conditions).

A condition is one of:
  "question_id"                      true when the answer is truthy
  {q: id, equals: v}                 answer == v
  {q: id, includes: v}               v in the (list) answer
  {q: id, gte|gt|lte|lt: n}          numeric comparison
  {all: [cond, ...]}, {any: [...]}, {not: cond}
  {at_least: n, of: [cond, ...]}     n or more of the conditions hold (a count of features,
                                     as NICE NG65 counts features of spondyloarthritis)
A leaf on an unanswered question is false (and its `not` true): optional answers
never count as evidence either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

COMPARISONS = ("equals", "includes", "gte", "gt", "lte", "lt")
COMBINATORS = ("all", "any", "not")


@dataclass(frozen=True)
class Leaf:
    """One predicate on one answer."""

    question: str
    op: str  # "truthy" or one of COMPARISONS
    value: Any = None


def leaves(cond: Any, path: str = "when") -> Iterator[Leaf]:
    """Every leaf of a condition; raises ValueError naming the path of a malformed part."""
    if isinstance(cond, str):
        yield Leaf(cond, "truthy")
        return
    if not isinstance(cond, dict) or not cond:
        raise ValueError(f"{path}: a condition must be a question id or a mapping, got {cond!r}")
    if "q" in cond:
        ops = [k for k in cond if k != "q"]
        if len(ops) != 1 or ops[0] not in COMPARISONS:
            raise ValueError(
                f"{path}: a leaf needs `q` and exactly one of {', '.join(COMPARISONS)}"
            )
        yield Leaf(str(cond["q"]), ops[0], cond[ops[0]])
        return
    if "at_least" in cond:
        inner = cond.get("of")
        n = cond["at_least"]
        if set(cond) != {"at_least", "of"} or not isinstance(n, int) or isinstance(n, bool):
            raise ValueError(f"{path}: a count needs `at_least: <whole number>` and `of: [...]`")
        if not isinstance(inner, list) or not 0 < n <= len(inner):
            raise ValueError(f"{path}.of: needs a list of at least {n} conditions")
        for i, sub in enumerate(inner):
            yield from leaves(sub, f"{path}.of[{i}]")
        return
    if len(cond) != 1 or next(iter(cond)) not in COMBINATORS:
        raise ValueError(f"{path}: expected one of {', '.join(COMBINATORS)} or a leaf with `q`")
    key, inner = next(iter(cond.items()))
    if key == "not":
        yield from leaves(inner, f"{path}.not")
        return
    if not isinstance(inner, list) or not inner:
        raise ValueError(f"{path}.{key}: needs a non-empty list of conditions")
    for i, sub in enumerate(inner):
        yield from leaves(sub, f"{path}.{key}[{i}]")
