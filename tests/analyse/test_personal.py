"""Personal evidence: factor definitions per day and the findings over a diary."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from backstride.analyse.personal import daily_factors, find_insights
from backstride.analyse.personal_findings import Verdict
from backstride.kb import load_kb
from backstride.models import DiaryEntry, Shoe
from tests.analyse._factory import run

D0 = date(2025, 3, 3)


def _bench() -> ModuleType:
    path = Path(__file__).parents[2] / "bench" / "insights_bench.py"
    spec = importlib.util.spec_from_file_location("insights_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["insights_bench"] = module
    spec.loader.exec_module(module)
    return module


def _days(data_days: list[date], values: list[float]) -> list[date]:
    return [d for d, v in zip(data_days, values, strict=True) if v == 1.0]


def test_factor_definitions_on_a_hand_made_history() -> None:
    kb = load_kb()
    runs = [
        run(1, D0, 10, minutes=60),
        run(2, D0 + timedelta(days=2), 10, minutes=60, hour=18, gear="Pair A"),
        run(3, D0 + timedelta(days=5), 11.5, minutes=95, gear="Pair A"),  # 15% over 10 km
        run(4, D0 + timedelta(days=7), 12, minutes=70, gear="Pair B"),  # 4% over 11.5: no
    ]
    shoes = [Shoe(1, "Pair A", 800, D0, None, 0.0, 900_000.0), Shoe(2, "Pair B", 800, D0)]
    diary = [
        DiaryEntry(D0 + timedelta(days=1), "strength", 1),
        DiaryEntry(D0 + timedelta(days=1), "day", 2, sleep_h=6.0),
        DiaryEntry(D0 + timedelta(days=2), "day", 3, sleep_h=8.0),
        DiaryEntry(D0 + timedelta(days=5), "run", 2, 3, fuelled=False),
    ]
    data = daily_factors(
        runs, diary, first=D0, last=D0 + timedelta(days=8), rules=kb.insights,
        load_rules=kb.load_rules, shoe_list=shoes,
    )  # fmt: skip
    ex = data.exposures

    def day(n: int) -> date:
        return D0 + timedelta(days=n)

    assert _days(data.days, ex["run_over_30d_longest"]) == [day(5)]
    assert _days(data.days, ex["long_run"]) == [day(5)]
    assert _days(data.days, ex["evening_run"]) == [day(2)]
    assert _days(data.days, ex["strength_session"]) == [day(1)]
    assert _days(data.days, ex["shoes_over_limit"]) == [day(2), day(5)]
    assert _days(data.days, ex["new_shoes"]) == [day(7)]
    assert _days(data.days, ex["unfuelled_long_run"]) == [day(5)]
    assert ex["short_sleep"][1] == 1.0 and ex["short_sleep"][2] == 0.0
    assert str(ex["short_sleep"][3]) == "nan"  # not recorded is unknown, not "slept enough"
    assert data.ran == [1.0, 0, 1, 0, 0, 1, 0, 1, 0]
    assert _days(data.days, ex["rest_day"]) == [day(i) for i in (1, 3, 4, 6, 8)]
    assert data.day_pain[1:3] == [2.0, 3.0]
    assert data.run_entries == [(day(5), 2.0, 3.0)]


def test_a_short_diary_says_how_much_more_is_needed() -> None:
    kb = load_kb()
    diary = [DiaryEntry(D0 + timedelta(days=i), "day", 3) for i in range(20)]
    runs = [run(i + 1, D0 + timedelta(days=2 * i), 8) for i in range(10)]
    data = daily_factors(
        runs, diary, first=D0, last=D0 + timedelta(days=19), rules=kb.insights,
        load_rules=kb.load_rules,
    )  # fmt: skip
    found = find_insights(data, kb.insights)
    assert found.findings == [] and found.tests == 0
    rest = next(
        n for n in found.not_enough_data if (n.factor, n.outcome) == ("rest_day", "pain_same_day")
    )
    assert (rest.n_days, rest.more_days, rest.more_exposed, rest.more_unexposed) == (20, 22, 0, 0)
    assert (rest.pair.factor_phrase, rest.pair.unit) == ("no run (a rest day)", "day")


def test_a_planted_effect_is_found_and_a_null_history_finds_nothing() -> None:
    bench = _bench()
    kb = load_kb()

    def insights(seed: int, effect: float):  # type: ignore[no-untyped-def]
        runs, diary, shoes, first, last, _ = bench.synthetic_runner(seed, effect=effect)
        data = daily_factors(
            runs, diary, first=first, last=last, rules=kb.insights, load_rules=kb.load_rules,
            shoe_list=shoes,
        )  # fmt: skip
        return find_insights(data, kb.insights)

    planted = insights(10_001, 3.0)
    top = planted.credible[0]
    assert (top.factor, top.outcome, top.n_exposed) == ("run_over_30d_longest", "pain_next_day", 6)
    assert top.ci[0] <= 3.0 <= top.ci[1]
    assert top.level == pytest.approx(1 - 0.05 / planted.tests)
    assert top.verdict is Verdict.HIGHER and top.pair.unit == "day"
    assert top.p_value < 1 - top.level  # the corrected interval excludes zero: so does p
    assert all(f.credible == (f.p_value < 1 - f.level) for f in planted.findings)
    assert all(f.verdict is Verdict.UNCLEAR for f in planted.findings if not f.credible)
    assert insights(3, 0.0).credible == []
