"""The form check's output names: whatever the clip is called, the web's file route serves
what the writer wrote (one rule, `video.pipeline.OUTPUT_FILE`, for both)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstride.kb import load_kb
from backstride.video.pipeline import OUTPUT_FILE, output_stem

FINDING_IDS = [rule.id for rule in load_kb().form_rules]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("my run.mp4", "my_run"),
        ("бег.mp4", "clip"),
        ("(1) x.mp4", "1_x"),
        ("Café au lait.MOV", "Cafe_au_lait"),
        (".hidden.mp4", "hidden"),
        ("___.mp4", "clip"),
        ("..\\..\\evil.mp4", "evil"),
        ("a" * 300 + ".mp4", "a" * 60),
        ("IMG_2041.MOV", "IMG_2041"),
    ],
)
def test_output_stems_are_safe_and_keep_what_they_can(name: str, stem: str) -> None:
    assert output_stem(name) == stem


@given(st.text(min_size=0, max_size=80))
def test_every_clip_name_gives_output_names_the_file_route_serves(name: str) -> None:
    stem = output_stem(f"{name}.mp4")
    assert OUTPUT_FILE.fullmatch(f"{stem}.annotated.mp4")
    for finding in FINDING_IDS:
        assert OUTPUT_FILE.fullmatch(f"{stem}.{finding}.png")
