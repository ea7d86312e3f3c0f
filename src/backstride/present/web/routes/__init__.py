"""One router per page; each parses input, calls the library or a service, renders."""

from fastapi import APIRouter

from backstride.present.web.routes import (
    activities,
    check,
    diary,
    form,
    home,
    login,
    plan,
    report,
    settings,
    training,
)

ALL: tuple[APIRouter, ...] = (
    home.router,
    login.router,
    check.router,
    training.router,
    activities.router,
    form.router,
    plan.router,
    diary.router,
    report.router,
    settings.router,
)
