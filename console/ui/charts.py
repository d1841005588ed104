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


@dataclasses.dataclass
class Segment:
    """One series' part of one stacked bar."""
    x: float
    y: float
    width: float
    height: float
    series: int  # index into StackedChart.series (the colour: CSS class series-<n % SERIES_COLOURS>)
    value: int
    label: str  # the slot's label


@dataclasses.dataclass
class StackedChart:
    width: int
    height: int
    series: list[str]
    totals: list[int]  # per slot
    segments: list[Segment]
    max_value: int
    ticks: list[tuple[float, int]]
    axis_labels: list[tuple[float, str]]


SERIES_COLOURS = 8


def stacked_chart(labels: list[str], series: dict[str, list[int]], width: int = 720, height: int = 160,
                  pad_left: int = 36, pad_bottom: int = 22) -> StackedChart:
    """Stacked bars: one slot per label (oldest first), one segment per series in that slot,
    the series stacked in the order of `series` (the first at the bottom)."""
    names = list(series)
    totals = [sum(values[i] for values in series.values() if i < len(values)) for i in range(len(labels))]
    frame = bar_chart(list(zip(labels, totals)), width, height, pad_left, pad_bottom)
    segments = []
    for slot, (bar, total) in enumerate(zip(frame.bars, totals)):
        bottom = bar.y + bar.height
        for index, name in enumerate(names):
            value = series[name][slot] if slot < len(series[name]) else 0
            if not value:
                continue
            h = round(bar.height * value / total, 1)
            bottom = round(bottom - h, 1)
            segments.append(Segment(bar.x, bottom, bar.width, h, index, value, bar.label))
    return StackedChart(width, height, names, totals, segments, frame.max_value, frame.ticks, frame.axis_labels)
