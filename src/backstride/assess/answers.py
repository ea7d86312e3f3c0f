"""Check answers against the vocabulary: types, values, ranges, required ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backstride.errors import InvalidAnswer, MissingRequiredAnswers
from backstride.kb import KnowledgeBase
from backstride.kb.schema import Question


def _describe(q: Question) -> str:
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


def check_answer(q: Question, value: Any) -> Any:
    """The value in canonical form, or raise InvalidAnswer naming the id and what is allowed.

    Every shell (answers file, interview, web form) ends here, so a range or a list of
    allowed values is checked in one place.
    """
    bad = InvalidAnswer(f"answer `{q.id}`: {value!r} is not allowed; expected {_describe(q)}")
    if q.type == "bool":
        if not isinstance(value, bool):
            raise bad
        return value
    if q.type in ("int", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad
        if q.type == "int":
            if isinstance(value, float) and not value.is_integer():
                raise bad
            value = int(value)
        if (q.min is not None and value < q.min) or (q.max is not None and value > q.max):
            raise bad
        return value
    allowed = q.values or []
    if q.type == "choice":
        if not isinstance(value, str) or value not in allowed:
            raise bad
        return value
    if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
        raise bad
    return list(dict.fromkeys(value))


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
