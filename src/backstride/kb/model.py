"""The loaded knowledge base: every file's records, indexed by id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backstride.kb import schema as s


@dataclass(frozen=True)
class KnowledgeBase:
    """Validated knowledge; look-ups by id raise KeyError naming where valid ids live."""

    meta: s.Meta
    questions: dict[str, s.Question]
    red_flags: list[s.RedFlag]
    causes: dict[str, s.Cause]
    exercises: dict[str, s.Exercise]
    warm_up: s.WarmUp
    cues: dict[str, s.Cue]
    habits: dict[str, s.Habit]
    sources: dict[str, s.Source]
    progress_rules: s.ProgressRulesFile
    form_rules: list[s.FormRule]
    form_metrics: dict[str, s.FormMetric]
    stop_rules: s.StopRulesFile
    load_rules: s.LoadRulesFile
    insights: s.InsightsFile

    @property
    def version(self) -> str:
        return self.meta.kb_version

    @classmethod
    def from_files(cls, files: dict[str, Any]) -> KnowledgeBase:
        return cls(
            meta=files["meta"],
            questions={q.id: q for q in files["questions"].questions},
            red_flags=list(files["red_flags"].red_flags),
            causes={c.id: c for c in files["causes"].causes},
            exercises={e.id: e for e in files["exercises"].exercises},
            warm_up=files["exercises"].warm_up,
            cues={c.id: c for c in files["cues"].cues},
            habits={h.id: h for h in files["habits"].habits},
            sources={x.id: x for x in files["sources"].sources},
            progress_rules=files["progress_rules"],
            form_rules=list(files["form_rules"].rules),
            form_metrics={m.id: m for m in files["form_metrics"].metrics},
            stop_rules=files["stop_rules"],
            load_rules=files["load_rules"],
            insights=files["insights"],
        )

    def questions_in(self, group: str) -> list[s.Question]:
        """Questions of one group, in file order."""
        return [q for q in self.questions.values() if q.group == group]

    def cite(self, source_ids: list[str]) -> list[str]:
        """Citation texts for source ids."""
        return [self.sources[i].citation for i in source_ids]

    def level_rank(self, level: str) -> int:
        """0 for the most severe level."""
        return self.meta.triage_levels.index(level)  # type: ignore[arg-type]
