"""Server-rendered SVG charts (no JavaScript, no CDN): geometry only, templates draw it."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclasses.dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    max_value: int
    ticks: list[tuple[float, int]]  # (y, value) of horizontal grid lines
    axis_labels: list[tuple[float, str]]  # (x, label) under the bars


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value


def bar_chart(points: list[tuple[str, int]], width: int = 720, height: int = 200,
              pad_left: int = 48, pad_bottom: int = 22) -> BarChart:
    """Bars for `points` ((label, value), oldest first) inside a width x height viewBox."""
    top = _nice_max(max((v for _, v in points), default=0))
    plot_w, plot_h = width - pad_left - 4, height - pad_bottom - 6
    slot = plot_w / max(len(points), 1)
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top if top else 0
        bars.append(Bar(x=round(pad_left + i * slot + slot * 0.15, 1), y=round(6 + plot_h - h, 1),
                        width=round(slot * 0.7, 1), height=round(h, 1), label=label, value=value))
    ticks = [(round(6 + plot_h - plot_h * f, 1), int(top * f)) for f in (0, 0.5, 1)]
    every = max(1, len(points) // 6)
    axis = [(round(b.x + b.width / 2, 1), b.label) for i, b in enumerate(bars) if i % every == 0]
    return BarChart(width, height, bars, top, ticks, axis)
