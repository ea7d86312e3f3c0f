"""Frozen value objects shared by every stage (SI units, `*_at` = aware UTC datetimes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: Where each format ranks when the same run arrives from several sources.
SOURCE_RICHNESS: dict[str, int] = {"fit": 3, "tcx": 2, "gpx": 1, "apple": 1, "csv": 0}


@dataclass(frozen=True)
class Activity:
    """One sport session as read from a file, before it is stored.

    A multisport file yields one Activity per sport session. ``route`` is a
    simplified track of (latitude, longitude) pairs in degrees, enough for terrain
    and route-similarity analysis, not every sample.
    """

    sport: str
    started_at: datetime
    elapsed_s: float
    source_file: str
    content_hash: str
    source_format: str
    sub_sport: str | None = None
    utc_offset_s: int | None = None
    moving_s: float | None = None
    distance_m: float | None = None
    elevation_gain_m: float | None = None
    elevation_loss_m: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    avg_cadence_spm: float | None = None
    device: str | None = None
    gear: str | None = None
    name: str | None = None
    surface: str | None = None  # "trail", "road", "track", "treadmill" where the file says so
    route: tuple[tuple[float, float], ...] = ()
    session_index: int = 0
    #: The file named no sport: `sport` was inferred from the speed and cadence
    #: (ingest/sports.py), and the runner may correct it.
    sport_inferred: bool = False
    #: Values the import dropped as out of physical bounds, per field (see
    #: ingest/bounds.py): what the import report shows. Not stored.
    dropped: tuple[tuple[str, int], ...] = ()
    #: The samples thinned for the activity page's charts and splits: (moving time [s],
    #: distance [m], altitude [m] or None, heart rate [bpm] or None). Read again from the
    #: kept original file when the page is shown; not stored, not compared.
    profile: tuple[tuple[float, float, float | None, float | None], ...] = field(
        default=(), compare=False, repr=False
    )


@dataclass(frozen=True)
class StoredActivity:
    """An Activity as the store returns it, with its database id."""

    id: int
    activity: Activity


@dataclass(frozen=True)
class Shoe:
    """A pair of running shoes and how far it has gone."""

    id: int
    name: str
    limit_km: float
    added_date: date
    retired_date: date | None = None
    distance_m: float = 0.0
    start_distance_m: float = 0.0


@dataclass(frozen=True)
class SavedCheck:
    """A self-check as stored: the answers, the result and the knowledge-base version."""

    id: int
    created_at: datetime
    kb_version: str
    answers: dict[str, object]
    result: dict[str, object]
    triage_level: str
    notes: list[str] = field(default_factory=list)

    @property
    def top_cause(self) -> str | None:
        """The name of the first-ranked cause when it scored above 0 (read from the saved JSON
        here once, so the shells need not index it)."""
        causes = self.result.get("causes")
        if not isinstance(causes, list) or not causes or not isinstance(causes[0], dict):
            return None
        first = causes[0]
        return str(first["name"]) if first.get("score", 0) > 0 else None


@dataclass(frozen=True)
class TrainingEvidence:
    """What imported training history says about the self-check's questions.

    ``answers`` holds values in the answers-spec vocabulary (e.g. ``recent_changes``,
    ``shoe_km``, ``same_route_most_days``, ``longest_run_minutes``); ``lines`` holds,
    per question id, plain sentences citing the runs behind the value, e.g.
    "Sun 9 Nov: 28.1 km, 41% longer than your longest run in the previous 30 days".
    The runner's own answers always override these.
    """

    answers: dict[str, object] = field(default_factory=dict)
    lines: dict[str, list[str]] = field(default_factory=dict)


_SPORT_FAMILIES: dict[str, tuple[str, ...]] = {
    "run": ("run", "jog", "treadmill"),
    "ride": ("cycl", "bik", "ride", "spin"),
    "swim": ("swim",),
    "walk": ("walk", "hik"),
    "row": ("row", "paddl", "kayak", "canoe", "sup"),
    "ski": ("ski",),
}


def sport_family(sport: str | None) -> str:
    """The broad family of a sport name from any source: run, ride, swim, walk, row, ski, other.

    FIT says "running", TCX "Running", Strava "Trail Run"; duplicate detection and the
    `--sport run` filter compare families, not spellings.
    """
    name = (sport or "").lower()
    for family, stems in _SPORT_FAMILIES.items():
        if any(stem in name for stem in stems):
            return family
    return "other"


@dataclass(frozen=True)
class DiaryEntry:
    """One pain-diary entry for a day, a run or a strength session (pain on the 0-10 scale).

    For a ``day`` entry, ``pain_during`` is the pain during that day. ``warnings`` are
    warning signs reported with the entry (see ``backstride diary add --warning``);
    ``psfs`` maps Patient-Specific Functional Scale activities to scores 0-10.
    """

    entry_date: date
    kind: str  # "day" | "run" | "strength"
    pain_during: int | None = None
    pain_after: int | None = None
    pain_next_morning: int | None = None
    onset: str | None = None
    character: tuple[str, ...] = ()
    helped: str | None = None
    notes: str = ""
    warnings: tuple[str, ...] = ()
    psfs: tuple[tuple[str, int], ...] = ()
    activity_id: int | None = None
    id: int | None = None
    #: optional extras for personal evidence: stiffness 0-10 on waking, hours slept the
    #: night before, and whether a run was fuelled with carbohydrate
    morning_stiffness: int | None = None
    sleep_h: float | None = None
    fuelled: bool | None = None

    @property
    def worst_pain(self) -> int | None:
        """The highest pain recorded in this entry, if any."""
        values = [
            v for v in (self.pain_during, self.pain_after, self.pain_next_morning) if v is not None
        ]
        return max(values) if values else None


@dataclass(frozen=True)
class SavedFormCheck:
    """A video form check as stored, with its report in `backstride form --json`'s shape.

    ``report`` holds ``view``, ``fps``, ``strides_used``, ``cadence_spm``, ``metrics``,
    ``findings``, ``form_observed`` and ``warnings`` (no output paths: the clip and its
    pictures are files, not data). ``output_key`` names the web app's folder of key
    frames and annotated video, when the check came from the web app.
    """

    id: int
    created_at: datetime
    source: str  # "cli" | "web"
    clip_name: str
    report: dict[str, object]
    output_key: str | None = None

    @property
    def view(self) -> str:
        return str(self.report["view"])

    @property
    def form_observed(self) -> list[str]:
        found = self.report.get("form_observed") or []
        return [str(f) for f in found] if isinstance(found, list) else []


@dataclass(frozen=True)
class ExperimentBlock:
    """One block of a randomised n-of-1 test: `arm` is "change" or "usual"."""

    start: date
    end: date
    arm: str


@dataclass(frozen=True)
class Experiment:
    """A fair test of one change: randomised pairs of blocks, the first `washout_days` of
    each block left out of the analysis (the last block's effect may carry over)."""

    id: int
    change: str
    start_date: date
    end_date: date
    block_days: int
    washout_days: int
    seed: int
    blocks: tuple[ExperimentBlock, ...]
    stopped_date: date | None = None
