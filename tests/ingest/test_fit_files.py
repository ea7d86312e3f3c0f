"""read_fit on the corpus's broken, non-activity, multisport and indoor files."""

from __future__ import annotations

import pytest

from backstride.errors import CorruptFile, NotAnActivity
from backstride.ingest.fit import read_fit, read_fit_reference
from tests.ingest._corpus import manifest_notes, names, read_bytes
from tests.ingest.test_fit_synthetic import READERS, Reader

#: What each fit_broken/ file should give, decided from its MANIFEST note.
BROKEN: dict[str, tuple[type[Exception], str] | None] = {
    "fit__activity-filecrc.fit": (CorruptFile, "CRC mismatch"),
    "fit__activity-settings-nodata.fit": (CorruptFile, "truncated"),  # 2nd chained file
    "fit__activity-unexpected-eof.fit": (CorruptFile, "truncated"),
    "fit__valid_only_contain_fileid.fit": (NotAnActivity, "no session, lap or timed record"),
    "sports-lib__empty-sessions.fit": (CorruptFile, "empty"),
    # A session with device totals but no records is still a (38 s) workout: summary-first.
    "GoldenCheetah__2012_02_05_09_03_59.fit": None,
    # Only fitparse chokes on its developer_data_id; the activity itself is intact.
    "python-fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit": None,
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", names("fit_broken"))
def test_broken_file_gives_a_clear_error_or_its_intact_activity(reader: Reader, name: str) -> None:
    data = read_bytes("fit_broken", name)
    assert name in BROKEN, f"new broken corpus file {name}: decide what it should give"
    expected = BROKEN[name]
    if expected is None:
        acts = reader(data, source_file=name, content_hash="h")
        assert len(acts) == 1 and acts[0].elapsed_s > 0
        return
    error, words = expected
    with pytest.raises(error, match=words):
        reader(data, source_file=name, content_hash="h")


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", names("fit_nonactivity"))
def test_non_activity_file_names_its_fit_file_type(reader: Reader, name: str) -> None:
    data = read_bytes("fit_nonactivity", name)
    file_type = manifest_notes()[f"fit_nonactivity/{name}"]["file_type"]
    with pytest.raises(NotAnActivity, match=f"FIT file type '{file_type}'"):
        reader(data, source_file=name, content_hash="h")


@pytest.mark.parametrize(
    ("name", "sports"),
    [
        ("fit__activity_multisport.fit", [("cycling", "mountain"), ("running", "trail")]),
        ("Runalyze__Multisession.fit", [("running", "generic"), ("running", "generic")]),
    ],
)
def test_multisport_file_gives_one_activity_per_session(
    name: str, sports: list[tuple[str, str]]
) -> None:
    acts = read_fit(read_bytes("fit", name), source_file=name, content_hash="h")
    assert [(a.sport, a.sub_sport) for a in acts] == sports
    assert [a.session_index for a in acts] == list(range(len(sports)))
    assert acts[0].started_at < acts[1].started_at


def test_treadmill_run_has_treadmill_surface_and_no_route() -> None:
    name = "Runalyze__FR920xt-with-runscribe-plus.fit"
    [act] = read_fit(read_bytes("fit", name), source_file=name, content_hash="h")
    assert (act.sport, act.surface, act.route) == ("running", "treadmill", ())
    assert act.distance_m and act.distance_m > 4000  # the watch's footpod still counts distance


def test_trail_run_has_trail_surface() -> None:
    name = "sports-lib__6909950168.fit"
    [act] = read_fit(read_bytes("fit", name), source_file=name, content_hash="h")
    assert act.surface == "trail"


def test_chained_activity_file_reads_both_activities() -> None:
    name = "fit__chained_Activity_activity_poolswim.fit"
    acts = read_fit(read_bytes("fit", name), source_file=name, content_hash="h")
    assert [a.sport for a in acts] == ["stand_up_paddleboarding", "swimming"]


@pytest.mark.parametrize(
    "name",
    [
        "elevate__kaiteriteri.fit",
        "sports-lib__6782987395.fit",
        "Runalyze__Fenix-3-with-runscribe-v1-38.fit",
        "GoldenCheetah__Garmin920_withFirstbeat.fit",
        "sports-lib__6916663933.fit",
    ],
)
def test_run_cadence_is_in_steps_per_minute(name: str) -> None:
    """Real runs land at 140–200 spm; undoubled strides would read 70–100."""
    [act] = read_fit(read_bytes("fit", name), source_file=name, content_hash="h")
    assert act.avg_cadence_spm is not None and 140 <= act.avg_cadence_spm <= 200


def test_cycling_cadence_is_not_reported_as_steps() -> None:
    name = "elevate__pinet.fit"
    [act] = read_fit(read_bytes("fit", name), source_file=name, content_hash="h")
    assert act.sport == "cycling" and act.avg_cadence_spm is None


def test_reference_reader_reads_a_run_like_the_fast_path() -> None:
    name = "python-fitparse__garmin-fenix-5-run.fit"
    data = read_bytes("fit", name)
    assert read_fit(data, source_file=name, content_hash="h") == read_fit_reference(
        data, source_file=name, content_hash="h"
    )
