"""Build a network from the store: entities are nodes, FtM relationship entities are edges.

Sanctions are not drawn as nodes: each node carries the programs that list it. Documents
such as passports stay attributes of the store, not of the picture.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
from followthemoney.types import registry

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
    return graph


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
