from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.kb import KnowledgeBase, load_kb

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture
def baseline() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / "answers" / "baseline.yaml").read_text())
    return data
