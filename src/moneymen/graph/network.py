"""Build a network from the store: entities are nodes, FtM relationship entities are edges.

Sanctions are not drawn as nodes: each node carries the programs that list it. Documents
such as passports stay attributes of the store, not of the picture. Ties FtM states as a
property of a thing (a vessel's owner, an account's bank, a payment's accounts) are drawn as
edges too, named as in :data:`moneymen.graph.view.PROPERTY_EDGES`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
from followthemoney.types import registry

from moneymen.graph.view import PROPERTY_EDGES
from moneymen.model import Entity

#: Properties copied onto edges when the relation has them (FtM property names).
EDGE_DETAILS = ("startDate", "endDate", "date", "amount", "currency", "percentage", "role",
                "relationship", "sharesCount", "summary")


def build_network(entities: Iterable[Entity], delisted: dict[str, list[str]] | None = None) -> nx.MultiDiGraph:
    """A directed multigraph of things (nodes) and relationship entities (edges).

    ``delisted`` maps an entity id to the datasets that no longer list it.
    """
    graph = nx.MultiDiGraph()
    edges: list[Entity] = []
    property_edges: list[tuple[str, str, str, Entity]] = []
    sanctions: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        schema = entity.schema
        if schema.edge:
            edges.append(entity)
        elif schema.is_a("Sanction"):
            programs = entity.values("program") or entity.values("authority")
            for target in entity.values("entity"):
                sanctions[target].update(programs)
        elif schema.is_a("Thing"):
            graph.add_node(entity.id, **_node_attributes(entity, (delisted or {}).get(entity.id, [])))
        property_edges.extend(_property_edges(entity))
    for node, programs in sanctions.items():
        if node in graph:
            graph.nodes[node]["sanctions"] = "; ".join(sorted(programs))
    for edge in edges:
        schema = edge.schema
        attributes = {
            "id": edge.id,
            "schema": schema.name,
            "label": schema.edge_label or schema.label,
            "grade": str(edge.best_grade()),
            "datasets": "; ".join(edge.datasets),
        }
        for prop in EDGE_DETAILS:
            values = edge.values(prop)
            if values and prop in schema.properties:
                attributes[prop] = "; ".join(values)
        for source in edge.values(schema.edge_source):
            for target in edge.values(schema.edge_target):
                for end in (source, target):
                    if end not in graph:  # an end the store has no statement about
                        graph.add_node(end, label=end, schema="Thing", datasets="", grade="F6")
                graph.add_edge(source, target, key=edge.id, **attributes)
    for source, target, relation, entity in property_edges:
        for end in (source, target):
            if end not in graph:
                graph.add_node(end, label=end, schema="Thing", datasets="", grade="F6")
        grades = [(s.reliability, s.credibility) for s in entity.statements
                  if s.prop == PROPERTY_EDGES[relation][1] and s.value in (source, target)]
        graph.add_edge(source, target, key=f"{entity.id}:{relation}:{source}:{target}", id=entity.id,
                       schema=relation, label=relation.split(":", 1)[1], grade="".join(min(grades)) if grades else "F6",
                       datasets="; ".join(entity.datasets))
    return graph


def _property_edges(entity: Entity) -> list[tuple[str, str, str, Entity]]:
    """(source, target, relation, entity) for the ties ``entity`` states as properties (see PROPERTY_EDGES)."""
    schema = entity.schema
    found = []
    for relation, (owner, prop, end) in PROPERTY_EDGES.items():
        if not schema.is_a(owner) or prop not in schema.properties:
            continue
        for value in entity.values(prop):
            if end is None:
                found.append((value, entity.id, relation, entity))
            else:
                found.extend((holder, value, relation, entity) for holder in entity.values(end))
    return found


def _node_attributes(entity: Entity, delisted: list[str]) -> dict[str, str]:
    proxy = entity.proxy
    return {
        "label": entity.caption,
        "schema": entity.schema.name,
        "datasets": "; ".join(entity.datasets),
        "countries": "; ".join(proxy.get_type_values(registry.country)),
        "grade": str(entity.best_grade()),
        "sanctions": "",
        "delisted_from": "; ".join(delisted),
    }
