"""Check answers against the vocabulary: types, values, ranges, required ids."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from backstride.errors import InvalidAnswer, MissingRequiredAnswers
from backstride.kb import KnowledgeBase
from backstride.kb.schema import Question


def _describe(q: Question) -> str:
    if q.accepts_unsure:
        return 'true, false or "unsure"'
    if q.type in ("choice", "choices"):
        what = "one of" if q.type == "choice" else "a list drawn from"
        return f"{what}: {', '.join(q.values or [])}"
    bounds = []
    if q.min is not None:
        bounds.append(f">= {q.min:g}")
    if q.max is not None:
        bounds.append(f"<= {q.max:g}")
    kind = {"bool": "true or false", "int": "a whole number", "number": "a number"}[q.type]
    return kind + (f" ({', '.join(bounds)})" if bounds else "")


#: The answer a runner who cannot tell gives to a yes/no warning sign; it counts as yes.
UNSURE = "unsure"

#: YAML 1.1 reads a bare `no`/`yes` as a bool; a choice whose values are those words means them.
_YAML_BOOL_WORDS = {False: "no", True: "yes"}


def _show(value: Any) -> str:
    """A short form of a rejected value: a 5,000-digit number or a huge list stays one line."""
    try:
        text = repr(value)
    except ValueError:  # an int past Python's digit limit for str()
        return "a number too large to show"
    return text if len(text) <= 60 else text[:57] + "..."


def _choice(q: Question, value: Any) -> str | None:
    """The canonical value matching `value` case-insensitively, or None."""
    if isinstance(value, bool):
        value = _YAML_BOOL_WORDS[value]
    if not isinstance(value, str):
        return None
    wanted = value.strip().casefold()
    return next((v for v in q.values or [] if v.casefold() == wanted), None)


def check_answer(q: Question, value: Any) -> Any:
    """The value in canonical form, or raise InvalidAnswer naming the id and what is allowed.

    Every shell (answers file, interview, web form) ends here, so a range or a list of
    allowed values is checked in one place. Choices match case-insensitively; an entry that
    matches nothing is an error, never silently dropped (answers.yaml v2).
    """
    bad = InvalidAnswer(f"answer `{q.id}`: {_show(value)} is not allowed; expected {_describe(q)}")
    if q.type == "bool":
        if isinstance(value, str) and q.accepts_unsure and value.strip().casefold() == UNSURE:
            return UNSURE
        if not isinstance(value, bool):
            raise bad
        return value
    if q.type in ("int", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad
        if isinstance(value, float) and not math.isfinite(value):
            raise bad
        if q.type == "int":
            if isinstance(value, float) and not value.is_integer():
                raise bad
            value = int(value)
        if (q.min is not None and value < q.min) or (q.max is not None and value > q.max):
            raise bad
        return value
    if q.type == "choice":
        match = _choice(q, value)
        if match is None:
            raise bad
        return match
    if not isinstance(value, list):
        raise bad
    matches = [_choice(q, v) for v in value]
    if any(m is None for m in matches):
        raise bad
    return list(dict.fromkeys(m for m in matches if m is not None))


def validate_answers(
    raw: Mapping[str, Any],
    kb: KnowledgeBase,
    *,
    require_all: bool = True,
    where: str = "answers",
) -> dict[str, Any]:
    """Validated, canonical answers.

    Raises:
        InvalidAnswer: an unknown id, or a value of the wrong type or outside its values.
        MissingRequiredAnswers: a required (safety or see-clinician) answer is missing;
            missing answers are never assumed to be "no".
    """
    answers: dict[str, Any] = {}
    unknown = [k for k in raw if k not in kb.questions or kb.questions[k].group == "derived"]
    if unknown:
        raise InvalidAnswer(
            f"{where}: unknown question id(s): {', '.join(map(str, unknown))} — "
            "see `backstride kb questions` for the ids"
        )
    for key, value in raw.items():
        answers[key] = check_answer(kb.questions[key], value)
    if require_all:
        missing = [q.id for q in kb.questions.values() if q.required and q.id not in answers]
        if missing:
            raise MissingRequiredAnswers(missing, where=where)
    return answers
