"""The calls the handlers make: screen queries, search by text, read one entity.

Each is a thin layer over ``moneymen.screening`` and ``moneymen.entities`` that applies the
request's options and filters; nothing here knows about HTTP.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from moneymen.entities import Relation, get_entity, relations_of
from moneymen.match.entities import DEFAULT_THRESHOLD
from moneymen.match.names import analyse, kind_of
from moneymen.model import Entity, get_schema
from moneymen.screening import ListedEntity, Screener, ScreeningResult
from moneymen.store import Store
from moneymen.web.queries import MatchOptions, Query, ResultFilter, search_profile

#: Properties whose values are names, for /search's word test.
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
#: Results screened per query (at least): the matches among them are the response's total.
RESULT_POOL = 20
#: /search screens down to this score, so that names holding the words searched for ("trading")
#: are found however little of the name they are.
SEARCH_FLOOR = 0.2
#: With filters, screen this many times more candidates so that the filtered page still fills.
FILTERED_POOL = 4


def match(screener: Screener, query: Query, options: MatchOptions, filters: ResultFilter
          ) -> tuple[int, list[ScreeningResult]]:
    """(how many candidates reach the threshold, the best ``options.limit`` results above the cutoff)."""
    pool = max(RESULT_POOL, options.limit) * (FILTERED_POOL if filters != ResultFilter() else 1)
    results = screener.screen(query.profile, threshold=options.threshold, limit=pool)
    kept = [result for result in results if result.score > options.cutoff and filters.accepts(result.entity)]
    total = sum(1 for result in kept if result.match.match)
    return total, kept[:options.limit]


@dataclass(frozen=True)
class SearchHit:
    entity: ListedEntity
    score: float


def search(screener: Screener, text: str, filters: ResultFilter, limit: int, offset: int
           ) -> tuple[list[SearchHit], list[SearchHit]]:
    """(every hit, the page ``offset:offset+limit``) for a text read as a name, in any script.

    A hit either has every word of the text among the words of one of its names ("kwangson"
    finds KOREA KWANGSON BANKING CORPORATION), or matches the text as a whole name would be
    matched in screening (윤호진 finds YUN HO-JIN). Best screening score first. Without text,
    every entity that passes the filters, by caption.
    """
    text = text.strip()
    if not text:
        hits = [SearchHit(entity, 0.0) for entity in screener.entities if filters.accepts(entity)]
        hits.sort(key=lambda hit: (hit.entity.caption.lower(), hit.entity.id))
        return hits, hits[offset:offset + limit]
    pool = max(RESULT_POOL, offset + limit)
    best: dict[str, SearchHit] = {}
    # The text is screened as a name of each schema the index holds (a Thing cannot be matched).
    for schema in _schemata(screener):
        found_schema = get_schema(schema)
        if found_schema is None or (filters.schema and not found_schema.is_a(filters.schema)):
            continue
        kind = kind_of(schema)
        words = set(analyse(text, kind).tokens)
        for result in screener.screen(search_profile(text, schema), SEARCH_FLOOR, pool):
            found = result.entity
            if found.schema != schema or not filters.accepts(found):
                continue
            if result.score < DEFAULT_THRESHOLD and not _has_words(found, words, kind):
                continue
            seen = best.get(found.id)
            if seen is None or result.score > seen.score:
                best[found.id] = SearchHit(found, result.score)
    hits = sorted(best.values(), key=lambda hit: (-hit.score, hit.entity.id))
    return hits, hits[offset:offset + limit]


def _has_words(entity: ListedEntity, words: set[str], kind: str) -> bool:
    if not words:
        return False
    return any(words <= set(analyse(name, kind).tokens)
               for prop in NAME_PROPS for name in entity.properties.get(prop, ()))


_SCHEMATA: "weakref.WeakKeyDictionary[Screener, tuple[str, ...]]" = weakref.WeakKeyDictionary()


def _schemata(screener: Screener) -> tuple[str, ...]:
    if screener not in _SCHEMATA:
        _SCHEMATA[screener] = tuple(sorted({entity.schema for entity in screener.entities}))
    return _SCHEMATA[screener]


def entity(store: Store, entity_id: str, datasets: Sequence[str] | None = None
           ) -> tuple[Entity, list[Relation]] | None:
    """The entity and the relations pointing at it, only as ``datasets`` state them (None: all)."""
    found = get_entity(store, entity_id)
    if found is None:
        return None
    if datasets is not None:
        found = _only(found, datasets)
        if found is None:
            return None
    relations = relations_of(store, found)
    if datasets is not None:
        relations = [relation for relation in relations if set(relation.entity.datasets) & set(datasets)]
    return found, relations


def _only(found: Entity, datasets: Sequence[str]) -> Entity | None:
    statements = [stmt for stmt in found.statements if stmt.dataset in datasets]
    return Entity(found.id, statements) if statements else None
