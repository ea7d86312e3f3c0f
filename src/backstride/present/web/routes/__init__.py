"""One router per page; each parses input, calls the library or a service, renders."""

from fastapi import APIRouter

from backstride.present.web.routes import (
    activities,
    check,
    diary,
    form,
    home,
    insights,
    login,
    plan,
    report,
    settings,
    today,
    training,
)

ALL: tuple[APIRouter, ...] = (
    home.router,
    today.router,
    login.router,
    check.router,
    training.router,
    activities.router,
    form.router,
    plan.router,
    diary.router,
    insights.router,
    report.router,
    settings.router,
)
