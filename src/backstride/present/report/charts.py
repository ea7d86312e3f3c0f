"""Small inline SVG charts generated in Python: no network, no JavaScript, print-friendly."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from html import escape

WIDTH, HEIGHT, PAD = 640, 200, 36
#: The fewest weeks a chart spans: a first run or a run after a break is not one lone bar.
MIN_WEEKS = 4
#: The most date labels under a chart: readable without overlap at phone width.
MAX_LABELS = 5


def pad_weeks(
    weeks: list[tuple[date, float]], *, min_weeks: int = MIN_WEEKS
) -> list[tuple[date, float]]:
    """Weekly values with every missing week between them as 0, and empty weeks before the
    first so at least `min_weeks` show: a break is visible as empty weeks, never skipped."""
    if not weeks:
        return []
    have = dict(weeks)
    last = weeks[-1][0]
    first = min(weeks[0][0], last - timedelta(weeks=min_weeks - 1))
    out = []
    day = first
    while day <= last:
        out.append((day, have.get(day, 0.0)))
        day += timedelta(weeks=1)
    return out


def week_span(first: date, last: date, *, min_weeks: int = MIN_WEEKS) -> tuple[date, date]:
    """A date axis padded to whole weeks (Monday to the Monday after `last`), at least
    `min_weeks` long, so one day's dot sits in a week rather than filling the chart."""
    start = first - timedelta(days=first.weekday())
    end = last - timedelta(days=last.weekday()) + timedelta(weeks=1)
    if (end - start).days < 7 * min_weeks:
        start = end - timedelta(weeks=min_weeks)
    return start, end


def _week_ticks(start: date, end: date, x: Callable[[date], float]) -> str:
    """A light line at each week's start and at most MAX_LABELS date labels under them."""
    n = (end - start).days // 7
    step = max(1, -(-n // MAX_LABELS))
    parts = []
    for i in range(n + 1):
        d = start + timedelta(weeks=i)
        px = x(d)
        parts.append(
            f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{PAD}" y2="{HEIGHT - PAD}" class="grid"/>'
        )
        if i % step == 0 and i < n:
            parts.append(f'<text x="{px + 2:.1f}" y="{HEIGHT - 8}" class="axis">{d:%d %b}</text>')
    return "".join(parts)


def pain_chart(
    points: list[tuple[date, int]],
    *,
    plan_start: date | None = None,
    target: float | None = None,
    trend: float | None = None,
) -> str:
    """Daily worst pain (0-10) as a line with dots on whole weeks; an empty-state note
    without data. `plan_start` draws a dashed line where the plan began; `target` a dashed
    level (the baseline less the minimal important change); `trend` (points per week) a
    least-squares line."""
    if not points:
        return '<p class="empty">No pain diary entries yet.</p>'
    first, last = week_span(points[0][0], points[-1][0])
    span = max((last - first).days, 1)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def xy(d: date, v: float) -> tuple[float, float]:
        return PAD + inner_w * (d - first).days / span, PAD + inner_h * (1 - v / 10)

    coords = [xy(d, v) for d, v in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    grid = "".join(
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{PAD + inner_h * (1 - v / 10):.1f}" '
        f'y2="{PAD + inner_h * (1 - v / 10):.1f}" class="grid"/>'
        f'<text x="{PAD - 6}" y="{PAD + inner_h * (1 - v / 10) + 4:.1f}" class="axis" text-anchor="end">{v}</text>'
        for v in (0, 5, 10)
    )
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{d:%d %b %Y}: {v}</title></circle>'
        for (x, y), (d, v) in zip(coords, points, strict=True)
    )
    labels = _week_ticks(first, last, lambda d: xy(d, 0)[0])
    marks = []
    if plan_start is not None and first <= plan_start <= last:
        px = xy(plan_start, 0)[0]
        marks.append(
            f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{PAD - 6}" y2="{HEIGHT - PAD}" class="mark"/>'
            f'<text x="{px + 3:.1f}" y="{PAD - 10}" class="axis">plan</text>'
        )
    if target is not None and target >= 0:
        ty = xy(first, 0)[1] - inner_h * target / 10
        marks.append(
            f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{ty:.1f}" y2="{ty:.1f}" class="mark"/>'
            f'<text x="{PAD}" y="16" class="axis">'
            "dashed level: important improvement</text>"
        )
    if trend is not None and len(points) > 1:
        mean_x = sum((d - points[0][0]).days for d, _ in points) / len(points) / 7
        mean_y = sum(v for _, v in points) / len(points)

        def at(d: date) -> tuple[float, float]:
            v = mean_y + trend * ((d - points[0][0]).days / 7 - mean_x)
            return xy(d, min(max(v, 0.0), 10.0))

        (x1, y1), (x2, y2) = at(points[0][0]), at(points[-1][0])
        marks.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="trend"/>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" class="chart" role="img" aria-label="Pain 0-10 over time">{grid}'
        f'{"".join(marks)}<polyline points="{path}" class="line"/>{dots}{labels}</svg>'
    )


def load_chart(weeks: list[tuple[date, float]]) -> str:
    """Weekly running distance [km] as bars, empty weeks included."""
    if not any(km for _, km in weeks):
        return '<p class="empty">No imported runs in the last weeks.</p>'
    weeks = pad_weeks(weeks)
    step = max(1, -(-len(weeks) // MAX_LABELS))
    top = max(km for _, km in weeks)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    bar_w = inner_w / len(weeks)
    bars = []
    for i, (monday, km) in enumerate(weeks):
        h = inner_h * km / top
        x = PAD + i * bar_w
        bars.append(
            f'<rect x="{x + 2:.1f}" y="{PAD + inner_h - h:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}"/>'
            f'<text x="{x + bar_w / 2:.1f}" y="{PAD + inner_h - h - 4:.1f}" class="axis" text-anchor="middle">{km:.0f}</text>'
        )
        if i % step == 0:
            bars.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - 8}" class="axis" text-anchor="middle">{escape(f"{monday:%d %b}")}</text>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="Weekly running distance in km">{"".join(bars)}</svg>'
    )


def _svg(body: str, label: str, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="chart" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f"{body}</svg>"
    )


def weekly_bars(weeks: list[tuple[date, float]], *, label: str, unit: str) -> str:
    """One bar per week with its value written above it, so no reading off an axis is needed."""
    if not any(v for _, v in weeks):
        return f'<p class="empty">No {escape(label.lower())} in these weeks.</p>'
    weeks = pad_weeks(weeks)
    top = max(v for _, v in weeks)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    bar_w = inner_w / len(weeks)
    step = max(1, -(-len(weeks) // MAX_LABELS))  # few date labels: no overlap at phone width
    parts = []
    for i, (start, value) in enumerate(weeks):
        h = inner_h * value / top
        x = PAD + i * bar_w
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{PAD + inner_h - h:.1f}" width="{max(bar_w - 2, 1):.1f}" '
            f'height="{h:.1f}" class="bar"><title>{start:%d %b %Y}: {value:.1f} {escape(unit)}</title></rect>'
        )
        if value and (len(weeks) <= 13 or i % step == 0):
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{PAD + inner_h - h - 4:.1f}" class="axis" '
                f'text-anchor="middle">{value:.0f}</text>'
            )
        if i % step == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - 8}" class="axis" '
                f'text-anchor="middle">{start:%d %b}</text>'
            )
    parts.append(f'<text x="{PAD}" y="16" class="axis">{escape(unit)} per week</text>')
    return _svg("".join(parts), f"{label} per week in {unit}")


def guard_chart(
    runs: list[tuple[date, float, float | None]], *, bands: list[tuple[float, str]], unit: str
) -> str:
    """Each run against the longest of the 30 days before it (dots and a dashed line).

    A run above the reference band gets a marker shape (triangle) as well as a colour,
    and the band limits are labelled lines, so nothing relies on colour alone.
    """
    if not runs:
        return '<p class="empty">No runs in the last 90 days.</p>'
    first, last = week_span(runs[0][0], runs[-1][0])
    span = max((last - first).days, 1)
    top = max(max(d, p or 0.0) for _, d, p in runs) * 1.15
    limit = bands[0][0] if bands else None
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def x(d: date) -> float:
        return PAD + inner_w * (d - first).days / span

    def y(v: float) -> float:
        return PAD + inner_h * (1 - v / top)

    ref = " ".join(f"{x(d):.1f},{y(p):.1f}" for d, _, p in runs if p is not None)
    parts = [f'<polyline points="{ref}" class="line ref"/>'] if ref else []
    if limit is not None and ref:
        up = " ".join(f"{x(d):.1f},{y(p * limit):.1f}" for d, _, p in runs if p is not None)
        parts.append(f'<polyline points="{up}" class="line limit"/>')
    for d, dist, prev in runs:
        over = limit is not None and prev is not None and dist > prev * limit
        cx, cy = x(d), y(dist)
        tip = f"{d:%d %b}: {dist:.1f} {unit}" + (" (above the guard)" if over else "")
        shape = (
            f'<path d="M{cx:.1f},{cy - 5:.1f} L{cx + 5:.1f},{cy + 4:.1f} L{cx - 5:.1f},{cy + 4:.1f} Z" class="over">'
            if over
            else f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" class="dot">'
        )
        parts.append(f"{shape}<title>{escape(tip)}</title>{'</path>' if over else '</circle>'}")
    parts.append(
        f'<text x="{PAD}" y="16" class="axis">{escape(unit)}: dot run · triangle above guard · '
        f"dashed 30-day longest</text>{_week_ticks(first, last, x)}"
    )
    return _svg("".join(parts), f"Each run's distance in {unit} against the 30-day longest run")


def trend_chart(
    points: list[tuple[date, float | None]], *, label: str, marks: tuple[float, ...] = ()
) -> str:
    """A labelled line (e.g. ACWR by week), with reference lines at `marks` if any; gaps stay gaps.

    The ACWR chart passes no marks: a ratio that is descriptive only gets no "sweet spot".
    """
    values = [v for _, v in points if v is not None]
    if not values:
        return f'<p class="empty">Not enough history for {escape(label)} yet.</p>'
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    top = max([*values, *marks]) * 1.1  # one value and no marks is max() of one number
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def xy(d: date, v: float) -> tuple[float, float]:
        return PAD + inner_w * (d - first).days / span, PAD + inner_h * (1 - v / top)

    parts = []
    for m in marks:
        _, my = xy(first, m)
        parts.append(
            f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{my:.1f}" y2="{my:.1f}" class="grid"/>'
            f'<text x="{PAD - 4}" y="{my + 4:.1f}" class="axis" text-anchor="end">{m:g}</text>'
        )
    segment: list[str] = []
    for d, v in [*points, (last, None)]:
        if v is None:
            if segment:
                parts.append(f'<polyline points="{" ".join(segment)}" class="line"/>')
            segment = []
            continue
        px, py = xy(d, v)
        segment.append(f"{px:.1f},{py:.1f}")
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" class="dot"><title>{d:%d %b %Y}: {v:.2f}</title></circle>'
        )
    parts.append(
        f'<text x="{PAD}" y="16" class="axis">{escape(label)}</text>'
        f'<text x="{PAD}" y="{HEIGHT - 8}" class="axis">{first:%d %b}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" class="axis" text-anchor="end">{last:%d %b}</text>'
    )
    return _svg("".join(parts), f"{label} by week")


def shoe_chart(shoes: list[tuple[str, float, float]], *, unit: str) -> str:
    """Horizontal bars: distance on each pair against its limit, both written as text."""
    if not shoes:
        return '<p class="empty">No shoes recorded yet.</p>'
    row_h = 34
    height = PAD + row_h * len(shoes)
    top = max(max(d, lim) for _, d, lim in shoes)
    inner_w = WIDTH - 2 * PAD - 160
    parts = []
    for i, (name, dist, lim) in enumerate(shoes):
        y = PAD / 2 + i * row_h
        w = inner_w * dist / top
        lx = 160 + inner_w * lim / top
        over = dist >= lim
        parts.append(
            f'<text x="154" y="{y + 16:.1f}" class="axis" text-anchor="end">{escape(name[:24])}</text>'
            f'<rect x="160" y="{y + 4:.1f}" width="{w:.1f}" height="16" class="{"bar over" if over else "bar"}"/>'
            f'<line x1="{lx:.1f}" x2="{lx:.1f}" y1="{y:.1f}" y2="{y + 24:.1f}" class="limit"/>'
            f'<text x="{min(160 + w + 6, WIDTH - 4):.1f}" y="{y + 16:.1f}" class="axis">'
            f"{dist:.0f} / {lim:.0f} {escape(unit)}{' (over limit)' if over else ''}</text>"
        )
    return _svg(
        "".join(parts), f"Distance on each pair of shoes against its limit in {unit}", height
    )


def route_svg(route: tuple[tuple[float, float], ...] | list[tuple[float, float]]) -> str:
    """The route as a line from its own points (no map tiles): north up, true proportions,
    start a circle and finish a square, both labelled."""
    points = [(lat, lon) for lat, lon in route]
    if len(points) < 2:
        return '<p class="empty">No route recorded (an indoor or treadmill run).</p>'
    lat0 = sum(p[0] for p in points) / len(points)
    k = math.cos(math.radians(lat0))
    xs = [lon * k for _, lon in points]
    ys = [lat for lat, _ in points]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    size, pad = 400.0, 24.0
    scale = (size - 2 * pad) / max(w, h, 1e-9)
    width = max(w * scale + 2 * pad, 160.0)
    height = max(h * scale + 2 * pad, 160.0)
    ox = (width - w * scale) / 2
    oy = (height - h * scale) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return ox + (x - min(xs)) * scale, height - oy - (y - min(ys)) * scale

    coords = [at(x, y) for x, y in zip(xs, ys, strict=True)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    (sx, sy), (fx, fy) = coords[0], coords[-1]
    body = (
        f'<polyline points="{path}" class="line route"/>'
        f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="6" class="start"><title>Start</title></circle>'
        f'<rect x="{fx - 5:.1f}" y="{fy - 5:.1f}" width="10" height="10" class="finish">'
        "<title>Finish</title></rect>"
    )

    def tag(x: float, y: float, text: str) -> str:
        right = x > width - 140  # near the right edge: the label goes to the left
        return (
            f'<text x="{x - 10 if right else x + 10:.1f}" y="{y + 5:.1f}" class="axis"'
            f"{' text-anchor=' + chr(34) + 'end' + chr(34) if right else ''}>{text}</text>"
        )

    if math.hypot(fx - sx, fy - sy) < 24:  # a loop: one label where it starts and ends
        body += tag(sx, sy, "Start and finish")
    else:
        body += tag(sx, sy, "Start") + tag(fx, fy, "Finish")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'class="chart route-map" role="img" aria-label="The route, north up">'
        f"<title>The route, north up</title>{body}</svg>"
    )


def distance_chart(
    points: list[tuple[float, float]],
    *,
    label: str,
    unit: str,
    invert: bool = False,
    fmt: Callable[[float], str] = lambda v: f"{v:.0f}",
    area: bool = False,
) -> str:
    """A value along the run: x is distance [km], y the value (pace charts pass `invert`,
    faster up). Three y labels and at most MAX_LABELS km labels: readable on a phone."""
    pts = [(d, v) for d, v in points if v is not None]
    if len(pts) < 2:
        return f'<p class="empty">No {escape(label.lower())} recorded.</p>'
    dmax = max(pts[-1][0], 0.001)
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    inner_w, inner_h = WIDTH - 2 * PAD - 20, HEIGHT - 2 * PAD
    left = PAD + 20

    def xy(d: float, v: float) -> tuple[float, float]:
        f = (v - lo) / (hi - lo)
        return left + inner_w * d / dmax, PAD + inner_h * (f if invert else 1 - f)

    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(d, v) for d, v in pts))
    parts = []
    for v in (lo, (lo + hi) / 2, hi):
        _, y = xy(0, v)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - PAD}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 4}" y="{y + 5:.1f}" class="axis" text-anchor="end">{fmt(v)}</text>'
        )
    step = max(1, math.ceil(dmax / MAX_LABELS))
    km = 0
    while km <= dmax:
        x, _ = xy(km, lo)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 8}" class="axis" text-anchor="middle">{km}</text>'
        )
        km += step
    if area:
        x0, _ = xy(0, lo)
        x1, _ = xy(pts[-1][0], lo)
        parts.append(
            f'<polygon points="{x0:.1f},{PAD + inner_h} {path} {x1:.1f},{PAD + inner_h}" class="area"/>'
        )
    parts.append(f'<polyline points="{path}" class="line"/>')
    parts.append(
        f'<text x="{left}" y="16" class="axis">{escape(label)} ({escape(unit)}) by km</text>'
    )
    return _svg("".join(parts), f"{label} in {unit} along the run")
