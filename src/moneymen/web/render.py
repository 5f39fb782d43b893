"""From results to response bodies, in yente's field names and nesting.

yente's fields come first (``id``, ``caption``, ``schema``, ``properties``, ``datasets``,
``referents``, ``target``, ``first_seen``, ``last_seen``, ``last_change``; for matches
``score``, ``match``, ``features``, ``explanations``); moneymen's own (``sanctions``,
``explanation``, ``statements``, ``relations``) are added beside them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from followthemoney.types import registry

from moneymen import __version__
from moneymen.entities import Relation
from moneymen.graph.export import entity_record
from moneymen.match.entities import Match
from moneymen.model import Entity, get_schema
from moneymen.screening import ListedEntity, ScreeningResult
from moneymen.web.queries import MatchOptions, Query, topics_of
from moneymen.web.service import SearchHit

MATCHER = "moneymen"
TOPIC_LABELS = {"sanction": "Sanctioned entity"}


def timestamp(value: str | None) -> str | None:
    """A stored UTC time as yente writes it: ISO 8601 to the second, without a zone."""
    if not value:
        return None
    return value.strip().removesuffix("Z")[:19]


def listed_entity(entity: ListedEntity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema": entity.schema,
        "properties": entity.properties,
        "datasets": list(entity.datasets),
        "referents": [],
        "target": bool(entity.sanctions),
        "first_seen": timestamp(entity.first_seen),
        "last_seen": timestamp(entity.last_seen),
        "last_change": None,
        "sanctions": list(entity.sanctions),
        "claimed_sanctions": list(entity.claimed_sanctions),
    }


def scored_entity(result: ScreeningResult) -> dict[str, Any]:
    data = listed_entity(result.entity)
    verdict = result.match
    data.update(score=verdict.score, match=verdict.match, features=verdict.features,
                explanations=explanations(verdict), explanation=verdict.explanation())
    return data


def explanations(verdict: Match) -> dict[str, dict[str, Any]]:
    """yente's per-feature ``{score, detail, query, candidate}`` from our verdict."""
    found: dict[str, dict[str, Any]] = {}
    if verdict.name is not None:
        name = verdict.name
        detail = "; ".join([f"{name.method} comparison of the closest names", *name.notes])
        found["name"] = {"score": round(name.score, 3), "detail": detail, "query": name.left,
                         "candidate": name.right}
    for item in verdict.evidence:
        seen = found.get(item.feature)
        if seen is None:
            found[item.feature] = {"score": round(item.effect, 3), "detail": item.detail, "query": None,
                                   "candidate": None}
        else:
            seen["score"] = round(seen["score"] + item.effect, 3)
            seen["detail"] = f"{seen['detail']}; {item.detail}"
    return found


def query_matches(query: Query, total: int, results: Sequence[ScreeningResult]) -> dict[str, Any]:
    return {
        "status": 200,
        "results": [scored_entity(result) for result in results],
        "total": {"value": total, "relation": "eq"},
        "query": query.echo,
    }


def match_response(answers: Iterable[tuple[Query, int, Sequence[ScreeningResult]]], options: MatchOptions
                   ) -> dict[str, Any]:
    return {
        "responses": {query.key: query_matches(query, total, results) for query, total, results in answers},
        "matcher": {"name": MATCHER, "version": __version__, "requested": options.algorithm},
        "limit": options.limit,
    }


def search_response(hits: Sequence[SearchHit], page: Sequence[SearchHit], limit: int, offset: int
                    ) -> dict[str, Any]:
    return {
        "results": [{**listed_entity(hit.entity), "score": hit.score} for hit in page],
        "facets": facets(hit.entity for hit in hits),
        "total": {"value": len(hits), "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }


def facets(entities: Iterable[ListedEntity]) -> dict[str, Any]:
    """yente's default facets (countries, topics, datasets), counted over every hit."""
    countries: Counter = Counter()
    topics: Counter = Counter()
    datasets: Counter = Counter()
    for entity in entities:
        countries.update(_countries(entity))
        topics.update(topics_of(entity))
        datasets.update(entity.datasets)
    names = registry.country.names
    return {
        "countries": _facet("Countries", countries, lambda code: names.get(code, code)),
        "topics": _facet("Topics", topics, lambda topic: TOPIC_LABELS.get(topic, topic)),
        "datasets": _facet("Data sources", datasets, lambda name: name),
    }


def _facet(label: str, counts: Counter, name_of) -> dict[str, Any]:
    values = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {"label": label, "values": [{"name": name, "label": name_of(name), "count": count}
                                       for name, count in values]}


def _countries(entity: ListedEntity) -> set[str]:
    schema = get_schema(entity.schema)
    if schema is None:
        return set()
    codes: set[str] = set()
    for prop, values in entity.properties.items():
        found = schema.properties.get(prop)
        if found is not None and found.type == registry.country:
            codes.update(code for code in map(_country, values) if code)
    return codes


@lru_cache(maxsize=10_000)
def _country(value: str) -> str | None:
    return registry.country.clean(value, fuzzy=True)


def entity_document(entity: Entity, relations: Sequence[Relation]) -> dict[str, Any]:
    """The entity as FtM JSON with its statements (as ``moneymen export --format ftm`` writes it),
    yente's entity fields, and the relations that point at it."""
    record = entity_record(entity)
    designated = any(relation.entity.schema.is_a("Sanction") and relation.role == "entity"
                     for relation in relations)
    return {
        "id": record["id"],
        "caption": record["caption"],
        "schema": record["schema"],
        "properties": record["properties"],
        "datasets": record["datasets"],
        "referents": [],
        "target": designated,
        "first_seen": timestamp(record["first_seen"]),
        "last_seen": timestamp(record["last_seen"]),
        "last_change": None,
        "statements": record["statements"],
        "relations": [relation_summary(relation) for relation in relations],
    }


def relation_summary(relation: Relation) -> dict[str, Any]:
    return {
        "id": relation.entity.id,
        "schema": relation.entity.schema.name,
        "caption": relation.entity.caption,
        "role": relation.role,
        "others": [{"property": prop, "id": other} for prop, other in relation.others],
    }
