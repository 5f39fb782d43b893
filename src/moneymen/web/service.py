"""The calls the handlers make: screen queries, search by text, read one entity.

Each is a thin layer over the services (:mod:`moneymen.services.search`, :mod:`moneymen.services.entities`)
and the screener that applies the request's options and filters; nothing here knows about HTTP.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from followthemoney.types import registry

from moneymen.services.entities import Relation, get_entities, get_entity, relations_of
from moneymen.model import Entity
from moneymen.match.screener import Screener, ScreeningResult
from moneymen.services.search import SearchHit, search_page
from moneymen.store import Store
from moneymen.web.errors import TooMuchWork
from moneymen.web.limits import MATCH_TIME_BUDGET_S
from moneymen.web.queries import MatchOptions, Query, ResultFilter

#: Results screened per query (at least): the matches among them are the response's total.
RESULT_POOL = 20
#: With filters, screen this many times more candidates so that the filtered page still fills.
FILTERED_POOL = 4


def match(screener: Screener, query: Query, options: MatchOptions, filters: ResultFilter
          ) -> tuple[int, list[ScreeningResult]]:
    """(how many candidates reach the threshold, the best ``options.limit`` results shown: every
    match, and the others above the cutoff)."""
    pool = max(RESULT_POOL, options.limit) * (FILTERED_POOL if filters.narrows else 1)
    results = screener.screen(query.profile, threshold=options.threshold, limit=pool)
    kept = [result for result in results if options.shown(result.score) and filters.accepts(result.entity)]
    total = sum(1 for result in kept if result.match.match)
    return total, kept[:options.limit]


def match_all(screener: Screener, queries: Sequence[Query], options: MatchOptions, filters: ResultFilter,
              budget_s: float = MATCH_TIME_BUDGET_S) -> list[tuple[Query, int, list[ScreeningResult]]]:
    """Each query with its total and results; TooMuchWork once screening has taken ``budget_s``
    seconds and queries remain (nothing is answered then: the client splits the request)."""
    started = time.monotonic()
    answers = []
    for number, query in enumerate(queries):
        spent = time.monotonic() - started
        if spent > budget_s:
            raise TooMuchWork(f"Too much screening for one request: {number} of {len(queries)} queries took "
                              f"{spent:.1f} s, over the limit of {budget_s:g} s per request. Send fewer queries "
                              "(or fewer names per query) in each request.")
        answers.append((query, *match(screener, query, options, filters)))
    return answers


def search(screener: Screener, text: str, schema: str, filters: ResultFilter, limit: int, offset: int,
           sorts: Sequence[tuple[str, bool]] = ()) -> tuple[list[SearchHit], list[SearchHit]]:
    """(every hit, the page) of :func:`moneymen.services.search.search_page`, narrowed by the request's filters."""
    return search_page(screener, text, schema, filters.accepts, limit, offset, sorts)


#: Most entities nested around one entity in /entities/{id} (yente fetches up to its page size).
MAX_ADJACENT = 500


@dataclass
class Neighbourhood:
    """An entity, the relations that point at it, and the entities around it (by id) to nest.

    ``adjacent`` holds what points at the entity, what it points at, and the far ends of the
    edges among those (the company an Ownership leads to), at most MAX_ADJACENT of them; empty
    when nesting was not asked for.
    """

    entity: Entity
    relations: list[Relation]
    adjacent: dict[str, Entity]
    referents: list[str]


def entity(store: Store, entity_id: str, datasets: Sequence[str] | None = None, nested: bool = True
           ) -> Neighbourhood | None:
    """The entity, what points at it and (``nested``) the entities around it, only as ``datasets``
    state them (None: all); None when there is no such entity. A canonical id gives the canonical
    entity: the statements of all its records, and what points at any of them (a record's own id
    is answered with a redirect to it: see :func:`canonical_id_of`)."""
    from moneymen.services.judgements import canonical_of, merged_entity

    records = canonical_of(store, entity_id)[1]
    found = merged_entity(store, entity_id) if len(records) > 1 else get_entity(store, entity_id)
    if found is not None and datasets is not None:
        found = _only(found, datasets)
    if found is None:
        return None
    relations = [relation for record in get_entities(store, records) for relation in relations_of(store, record)]
    if datasets is not None:
        relations = [relation for relation in relations if set(relation.entity.datasets) & set(datasets)]
    adjacent: dict[str, Entity] = {}
    if nested:
        _gather(adjacent, [relation.entity for relation in relations], found.id)
        _gather(adjacent, _fetch(store, _references(found), adjacent, found.id, datasets), found.id)
        # the far ends of the edges (Ownership, Family, Directorship…) met so far
        far = [value for neighbour in list(adjacent.values()) if neighbour.schema.edge
               for value in _references(neighbour)]
        _gather(adjacent, _fetch(store, far, adjacent, found.id, datasets), found.id)
    referents = sorted({*store.referents(found.id), *(r for r in records if r != found.id)})
    return Neighbourhood(found, relations, adjacent, referents)


def canonical_id_of(store: Store, entity_id: str) -> str | None:
    """The canonical id of the entity record ``entity_id`` was merged into, if it was (yente answers
    such an id with a redirect to the canonical one)."""
    from moneymen.services.judgements import canonical_of

    canonical = canonical_of(store, entity_id)[0]
    return canonical if canonical != entity_id else None


def entities(store: Store, entity_ids: Sequence[str], datasets: Sequence[str] | None = None) -> list[Entity]:
    """The entities with these ids that the store has, only as ``datasets`` state them (None: all)."""
    found = get_entities(store, list(dict.fromkeys(entity_ids)))
    if datasets is None:
        return found
    return [only for only in (_only(entity, datasets) for entity in found) if only is not None]


def _references(found: Entity) -> list[str]:
    """The ids that ``found``'s entity-typed properties name."""
    return list(dict.fromkeys(value for prop, value in found.proxy.itervalues() if prop.type == registry.entity))


def _fetch(store: Store, ids: Sequence[str], held: dict[str, Entity], root: str,
           datasets: Sequence[str] | None) -> list[Entity]:
    wanted = [entity_id for entity_id in dict.fromkeys(ids) if entity_id != root and entity_id not in held]
    return entities(store, wanted[:max(MAX_ADJACENT - len(held), 0)], datasets)


def _gather(held: dict[str, Entity], found: Sequence[Entity], root: str) -> None:
    for neighbour in found:
        if len(held) >= MAX_ADJACENT:
            return
        if neighbour.id != root:
            held.setdefault(neighbour.id, neighbour)


def _only(found: Entity, datasets: Sequence[str]) -> Entity | None:
    statements = [stmt for stmt in found.statements if stmt.dataset in datasets]
    return Entity(found.id, statements) if statements else None
