"""The export formats, one :class:`Exporter` each (:data:`EXPORTERS`), as the importers are
:data:`moneymen.sources.FORMATS`.

This module names the writers without importing them, so that the command line can list the
formats in its help without loading networkx, DuckDB or followthemoney; the writers live in
:mod:`moneymen.graph.export`. A new format is one writer there and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Literal

__all__ = ["EXPORTERS", "EXPORT_FORMATS", "Exporter", "get_exporter"]


@dataclass(frozen=True)
class Exporter:
    """An output format: its writer (``"module:function"``), file suffix, description, and what it counts.

    The writer is called as ``write(store, path, dataset=…, progress=…, cleaned=…, raw=…)`` and returns how many
    ``counts`` (entities, or the network's nodes) it wrote.
    """

    name: str
    writer: str
    suffix: str
    description: str
    counts: Literal["entities", "nodes"] = "entities"

    @property
    def write(self) -> Callable[..., int]:
        module, _, function = self.writer.partition(":")
        return getattr(import_module(module), function)


EXPORTERS: dict[str, Exporter] = {
    "ftm": Exporter("ftm", "moneymen.graph.export:write_ftm", ".ftm.json",
                    "FollowTheMoney JSON lines, every statement kept, lossless"),
    "csv": Exporter("csv", "moneymen.graph.export:write_csv", ".csv", "one statement a row, with its provenance"),
    "links": Exporter("links", "moneymen.graph.export:write_links", ".csv",
                      "one row per source record: canonical_id,entity_id,schema,dataset,record_id (which records were merged)"),
    "graphml": Exporter("graphml", "moneymen.graph.export:write_graphml", ".graphml",
                        "the network as GraphML, for yEd, Gephi or networkx", "nodes"),
    "gexf": Exporter("gexf", "moneymen.graph.export:write_gexf", ".gexf", "the network as GEXF, for Gephi", "nodes"),
    "cytoscape": Exporter("cytoscape", "moneymen.graph.export:write_cytoscape", ".cyjs",
                          "the network as Cytoscape JSON", "nodes"),
}
#: What ``moneymen export --format`` takes.
EXPORT_FORMATS: tuple[str, ...] = tuple(EXPORTERS)


def get_exporter(name: str) -> Exporter:
    """The export format called ``name``; ValueError listing the known ones otherwise."""
    try:
        return EXPORTERS[name]
    except KeyError:
        raise ValueError(f"unknown export format {name!r}; expected one of: {', '.join(EXPORTERS)}") from None
