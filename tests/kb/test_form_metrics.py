"""form_metrics.yaml: every figure of the form check is named, explained and its range cited,
and `kb check` names each kind of mistake."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.analyse.form.metrics import REAR_METRICS, SIDE_METRICS
from backstride.kb import DATA_DIR, check_kb, load_kb
from backstride.kb.validate import FORM_METRICS
from tests.conftest import sweep


def test_every_reported_metric_is_described_with_a_range_or_why_not() -> None:
    kb = load_kb()
    assert set(kb.form_metrics) == {m for names in FORM_METRICS.values() for m in names}
    for m in kb.form_metrics.values():
        assert m.range_note
        if m.typical_range is not None:
            assert m.evidence and m.sources


def _broken(tmp_path: Path, change: Any) -> list[str]:
    folder = tmp_path / "kb"
    shutil.copytree(DATA_DIR, folder)
    path = folder / "form_metrics.yaml"
    data = yaml.safe_load(path.read_text())
    change(data["metrics"])
    path.write_text(yaml.safe_dump(data))
    return check_kb(folder)[1]


@pytest.mark.parametrize(
    ("change", "message"),
    sweep(
        [
            (
                lambda ms: ms[1].update(typical_range=[12, 5]),
                "trunk_lean_deg: typical_range must run",
            ),
            (
                lambda ms: ms[1].update(sources=[]),
                "trunk_lean_deg: a typical_range needs its evidence",
            ),
            (lambda ms: ms[1].update(sources=["nobody_2020"]), "unknown source `nobody_2020`"),
            (lambda ms: ms.pop(0), "form_metrics.yaml: cadence_spm: not described"),
            (
                lambda ms: ms[0].update(id="stride_joy"),
                "stride_joy: not a metric the form analysis",
            ),
            (lambda ms: ms[0].pop("range_note"), "range_note"),
            (lambda ms: ms[0].update(typical_range=[1]), "typical_range"),
        ],
        ids=[
            "reversed",
            "uncited",
            "unknown-source",
            "missing",
            "unknown-id",
            "no-note",
            "one-bound",
        ],
    ),
)
def test_broken_description_is_reported(tmp_path: Path, change: Any, message: str) -> None:
    problems = _broken(tmp_path, change)
    assert any(message in p for p in problems), problems


def test_the_analysis_tables_measure_exactly_the_listed_metrics() -> None:
    for view, table in (("side", SIDE_METRICS), ("rear", REAR_METRICS)):
        assert ("cadence_spm", *(d.id for d in table)) == FORM_METRICS[view]
