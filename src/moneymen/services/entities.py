"""The store's entities for the interfaces: list or search them, show one with its relations, summarise the store.

Entities are read from the store with :mod:`moneymen.store.entities`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from followthemoney import model as ftm_model
from followthemoney.types import registry

from moneymen.model import Entity
from moneymen.store import Store
from moneymen.store.entities import get_entities, get_entity, iter_entities

__all__ = ["iter_entities", "get_entities", "get_entity", "Relation", "relations_of", "Summary", "summarize"]

#: FtM's entity-typed properties: the ones whose values are ids of other entities.
ENTITY_PROPS = sorted({prop.name for schema in ftm_model for prop in schema.properties.values()
                       if prop.type == registry.entity})


@dataclass
class Relation:
    """A relationship entity (Ownership, Family, UnknownLink…) seen from one of its ends."""

    entity: Entity
    role: str            # the property of the relation that points at the entity we look from
    others: list[tuple[str, str]]  # (property, entity id) of the other ends


def relations_of(store: Store, entity: Entity) -> list[Relation]:
    """The relationship entities (and other entities) that point at ``entity``, with their other ends."""
    ids = store.referencing_entity_ids(entity.id, ENTITY_PROPS)
    relations = []
    for other in get_entities(store, ids):
        schema = other.schema
        roles = [s.prop for s in other.statements if s.value == entity.id and
                 s.prop in schema.properties and schema.properties[s.prop].type == registry.entity]
        ends = [(s.prop, s.value) for s in other.statements if s.value != entity.id and
                s.prop in schema.properties and schema.properties[s.prop].type == registry.entity]
        relations.append(Relation(other, roles[0] if roles else "", list(dict.fromkeys(ends))))
    return relations


@dataclass
class Summary:
    """What the store holds, as the demo and ``moneymen summary`` print it."""

    entities: int = 0
    statements: int = 0
    by_schema: Counter = field(default_factory=Counter)
    by_dataset: Counter = field(default_factory=Counter)
    by_schema_dataset: Counter = field(default_factory=Counter)
    relations: Counter = field(default_factory=Counter)
    identifiers: Counter = field(default_factory=Counter)
    delisted: Counter = field(default_factory=Counter)
    degree: Counter = field(default_factory=Counter)
    captions: dict[str, str] = field(default_factory=dict)

    def top_linked(self, n: int = 10) -> list[tuple[str, str, int]]:
        """(id, caption, number of links) of the ``n`` most linked entities."""
        return [(eid, self.captions.get(eid, eid), count) for eid, count in self.degree.most_common(n)]


def summarize(store: Store, dataset: str | None = None) -> Summary:
    """Count entities by schema and dataset, relations by type, identifiers by kind, links per entity."""
    summary = Summary()
    latest = store.latest_seen()
    for entity in iter_entities(store, dataset):
        schema = entity.schema
        summary.entities += 1
        summary.statements += len(entity.statements)
        summary.by_schema[schema.name] += 1
        for name in entity.datasets:
            summary.by_dataset[name] += 1
            summary.by_schema_dataset[(schema.name, name)] += 1
        for name in entity.delisted_from(latest):
            summary.delisted[name] += 1
        for prop_name in {stmt.prop for stmt in entity.statements}:
            prop = schema.properties.get(prop_name)
            if prop is not None and prop.type == registry.identifier:
                summary.identifiers[_identifier_label(schema, prop)] += len(entity.values(prop_name))
        if schema.edge:
            summary.relations[schema.name] += 1
            for end in _links(entity):
                summary.degree[end] += 1
        elif schema.is_a("Thing"):
            summary.captions[entity.id] = entity.caption
    return summary


def _links(entity: Entity) -> list[str]:
    schema = entity.schema
    ends = []
    for prop_name in (schema.edge_source, schema.edge_target):
        if prop_name:
            ends.extend(entity.values(prop_name))
    return ends


def _identifier_label(schema, prop) -> str:
    """'IMO Number' for a subject's own identifiers, 'Document number (Passport)' for a record's."""
    if schema.is_a("LegalEntity") or schema.is_a("Asset"):
        return prop.label
    return f"{prop.label} ({schema.label})"
