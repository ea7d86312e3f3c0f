"""Saved form checks on SQLite (and PostgreSQL with the postgres marker)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from backstride.errors import NotFound
from backstride.store import form_checks
from backstride.store.engine import code_heads, current_heads


def report(view: str, faults: list[str], cadence: float | None = 170.0) -> dict[str, Any]:
    """A report in `FormReport.to_json`'s shape (the parts the store keeps)."""
    return {
        "report_version": 1,
        "view": view,
        "fps": 30.0,
        "duration_s": 8.0,
        "frames_analysed": 240,
        "frames_detected": 238,
        "strides_used": 11,
        "cadence_spm": cadence,
        "metrics": {"trunk_lean_deg": {"value": 12.5, "unit": "deg", "per_stride": [12.0, 13.0]}},
        "findings": [{"id": f, "title": f.title(), "severity": "mild"} for f in faults],
        "form_observed": faults,
        "warnings": ["Tracker jumped once."],
        "video": {"codec": "h264", "width": 720, "height": 1280},
        "outputs": {"annotated_video": "/somewhere/run.annotated.mp4", "key_frames": []},
        "estimator": "fake",
        "kb_version": "k1",
    }


def _round_trip(eng: Engine) -> None:
    at = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    with eng.begin() as conn:
        first = form_checks.add(
            conn, report=report("side", ["overstride"]), source="cli", clip_name="a.mp4",
            created_at=at,
        )  # fmt: skip
        form_checks.add(
            conn, report=report("rear", ["pelvic_drop"], None), source="web", clip_name="r.mp4",
            output_key="ab" * 16,
        )  # fmt: skip
        newest = form_checks.add(conn, report=report("side", []), source="web", clip_name="b.mp4")
    with eng.connect() as conn:
        saved = form_checks.get(conn, check_id=first)
        latest = form_checks.latest_per_view(conn)
        keys = form_checks.output_keys(conn)
        listed = form_checks.recent(conn)
    expected = report("side", ["overstride"])
    del expected["outputs"]  # file paths are not data
    assert saved.report == expected
    assert saved.created_at == at and saved.clip_name == "a.mp4" and saved.source == "cli"
    assert saved.view == "side" and saved.form_observed == ["overstride"]
    assert {v: c.clip_name for v, c in latest.items()} == {"rear": "r.mp4", "side": "b.mp4"}
    assert latest["side"].id == newest and latest["rear"].report["cadence_spm"] is None
    assert keys == {"ab" * 16}
    assert [c.clip_name for c in listed][-1] == "a.mp4"
    with eng.connect() as conn, pytest.raises(NotFound, match="form-history"):
        form_checks.get(conn, check_id=999)


def test_form_checks_round_trip(any_engine: Engine) -> None:
    assert current_heads(any_engine) == code_heads()
    assert "0005_form_checks" in code_heads()
    _round_trip(any_engine)
