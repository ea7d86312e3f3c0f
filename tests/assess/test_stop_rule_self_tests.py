"""Self-tests that load a suspected injury are not asked once the answers so far point to it:
the CLI interview (driven through click's CliRunner) and the web self-check (TestClient).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from backstride.assess.engine import triage
from backstride.assess.restrictions import forbidden_by
from backstride.config import Settings
from backstride.kb import KnowledgeBase, load_kb
from backstride.present.cli import cli
from backstride.present.web import create_app
from backstride.services.selfcheck import GROUPS, questions_to_ask
from tests.conftest import sweep
from tests.plan.conftest import SAFE
from tests.plan.stop_cases import ALL_CASES

#: The loading self-tests, and the cases whose reasons forbid them.
LOADING = ("single_leg_bridge_reps", "side_plank_seconds", "single_leg_squat_pelvis_drop")
STOP_CASES = (
    "bone_stress_injury",
    "young_runner_extension_pain",
    "spondylolysis_and_sharp",
    "bone_stress_with_energy_deficiency",
)
SELF_TEST_ANSWERS: dict[str, Any] = {
    "single_leg_bridge_reps": 9,
    "side_plank_seconds": 30,
    "hip_flexor_test": "thigh_raised",
    "single_leg_squat_pelvis_drop": True,
}


def _answers(case: str) -> dict[str, Any]:
    return {**SAFE, **ALL_CASES[case]}


@pytest.mark.parametrize("case", STOP_CASES)
def test_the_loading_self_tests_are_forbidden(kb: KnowledgeBase, case: str) -> None:
    answers = _answers(case)
    asked, left_out = questions_to_ask(kb, "self_tests", answers)
    assert {q.id for q in left_out} >= set(LOADING)
    assert not {q.id for q in asked} & set(LOADING)
    forbidden = forbidden_by(triage(answers, kb), kb)
    assert all(forbidden.isdisjoint(q.loads) for q in asked)


@pytest.mark.parametrize(
    "case, not_asked, asked",
    [
        ("pregnancy", {"single_leg_bridge_reps", "side_plank_seconds"}, {"hip_flexor_test"}),
        ("postpartum", {"single_leg_bridge_reps", "side_plank_seconds"}, {"hip_flexor_test"}),
        ("child_under_16", set(LOADING), {"hip_flexor_test"}),
    ],
)
def test_pregnancy_postpartum_and_children_skip_straining_tests(
    kb: KnowledgeBase, case: str, not_asked: set[str], asked: set[str]
) -> None:
    got, left_out = questions_to_ask(kb, "self_tests", _answers(case))
    assert {q.id for q in left_out} == not_asked
    assert asked <= {q.id for q in got}


def test_a_self_care_runner_is_asked_every_self_test(kb: KnowledgeBase) -> None:
    asked, left_out = questions_to_ask(kb, "self_tests", dict(SAFE))
    assert left_out == [] and [q.id for q in asked] == [q.id for q in kb.questions_in("self_tests")]


def test_other_groups_are_never_filtered(kb: KnowledgeBase) -> None:
    for group, _ in GROUPS[:-1]:
        asked, left_out = questions_to_ask(kb, group, _answers("bone_stress_injury"))
        assert left_out == [] and asked == kb.questions_in(group)


# ---------------------------------------------------------------- the CLI interview


def _flat(text: str) -> str:
    """Text with the terminal's line wrapping undone."""
    return " ".join(text.split())


def _line(q: Any, value: Any) -> str:
    if q.type == "bool":
        if q.required:
            return "y" if value else "n"
        return "skip" if value is None else ("y" if value else "n")
    if q.type == "choices":
        return ",".join(value) if value else ""
    return "" if value is None else str(value)


def _interview_input(kb: KnowledgeBase, answers: dict[str, Any], self_tests: list[str]) -> str:
    """Typed answers for every question the interview should ask, in order."""
    lines: list[str] = []
    for group, _ in GROUPS:
        for q in kb.questions_in(group):
            if group == "self_tests" and q.id not in self_tests:
                continue
            value = SELF_TEST_ANSWERS.get(q.id) if group == "self_tests" else answers.get(q.id)
            lines.append(_line(q, value))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", sweep(STOP_CASES))
def test_the_cli_interview_does_not_ask_forbidden_self_tests(
    runner: CliRunner, cli_env: dict[str, str], case: str
) -> None:
    kb = load_kb()
    answers = _answers(case)
    typed = _interview_input(kb, answers, ["hip_flexor_test"])
    result = runner.invoke(cli, ["check"], env=cli_env, input=typed)
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert "Not asked:" in out and "single-leg bridge" in out
    for qid in LOADING:
        assert _flat(kb.questions[qid].text) not in out
    assert _flat(kb.questions["hip_flexor_test"].text) in out
    assert "SEE A CLINICIAN" in out
    listed = json.loads(runner.invoke(cli, ["history", "--json"], env=cli_env).output)
    shown = runner.invoke(cli, ["history", "show", str(listed[0]["id"]), "--json"], env=cli_env)
    saved = json.loads(shown.output)
    assert saved["answers"]["hip_flexor_test"] == "thigh_raised"
    assert not set(saved["answers"]) & set(LOADING)


def test_the_cli_interview_still_asks_every_self_test_at_self_care(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    kb = load_kb()
    typed = _interview_input(kb, dict(SAFE), list(SELF_TEST_ANSWERS))
    result = runner.invoke(cli, ["check"], env=cli_env, input=typed)
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert "Not asked:" not in out
    for qid in LOADING:
        assert _flat(kb.questions[qid].text) in out


# ---------------------------------------------------------------- the web self-check


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", data_dir=tmp_path / "d")
    app = create_app(settings, config_path=tmp_path / "config.toml")
    origin = "http://127.0.0.1:8765"
    with TestClient(app, base_url=origin, headers={"Origin": origin}) as c:
        yield c
    app.state.web.engine.dispose()


def _walk(client: TestClient, answers: dict[str, Any], *, extra: dict[str, Any]) -> list[str]:
    """Post every step as a browser does; returns each page's HTML. `extra` is posted on
    every step too (a crafted form trying to slip in a forbidden self-test)."""
    kb = load_kb()
    page = client.get("/check")
    pages = [page.text]
    n = 0
    while True:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        carried = re.search(r'name="answers" value="([^"]*)"', page.text)
        assert csrf and carried
        data: dict[str, Any] = {"csrf_token": csrf.group(1), "step": n}
        data["answers"] = html.unescape(carried.group(1))
        for q in kb.questions.values():
            if f'name="{q.id}"' in page.text and q.id in answers:
                value = answers[q.id]
                data[q.id] = ("yes" if value else "no") if q.type == "bool" else value
        data.update(extra)
        page = client.post("/check", data=data, follow_redirects=False)
        if page.status_code == 303:
            result = client.get(page.headers["location"])
            return [*pages, result.text]
        assert page.status_code == 200, page.text
        pages.append(page.text)
        n += 1


@pytest.mark.slow
@pytest.mark.parametrize("case", STOP_CASES)
def test_the_web_form_does_not_offer_forbidden_self_tests(client: TestClient, case: str) -> None:
    kb = load_kb()
    answers = {**_answers(case), **SELF_TEST_ANSWERS}
    pages = _walk(client, answers, extra={"single_leg_bridge_reps": "9"})
    self_test_page = next(p for p in pages if "Optional self-tests" in p)
    for qid in LOADING:
        assert f'name="{qid}"' not in self_test_page
        assert html.escape(kb.questions[qid].text) not in self_test_page
    assert 'name="hip_flexor_test"' in self_test_page
    assert "Not asked:" in self_test_page
    with client.app.state.web.engine.connect() as conn:  # type: ignore[attr-defined]
        from backstride.store import checks

        saved = checks.latest(conn)
    assert saved is not None
    assert saved.answers.get("hip_flexor_test") == "thigh_raised"
    assert not set(saved.answers) & set(LOADING)


@pytest.mark.slow
def test_the_web_form_offers_every_self_test_at_self_care(client: TestClient) -> None:
    pages = _walk(client, {**SAFE, **SELF_TEST_ANSWERS}, extra={})
    self_test_page = next(p for p in pages if "Optional self-tests" in p)
    for qid in LOADING:
        assert f'name="{qid}"' in self_test_page
    assert "Not asked:" not in self_test_page


def test_the_cli_interview_skips_the_straining_tests_after_birth(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    kb = load_kb()
    typed = _interview_input(
        kb, _answers("postpartum"), ["hip_flexor_test", "single_leg_squat_pelvis_drop"]
    )
    result = runner.invoke(cli, ["check"], env=cli_env, input=typed)
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert _flat(kb.questions["single_leg_bridge_reps"].text) not in out
    assert _flat(kb.questions["side_plank_seconds"].text) not in out
    assert _flat(kb.questions["single_leg_squat_pelvis_drop"].text) in out
    assert "Returning to running after giving birth" in out and "12 weeks" in out


@pytest.mark.slow
def test_the_web_form_skips_the_straining_tests_in_pregnancy(client: TestClient) -> None:
    answers = {**_answers("pregnancy"), **SELF_TEST_ANSWERS}
    pages = _walk(client, answers, extra={})
    self_test_page = next(p for p in pages if "Optional self-tests" in p)
    assert 'name="single_leg_bridge_reps"' not in self_test_page
    assert 'name="side_plank_seconds"' not in self_test_page
    assert 'name="single_leg_squat_pelvis_drop"' in self_test_page
    result = " ".join(pages[-1].split())
    assert "Exercise while pregnant" in result and "flat on your back" in result
