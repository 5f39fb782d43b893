"""Search the screened entities by a piece of text read as a name, in any script.

One service behind ``moneymen entities [TEXT]`` (:func:`search_store`) and the API's ``/search``
(:func:`search_page`, over the screener the server holds). The hits of a text are a set fixed by
the text, the schema and the filters alone, never by the page asked for, so a total is exact and
pages are stable:

- every entity with a name (name, alias, previous name, weak alias) holding every word of the
  text, both read as names of the entity's kind ("kwangson" finds KOREA KWANGSON BANKING
  CORPORATION, "kim" every name with the word Kim);
- every entity that screening the text as a whole name matches (score at least the threshold):
  장성택 finds Jang Song-thaek, "Kim Jong-un" finds "KIM, Jong Un".

Each hit has its screening score (the text screened as a name of the entity's schema); hits
come best score first, then by id. Without text, every entity of the schema is a hit, by caption.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from moneymen.match.profiles import DEFAULT_THRESHOLD, Match, Profile, compare_profiles
from moneymen.match.index import KINDS, CandidateIndex
from moneymen.names.forms import analyse
from moneymen.model import get_schema
from moneymen.match.screener import ANY_SCHEMA, ListedEntity, Screener, oversized

if TYPE_CHECKING:
    from moneymen.store import Store

#: The most whole-name matches collected for one text (screening's own bound on candidates is
#: MAX_CANDIDATES; names holding the words are all found whatever their number).
MAX_NAME_MATCHES = 1000


@dataclass(frozen=True)
class SearchHit:
    """An entity found by a search, with how well its best name matches the text (0 to 1)."""

    entity: ListedEntity
    score: float


def search(screener: Screener, text: str, schema: str = ANY_SCHEMA,
           accepts: Callable[[ListedEntity], bool] | None = None,
           threshold: float = DEFAULT_THRESHOLD) -> list[SearchHit]:
    """Every hit for ``text`` among the entities of ``schema`` (and its descendants) that
    ``accepts`` keeps, best first (see the module's docstring for what a hit is).

    Without text, every such entity, by caption. Raises ValueError for an unknown schema.
    """
    base = get_schema(schema)
    if base is None:
        raise ValueError(f"unknown FtM schema {schema!r}")

    def kept(entity: ListedEntity) -> bool:
        found = get_schema(entity.schema)
        return found is not None and found.is_a(base) and (accepts is None or accepts(entity))

    text = text.strip()
    if not text:
        listed = [SearchHit(entity, 0.0) for entity in screener.entities if kept(entity)]
        return sorted(listed, key=lambda hit: (hit.entity.caption.lower(), hit.entity.id))
    query = Profile.from_properties(base.name, {"name": [text]})
    found: dict[str, SearchHit] = {}
    for result in screener.screen(query, threshold=threshold, limit=MAX_NAME_MATCHES):
        if result.match.match and kept(result.entity):
            found[result.entity.id] = SearchHit(result.entity, result.score)
    for position in _holding_words(screener.index, text):
        entity = screener.entities[position]
        if entity.id not in found and kept(entity):
            found[entity.id] = SearchHit(entity, _score(screener.index, query, position, threshold).score)
    return sorted(found.values(), key=lambda hit: (-hit.score, hit.entity.id))


def search_page(screener: Screener, text: str, schema: str = ANY_SCHEMA,
                accepts: Callable[[ListedEntity], bool] | None = None, limit: int = 50, offset: int = 0,
                sorts: Sequence[tuple[str, bool]] = ()) -> tuple[list[SearchHit], list[SearchHit]]:
    """(every hit, the page ``offset:offset+limit``) of :func:`search`. ``sorts`` orders the hits
    by (field, descending) pairs, entities without the field last, then by score and id (as yente
    sorts); a field is ``_score``, ``entity_id`` or a :class:`ListedEntity` field."""
    hits = search(screener, text, schema, accepts)
    for name, descending in reversed(sorts):
        hits = _sorted(hits, name, descending)
    return hits, hits[offset:offset + limit]


def search_store(store: "Store", text: str | None, schema: str | None = None, dataset: str | None = None,
                 limit: int = 50, progress: Callable[[int], None] | None = None
                 ) -> tuple[list[SearchHit], list[SearchHit]]:
    """(every hit, the first ``limit``) of ``text`` among the store's entities (of ``dataset``);
    without text, every entity, by caption. ``progress`` hears of entities read while the store's
    index is built (when it is not saved yet). Raises ValueError for an unknown schema or a text
    too long to read as a name."""
    from moneymen.services.screening import screener_of_store

    text = (text or "").strip()
    problem = oversized(text)
    if problem:
        raise ValueError(f"cannot search {problem}")
    schema = schema or ANY_SCHEMA
    if get_schema(schema) is None:
        raise ValueError(f"unknown FtM schema {schema!r}")
    return search_page(screener_of_store(store, dataset, progress), text, schema, limit=limit)


def _sorted(hits: list[SearchHit], name: str, descending: bool) -> list[SearchHit]:
    def value(hit: SearchHit) -> str | float | None:
        if name == "_score":
            return hit.score
        return getattr(hit.entity, "id" if name == "entity_id" else name)

    present = [hit for hit in hits if value(hit) is not None]
    missing = [hit for hit in hits if value(hit) is None]
    return sorted(present, key=value, reverse=descending) + missing  # type: ignore[arg-type]  # None is left out


def _holding_words(index: CandidateIndex, text: str) -> list[int]:
    """Positions of the entities with a name holding every word of ``text``, read as a name of their kind."""
    positions: list[int] = []
    for code, kind in enumerate(KINDS):
        words = set(analyse(text, kind).tokens)
        ids = [index.word_id.get(word) for word in words]
        if not words or None in ids:
            continue
        rows = None
        for word in ids:  # the rows (names) holding each word, intersected
            start, end = index.word_bounds[word, 0], index.word_bounds[word, -1]
            holding = np.unique(index.word_rows[start:end])
            rows = holding if rows is None else np.intersect1d(rows, holding, assume_unique=True)
        entities = np.unique(index.row_entity[rows])
        positions.extend(entities[index.kinds[entities] == code].tolist())
    return positions


def _score(index: CandidateIndex, query: Profile, position: int, threshold: float) -> Match:
    """The text screened against the entity at ``position``, as a name of its schema."""
    profile = index.profiles[position]
    return compare_profiles(replace(query, schema=profile.schema), profile, threshold, index.forms[position])
