"""`backstride check` and `backstride history` through the CLI, asserting exit code and message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from backstride.present.cli import cli

BASELINE = Path(__file__).resolve().parent.parent / "data" / "answers" / "baseline.yaml"


def _answers(tmp_path: Path, overlay: dict[str, Any], *, name: str = "a.yaml") -> Path:
    data = {**yaml.safe_load(BASELINE.read_text()), **overlay}
    path = tmp_path / name
    path.write_text(json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data))
    return path


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> Any:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


def test_check_json_has_the_public_shape(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = _answers(tmp_path, {"shoe_km": 1100, "recent_changes": ["none"]}, name="a.json")
    result = _run(runner, cli_env, "check", "--answers", str(path), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert {"triage", "causes", "plan", "disclaimer", "kb_version"} <= set(out)
    assert out["triage"]["level"] == "self_care" and out["triage"]["reasons"] == []
    assert out["causes"][0]["id"] == "worn_footwear"
    assert [c["score"] for c in out["causes"]] == sorted(
        (c["score"] for c in out["causes"]), reverse=True
    )
    assert out["plan"]["kind"] == "full"
    assert "does not diagnose" in out["disclaimer"]


def test_emergency_json_has_no_plan(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = _answers(tmp_path, {"bladder_bowel_change": True})
    out = json.loads(_run(runner, cli_env, "check", "--answers", str(path), "--json").output)
    assert out["triage"]["level"] == "emergency"
    assert out["plan"] is None
    assert out["triage"]["reasons"][0]["rule"] == "cauda_equina_bladder_bowel"
    assert out["triage"]["message"].startswith("Go to an emergency department now")


def test_missing_required_answers_exit_2_naming_every_id(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    data = yaml.safe_load(BASELINE.read_text())
    del data["trauma"], data["age"], data["improving"]
    path = tmp_path / "partial.yaml"
    path.write_text(yaml.safe_dump(data))
    result = runner.invoke(cli, ["check", "--answers", str(path)], env=cli_env)
    assert result.exit_code == 2
    assert "missing required answers: trauma, age, improving" in result.output
    assert "history" not in result.output
    listed = runner.invoke(cli, ["history", "--json"], env=cli_env)
    assert json.loads(listed.output) == []  # nothing saved for a rejected check


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("trauma: [unclosed\n", "bad.yaml", "bad.yaml: line 2: malformed YAML"),
        ('{"trauma": false,\n "age": }', "bad.json", "bad.json: line 2: malformed JSON"),
        (
            "- just\n- a list\n",
            "list.yaml",
            "expected a mapping of question id to answer, got list",
        ),
    ],
)
def test_malformed_answers_file_exits_2(
    runner: CliRunner,
    cli_env: dict[str, str],
    tmp_path: Path,
    content: str,
    name: str,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = runner.invoke(cli, ["check", "--answers", str(path)], env=cli_env)
    assert result.exit_code == 2
    assert message in result.output


def test_unreadable_answers_file_exits_2(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"trauma: \xff\xfe\n")
    result = runner.invoke(cli, ["check", "--answers", str(path)], env=cli_env)
    assert result.exit_code == 2
    assert "cannot read the answers file" in result.output


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (
            {"leg_weakness": "bad"},
            "answer `leg_weakness`: 'bad' is not allowed; expected one of: none, stable, worsening",
        ),
        ({"pain_worst": "high"}, "answer `pain_worst`: 'high' is not allowed"),
        ({"shoe_size": 42}, "unknown question id(s): shoe_size"),
    ],
)
def test_wrong_answers_exit_2_naming_the_id(
    runner: CliRunner,
    cli_env: dict[str, str],
    tmp_path: Path,
    overlay: dict[str, Any],
    message: str,
) -> None:
    result = runner.invoke(
        cli, ["check", "--answers", str(_answers(tmp_path, overlay))], env=cli_env
    )
    assert result.exit_code == 2
    assert message in result.output.replace("\n", " ")


def test_saved_check_is_listed_and_redisplayed(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = _answers(tmp_path, {"trauma": True})
    first = json.loads(_run(runner, cli_env, "check", "--answers", str(path), "--json").output)
    listed = json.loads(_run(runner, cli_env, "history", "--json").output)
    assert [c["id"] for c in listed] == [first["check_id"]]
    assert listed[0]["level"] == "urgent" and listed[0]["kb_version"] == first["kb_version"]
    shown = json.loads(
        _run(runner, cli_env, "history", "show", str(first["check_id"]), "--json").output
    )
    assert shown["answers"]["trauma"] is True
    assert shown["result"]["triage"] == first["triage"]
    text = _run(runner, cli_env, "history", "show", str(first["check_id"])).output
    assert "URGENT" in text and "does not diagnose" in text


def test_history_show_unknown_id_exits_1(runner: CliRunner, cli_env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["history", "show", "99"], env=cli_env)
    assert result.exit_code == 1
    assert "no saved check with id 99" in result.output


def test_global_db_option_takes_a_plain_path(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "elsewhere" / "mine.db"
    path = _answers(tmp_path, {})
    result = runner.invoke(cli, ["--db", str(db), "check", "--answers", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert db.exists()


def test_terminal_rendering_shows_triage_causes_plan_and_disclaimer(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = _answers(
        tmp_path,
        {"hip_flexor_test": "thigh_raised", "desk_hours_per_day": 10, "sitting_worse": True},
    )
    out = _run(runner, cli_env, "check", "--answers", str(path)).output
    assert out.index("SELF-CARE") < out.index("Tight hip flexors") < out.index("Your plan")
    assert "Half-kneeling hip-flexor stretch" in out
    assert "does not diagnose" in out


def test_interactive_check_stops_at_the_first_emergency_answer(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    # saddle numbness: no; bladder/bowel change: yes -> interrupted before the third question
    result = runner.invoke(cli, ["check"], env=cli_env, input="n\ny\n")
    assert result.exit_code == 0, result.output
    assert "EMERGENCY" in result.output
    assert "Go to an emergency department now" in result.output
    assert "sexual function" not in result.output
    listed = json.loads(runner.invoke(cli, ["history", "--json"], env=cli_env).output)
    assert listed[0]["level"] == "emergency"


def interview_lines(overrides: dict[str, str] | None = None) -> list[str]:
    """Typed answers for the whole interview: the baseline, with some entries typed as given."""
    from backstride.kb import load_kb

    kb = load_kb()
    answers = yaml.safe_load(BASELINE.read_text())
    lines: list[str] = []
    for group in ("safety_screen", "see_clinician_screen", "spotting", "self_tests"):
        for q in kb.questions_in(group):
            value = answers.get(q.id)
            if q.id in (overrides or {}):
                lines.append((overrides or {})[q.id])
            elif q.type == "bool":
                lines.append(("y" if value else "n") if q.required else "skip")
            elif q.type == "choices":
                lines.append(",".join(value) if value else "")
            else:
                lines.append("" if value is None else str(value))
    return lines


def test_interactive_check_full_run(runner: CliRunner, cli_env: dict[str, str]) -> None:
    lines = interview_lines()
    result = runner.invoke(cli, ["check"], env=cli_env, input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "SELF-CARE" in result.output
    assert "How to do this test" in result.output  # self-test instructions shown


@pytest.mark.postgres
def test_check_and_history_on_postgres(
    runner: CliRunner, postgres_engine: Any, tmp_path: Path
) -> None:
    url = postgres_engine.url.render_as_string(hide_password=False)
    env = {"BACKSTRIDE_DB": url, "BACKSTRIDE_DATA_DIR": str(tmp_path)}
    path = _answers(tmp_path, {"pain_onset": "sudden"})
    out = json.loads(_run(runner, env, "check", "--answers", str(path), "--json").output)
    assert out["triage"]["level"] == "see_clinician"
    listed = json.loads(_run(runner, env, "history", "--json").output)
    assert [c["id"] for c in listed] == [out["check_id"]]


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("deep.json", '{"age": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        pytest.param(  # the YAML scanner takes ~1.5 s over 200,000 brackets
            "deep.yaml", "age: " + "[" * 100_000 + "]" * 100_000, "nested too deeply",
            marks=pytest.mark.slow,
        ),
        ("deep-block.yaml", "".join(f"{' ' * i}k{i}:\n" for i in range(1200)), "nested too deeply"),
        ("digits.yaml", "age: " + "9" * 5001, "not a usable answer"),
        ("digits.json", '{"age": ' + "9" * 5001 + "}", "not a usable answer"),
        ("huge.yaml", "notes: " + "x" * (1024 * 1024 + 10), "too large for an answers file"),
    ],
    ids=["json-nesting", "yaml-flow-nesting", "yaml-block-nesting", "yaml-5001-digits",
         "json-5001-digits", "over-1-MB"],
)  # fmt: skip
def test_a_hostile_answers_file_exits_2_with_one_message(
    runner: CliRunner,
    cli_env: dict[str, str],
    tmp_path: Path,
    name: str,
    content: str,
    fragment: str,
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = runner.invoke(cli, ["check", "--answers", str(path)], env=cli_env)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert f"{path}: " in result.output and fragment in result.output


def test_a_33_mb_answers_file_is_refused_before_it_is_read(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    status = Path("/proc/self/status")

    def peak_kb() -> int:
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1])

    path = tmp_path / "big.yaml"
    with path.open("w") as fh:
        fh.write("a: [" + "1, " * (11 * 2**20) + "1]\n")  # 33 MB
    # this test's own peak, not the worker's lifetime one (which earlier tests may have set)
    status.parent.joinpath("clear_refs").write_text("5")
    before = peak_kb()
    result = runner.invoke(cli, ["check", "--answers", str(path)], env=cli_env)
    assert result.exit_code == 2 and "33.0 MB is too large" in result.output, result.output
    assert peak_kb() - before < 20 * 1024  # [KB]: refused unread, not parsed (610 MB before)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_answers_path_that_is_a_pipe_or_device_is_refused_without_reading(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path, kind: str
) -> None:
    import os

    path = Path("/dev/zero")
    if kind == "fifo":
        path = tmp_path / "answers.yaml"
        os.mkfifo(path)
    result = runner.invoke(cli, ["check", "--answers", str(path)], env=cli_env)
    assert result.exit_code == 2 and "not a regular file" in result.output, result.output


def test_no_leading_cause_is_a_sentence_not_an_empty_table(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = _run(runner, {**cli_env, "COLUMNS": "80"}, "check", "--answers", str(_answers(tmp_path, {})), "--no-save")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "No single contributor stands out from your answers" in text
    assert "Why we think so" not in text
