"""Login, only with `serve --allow-remote`: the access token `serve` printed, for a cookie."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from backstride.present.web.security import (
    LOGIN_COOKIE,
    Exposure,
    checked_form,
    logged_in,
    login_cookie,
    safe_next,
)
from backstride.present.web.state import MAX_FORM_BYTES, render

router = APIRouter()


def _exposure(request: Request) -> Exposure:
    exposure: Exposure = request.app.state.exposure
    return exposure


def _right(sent: str, exposure: Exposure) -> bool:
    token = exposure.access_token or ""
    return bool(sent) and hmac.compare_digest(sent.encode(), token.encode())


def _enter(token: str, target: str) -> RedirectResponse:
    """Set the login cookie and go on; the token leaves the address bar at once."""
    response = RedirectResponse(safe_next(target), status_code=303)
    response.headers.append("set-cookie", login_cookie(token))
    response.headers["referrer-policy"] = "no-referrer"
    response.headers["cache-control"] = "no-store"
    return response


def _page(request: Request, target: str, error: str | None = None) -> Any:
    response = render(
        request,
        "login.html",
        next=safe_next(target),
        error=error,
        status_code=403 if error else 200,
    )
    response.headers["referrer-policy"] = "no-referrer"
    return response


@router.get("/login")
def login_page(request: Request) -> Any:
    exposure = _exposure(request)
    target = request.query_params.get("next") or "/"
    if exposure.access_token is None:
        return RedirectResponse(safe_next(target), status_code=303)  # nothing to log in to
    sent = request.query_params.get("token")
    if sent is not None:
        if _right(sent, exposure):
            return _enter(exposure.access_token, target)
        return _page(request, target, "That is not the token `backstride serve` printed.")
    if logged_in(request.cookies.get(LOGIN_COOKIE), exposure):
        return RedirectResponse(safe_next(target), status_code=303)
    return _page(request, target)


@router.post("/login")
async def login_submit(request: Request) -> Any:
    exposure = _exposure(request)
    form = await checked_form(request, max_bytes=MAX_FORM_BYTES)
    target = str(form.get("next") or "/")
    if exposure.access_token is None:
        return RedirectResponse(safe_next(target), status_code=303)
    if not _right(str(form.get("token") or "").strip(), exposure):
        return _page(request, target, "That is not the token `backstride serve` printed.")
    return _enter(exposure.access_token, target)
