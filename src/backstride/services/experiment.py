"""A fair test of one change (`backstride experiment start|status|stop|report`).

The runner names one change; the schedule is randomised pairs of blocks (change / usual,
the order within each pair drawn at random), stored as shown. At the end the daily back
pain of the two kinds of block is compared by the AR(1) regression of `analyse.nof1`,
washout days left out: one pre-stated test, so a 95% interval with no multiplicity.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection

from backstride.errors import ExperimentError
from backstride.kb import KnowledgeBase
from backstride.models import Experiment, ExperimentBlock
from backstride.store import diary, experiments

ARMS = ("change", "usual")


def schedule(start: date, *, pairs: int, block_days: int, seed: int) -> tuple[ExperimentBlock, ...]:
    """`pairs` pairs of `block_days`-day blocks from `start`, each pair in random order."""
    rng = random.Random(seed)
    blocks = []
    day = start
    for _ in range(pairs):
        order = list(ARMS)
        rng.shuffle(order)
        for arm in order:
            end = day + timedelta(days=block_days - 1)
            blocks.append(ExperimentBlock(day, end, arm))
            day = end + timedelta(days=1)
    return tuple(blocks)


def _running(e: Experiment | None, today: date) -> bool:
    return e is not None and e.stopped_date is None and e.end_date >= today


def start(
    conn: Connection,
    *,
    change: str,
    kb: KnowledgeBase,
    today: date,
    start_date: date | None = None,
    pairs: int | None = None,
    block_days: int | None = None,
    washout_days: int | None = None,
    seed: int | None = None,
) -> Experiment:
    """Lay out and save the randomised schedule; one experiment at a time."""
    design = kb.insights.experiment
    change = change.strip()
    if not change:
        raise ExperimentError("name the one change to test, e.g. 'strength before runs'")
    current = experiments.latest(conn)
    if _running(current, today):
        assert current is not None
        raise ExperimentError(
            f"an experiment is running until {current.end_date} ({current.change}); "
            "`backstride experiment stop` ends it first"
        )
    pairs = pairs or design.pairs
    block_days = block_days or design.block_days
    washout = design.washout_days if washout_days is None else washout_days
    if washout >= block_days - 1:
        raise ExperimentError(
            f"a washout of {washout} days leaves too little of a {block_days}-day block"
        )
    seed = secrets.randbelow(2**31) if seed is None else seed
    blocks = schedule(start_date or today, pairs=pairs, block_days=block_days, seed=seed)
    return experiments.add(
        conn, change=change, block_days=block_days, washout_days=washout, seed=seed, blocks=blocks
    )


@dataclass(frozen=True)
class ExperimentDay:
    """What the experiment asks of one day (the Today page and the diary show it)."""

    experiment_id: int
    change: str
    day: date
    arm: str  # "change" | "usual"
    block: int  # 1-based
    blocks: int
    washout: bool
    days_left: int

    @property
    def text(self) -> str:
        todo = (
            f"do it: {self.change}" if self.arm == "change" else f"as usual, without {self.change}"
        )
        wash = " (washout day: not counted, the last block may still act)" if self.washout else ""
        return (
            f"Experiment, block {self.block} of {self.blocks}: today {todo}{wash}. "
            f"Log today's back pain. {self.days_left} days to go."
        )


def experiment_reminders(conn: Connection, start: date, end: date) -> dict[date, str]:
    """The running experiment's instruction for each day from `start` to `end` (the
    calendar shows it on the day it applies)."""
    e = experiments.latest(conn)
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return {d: now.text for d in days if (now := _day_of(e, d)) is not None}


def experiment_today(conn: Connection, day: date) -> ExperimentDay | None:
    """The running experiment's instruction for `day`, or None."""
    return _day_of(experiments.latest(conn), day)


def _day_of(e: Experiment | None, day: date) -> ExperimentDay | None:
    if e is None or not _running(e, day):
        return None
    for i, b in enumerate(e.blocks):
        if b.start <= day <= b.end:
            return ExperimentDay(
                e.id, e.change, day, b.arm, i + 1, len(e.blocks),
                (day - b.start).days < e.washout_days, (e.end_date - day).days,
            )  # fmt: skip
    return None  # before the start date


def stop(conn: Connection, *, today: date) -> Experiment:
    e = experiments.latest(conn)
    if e is None or not _running(e, today):
        raise ExperimentError("no experiment is running")
    return experiments.stop(conn, experiment_id=e.id, on=today)


@dataclass(frozen=True)
class ExperimentResult:
    """The effect of the change on daily back pain, or why the test is inconclusive."""

    experiment: Experiment
    effect: float | None
    ci: tuple[float, float] | None
    n_change: int
    n_usual: int
    conclusive: bool
    text: str
    method: str


def report(conn: Connection, *, kb: KnowledgeBase, today: date) -> ExperimentResult:
    """Compare the day pain of the change blocks with the usual ones (washout left out)."""
    from backstride.analyse.nof1 import fit_ar1

    e = experiments.latest(conn)
    if e is None:
        raise ExperimentError("no experiment yet: `backstride experiment start 'CHANGE'`")
    design = kb.insights.experiment
    last = min(d for d in (e.end_date, e.stopped_date, today) if d is not None)
    pains = {x.entry_date: x.pain_during for x in diary.between(conn, start=e.start_date, end=last)
             if x.kind == "day"}  # fmt: skip
    y, x, t = [], [], []
    for b in e.blocks:
        day = b.start
        while day <= min(b.end, last):
            counted = (day - b.start).days >= e.washout_days
            pain = pains.get(day)
            y.append(float("nan") if pain is None else float(pain))
            x.append((1.0 if b.arm == "change" else 0.0) if counted else float("nan"))
            t.append((day - e.start_date).days)
            day += timedelta(days=1)
    ok = [yy == yy and xx == xx for yy, xx in zip(y, x, strict=True)]
    n_change = sum(1 for k, xx in zip(ok, x, strict=True) if k and xx == 1.0)
    n_usual = sum(1 for k, xx in zip(ok, x, strict=True) if k and xx == 0.0)
    need = design.min_days_per_arm
    fit = fit_ar1(y, x, t=t, trend=False) if min(n_change, n_usual) >= need else None
    if fit is None:
        more = max(0, need - n_change) + max(0, need - n_usual)
        text = (
            f"Inconclusive so far: {n_change} logged days with {e.change} and {n_usual} without "
            f"(washout days left out); at least {need} of each are needed, {more} more logged days."
        )
        return ExperimentResult(e, None, None, n_change, n_usual, False, text, design.text)
    lo, hi = fit.interval(0.95)
    if lo > 0 or hi < 0:
        way = "higher" if fit.effect > 0 else "lower"
        text = (
            f"In your randomised test, back pain was on average {abs(fit.effect):.1f} points "
            f"{way} on days with {e.change} (95% interval {lo:+.1f} to {hi:+.1f}; "
            f"{n_change} days with it, {n_usual} without). The order was drawn at random, so "
            "the change itself is the likeliest reason, for you, over these weeks."
        )
    else:
        text = (
            f"Inconclusive: back pain differed by {fit.effect:+.1f} points on days with "
            f"{e.change} (95% interval {lo:+.1f} to {hi:+.1f}, which includes no difference; "
            f"{n_change} days with it, {n_usual} without). Another round of blocks would narrow it."
        )
    conclusive = lo > 0 or hi < 0
    return ExperimentResult(
        e, round(fit.effect, 2), (round(lo, 2), round(hi, 2)), n_change, n_usual, conclusive,
        text, design.text,
    )  # fmt: skip
