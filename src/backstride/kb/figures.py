"""Exercise figures: a start and an end stick figure drawn from the KB's joint-angle table.

`figure_svg(exercise)` is pure and deterministic; the shipped files under
`backstride/kb/figures/` are its output (`python -m backstride.kb.figures` rewrites
them, a test keeps them equal), so `plan --json` can name a file inside the package.
"""

from __future__ import annotations

import math
import sys
from html import escape
from pathlib import Path

from backstride.kb.schema import Exercise, Figure, Pose

FIGURE_DIR = Path(__file__).parent / "figures"

#: segment lengths in drawing units (a 170 cm runner is about 150 units tall standing)
TRUNK, NECK, HEAD_R = 50.0, 6.0, 9.0
UPPER_ARM, FOREARM = 27.0, 25.0
THIGH, SHIN, FOOT = 40.0, 40.0, 11.0
PANEL_W, PANEL_H, PAD = 170.0, 150.0, 8.0
STEP = 16.0  # a step-up box [units]

Point = tuple[float, float]
Segment = tuple[Point, Point, bool]  # from, to, near side


def figure_path(exercise_id: str) -> str:
    """The figure's path inside the package, as `plan --json` names it."""
    return f"kb/figures/{exercise_id}.svg"


def _step(p: Point, angle: float, length: float) -> Point:
    a = math.radians(angle)
    return (p[0] + length * math.cos(a), p[1] + length * math.sin(a))


def skeleton(pose: Pose) -> tuple[list[Segment], Point]:
    """The pose's segments (y up, hip at the origin) and the head's centre."""
    hip: Point = (0.0, 0.0)
    shoulder = _step(hip, pose.trunk, TRUNK)
    head_angle = pose.trunk if pose.head is None else pose.head
    head = _step(shoulder, head_angle, NECK + HEAD_R)
    segments: list[Segment] = [(hip, shoulder, True)]
    for n, leg in enumerate(pose.legs):
        knee = _step(hip, leg[0], THIGH)
        ankle = _step(knee, leg[1], SHIN)
        toe = _step(ankle, leg[2] if len(leg) > 2 else 0.0, FOOT)
        segments += [(hip, knee, n == 0), (knee, ankle, n == 0), (ankle, toe, n == 0)]
    for n, arm in enumerate(pose.arms):
        elbow = _step(shoulder, arm[0], UPPER_ARM)
        hand = _step(elbow, arm[1], FOREARM)
        segments += [(shoulder, elbow, n == 0), (elbow, hand, n == 0)]
    return segments, head


def _bounds(pose: Pose) -> tuple[float, float, float, float]:
    segments, head = skeleton(pose)
    xs = [p[0] for s in segments for p in s[:2]] + [head[0] - HEAD_R, head[0] + HEAD_R]
    ys = [p[1] for s in segments for p in s[:2]] + [head[1] - HEAD_R, head[1] + HEAD_R]
    return min(xs), min(ys), max(xs), max(ys)


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _prop(kind: str | None, floor: float, under: Point, scale: float) -> list[str]:
    """The step under the near foot, or the roller under the near thigh."""
    x, y = under
    if kind == "step":
        h = STEP * scale
        return [
            f'<rect class="prop" x="{_f(x - 12 * scale)}" y="{_f(floor - h)}" '
            f'width="{_f(44 * scale)}" height="{_f(h)}"/>'
        ]
    if kind == "roller":
        r = (floor - y) / 2
        return [f'<circle class="prop" cx="{_f(x)}" cy="{_f(floor - r)}" r="{_f(r)}"/>']
    return []


def _panel(pose: Pose, label: str, x0: float, scale: float, prop: str | None) -> list[str]:
    """One pose, its floor at the panel's foot, centred, `scale` units to the pixel."""
    segments, head = skeleton(pose)
    lo_x, lo_y, hi_x, hi_y = _bounds(pose)
    floor = PANEL_H - 18
    cx = x0 + PANEL_W / 2

    def at(p: Point) -> Point:
        lift = pose.lift * scale
        return (cx + (p[0] - (lo_x + hi_x) / 2) * scale, floor - lift - (p[1] - lo_y) * scale)

    out = [
        f'<line class="floor" x1="{_f(x0 + PAD)}" y1="{_f(floor)}" '
        f'x2="{_f(x0 + PANEL_W - PAD)}" y2="{_f(floor)}"/>'
    ]
    if prop == "step":
        out += _prop(prop, floor, at(segments[2][1]), scale)  # the near ankle
    elif prop == "roller":
        hip, knee = segments[1][0], segments[1][1]
        out += _prop(prop, floor, at(((hip[0] + knee[0]) / 2, (hip[1] + knee[1]) / 2)), scale)
    for near in (False, True):  # the far limbs first, under the near ones
        cls = "near" if near else "far"
        for a, b, side in segments:
            if side is near:
                (x1, y1), (x2, y2) = at(a), at(b)
                out.append(
                    f'<line class="{cls}" x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}"/>'
                )
    hx, hy = at(head)
    out.append(f'<circle class="head" cx="{_f(hx)}" cy="{_f(hy)}" r="{_f(HEAD_R * scale)}"/>')
    out.append(
        f'<text x="{_f(cx)}" y="{_f(PANEL_H - 3)}" text-anchor="middle">{escape(label)}</text>'
    )
    return out


def _scale(figure: Figure) -> float:
    """One scale for both panels, so start and end compare; the larger pose fits its panel."""
    fits = []
    for pose in (figure.start, figure.end):
        lo_x, lo_y, hi_x, hi_y = _bounds(pose)
        fits.append(
            min(
                (PANEL_W - 2 * PAD) / (hi_x - lo_x),
                (PANEL_H - 18 - PAD) / (hi_y - lo_y + pose.lift),
            )
        )
    return min(min(fits), 1.0)


def figure_svg(exercise: Exercise) -> str:
    """The exercise's start and end positions side by side, as a standalone SVG."""
    if exercise.figure is None:
        return ""
    fig = exercise.figure
    scale = _scale(fig)
    width = 2 * PANEL_W
    title = f"{exercise.name}: start and end position"
    body = _panel(fig.start, "Start", 0, scale, fig.prop) + _panel(
        fig.end, "End", PANEL_W, scale, fig.prop
    )
    # scoped to the figure: an inline SVG's <style> applies to the whole page
    k = ".exercise-figure "
    style = (
        f"{k}line{{stroke-linecap:round;stroke-width:5}}"
        f"{k}.near{{stroke:#1f4e79}}{k}.far{{stroke:#8fb3d9}}"
        f"{k}.floor{{stroke:#b9b9b9;stroke-width:2}}"
        f"{k}.head{{fill:#1f4e79}}{k}.prop{{fill:#e2e2e2;stroke:#9a9a9a;stroke-width:1.5}}"
        f"{k}text{{font:12px sans-serif;fill:#444}}"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(PANEL_H)}" '
        f'role="img" aria-label="{escape(title)}" class="exercise-figure">'
        f"<title>{escape(title)}</title><style>{style}</style>" + "".join(body) + "</svg>\n"
    )


def shipped_figure(exercise_id: str) -> str | None:
    """The shipped SVG text of an exercise's figure, or None when there is none."""
    path = FIGURE_DIR / f"{exercise_id}.svg"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def write_figures(folder: Path = FIGURE_DIR) -> list[Path]:
    """(Re)draw every exercise's figure into `folder`; returns the files written."""
    from backstride.kb import load_kb

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ex in load_kb().exercises.values():
        svg = figure_svg(ex)
        if svg:
            path = folder / f"{ex.id}.svg"
            path.write_text(svg, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - the maintainers' redraw command
    for p in write_figures():
        sys.stdout.write(f"{p}\n")
