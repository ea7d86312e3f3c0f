"""Insights: what in the runner's own training goes with their back pain, with the days behind it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from backstride.present.report.insight_chart import insights_view
from backstride.present.web.state import render, web
from backstride.services.insights import insights_from_store

router = APIRouter()


@router.get("/insights")
def insights_page(request: Request) -> Any:
    state = web(request)
    with state.engine.connect() as conn:
        found = insights_from_store(conn, kb=state.kb, today=state.today())
    return render(request, "insights.html", insights=insights_view(found))
