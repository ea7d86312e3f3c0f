"""The web self-check: step by step, interrupting on an emergency, saved like the CLI's check."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backstride.assess import assess
from backstride.kb import load_kb
from backstride.present.web.routes.check import steps
from backstride.store import checks
from tests.plan.conftest import GLUTES, HIPS
from tests.present.web.conftest import BASELINE, answer_all, token


def _saved(client: TestClient) -> Any:
    with client.app.state.web.engine.connect() as conn:  # type: ignore[attr-defined]
        return checks.latest(conn)


def _source(client: TestClient, check_id: int) -> str:
    import sqlalchemy as sa

    from backstride.store.schema import checks as table

    with client.app.state.web.engine.connect() as conn:  # type: ignore[attr-defined]
        return str(conn.execute(sa.select(table.c.source).where(table.c.id == check_id)).scalar())


def test_safety_screen_comes_first_in_two_or_three_short_pages(client: TestClient) -> None:
    kb = load_kb()
    safety = [s for s in steps(kb) if s.group == "safety_screen"]
    assert 2 <= len(safety) <= 3 and all(len(s.questions) <= 5 for s in safety)
    assert steps(kb)[0].group == "safety_screen"
    # no page of 14-18 questions any more: the other groups come at most 8 to a page
    assert all(len(s.questions) <= 8 for s in steps(kb) if s.group != "self_tests")
    # the emergency (cauda equina) signs are all on the first page
    first = {q.id for q in safety[0].questions}
    assert {"saddle_numbness", "bladder_bowel_change", "both_legs_symptoms"} <= first
    page = client.get("/check")
    assert page.status_code == 200
    assert kb.questions_in("safety_screen")[0].text in page.text
    assert "Page 1 of" in page.text and "0 of " in page.text


def test_progress_counts_questions_answered_not_pages(client: TestClient) -> None:
    kb = load_kb()
    all_steps = steps(kb)
    total = sum(len(s.questions) for s in all_steps)
    data: dict[str, Any] = {"csrf_token": token(client, "/check"), "step": 0, "answers": "{}"}
    for q in all_steps[0].questions:
        data[q.id] = "no" if q.type == "bool" else "none"
    second = client.post("/check", data=data)
    assert second.status_code == 200, second.text
    done = len(all_steps[0].questions)
    assert f'<progress value="{done}" max="{total}"' in second.text
    assert f"{done} of {total} questions answered" in second.text


def test_every_answer_has_a_plain_label_and_pain_is_a_slider(client: TestClient) -> None:
    kb = load_kb()
    n = next(i for i, s in enumerate(steps(kb)) if s.group == "see_clinician_screen")
    safety = {q.id: BASELINE[q.id] for q in kb.questions_in("safety_screen")}
    data = {"csrf_token": token(client, "/check"), "step": n, "answers": json.dumps(safety)}
    data["back"] = "1"
    data["step"] = n + 1
    page = client.post("/check", data=data).text
    assert "Gradually, over days or weeks" in page and "Staying the same" in page
    assert "> gradual<" not in page and "> same<" not in page
    assert 'type="range" name="pain_worst" min="0" max="10"' in page
    assert "0 No pain" in page and "10 Worst imaginable" in page


def test_full_check_saves_the_same_result_as_the_library(client: TestClient) -> None:
    answers = {**BASELINE, **GLUTES, **HIPS}
    done = answer_all(client, answers)
    assert done.status_code == 303
    saved = _saved(client)
    assert saved is not None and _source(client, saved.id) == "web"
    assert saved.answers == answers
    expected = assess(answers, load_kb()).to_json()
    assert saved.triage_level == expected["triage"]["level"] == "self_care"
    assert [c["id"] for c in saved.result["causes"]] == [c["id"] for c in expected["causes"]]
    page = client.get(done.headers["location"])
    assert page.status_code == 200
    assert "Self-care" in page.text and "Likely contributors" in page.text
    assert expected["causes"][0]["name"] in page.text
    assert expected["causes"][0]["evidence"][0] in page.text
    assert "Your plan" in page.text


def test_an_emergency_answer_interrupts_at_once_without_a_plan(client: TestClient) -> None:
    data = {"csrf_token": token(client, "/check"), "step": 0, "answers": "{}"}
    data["saddle_numbness"] = "yes"
    response = client.post("/check", data=data, follow_redirects=False)
    assert response.status_code == 303  # straight to the result, no step 2
    saved = _saved(client)
    assert saved.triage_level == "emergency"
    assert saved.result["interrupted"] is True and saved.result["plan"] is None
    assert saved.answers == {"saddle_numbness": True}
    page = client.get(response.headers["location"])
    assert 'role="alert"' in page.text and "Emergency" in page.text
    assert "Your plan" not in page.text and "Likely contributors" not in page.text


def test_self_test_instructions_are_shown_beside_the_questions(client: TestClient) -> None:
    kb = load_kb()
    n = next(i for i, s in enumerate(steps(kb)) if s.group == "self_tests")
    data = {"csrf_token": token(client, "/check"), "step": n - 1, "answers": json.dumps(BASELINE)}
    response = client.post("/check", data=data)
    assert response.status_code == 200
    assert "How to do this test" in response.text
    assert "Single-leg bridge" in response.text


@pytest.mark.slow
def test_a_missing_required_answer_keeps_the_step_with_a_message(client: TestClient) -> None:
    data = {"csrf_token": token(client, "/check"), "step": 0, "answers": "{}"}
    response = client.post("/check", data=data)
    assert response.status_code == 422
    assert "please answer" in response.text and "Page 1 of" in response.text


def test_out_of_range_number_is_refused(client: TestClient) -> None:
    kb = load_kb()
    n = next(i for i, s in enumerate(steps(kb)) if s.questions[0].id == "age")
    data = {"csrf_token": token(client, "/check"), "step": n, "answers": "{}", "age": "300"}
    response = client.post("/check", data=data)
    assert response.status_code == 422
    assert "enter a value from 0 to 120" in response.text


def test_unknown_result_is_a_404_page(client: TestClient) -> None:
    response = client.get("/check/result/999")
    assert response.status_code == 404
    assert "Something needs your attention" in response.text


def test_a_required_multiple_choice_needs_one_pick_on_its_own_step(client: TestClient) -> None:
    kb = load_kb()
    n = next(i for i, s in enumerate(steps(kb)) if s.group == "see_clinician_screen")
    safety = {q.id: BASELINE[q.id] for q in kb.questions_in("safety_screen")}
    data: dict[str, Any] = {
        "csrf_token": token(client, "/check"),
        "step": n,
        "answers": json.dumps(safety),
    }
    for q in steps(kb)[n].questions:
        if q.id in BASELINE and q.id != "pain_character":
            v = BASELINE[q.id]
            data[q.id] = ("yes" if v else "no") if q.type == "bool" else v
    response = client.post("/check", data=data)
    assert response.status_code == 422
    assert "please choose at least one" in response.text
    assert f"Page {n + 1} of" in response.text


def test_back_returns_to_the_previous_step_keeping_the_answers(client: TestClient) -> None:
    data = {
        "csrf_token": token(client, "/check"),
        "step": 0,
        "answers": "{}",
        "saddle_numbness": "no",
    }
    for q in steps(load_kb())[0].questions[1:]:
        data[q.id] = "no" if q.type == "bool" else "none"
    second = client.post("/check", data=data)
    assert "Page 2 of" in second.text and "Back" in second.text
    carried = json.dumps({"saddle_numbness": False})
    back = client.post(
        "/check",
        data={"csrf_token": token(client, "/check"), "step": 1, "answers": carried, "back": "1"},
    )
    assert back.status_code == 200 and "Page 1 of" in back.text
    assert 'value="no" checked' in back.text


def test_unsure_is_offered_on_warning_signs_and_counts_as_yes(client: TestClient) -> None:
    page = client.get("/check")
    assert 'value="unsure"' in page.text and "How to check" in page.text
    data = {"csrf_token": token(client, "/check"), "step": 0, "answers": "{}"}
    data["saddle_numbness"] = "unsure"
    response = client.post("/check", data=data, follow_redirects=False)
    assert response.status_code == 303
    saved = _saved(client)
    assert saved.triage_level == "emergency" and saved.answers == {"saddle_numbness": "unsure"}
    page = client.get(response.headers["location"])
    assert "How to check" in page.text


def test_an_urgent_result_states_one_time_keeps_gentler_reasons_apart_and_has_a_safety_net(
    client: TestClient,
) -> None:
    answers = {**BASELINE, "cancer_history": True, "pain_onset": "sudden"}
    done = answer_all(client, answers)
    page = client.get(done.headers["location"])
    assert "Contact your cancer team (acute oncology) or your doctor within 24 hours" in page.text
    assert "24-48" not in page.text
    assert "Also tell the clinician" in page.text
    assert "Keep to gentle, pain-free activity" not in page.text  # sudden_onset's advice
    assert "emergency department at once" in page.text
    assert "Your plan" not in page.text


def test_the_new_optional_questions_are_asked(client: TestClient) -> None:
    kb = load_kb()
    ids = {q.id for s in steps(kb) for q in s.questions}
    assert {
        "recent_spinal_procedure_or_infection",
        "pregnancy_status",
        "nsaid_relief_within_48h",
        "family_history_spondyloarthritis",
        "arthritis_enthesitis_or_psoriasis",
    } <= ids


def test_no_leading_cause_is_said_not_shown_as_an_empty_list(client: TestClient) -> None:
    assert all(c.score == 0 for c in assess(BASELINE, load_kb()).causes)
    done = answer_all(client, BASELINE)
    page = client.get(done.headers["location"]).text
    assert "No single contributor stands out from your answers" in page
    assert 'class="card cause"' not in page
