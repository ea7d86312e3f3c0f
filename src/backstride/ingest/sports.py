"""Sport names: free text to the FIT sport vocabulary, and a sport inferred where none is said.

Many apps write a GPX or TCX without a sport (or "Other"); others write free text
(``run``, ``Run``, ``running``, ``Trail Run``) or Strava's numeric GPX types (``9``).
`normalise` maps each to the FIT vocabulary the FIT reader gives (``running``,
``cycling``, ``walking``, ...). `infer` classifies an activity that states no sport from
its average moving speed and, where present, its cadence, and marks it inferred: the
runner sees that it was a guess and can correct it (`backstride activities set-sport`).

=============================== ============ ============================================
average moving speed            cadence      inferred sport
=============================== ============ ============================================
< 0.5 m/s, or no distance/time  any          none (stays "generic")
< 1.9 m/s (slower than 6.8 km/h) ≥ 140 /min  running (a slow jog has a runner's cadence)
< 1.9 m/s                       else         walking
1.9 – 2.3 m/s                   ≥ 140 /min   running
1.9 – 2.3 m/s                   else         walking (a brisk walk; a 7:15 /km jog)
2.3 – 6.5 m/s                   < 120 /min   cycling (pedal cadence)
2.3 – 6.5 m/s                   else         running (6.5 m/s is a 2:34 /km pace)
6.5 – 30 m/s                    ≥ 150 /min   running (a sprint session)
6.5 – 30 m/s                    else         cycling
≥ 30 m/s                        any          none (a car or a train, not a workout)
=============================== ============ ============================================
"""

from __future__ import annotations

from dataclasses import replace

from backstride.models import Activity

#: Free-text and numeric sport names (lower case, spaces and hyphens as "_") to FIT's.
ALIASES: dict[str, str] = {
    "run": "running",
    "running": "running",
    "jog": "running",
    "jogging": "running",
    "treadmill": "running",
    "treadmill_running": "running",
    "virtual_run": "running",
    "trail_run": "trail_running",
    "trail_running": "trail_running",
    "trail": "trail_running",
    "ride": "cycling",
    "bike": "cycling",
    "biking": "cycling",
    "cycling": "cycling",
    "cycle": "cycling",
    "road_biking": "cycling",
    "mountain_biking": "cycling",
    "virtual_ride": "cycling",
    "walk": "walking",
    "walking": "walking",
    "hike": "hiking",
    "hiking": "hiking",
    "swim": "swimming",
    "swimming": "swimming",
    "open_water_swimming": "swimming",
    "row": "rowing",
    "rowing": "rowing",
    "other": "generic",
    "generic": "generic",
    "unknown": "generic",
    "workout": "training",
    "training": "training",
    # Strava's numeric GPX <type> values.
    "1": "cycling",
    "4": "hiking",
    "9": "running",
    "10": "walking",
    "16": "swimming",
    "17": "cycling",
    "26": "generic",
}

#: What a runner may set with `activities set-sport` (other names are refused).
CHOICES: tuple[str, ...] = (
    "running",
    "trail_running",
    "walking",
    "hiking",
    "cycling",
    "swimming",
    "rowing",
    "training",
    "generic",
)

WALK_MAX_MPS = 1.9
JOG_MAX_MPS = 2.3
RUN_MAX_MPS = 6.5
MOVING_MAX_MPS = 30.0
MIN_MPS = 0.5
RUNNING_CADENCE = 140.0
PEDAL_CADENCE_MAX = 120.0
SPRINT_CADENCE = 150.0


def normalise(raw: str | None) -> str:
    """A sport name in the FIT vocabulary; an unknown name stays, in snake_case."""
    if not raw or not raw.strip():
        return "generic"
    key = raw.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def choice(raw: str) -> str | None:
    """The sport a runner asked for, in the vocabulary, or None if not one of CHOICES."""
    name = normalise(raw)
    return name if name in CHOICES else None


def classify(distance_m: float | None, seconds: float | None, cadence: float | None) -> str | None:
    """The sport a speed (and cadence) profile says, or None where it cannot tell."""
    if not distance_m or not seconds or seconds <= 0:
        return None
    speed = distance_m / seconds
    if speed < MIN_MPS or speed >= MOVING_MAX_MPS:
        return None
    if speed < JOG_MAX_MPS:
        return "running" if cadence is not None and cadence >= RUNNING_CADENCE else "walking"
    if speed < RUN_MAX_MPS:
        return "cycling" if cadence is not None and cadence < PEDAL_CADENCE_MAX else "running"
    return "running" if cadence is not None and cadence >= SPRINT_CADENCE else "cycling"


def settle(activity: Activity) -> Activity:
    """The activity with its sport in the FIT vocabulary, inferred where none was said.

    A GPX or TCX that names no sport ("generic" after `normalise`) gets the sport its
    speed and cadence say, with ``sport_inferred`` set; a FIT file's sport is the
    device's own and never guessed over.
    """
    sport = normalise(activity.sport)
    if sport == "generic" and activity.source_format in ("gpx", "tcx"):
        guess = classify(
            activity.distance_m, activity.moving_s or activity.elapsed_s, activity.avg_cadence_spm
        )
        if guess is not None:
            return replace(activity, sport=guess, sport_inferred=True)
    if sport != activity.sport:
        return replace(activity, sport=sport)
    return activity
