"""Write the store out: FtM JSON lines (lossless), statements CSV, GraphML, GEXF, Cytoscape JSON.

Every writer goes to a temporary file beside the target and renames it at the end, so a
failed export never leaves half a file under the name the user asked for.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import orjson

from moneymen.entities import iter_entities
from moneymen.files import atomic_write
from moneymen.graph.network import build_network
from moneymen.model import Entity, Statement
from moneymen.store import Store

STATEMENT_FIELDS = [field.name for field in dataclasses.fields(Statement)]
EXPORT_FORMATS = ("ftm", "csv", "graphml", "gexf", "cytoscape")


def entity_record(entity: Entity) -> dict:
    """An entity as an FtM JSON object, with a ``statements`` list carrying full provenance.

    FtM tools read ``id``/``schema``/``properties`` and keep the other keys as context;
    moneymen reads ``statements`` back without loss.
    """
    proxy = entity.proxy
    seen = [s.last_seen for s in entity.statements if s.last_seen]
    data = {
        "id": entity.id,
        "schema": proxy.schema.name,
        "properties": proxy.properties,
        "caption": entity.caption,
        "datasets": entity.datasets,
        "first_seen": entity.first_seen(),
        "last_seen": max(seen) if seen else None,
        "statements": [_statement_record(stmt) for stmt in entity.statements],
    }
    return data


_RECORD_FIELDS = [name for name in STATEMENT_FIELDS if name != "entity_id"]


def _statement_record(stmt: Statement) -> dict[str, str]:
    """A statement's fields without its entity id (the entity line carries it) and without blanks."""
    record = {}
    for name in _RECORD_FIELDS:
        value = getattr(stmt, name)
        if value is not None:
            record[name] = value
    return record


def export(store: Store, format: str, path: Path | str, dataset: str | None = None,
           progress: Callable[[int], None] | None = None) -> int:
    """Write the store (or one dataset's entities) to ``path`` in ``format``; return the count written."""
    path = Path(path)
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}; expected one of: {', '.join(EXPORT_FORMATS)}")
    entities = iter_entities(store, dataset)
    if format == "ftm":
        return _write_ftm(entities, path, progress)
    if format == "csv":
        return _write_csv(entities, path, progress)
    latest = store.latest_seen()
    tracked = _progress(entities, progress)
    delisted: dict[str, list[str]] = {}
    materialised = []
    for entity in tracked:
        gone = entity.delisted_from(latest)
        if gone:
            delisted[entity.id] = gone
        materialised.append(entity)
    graph = build_network(materialised, delisted)
    if format == "graphml":
        with atomic_write(path, "wb") as out:
            nx.write_graphml(graph, out, named_key_ids=True)
    elif format == "gexf":
        with atomic_write(path, "wb") as out:
            nx.write_gexf(graph, out)
    else:
        with atomic_write(path) as out:
            json.dump(nx.cytoscape_data(graph), out, ensure_ascii=False)
    return graph.number_of_nodes()


def _progress(entities, progress):
    for count, entity in enumerate(entities, start=1):
        if progress is not None and count % 500 == 0:
            progress(count)
        yield entity


def _write_ftm(entities, path: Path, progress) -> int:
    count = 0
    with atomic_write(path, "wb") as out:
        for entity in _progress(entities, progress):
            out.write(orjson.dumps(entity_record(entity)) + b"\n")
            count += 1
    return count


def _write_csv(entities, path: Path, progress) -> int:
    count = 0
    with atomic_write(path) as out:
        writer = csv.DictWriter(out, fieldnames=STATEMENT_FIELDS)
        writer.writeheader()
        for entity in _progress(entities, progress):
            for stmt in entity.statements:
                writer.writerow({name: getattr(stmt, name) for name in STATEMENT_FIELDS})
            count += 1
    return count
