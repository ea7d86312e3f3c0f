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
