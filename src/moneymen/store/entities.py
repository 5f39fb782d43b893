"""The store's statements assembled into entities (:class:`moneymen.model.Entity`), one per id."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from moneymen.model import Entity, Grade
from moneymen.store.base import Store


def iter_entities(store: Store, dataset: str | None = None, min_grade: Grade | None = None) -> Iterator[Entity]:
    """Every entity in the store (that ``dataset`` mentions), assembled from its statements (only
    those graded at least ``min_grade``, if given: an entity with none is left out)."""
    rows = store.statements(dataset=dataset, min_grade=min_grade)
    for entity_id, statements in groupby(rows, key=lambda stmt: stmt.entity_id):
        yield Entity(entity_id, list(statements))


def get_entities(store: Store, entity_ids: list[str]) -> list[Entity]:
    """The entities with these ids that the store has, in the order given."""
    found = {entity.id: entity for entity in _group(store, entity_ids)}
    return [found[entity_id] for entity_id in entity_ids if entity_id in found]


def _group(store: Store, entity_ids: list[str]) -> Iterator[Entity]:
    for entity_id, statements in groupby(store.statements(entity_ids=entity_ids), key=lambda s: s.entity_id):
        yield Entity(entity_id, list(statements))


def get_entity(store: Store, entity_id: str) -> Entity | None:
    """The entity ``entity_id``, or None if the store has no statement about it."""
    found = get_entities(store, [entity_id])
    return found[0] if found else None
