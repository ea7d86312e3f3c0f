"""The training-load rules as data: a typed view of ``kb/data/load_rules.yaml``.

Every threshold the analysis uses lives in that file with its evidence level and
sources; this module only validates and looks them up. The knowledge-base loader
(``backstride.kb``) will absorb this schema later.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

RULES_PATH = Path(__file__).resolve().parent.parent / "kb" / "data" / "load_rules.yaml"

Evidence = Literal["strong", "moderate", "weak", "expert_opinion"]
Severity = Literal["none", "info", "caution", "warning"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(_Strict):
    """One band of a ratio rule: applies while ``ratio <= max_ratio`` (None = no upper end)."""

    label: str
    max_ratio: float | None
    severity: Severity
    hazard_ratio: float | None = None


class Rule(_Strict):
    """One rule: id, thresholds (units in the key names), evidence and sources."""

    id: str
    evidence: Evidence
    sources: list[str] = Field(min_length=1)
    text: str
    thresholds: dict[str, float]
    bands: list[Band] = []
    severity: Severity = "info"

    def band_for(self, ratio: float) -> Band:
        """The first band whose ``max_ratio`` is not exceeded by ``ratio``."""
        for band in self.bands:
            if band.max_ratio is None or ratio <= band.max_ratio:
                return band
        raise ValueError(
            f"rule {self.id}: no band covers ratio {ratio}; add a max_ratio: null band"
        )


class Source(_Strict):
    id: str
    research: str
    citation: str
    url: str | None = None
    note: str | None = None


class LoadRules(_Strict):
    """All load rules, looked up by id: ``rules["single_run_spike"].thresholds["window_days"]``."""

    version: int
    recent_window_days: int
    rules: list[Rule]
    sources: list[Source]

    @model_validator(mode="after")
    def _check_references(self) -> LoadRules:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids: {', '.join(dupes)}")
        known = {s.id for s in self.sources}
        for rule in self.rules:
            missing = [s for s in rule.sources if s not in known]
            if missing:
                raise ValueError(f"rule {rule.id}: unknown sources {missing}")
            if rule.bands and rule.bands[-1].max_ratio is not None:
                raise ValueError(f"rule {rule.id}: the last band needs max_ratio: null")
        return self

    def __getitem__(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no load rule {rule_id!r}; the ids are listed in {RULES_PATH.name}")

    def threshold(self, rule_id: str, name: str) -> float:
        """One threshold value, e.g. ``threshold("single_run_spike", "window_days")``."""
        return self[rule_id].thresholds[name]


def parse_rules(text: str, *, where: str = "load_rules.yaml") -> LoadRules:
    """Validate rules from YAML text; ValueError names the file and the problem."""
    try:
        return LoadRules.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        raise ValueError(f"{where}: {exc}") from exc


@lru_cache(maxsize=1)
def load_rules() -> LoadRules:
    """The shipped rules (read once)."""
    return parse_rules(RULES_PATH.read_text(encoding="utf-8"), where=str(RULES_PATH))
