"""Charts and network drawings as inline SVG text, computed in Python (no JavaScript, no network).

Every function returns one ``<svg>`` element as a string. All text that comes from data goes
through :func:`esc`, so a name such as ``<script>`` is drawn as those characters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["PALETTE", "SCHEMA_COLOURS", "esc", "bar_chart", "histogram", "line_chart", "network_drawing"]

#: Colours for series (colour-blind-safe, after Okabe and Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
#: Node colours by FtM schema (anything else: grey).
SCHEMA_COLOURS = {"Person": "#0072B2", "Company": "#E69F00", "Organization": "#009E73", "LegalEntity": "#009E73",
                  "PublicBody": "#009E73", "BankAccount": "#CC79A7", "Vessel": "#56B4E9", "Address": "#999999"}
#: Line styles by series, so that lines lying on top of each other stay visible.
DASHES = ("", "7 4", "2 3", "10 3 2 3")
FONT = "font-family:system-ui,-apple-system,'Segoe UI',sans-serif"


def esc(value: Any) -> str:
    """Text for HTML or SVG: ``&``, ``<``, ``>`` and quotes escaped."""
    return escape("" if value is None else str(value), quote=True)


def _number(value: float) -> str:
    """A short label for an axis tick or a bar: 1.2M, 35k, 0.25, 12."""
    magnitude = abs(value)
    if magnitude >= 1e9:
        return f"{value / 1e9:.3g}B"
    if magnitude >= 1e6:
        return f"{value / 1e6:.3g}M"
    if magnitude >= 1e4:
        return f"{value / 1e3:.3g}k"
    if magnitude and magnitude < 1:
        return f"{value:.2g}"
    return f"{value:,.4g}" if value != int(value) else f"{int(value):,}"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0]
    if high <= low:
        return [low]
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = min((m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw), default=raw)
    start = math.ceil(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _frame(width: int, height: int, title: str, label: str | None = None) -> list[str]:
    aria = esc(label or title)
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{aria}" style="{FONT};font-size:11px">',
            f"<title>{esc(title)}</title>",
            f'<text x="{width / 2:.1f}" y="16" text-anchor="middle" style="font-size:13px;font-weight:600">{esc(title)}</text>']


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str, *, unit: str = "",
              colours: Sequence[str] | None = None, width: int = 520) -> str:
    """Horizontal bars, one per label, with the value written at the end of each."""
    bar, gap, left, top = 22, 8, 170, 30
    height = top + len(labels) * (bar + gap) + 10
    parts = _frame(width, height, title)
    top_value = max([abs(v) for v in values] + [0.0]) or 1.0
    span = width - left - 80
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * (bar + gap)
        length = span * abs(value) / top_value
        colour = (colours or PALETTE)[i % len(colours or PALETTE)]
        parts.append(f'<text x="{left - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end">{esc(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colour}"/>')
        parts.append(f'<text x="{left + length + 4:.1f}" y="{y + bar * 0.7:.1f}">{esc(_number(value))}{esc(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(edges: Sequence[float], counts: Sequence[int], title: str, *, xlabel: str = "",
              colour: str = PALETTE[0], width: int = 300, height: int = 190, mark: float | None = None) -> str:
    """Counts per bin (``edges`` has one more value than ``counts``); ``mark`` draws a dashed line (the mean)."""
    left, right, top, bottom = 38, 10, 26, 34
    parts = _frame(width, height, title)
    if not counts or len(edges) != len(counts) + 1:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">no data</text></svg>')
        return "".join(parts)
    low, high = float(edges[0]), float(edges[-1])
    high = high if high > low else low + 1.0
    peak = max(max(counts), 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    x = lambda v: left + plot_w * (v - low) / (high - low)  # noqa: E731
    y = lambda c: top + plot_h * (1 - c / peak)  # noqa: E731
    for count, a, b in zip(counts, edges, edges[1:]):
        if count:
            parts.append(f'<rect x="{x(a):.1f}" y="{y(count):.1f}" width="{max(x(b) - x(a) - 0.5, 0.5):.1f}" '
                         f'height="{top + plot_h - y(count):.1f}" fill="{colour}"/>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#444"/>')
    for tick in _ticks(low, high, 4):
        parts.append(f'<text x="{x(tick):.1f}" y="{top + plot_h + 13}" text-anchor="middle">{esc(_number(tick))}</text>')
    parts.append(f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{esc(_number(peak))}</text>')
    parts.append(f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>')
    if mark is not None and low <= mark <= high:
        parts.append(f'<line x1="{x(mark):.1f}" y1="{top}" x2="{x(mark):.1f}" y2="{top + plot_h}" stroke="#000" '
                     f'stroke-dasharray="4 3"/>')
    if xlabel:
        parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">{esc(xlabel)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(series: Mapping[str, Sequence[tuple[float, float]]], title: str, *, xlabel: str = "",
               ylabel: str = "", width: int = 680, height: int = 300, y_range: tuple[float, float] | None = None) -> str:
    """One line per series (points ``(x, y)``), with a legend."""
    left, right, top, bottom = 52, 200, 28, 40
    parts = _frame(width, height, title)
    points = [p for values in series.values() for p in values]
    if not points:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">no data</text></svg>')
        return "".join(parts)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x_low, x_high = min(xs), max(xs)
    y_low, y_high = y_range if y_range else (min(0.0, min(ys)), max(ys))
    x_high = x_high if x_high > x_low else x_low + 1
    y_high = y_high if y_high > y_low else y_low + 1
    plot_w, plot_h = width - left - right, height - top - bottom
    x = lambda v: left + plot_w * (v - x_low) / (x_high - x_low)  # noqa: E731
    y = lambda v: top + plot_h * (1 - (v - y_low) / (y_high - y_low))  # noqa: E731
    for tick in _ticks(y_low, y_high, 5):
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 5}" y="{y(tick) + 4:.1f}" text-anchor="end">{esc(_number(tick))}</text>')
    for tick in _ticks(x_low, x_high, 6):
        parts.append(f'<text x="{x(tick):.1f}" y="{top + plot_h + 14}" text-anchor="middle">{esc(_number(tick))}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#444"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>')
    for i, (name, values) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        path = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in values)
        dash = DASHES[i % len(DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashed}/>')
        for a, b in values if len(values) <= 40 else ():
            parts.append(f'<circle cx="{x(a):.1f}" cy="{y(b):.1f}" r="2.5" fill="{colour}"/>')
        ly = top + 14 * i + 6
        parts.append(f'<line x1="{left + plot_w + 10}" y1="{ly - 4}" x2="{left + plot_w + 26}" y2="{ly - 4}" '
                     f'stroke="{colour}" stroke-width="2"{dashed}/>')
        parts.append(f'<text x="{left + plot_w + 28}" y="{ly}">{esc(name)}</text>')
    if xlabel:
        parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">{esc(xlabel)}</text>')
    if ylabel:
        parts.append(f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
                     f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{esc(ylabel)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def network_drawing(nodes: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]], *, seed: int = 0,
                    width: int = 1000, height: int = 720, title: str = "Exposed subnetwork") -> str:
    """Nodes (``id``, ``caption``, ``schema``, ``exposure``, ``seed``, ``sink``) and edges (``source``, ``target``,
    ``relation``), laid out by a seeded spring layout.

    Colour: schema; area: exposure (relative to the most exposed); a thick black ring: a seed of the
    purge; a double ring: the sink. Edges are labelled by relation at their middle. The layout is
    Kamada-Kawai for a connected network of up to 300 nodes (deterministic), else a spring layout
    seeded with ``seed``.
    """
    import networkx as nx

    parts = _frame(width, height, title, f"{title}: {len(nodes)} entities, {len(edges)} relations")
    if not nodes:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">nothing exposed</text></svg>')
        return "".join(parts)
    graph = nx.Graph()
    graph.add_nodes_from(node["id"] for node in nodes)
    graph.add_edges_from((edge["source"], edge["target"]) for edge in edges)
    if 2 < graph.number_of_nodes() <= 300 and nx.is_connected(graph):
        layout = nx.kamada_kawai_layout(graph)
    else:
        layout = nx.spring_layout(graph, seed=seed, k=1.6 / math.sqrt(max(len(nodes), 1)), iterations=200)
    xs = [p[0] for p in layout.values()]
    ys = [p[1] for p in layout.values()]
    margin, legend = 90, 30
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    at = {key: (margin + (width - 2 * margin) * (p[0] - min(xs)) / span_x,
                legend + margin + (height - 2 * margin - legend) * (p[1] - min(ys)) / span_y)
          for key, p in layout.items()}
    parts.append('<g stroke="#9a9a9a" stroke-width="1.2">')
    for edge in edges:
        (x1, y1), (x2, y2) = at[edge["source"]], at[edge["target"]]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"><title>{esc(edge["relation"])}'
                     f"</title></line>")
    parts.append("</g>")
    parts.append('<g fill="#777" style="font-size:8.5px" text-anchor="middle" stroke="#fff" stroke-width="2.5" '
                 'paint-order="stroke">')
    for edge in edges:
        (x1, y1), (x2, y2) = at[edge["source"]], at[edge["target"]]
        parts.append(f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 2:.1f}">{esc(edge["relation"])}</text>')
    parts.append("</g>")
    most = max([float(node.get("exposure") or 0.0) for node in nodes] + [1e-9])
    for node in nodes:
        cx, cy = at[node["id"]]
        exposure = float(node.get("exposure") or 0.0)
        radius = 4 + 10 * math.sqrt(min(max(exposure / most, 0.0), 1.0))
        if node.get("seed"):
            radius = max(radius, 13)
        colour = SCHEMA_COLOURS.get(str(node.get("schema")), "#999999")
        ring = ' stroke="#000" stroke-width="3.5"' if node.get("seed") else ' stroke="#fff" stroke-width="1"'
        parts.append(f'<g><title>{esc(node.get("caption"))} ({esc(node.get("schema"))}), exposure {exposure:.2f}'
                     f'{" — seed" if node.get("seed") else ""}</title>')
        if node.get("sink"):
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius + 5:.1f}" fill="none" stroke="#000" '
                         f'stroke-width="1.5"/>')
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{colour}"{ring}/>')
        parts.append(f'<text x="{cx:.1f}" y="{cy + radius + 11:.1f}" text-anchor="middle" stroke="#fff" '
                     f'stroke-width="3" paint-order="stroke">{esc(_short(node.get("caption")))}</text></g>')
    # legend: the schemata present, then the marks
    x = 10
    present = list(dict.fromkeys(str(node.get("schema")) for node in nodes))
    for schema in present:
        colour = SCHEMA_COLOURS.get(schema, "#999999")
        parts.append(f'<circle cx="{x + 6}" cy="34" r="6" fill="{colour}"/><text x="{x + 16}" y="38">{esc(schema)}</text>')
        x += 26 + 7 * len(schema)
    parts.append(f'<circle cx="{x + 6}" cy="34" r="6" fill="#fff" stroke="#000" stroke-width="3"/>'
                 f'<text x="{x + 16}" y="38">seed (purged)</text>')
    x += 110
    parts.append(f'<circle cx="{x + 6}" cy="34" r="6" fill="#fff" stroke="#000"/><circle cx="{x + 6}" cy="34" r="9" '
                 f'fill="none" stroke="#000"/><text x="{x + 20}" y="38">sink</text>')
    parts.append(f'<text x="{x + 60}" y="38">area: exposure</text>')
    parts.append("</svg>")
    return "".join(parts)


def _short(text: Any, limit: int = 28) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"
