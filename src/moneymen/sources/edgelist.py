"""Edge lists for researchers: ``source,target[,weight]`` CSV files with a header row.

Not an importer (nothing goes into the store): :func:`read_edge_list` reads the file for
``moneymen disrupt`` and the analyses, numbering nodes in the order they first appear, which is
also the order that breaks ties in every ranking.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from moneymen.sources.base import MAX_RECORD_BYTES, SourceError

__all__ = ["EdgeList", "read_edge_list", "MAX_EDGES"]

#: More edges than this is not a file ``moneymen disrupt`` can rank in reasonable time; refuse early.
MAX_EDGES = 5_000_000


@dataclass
class EdgeList:
    """Edges as read: ``(source, target, weight)`` with weight 1.0 where the file has none."""

    path: str
    edges: list[tuple[str, str, float]]
    labels: list[str]
    has_weights: bool


def read_edge_list(path: str | Path, *, weighted: bool = False) -> EdgeList:
    """Read ``path``: a header ``source,target`` or ``source,target,weight``, then one edge per line.

    Blank lines are skipped. ``weighted`` needs the weight column. Raises :class:`SourceError`
    naming the file and line for a missing header, a short or long row, an empty name, or a
    weight that is not a finite number ≥ 0.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, None, "no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(path, None, f"not UTF-8 text ({error}); expected a CSV file source,target[,weight]") from None
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_RECORD_BYTES:
            raise SourceError(path, number, f"line longer than {MAX_RECORD_BYTES:,} characters: not an edge list")
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    edges: list[tuple[str, str, float]] = []
    labels: dict[str, None] = {}
    try:
        for row in reader:
            number = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            cells = [cell.strip() for cell in row]
            if header is None:
                header = [cell.lower() for cell in cells]
                if header not in (["source", "target"], ["source", "target", "weight"]):
                    raise SourceError(path, number, f"expected the header source,target or source,target,weight, "
                                                    f"found {','.join(cells)[:80]!r}")
                if weighted and len(header) == 2:
                    raise SourceError(path, number, "--weighted needs a third column, weight (header source,target,weight)")
                continue
            if len(cells) != len(header):
                raise SourceError(path, number, f"expected {len(header)} values ({','.join(header)}), found {len(cells)}")
            source, target = cells[0], cells[1]
            if not source or not target:
                raise SourceError(path, number, "empty node name: expected source and target names")
            weight = 1.0
            if len(cells) == 3:
                try:
                    weight = float(cells[2])
                except ValueError:
                    raise SourceError(path, number, f"weight {cells[2][:40]!r} is not a number") from None
                if not math.isfinite(weight) or weight < 0:
                    raise SourceError(path, number, f"weight {cells[2][:40]!r} must be a finite number ≥ 0")
            edges.append((source, target, weight))
            labels.setdefault(source, None)
            labels.setdefault(target, None)
            if len(edges) > MAX_EDGES:
                raise SourceError(path, number, f"more than {MAX_EDGES:,} edges: too large for moneymen disrupt")
    except csv.Error as error:
        raise SourceError(path, reader.line_num, f"malformed CSV ({error})") from None
    if header is None:
        raise SourceError(path, None, "empty file: expected the header source,target[,weight] and one edge per line")
    if not edges:
        raise SourceError(path, None, "no edges: expected one source,target[,weight] row per edge after the header")
    return EdgeList(str(path), edges, list(labels), len(header) == 3)
