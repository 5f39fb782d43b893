"""Charts and network drawings as inline SVG, computed in Python (no JavaScript, no network).

Every function returns one ``<svg>`` element as :class:`markupsafe.Markup`, ready to be put in a
Jinja template as it is. Each piece is built with ``Markup(...).format(...)``, which escapes every
argument (names, labels, titles: ``<script>`` is drawn as those characters); only the pieces so
built are joined, so nothing from the data reaches the page unescaped.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from markupsafe import Markup

__all__ = ["PALETTE", "SCHEMA_COLOURS", "bar_chart", "distribution_bars", "histogram", "line_chart",
           "network_drawing", "relation_label"]

#: Colours for series (colour-blind-safe, after Okabe and Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
#: Node colours by FtM schema (anything else: grey).
SCHEMA_COLOURS = {"Person": "#0072B2", "Company": "#E69F00", "Organization": "#009E73", "LegalEntity": "#009E73",
                  "PublicBody": "#009E73", "BankAccount": "#CC79A7", "Vessel": "#56B4E9", "Address": "#999999"}
#: Line styles by series, so that lines lying on top of each other stay visible.
DASHES = ("", "7 4", "2 3", "10 3 2 3")
FONT = "font-family:system-ui,-apple-system,'Segoe UI',sans-serif"
#: The network drawing's marks: relations, money, and who the scenario removes.
EDGE_COLOUR, MONEY_COLOUR, REMOVED_COLOUR = "#8c8c8c", "#a05a00", "#D55E00"
#: Font size of the relations' labels in the network drawing (px).
LABEL_SIZE = 9.0


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


def _frame(width: int, height: int, title: str, label: str | None = None) -> list[Markup]:
    return [Markup('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
                   'role="img" aria-label="{aria}" style="{font};font-size:11px">').format(
                w=width, h=height, aria=label or title, font=FONT),
            Markup("<title>{}</title>").format(title),
            Markup('<text x="{:.1f}" y="16" text-anchor="middle" style="font-size:13px;font-weight:600">{}</text>')
            .format(width / 2, title)]


def _close(parts: list[Markup]) -> Markup:
    return Markup("").join([*parts, Markup("</svg>")])


def _no_data(parts: list[Markup], width: int, height: int, words: str) -> Markup:
    parts.append(Markup('<text x="{}" y="{}" text-anchor="middle">{}</text>').format(width / 2, height / 2, words))
    return _close(parts)


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str, *, unit: str = "",
              colours: Sequence[str] | None = None, width: int = 520, notes: Sequence[str] | None = None) -> Markup:
    """Horizontal bars, one per label, with the value (or ``notes[i]``) written at the end of each."""
    bar, gap, left, top = 22, 8, 170, 30
    height = top + len(labels) * (bar + gap) + 10
    parts = _frame(width, height, title)
    top_value = max([abs(v) for v in values] + [0.0]) or 1.0
    span = width - left - 120
    colours = colours or PALETTE
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * (bar + gap)
        length = max(span * abs(value) / top_value, 1.0 if value else 0.0)
        note = notes[i] if notes else f"{_number(value)}{unit}"
        parts.append(Markup('<text x="{}" y="{:.1f}" text-anchor="end">{}</text>').format(left - 6, y + bar * 0.7, label))
        parts.append(Markup('<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"/>').format(
            left, y, length, bar, colours[i % len(colours)]))
        parts.append(Markup('<text x="{:.1f}" y="{:.1f}">{}</text>').format(left + length + 4, y + bar * 0.7, note))
    return _close(parts)


def histogram(edges: Sequence[float], counts: Sequence[int], title: str, *, xlabel: str = "",
              colour: str = PALETTE[0], width: int = 300, height: int = 190, mark: float | None = None) -> Markup:
    """Counts per bin (``edges`` has one more value than ``counts``); ``mark`` draws a dashed line (the mean)."""
    left, right, top, bottom = 38, 10, 26, 34
    parts = _frame(width, height, title)
    if not counts or len(edges) != len(counts) + 1:
        return _no_data(parts, width, height, "no data")
    low, high = float(edges[0]), float(edges[-1])
    high = high if high > low else low + 1.0
    peak = max(max(counts), 1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(v: float) -> float:
        return left + plot_w * (v - low) / (high - low)

    def y(c: float) -> float:
        return top + plot_h * (1 - c / peak)

    for count, a, b in zip(counts, edges, edges[1:]):
        if count:
            parts.append(Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>').format(
                x(a), y(count), max(x(b) - x(a) - 0.5, 0.5), top + plot_h - y(count), colour))
    parts.append(Markup('<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#444"/>').format(left, top + plot_h, left + plot_w))
    for tick in _ticks(low, high, 4):
        parts.append(Markup('<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>').format(
            x(tick), top + plot_h + 13, _number(tick)))
    parts.append(Markup('<text x="{}" y="{}" text-anchor="end">{}</text>').format(left - 4, top + 8, _number(peak)))
    parts.append(Markup('<text x="{}" y="{}" text-anchor="end">0</text>').format(left - 4, top + plot_h))
    if mark is not None and low <= mark <= high:
        parts.append(Markup('<line x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}" stroke="#000" stroke-dasharray="4 3"/>')
                     .format(x(mark), top, top + plot_h))
    if xlabel:
        parts.append(Markup('<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>').format(
            left + plot_w / 2, height - 4, xlabel))
    return _close(parts)


def distribution_bars(edges: Sequence[float], counts: Sequence[int], title: str, *, unit: str = "",
                      colour: str = PALETTE[3], width: int = 620) -> Markup:
    """A distribution that takes few values, as one horizontal bar per bin that holds any: its range,
    and how many of the runs (and what share) fell in it. Readable where a histogram would show one
    tall bar and specks."""
    total = sum(counts) or 1
    rows = [(a, b, count) for a, b, count in zip(edges, edges[1:], counts) if count]
    labels = [_number(a) if _number(a) == _number(b) else f"{_number(a)} – {_number(b)}{unit}" for a, b, _ in rows]
    notes = [f"{count:,} runs ({count / total:.0%})" for _, _, count in rows]
    if not rows:
        return _no_data(_frame(width, 80, title), width, 80, "no data")
    return bar_chart(labels, [float(count) for _, _, count in rows], title, colours=(colour,), width=width, notes=notes)


def line_chart(series: Mapping[str, Sequence[tuple[float, float]]], title: str, *, xlabel: str = "",
               ylabel: str = "", width: int = 680, height: int = 300, y_range: tuple[float, float] | None = None) -> Markup:
    """One line per series (points ``(x, y)``), with a legend."""
    left, right, top, bottom = 52, 200, 28, 40
    parts = _frame(width, height, title)
    points = [p for values in series.values() for p in values]
    if not points:
        return _no_data(parts, width, height, "no data")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x_low, x_high = min(xs), max(xs)
    y_low, y_high = y_range if y_range else (min(0.0, min(ys)), max(ys))
    x_high = x_high if x_high > x_low else x_low + 1
    y_high = y_high if y_high > y_low else y_low + 1
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(v: float) -> float:
        return left + plot_w * (v - x_low) / (x_high - x_low)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - y_low) / (y_high - y_low))

    for tick in _ticks(y_low, y_high, 5):
        parts.append(Markup('<line x1="{0}" y1="{1:.1f}" x2="{2}" y2="{1:.1f}" stroke="#ddd"/>').format(
            left, y(tick), left + plot_w))
        parts.append(Markup('<text x="{}" y="{:.1f}" text-anchor="end">{}</text>').format(left - 5, y(tick) + 4, _number(tick)))
    for tick in _ticks(x_low, x_high, 6):
        parts.append(Markup('<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>').format(
            x(tick), top + plot_h + 14, _number(tick)))
    parts.append(Markup('<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#444"/>').format(left, top + plot_h, left + plot_w))
    parts.append(Markup('<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#444"/>').format(left, top, top + plot_h))
    for i, (name, values) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        path = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in values)
        dash = DASHES[i % len(DASHES)] or "none"
        parts.append(Markup('<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>')
                     .format(path, colour, dash))
        for a, b in values if len(values) <= 40 else ():
            parts.append(Markup('<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="{}"/>').format(x(a), y(b), colour))
        ly = top + 14 * i + 6
        parts.append(Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>')
                     .format(left + plot_w + 10, ly - 4, left + plot_w + 26, ly - 4, colour, dash))
        parts.append(Markup('<text x="{}" y="{}">{}</text>').format(left + plot_w + 28, ly, name))
    if xlabel:
        parts.append(Markup('<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>').format(
            left + plot_w / 2, height - 6, xlabel))
    if ylabel:
        parts.append(Markup('<text x="14" y="{0:.1f}" text-anchor="middle" transform="rotate(-90 14 {0:.1f})">{1}</text>')
                     .format(top + plot_h / 2, ylabel))
    return _close(parts)


# -- the network drawing ----------------------------------------------------------------------------

def relation_label(relation: str) -> tuple[str, bool]:
    """The words drawn on an edge of relation ``relation``, and whether it has a direction.

    A relation is an FtM edge schema (``Ownership``: owner → asset, directed; ``Family``: not), or
    ``Schema:property`` for an edge through an entity's property (``Payment:payerAccount``: the
    payer → the bank account it pays from), drawn with the property's label. Direction and labels
    are FtM's own (``Schema.edge_directed``, ``Property.label``)."""
    from followthemoney import model

    name, _, prop = relation.partition(":")
    schema = model.get(name)
    if schema is None:
        return relation, False
    if prop and schema.get(prop) is not None:
        return str(schema.get(prop).label), True  # type: ignore[union-attr]
    return relation, bool(schema.edge and schema.edge_directed)


class _Space:
    """Boxes already taken on the drawing, so that labels are put where they overlap least."""

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []

    def overlap(self, box: tuple[float, float, float, float]) -> float:
        x1, y1, x2, y2 = box
        return sum(max(0.0, min(x2, b[2]) - max(x1, b[0])) * max(0.0, min(y2, b[3]) - max(y1, b[1]))
                   for b in self.boxes)

    def place(self, candidates: Sequence[tuple[float, float, tuple[float, float, float, float]]],
              most: float = math.inf) -> tuple[float, float] | None:
        """The candidate ``(x, y, box)`` that overlaps least what is taken (the first among equals), its box
        then taken; None (nothing taken) when even that one overlaps more than ``most`` (an area)."""
        x, y, box = min(candidates, key=lambda candidate: self.overlap(candidate[2]))
        if self.overlap(box) > most:
            return None
        self.boxes.append(box)
        return x, y


def _text_width(text: str, size: float) -> float:
    return 0.56 * size * len(text)


def _lines(caption: str, width: int = 24, most: int = 4) -> list[str]:
    """A caption wrapped at word boundaries; only a caption longer than ``most`` lines is shortened (with …)."""
    lines = textwrap.wrap(caption, width, break_long_words=False) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][:width - 1] + "…"
    return lines


def _amount(edge: Mapping[str, Any]) -> float | None:
    amount = edge.get("amount")
    return float(amount) if isinstance(amount, (int, float)) and math.isfinite(amount) and amount > 0 else None


def network_drawing(nodes: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]], *, seed: int = 0,
                    removed: Collection[str] = (), orphaned: Collection[str] = (), width: int = 1040,
                    height: int = 760, title: str = "Exposed subnetwork") -> Markup:
    """Nodes (``id``, ``caption``, ``schema``, ``exposure``, ``seed``, ``sink``) and edges (``source``, ``target``,
    ``relation``, and for payments ``amount`` and ``currency`` where known), laid out by a spring layout.

    Colour: schema; area: exposure (relative to the most exposed); a thick black ring: a seed
    (purged); a red ring: an entity the scenario removes (``removed``: the agents it loses); a
    dashed red ring: an orphaned account (``orphaned``); a double ring: the sink. Directed relations
    (ownership, payments, employment…) end in an arrow; payments are drawn in brown, thicker for
    larger amounts, and labelled with the amount. Several relations between one pair are drawn as
    separate curves. Names are drawn in full (wrapped), and labels are placed where they overlap
    least. The layout is Kamada-Kawai for a connected network of up to 300 nodes (deterministic),
    else a spring layout seeded with ``seed``.
    """
    import networkx as nx  # type: ignore[import-untyped]

    parts = _frame(width, height, title, f"{title}: {len(nodes)} entities, {len(edges)} relations")
    if not nodes:
        return _no_data(parts, width, height, "nothing exposed")
    graph = nx.Graph()
    graph.add_nodes_from(node["id"] for node in nodes)
    graph.add_edges_from((edge["source"], edge["target"]) for edge in edges)
    if 2 < graph.number_of_nodes() <= 300 and nx.is_connected(graph):
        layout = nx.kamada_kawai_layout(graph)
    else:
        layout = nx.spring_layout(graph, seed=seed, k=1.6 / math.sqrt(max(len(nodes), 1)), iterations=200)
    xs, ys = [p[0] for p in layout.values()], [p[1] for p in layout.values()]
    side, top, bottom = 100, 120, 70  # room for names at the sides and below, the legend above
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    at = {key: (side + (width - 2 * side) * (p[0] - min(xs)) / span_x,
                top + (height - top - bottom) * (p[1] - min(ys)) / span_y)
          for key, p in layout.items()}
    most = max([float(node.get("exposure") or 0.0) for node in nodes] + [1e-9])
    radius = {}
    for node in nodes:
        share = min(max(float(node.get("exposure") or 0.0) / most, 0.0), 1.0)
        radius[node["id"]] = max(4 + 10 * math.sqrt(share), 13 if node.get("seed") else 0)
    space = _Space()
    for key, (cx, cy) in at.items():
        r = radius.get(key, 6) + 3
        space.boxes.append((cx - r, cy - r, cx + r, cy + r))

    parts.append(Markup(
        '<defs><marker id="mm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" '
        'markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,1 L10,5 L0,9 z" fill="{}"/></marker>'
        '<marker id="mm-arrow-money" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" '
        'markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,1 L10,5 L0,9 z" fill="{}"/></marker>'
        '</defs>').format(EDGE_COLOUR, MONEY_COLOUR))

    # node labels first (they matter most), each below, above, right or left of its node
    size = 10.5
    captions: list[Markup] = []
    for node in nodes:
        cx, cy = at[node["id"]]
        lines = _lines(str(node.get("caption") or node["id"]))
        w, h, r = max(_text_width(line, size) for line in lines), 12.5 * len(lines), radius[node["id"]] + 3
        candidates = [(cx, cy + r + 10, (cx - w / 2, cy + r, cx + w / 2, cy + r + h)),
                      (cx, cy - r - h + 8, (cx - w / 2, cy - r - h, cx + w / 2, cy - r)),
                      (cx + r + 2 + w / 2, cy - h / 2 + 9, (cx + r + 2, cy - h / 2, cx + r + 2 + w, cy + h / 2)),
                      (cx - r - 2 - w / 2, cy - h / 2 + 9, (cx - r - 2 - w, cy - h / 2, cx - r - 2, cy + h / 2))]
        x, y = space.place(candidates) or candidates[0][:2]
        spans = Markup("").join(Markup('<tspan x="{:.1f}" dy="{}">{}</tspan>').format(x, 0 if i == 0 else 12.5, line)
                                for i, line in enumerate(lines))
        captions.append(Markup('<text x="{:.1f}" y="{:.1f}">{}</text>').format(x, y, spans))

    # edges: one curve per relation, parallel ones bowed apart; labels where they overlap least
    pairs: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for edge in edges:
        pairs.setdefault(tuple(sorted((edge["source"], edge["target"]))), []).append(edge)  # type: ignore[arg-type]
    heaviest = max([_amount(edge) or 0.0 for edge in edges] + [1.0])
    lines_out: list[Markup] = []
    labels_out: list[Markup] = []
    unlabelled = 0
    for (a, b), group in pairs.items():
        (ax, ay), (bx, by) = at[a], at[b]
        length = math.hypot(bx - ax, by - ay) or 1.0
        nx_, ny_ = -(by - ay) / length, (bx - ax) / length  # the normal of a → b
        for i, edge in enumerate(group):
            bend = (i - (len(group) - 1) / 2) * 22.0
            (sx, sy), (tx, ty) = at[edge["source"]], at[edge["target"]]
            mx, my = (ax + bx) / 2 + nx_ * bend, (ay + by) / 2 + ny_ * bend  # the curve passes through here
            qx, qy = 2 * mx - (sx + tx) / 2, 2 * my - (sy + ty) / 2  # control point
            words, directed = relation_label(str(edge["relation"]))
            amount = _amount(edge)
            money = str(edge["relation"]).startswith("Payment")
            if amount is not None:
                words = f"{words} {_number(amount)}{' ' + str(edge['currency']) if edge.get('currency') else ''}"
            # end the curve at the target's rim, so that the arrow is seen
            ex, ey = tx - qx, ty - qy
            end = math.hypot(ex, ey) or 1.0
            pull = radius.get(edge["target"], 6) + (3 if directed else 0)
            tx2, ty2 = tx - ex / end * pull, ty - ey / end * pull
            stroke = MONEY_COLOUR if money else EDGE_COLOUR
            thickness = 1.3 + (3.2 * math.sqrt(amount / heaviest) if amount else 0.0)
            marker = Markup(' marker-end="url(#{})"').format("mm-arrow-money" if money else "mm-arrow") if directed else ""
            tooltip = f"{edge.get('source_caption') or _caption(nodes, edge['source'])} → " \
                      f"{edge.get('target_caption') or _caption(nodes, edge['target'])}: {words}"
            lines_out.append(Markup('<path d="M{:.1f},{:.1f} Q{:.1f},{:.1f} {:.1f},{:.1f}" fill="none" stroke="{}" '
                                    'stroke-width="{:.1f}" data-relation="{}"{}><title>{}</title></path>').format(
                sx, sy, qx, qy, tx2, ty2, stroke, thickness, edge["relation"], marker, tooltip))
            w = _text_width(words, LABEL_SIZE)
            candidates = []
            for t in (0.5, 0.4, 0.6, 0.3, 0.7):
                px = (1 - t) ** 2 * sx + 2 * (1 - t) * t * qx + t ** 2 * tx
                py = (1 - t) ** 2 * sy + 2 * (1 - t) * t * qy + t ** 2 * ty
                for shift in (0.0, 7.0, -7.0):
                    cx_, cy_ = px + nx_ * shift, py + ny_ * shift
                    candidates.append((cx_, cy_ + 3, (cx_ - w / 2, cy_ - 5, cx_ + w / 2, cy_ + 5)))
            place = space.place(candidates, most=0.15 * w * 10)
            if place is None:
                unlabelled += 1
                continue
            labels_out.append(Markup('<text x="{:.1f}" y="{:.1f}" fill="{}">{}</text>').format(
                place[0], place[1], "#5a3300" if money else "#555", words))
    parts.append(Markup('<g class="edges">{}</g>').format(Markup("").join(lines_out)))
    parts.append(Markup('<g class="edge-labels" style="font-size:{}px" text-anchor="middle" stroke="#fff" '
                        'stroke-width="2.5" paint-order="stroke">{}</g>').format(LABEL_SIZE, Markup("").join(labels_out)))

    removed, orphaned = set(removed), set(orphaned)
    marks = []
    for node in nodes:
        cx, cy = at[node["id"]]
        r = radius[node["id"]]
        colour = SCHEMA_COLOURS.get(str(node.get("schema")), "#999999")
        status = ("purged (seed)" if node.get("seed") else "lost in the scenario (removed)" if node["id"] in removed
                  else "orphaned account" if node["id"] in orphaned else "")
        if node.get("sink"):
            status = ", ".join(filter(None, ["the sink", status]))
        tooltip = f"{node.get('caption')} ({node.get('schema')}), exposure {float(node.get('exposure') or 0.0):.2f}" \
                  + (f" — {status}" if status else "")
        ring = (Markup(' stroke="#000" stroke-width="3.5"') if node.get("seed") else
                Markup(' stroke="{}" stroke-width="3"').format(REMOVED_COLOUR) if node["id"] in removed else
                Markup(' stroke="#fff" stroke-width="1"'))
        piece = [Markup('<g class="node" data-id="{}"{}><title>{}</title>').format(
            node["id"], Markup(' data-status="{}"').format(status) if status else "", tooltip)]
        if node.get("sink"):
            piece.append(Markup('<circle cx="{:.1f}" cy="{:.1f}" r="{:.1f}" fill="none" stroke="#000" stroke-width="1.5"/>')
                         .format(cx, cy, r + 5))
        if node["id"] in orphaned:
            piece.append(Markup('<circle cx="{:.1f}" cy="{:.1f}" r="{:.1f}" fill="none" stroke="{}" stroke-width="2" '
                                'stroke-dasharray="3 2"/>').format(cx, cy, r + 4, REMOVED_COLOUR))
        piece.append(Markup('<circle cx="{:.1f}" cy="{:.1f}" r="{:.1f}" fill="{}"{}/></g>').format(cx, cy, r, colour, ring))
        marks.append(Markup("").join(piece))
    parts.append(Markup('<g class="nodes">{}</g>').format(Markup("").join(marks)))
    parts.append(Markup('<g class="captions" text-anchor="middle" style="font-size:10px" stroke="#fff" stroke-width="3" '
                        'paint-order="stroke">{}</g>').format(Markup("").join(captions)))
    if unlabelled:
        parts.append(Markup('<text x="10" y="{}" fill="#666">{} left out where {} cover others: hover over a '
                            'line to read it.</text>').format(height - 8, "1 relation label" if unlabelled == 1 else
                                                              f"{unlabelled} relation labels",
                                                              "it would" if unlabelled == 1 else "they would"))
    parts.append(_legend(nodes, bool(removed & set(at)), bool(orphaned & set(at)),
                         ("payment, with its amount (thicker: more)" if any(_amount(edge) for edge in edges) else "payment")
                         if any(str(edge["relation"]).startswith("Payment") for edge in edges) else None))
    return _close(parts)


def _caption(nodes: Sequence[Mapping[str, Any]], entity_id: str) -> str:
    return next((str(node.get("caption")) for node in nodes if node["id"] == entity_id), entity_id)


def _legend(nodes: Sequence[Mapping[str, Any]], removed: bool, orphaned: bool, money: str | None) -> Markup:
    """The schemata drawn, the marks on nodes, the lines (three rows at the top of the drawing); ``money``:
    the words for payments, if any are drawn."""
    items = []
    x = 10.0
    for schema in dict.fromkeys(str(node.get("schema")) for node in nodes):
        items.append(Markup('<circle cx="{0}" cy="34" r="6" fill="{1}"/><text x="{2}" y="38">{3}</text>').format(
            x + 6, SCHEMA_COLOURS.get(schema, "#999999"), x + 16, schema))
        x += 30 + _text_width(schema, 12)
    x, y = 10.0, 56
    marks = [(Markup('<circle cx="{0}" cy="{1}" r="6" fill="#fff" stroke="#000" stroke-width="3"/>'), "purged (seed)")]
    if removed:
        marks.append((Markup('<circle cx="{0}" cy="{1}" r="6" fill="#fff" stroke="{2}" stroke-width="3"/>'),
                      "lost in the scenario (removed)"))
    if orphaned:
        marks.append((Markup('<circle cx="{0}" cy="{1}" r="7" fill="none" stroke="{2}" stroke-width="2" '
                             'stroke-dasharray="3 2"/>'), "orphaned account"))
    marks.append((Markup('<circle cx="{0}" cy="{1}" r="5" fill="#fff" stroke="#000"/><circle cx="{0}" cy="{1}" r="8" '
                         'fill="none" stroke="#000"/>'), "sink"))
    for mark, words in marks:
        items.append(mark.format(x + 6, y - 4, REMOVED_COLOUR))
        items.append(Markup('<text x="{}" y="{}">{}</text>').format(x + 18, y, words))
        x += 36 + _text_width(words, 12)
    x, y = 10.0, 76
    lines = [(EDGE_COLOUR, 1.3, "mm-arrow", "relation, arrow: its direction")]
    if money:
        lines.append((MONEY_COLOUR, 3.0, "mm-arrow-money", money))
    for colour, thickness, marker, words in lines:
        items.append(Markup('<path d="M{0},{1} L{2},{1}" stroke="{3}" stroke-width="{4}" marker-end="url(#{5})"/>'
                            '<text x="{6}" y="{7}">{8}</text>').format(x, y - 4, x + 26, colour, thickness, marker,
                                                                       x + 32, y, words))
        x += 48 + _text_width(words, 12)
    items.append(Markup('<text x="{}" y="{}">area: exposure</text>').format(x, y))
    return Markup('<g class="legend">{}</g>').format(Markup("").join(items))
