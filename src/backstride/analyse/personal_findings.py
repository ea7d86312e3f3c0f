"""What the personal-evidence analysis finds, as values: one typed finding per factor and
outcome, tested or not yet testable. ``backstride.wording`` words them.

Kept apart from ``analyse.personal`` (numpy, the factor definitions) so that the wording,
which the quick commands load, imports only these small records. The names and phrases
of the factor and the outcome travel with each finding (from kb/data/insights.yaml), so
the wording needs no knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

#: What one outcome is counted in: a diary day or a logged run.
OutcomeUnit = Literal["day", "run"]


class Verdict(StrEnum):
    """What the corrected interval says: pain higher or lower with the factor, or neither."""

    HIGHER = "higher"
    LOWER = "lower"
    UNCLEAR = "unclear"  # the corrected interval includes no difference


@dataclass(frozen=True)
class Pair:
    """The factor and the outcome one finding is about, by id and in the KB's words."""

    factor: str
    outcome: str
    #: the factor's name ("Run over your 30-day longest")
    factor_name: str
    #: the factor as a sentence part ("a run more than 10% over your 30-day longest")
    factor_phrase: str
    #: the outcome's name ("Pain the next day")
    outcome_name: str
    #: when the pain was, with {factor} where the factor's phrase goes
    outcome_phrase: str
    unit: OutcomeUnit


@dataclass(frozen=True)
class Point:
    """One day behind a finding: its pain and whether the factor was present."""

    day: date
    pain: float
    exposed: bool


@dataclass(frozen=True)
class Finding:
    """One factor against one outcome, tested: the effect [pain points, exposed minus
    unexposed] with its interval at `level` (corrected for the pairs tested)."""

    pair: Pair
    effect: float
    ci: tuple[float, float]
    level: float
    n_exposed: int
    n_unexposed: int
    rho: float
    verdict: Verdict
    #: two-sided, uncorrected: the chance of an effect this far from zero if there were none
    p_value: float
    se: float = 0.0
    df: int = 0
    points: tuple[Point, ...] = ()

    @property
    def factor(self) -> str:
        return self.pair.factor

    @property
    def outcome(self) -> str:
        return self.pair.outcome

    @property
    def credible(self) -> bool:
        """The corrected interval excludes zero."""
        return self.verdict is not Verdict.UNCLEAR


@dataclass(frozen=True)
class NotEnough:
    """A pair with too little data yet, and how much more it needs. All three `more_*`
    zero: the counts are there but the factor does not vary enough to be estimated."""

    pair: Pair
    n_exposed: int
    n_unexposed: int
    n_days: int
    more_days: int
    more_exposed: int
    more_unexposed: int = 0

    @property
    def factor(self) -> str:
        return self.pair.factor

    @property
    def outcome(self) -> str:
        return self.pair.outcome


@dataclass(frozen=True)
class Insights:
    """Every pair tested (with the correction for how many) and every pair not yet testable."""

    findings: list[Finding]
    not_enough_data: list[NotEnough]
    tests: int
    level: float
    method: str
    first: date | None = None
    last: date | None = None

    @property
    def credible(self) -> list[Finding]:
        return [f for f in self.findings if f.credible]
