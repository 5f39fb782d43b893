"""Write the store out: FtM JSON lines (lossless), statements CSV, GraphML, GEXF, Cytoscape JSON.

The formats and their writers are listed in :data:`moneymen.graph.exporters.EXPORTERS`. The graph
formats draw the network the analyses see: the store's entities read into a
:class:`~moneymen.graph.view.NetworkView` with ``details=True`` (:func:`network_view`) and drawn by
:meth:`~moneymen.graph.view.NetworkView.export_graph`.

Every writer goes to a temporary file beside the target and renames it at the end, so a
failed export never leaves half a file under the name the user asked for.

Names come from untrusted lists, so the outputs guard their readers: the statements CSV goes
through :class:`moneymen.files.SafeDictWriter` (no cell a spreadsheet reads as a formula), and in
GraphML and GEXF every id and value is made one that XML 1.0 can hold (:func:`xml_text`): a control
character other than tab, newline and carriage return, a lone surrogate, U+FFFE or U+FFFF is
replaced by U+FFFD, and :func:`export` tells which entities and attributes were cleaned. JSON
escapes such characters itself, and the store holds no lone surrogates (it keeps valid UTF-8), so
the FtM and Cytoscape exports write every value as it is.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import networkx as nx
import orjson

from moneymen.files import SafeDictWriter, atomic_write
from moneymen.graph.builder import view_from_entities
from moneymen.graph.exporters import EXPORT_FORMATS, get_exporter
from moneymen.graph.view import NetworkView
from moneymen.model import Entity, Statement
from moneymen.store import Store
from moneymen.store.entities import iter_entities

__all__ = ["EXPORT_FORMATS", "STATEMENT_FIELDS", "entity_record", "export", "network_view", "write_csv",
           "write_cytoscape", "write_ftm", "write_gexf", "write_graphml", "xml_safe_graph", "xml_text"]

STATEMENT_FIELDS = [field.name for field in dataclasses.fields(Statement)]

#: A character XML 1.0 cannot hold (its ``Char`` production): a control character other than tab,
#: newline and carriage return, a lone surrogate, U+FFFE or U+FFFF.
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def entity_record(entity: Entity) -> dict:
    """An entity as an FtM JSON object, with a ``statements`` list carrying full provenance.

    FtM tools read ``id``/``schema``/``properties``, and followthemoney's statement entities read
    ``statements`` as FtM statements; moneymen reads ``statements`` back without loss.
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


def _statement_record(stmt: Statement) -> dict[str, str]:
    """A statement as an FtM statement object (``entity_id``, ``schema``, ``prop``, ``value``,
    ``dataset``…, which followthemoney's statement entities read), plus moneymen's provenance
    (source record, quote, dates, grade), without blanks."""
    record = {}
    for name in STATEMENT_FIELDS:
        value = getattr(stmt, name)
        if value is not None:
            record[name] = value
    return record


def xml_text(value: str) -> str:
    """``value`` with each character XML 1.0 cannot hold (:data:`XML_INVALID`) replaced by U+FFFD."""
    return XML_INVALID.sub("\ufffd", value)


def export(store: Store, format: str, path: Path | str, dataset: str | None = None,
           progress: Callable[[int], None] | None = None, cleaned: list[tuple[str, str]] | None = None,
           raw: bool = False) -> int:
    """Write the store (or one dataset's entities) to ``path`` in ``format`` (one of :data:`EXPORT_FORMATS`);
    return the count written (entities, or the network's nodes: the format's ``counts``).

    The network formats (GraphML, GEXF, Cytoscape) draw the resolved network: records merged into
    one canonical entity are one node (``raw``: one node per record). FtM and CSV always write the
    records as the store holds them (statements keep their record's id), so that they restore
    losslessly; ``links`` says which records each canonical entity holds.

    For GraphML and GEXF, a list given as ``cleaned`` gets one ``(entity id, attribute)`` pair for each
    value that XML 1.0 cannot hold and was written with U+FFFD in place of its bad characters
    (attribute ``id`` for the entity's id itself); the entity id is the store's, not the cleaned one.
    """
    return get_exporter(format).write(store, Path(path), dataset=dataset, progress=progress, cleaned=cleaned, raw=raw)


def network_view(store: Store, dataset: str | None = None,
                 progress: Callable[[int], None] | None = None, raw: bool = False) -> NetworkView:
    """The view the graph exports draw: the store's entities (those ``dataset`` mentions), with
    details; resolved (each canonical entity one node) unless ``raw``."""
    from moneymen.store.resolution import canonical_ids

    entities = _progress(iter_entities(store, dataset), progress)
    return view_from_entities(entities if raw else resolved_entities(entities, canonical_ids(store)),
                              details=True, latest_seen=store.latest_seen())


def resolved_entities(entities: Iterable[Entity], canonical: Mapping[str, str]) -> Iterator[Entity]:
    """``entities`` with the records of each canonical entity as one entity of the canonical id
    (statements keep their record's id), and every value naming a merged record (a relation's
    end, a sanction's target) naming its canonical id instead. Merged entities come last."""
    if not canonical:
        yield from entities
        return
    clusters: dict[str, list[Statement]] = {}
    for entity in entities:
        statements = [dataclasses.replace(stmt, value=canonical[stmt.value]) if stmt.value in canonical else stmt
                      for stmt in entity.statements]
        target = canonical.get(entity.id)
        if target is None:
            yield Entity(entity.id, statements)
        else:
            clusters.setdefault(target, []).extend(statements)
    for target, statements in clusters.items():
        yield Entity(target, statements)


def write_graphml(store: Store, path: Path, dataset: str | None = None, progress=None, cleaned=None,
                  raw: bool = False) -> int:
    graph = _xml_graph(store, dataset, progress, cleaned, raw)
    with atomic_write(path, "wb") as out:
        nx.write_graphml(graph, out, named_key_ids=True)
    return graph.number_of_nodes()


def write_gexf(store: Store, path: Path, dataset: str | None = None, progress=None, cleaned=None,
                  raw: bool = False) -> int:
    graph = _xml_graph(store, dataset, progress, cleaned, raw)
    with atomic_write(path, "wb") as out:
        nx.write_gexf(graph, out)
    return graph.number_of_nodes()


def write_cytoscape(store: Store, path: Path, dataset: str | None = None, progress=None, cleaned=None,
                    raw: bool = False) -> int:
    graph = network_view(store, dataset, progress, raw).export_graph()
    with atomic_write(path) as out:
        json.dump(nx.cytoscape_data(graph), out, ensure_ascii=False)
    return graph.number_of_nodes()


def _xml_graph(store: Store, dataset: str | None, progress, cleaned: list[tuple[str, str]] | None,
               raw: bool) -> nx.MultiDiGraph:
    graph, found = xml_safe_graph(network_view(store, dataset, progress, raw).export_graph())
    if cleaned is not None:
        cleaned.extend(found)
    return graph


def xml_safe_graph(graph: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, list[tuple[str, str]]]:
    """``graph`` with every node id, edge key and text value made one XML 1.0 can hold (:func:`xml_text`).

    Returns the graph (``graph`` itself, changed in place, or a relabelled copy when a node id needed
    cleaning) and the ``(entity id, attribute)`` pairs cleaned (ids first, then values, in graph order;
    each once). A cleaned node id (or edge key) that another node (edge) already has gets more U+FFFD
    appended, so none merge.
    """
    found: dict[tuple[str, str], None] = {}

    def clean(entity_id: str, attribute: str, value):
        if isinstance(value, str) and XML_INVALID.search(value):
            found[(entity_id, attribute)] = None
            return xml_text(value)
        return value

    taken = set(graph)
    names = {}
    for node in graph:
        name = clean(node, "id", node)
        if name != node:
            while name in taken:
                name += "\ufffd"
            taken.add(name)
            names[node] = name
    for node, data in graph.nodes(data=True):
        for key, value in data.items():
            data[key] = clean(node, key, value)
    rekeyed = []
    for source, target, key, data in graph.edges(keys=True, data=True):
        owner = data.get("id", key)
        for name, value in data.items():
            data[name] = clean(owner, name, value)
        safe_key = clean(owner, "id", key)
        if safe_key != key:
            rekeyed.append((source, target, key, safe_key))
    for source, target, key, safe_key in rekeyed:
        data = graph.edges[source, target, key]
        graph.remove_edge(source, target, key)
        while graph.has_edge(source, target, safe_key):
            safe_key += "\ufffd"
        graph.add_edge(source, target, key=safe_key, **data)
    if names:
        graph = nx.relabel_nodes(graph, names, copy=True)
    return graph, list(found)


def _progress(entities, progress):
    for count, entity in enumerate(entities, start=1):
        if progress is not None and count % 500 == 0:
            progress(count)
        yield entity


def write_ftm(store: Store, path: Path, dataset: str | None = None, progress=None, cleaned=None, raw=True) -> int:
    count = 0
    with atomic_write(path, "wb") as out:
        for entity in _progress(iter_entities(store, dataset), progress):
            out.write(orjson.dumps(entity_record(entity)) + b"\n")
            count += 1
    return count


#: The columns of the links export: one row per source record and the canonical entity it belongs to.
LINK_FIELDS = ("canonical_id", "entity_id", "schema", "dataset", "record_id")
#: Labels our importers put before a source's own record number ("ent_num 9345": OFAC's entry number).
RECORD_LABELS = ("ent_num ",)


def write_links(store: Store, path: Path, dataset: str | None = None, progress=None, cleaned=None, raw=False) -> int:
    """One row per source record of a named thing (people, organisations, vessels…; not the
    sanctions, addresses or relationships it comes with): its canonical id (its own id when it was
    merged with nothing), id, schema, dataset, and the source's own identifier of the record (the
    UN's reference number, OFAC's entry number; the entity's id where the source gives none)."""
    from followthemoney import model as ftm_model

    from moneymen.store.resolution import canonical_ids, record_rows

    canonical = canonical_ids(store)
    count = 0
    with atomic_write(path) as out:
        writer = SafeDictWriter(out, fieldnames=LINK_FIELDS)
        writer.writeheader()
        for entity_id, record_dataset, schemata, record in record_rows(store):
            if dataset is not None and record_dataset != dataset:
                continue
            schema = ftm_model.get(schemata.split(",")[0])
            if schema is None or schema.edge or not schema.is_a("Thing") or schema.is_a("Address"):
                continue
            for label in RECORD_LABELS:
                record = record.removeprefix(label) if record else record
            writer.writerow({"canonical_id": canonical.get(entity_id, entity_id), "entity_id": entity_id,
                             "schema": schema.name, "dataset": record_dataset, "record_id": record or entity_id})
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
    return count


def write_csv(store: Store, path: Path, dataset: str | None = None, progress=None, cleaned=None, raw=True) -> int:
    count = 0
    with atomic_write(path) as out:
        writer = SafeDictWriter(out, fieldnames=STATEMENT_FIELDS)
        writer.writeheader()
        for entity in _progress(iter_entities(store, dataset), progress):
            for stmt in entity.statements:
                writer.writerow({name: getattr(stmt, name) for name in STATEMENT_FIELDS})
            count += 1
    return count
