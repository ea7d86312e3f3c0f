"""The home and training views are computed once per store state and refreshed after imports."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.present.web.conftest import TODAY, post


@pytest.mark.slow
def test_views_are_cached_until_the_store_changes(client: TestClient) -> None:
    cache = client.app.state.web.cache  # type: ignore[attr-defined]
    client.get("/home")
    client.get("/home")
    client.get("/training")
    client.get("/training")
    assert cache.computations == 2
    post(client, "/diary", {"kind": "day", "pain_during": "2", "entry_date": TODAY.isoformat()})
    page = client.get("/home").text
    assert cache.computations == 3
    assert "Pain 0-10 over time" in page  # the new entry is on the chart


def test_a_refresh_serves_the_old_view_with_an_updating_notice(client: TestClient) -> None:
    cache = client.app.state.web.cache  # type: ignore[attr-defined]
    client.get("/home")
    post(client, "/diary", {"kind": "day", "pain_during": "2", "entry_date": TODAY.isoformat()})
    cache._refreshing.set()  # as while the thread started after an import is running
    page = client.get("/home").text
    assert "Updating after your import" in page
    cache._refreshing.clear()
    cache.refresh_in_background().join(10)
    before = cache.computations
    page = client.get("/home").text
    assert "Updating" not in page and cache.computations == before
