"""`backstride experiment`: the randomised schedule, today's instruction, and the report."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from backstride.errors import ExperimentError
from backstride.kb import load_kb
from backstride.models import DiaryEntry
from backstride.services import experiment
from backstride.store import diary

START = date(2025, 6, 2)


def test_schedule_is_balanced_pairs_in_random_order() -> None:
    orders = set()
    for seed in range(20):
        blocks = experiment.schedule(START, pairs=3, block_days=7, seed=seed)
        assert len(blocks) == 6 and blocks[0].start == START
        assert blocks[-1].end == START + timedelta(days=41)
        for a, b in zip(blocks[::2], blocks[1::2], strict=True):
            assert {a.arm, b.arm} == {"change", "usual"}
        orders.add(tuple(b.arm for b in blocks))
    assert len(orders) > 3  # the order is drawn, not fixed


def _log(engine: Engine, e_id: int, effect: float, seed: int) -> None:
    rng = random.Random(seed)
    with engine.begin() as conn:
        e = experiment.experiments.get(conn, experiment_id=e_id)
        level = 0.0
        for b in e.blocks:
            day = b.start
            while day <= b.end:
                level = 0.5 * level + rng.gauss(0, 0.8)
                pain = round(min(10, max(0, 4 + level + (effect if b.arm == "change" else 0))))
                diary.add(conn, entry=DiaryEntry(day, "day", pain))
                day += timedelta(days=1)


@pytest.mark.parametrize(("effect", "conclusive"), [(-2.5, True), (0.0, False)])
def test_report_finds_a_real_change_and_calls_no_change_inconclusive(
    engine: Engine, effect: float, conclusive: bool
) -> None:
    kb = load_kb()
    with engine.begin() as conn:
        e = experiment.start(conn, change="strength before runs", kb=kb, today=START, seed=11)
    _log(engine, e.id, effect, seed=5)
    with engine.connect() as conn:
        r = experiment.report(conn, kb=kb, today=START + timedelta(days=60))
    assert r.conclusive is conclusive
    assert (r.n_change, r.n_usual) == (15, 15)  # 3 blocks x (7 - 2 washout days) each
    assert r.ci is not None and r.ci[0] <= effect <= r.ci[1]
    assert ("lower" in r.text) is conclusive and ("Inconclusive" in r.text) is not conclusive


def test_today_instruction_stop_and_one_at_a_time(engine: Engine) -> None:
    kb = load_kb()
    with engine.begin() as conn:
        e = experiment.start(conn, change="evening runs", kb=kb, today=START, seed=2)
        now = experiment.experiment_today(conn, START + timedelta(days=1))
        assert now is not None and now.block == 1 and now.washout
        later = experiment.experiment_today(conn, START + timedelta(days=9))
        assert later is not None and later.block == 2 and not later.washout
        assert later.arm == e.blocks[1].arm and "evening runs" in later.text
        with pytest.raises(ExperimentError, match="is running until"):
            experiment.start(conn, change="other", kb=kb, today=START)
        experiment.stop(conn, today=START + timedelta(days=3))
        assert experiment.experiment_today(conn, START + timedelta(days=4)) is None
        r = experiment.report(conn, kb=kb, today=START + timedelta(days=4))
        assert not r.conclusive and "Inconclusive so far" in r.text
