"""Small inline SVG charts generated in Python: no network, no JavaScript, print-friendly."""

from __future__ import annotations

from datetime import date
from html import escape

WIDTH, HEIGHT, PAD = 640, 200, 36


def pain_chart(points: list[tuple[date, int]]) -> str:
    """Daily worst pain (0-10) as a line with dots; an empty-state note without data."""
    if not points:
        return '<p class="empty">No pain diary entries yet.</p>'
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def xy(d: date, v: int) -> tuple[float, float]:
        return PAD + inner_w * (d - first).days / span, PAD + inner_h * (1 - v / 10)

    coords = [xy(d, v) for d, v in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    grid = "".join(
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{PAD + inner_h * (1 - v / 10):.1f}" '
        f'y2="{PAD + inner_h * (1 - v / 10):.1f}" class="grid"/>'
        f'<text x="{PAD - 6}" y="{PAD + inner_h * (1 - v / 10) + 4:.1f}" class="axis" text-anchor="end">{v}</text>'
        for v in (0, 5, 10)
    )
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"/>' for x, y in coords)
    labels = (
        f'<text x="{PAD}" y="{HEIGHT - 8}" class="axis">{first:%d %b}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" class="axis" text-anchor="end">{last:%d %b}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="Pain 0-10 over time">{grid}'
        f'<polyline points="{path}" class="line"/>{dots}{labels}</svg>'
    )


def load_chart(weeks: list[tuple[date, float]]) -> str:
    """Weekly running distance [km] as bars."""
    if not any(km for _, km in weeks):
        return '<p class="empty">No imported runs in the last weeks.</p>'
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
    top = max(v for _, v in weeks)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    bar_w = inner_w / len(weeks)
    step = max(1, len(weeks) // 6)  # at most ~6 date labels: no overlap even at phone width
    parts = []
    for i, (start, value) in enumerate(weeks):
        h = inner_h * value / top
        x = PAD + i * bar_w
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{PAD + inner_h - h:.1f}" width="{max(bar_w - 2, 1):.1f}" '
            f'height="{h:.1f}" class="bar"><title>{start:%d %b %Y}: {value:.1f} {escape(unit)}</title></rect>'
        )
        if len(weeks) <= 13 or i % step == 0:
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
    first, last = runs[0][0], runs[-1][0]
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
        f"dashed 30-day longest</text>"
        f'<text x="{PAD}" y="{HEIGHT - 8}" class="axis">{first:%d %b}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" class="axis" text-anchor="end">{last:%d %b}</text>'
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
