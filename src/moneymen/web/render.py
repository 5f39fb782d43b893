"""From results to response bodies, in yente's field names and nesting.

yente's fields come first (``id``, ``caption``, ``schema``, ``properties``, ``datasets``,
``referents``, ``target``, ``first_seen``, ``last_seen``, ``last_change``; for matches
``score``, ``match``, ``features``, ``explanations``); moneymen's own (``sanctions``,
``explanation``, ``provenance``, ``relations``) are added beside them. Entities around an
entity are nested in its ``properties``, as yente nests them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from followthemoney.types import registry

from moneymen import __version__
from moneymen.services.entities import Relation
from moneymen.graph.export import STATEMENT_FIELDS
from moneymen.match.profiles import Match
from moneymen.model import Entity, Grade, Statement, get_schema
from moneymen.match.screener import ListedEntity, ScreeningResult
from moneymen.services.search import SearchHit
from moneymen.web.queries import MatchOptions, Query, field_values
from moneymen.web.service import Neighbourhood

MATCHER = "moneymen"


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
        "last_change": timestamp(entity.last_change),
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


def match_response(answers: Iterable[tuple[Query, int, Sequence[ScreeningResult]]], options: MatchOptions,
                   min_grade: Grade | None = None) -> dict[str, Any]:
    return {
        "responses": {query.key: query_matches(query, total, results) for query, total, results in answers},
        "matcher": {"name": MATCHER, "version": __version__, "requested": options.algorithm},
        "limit": options.limit,
        "min_grade": str(min_grade) if min_grade is not None else None,
    }


def search_response(hits: Sequence[SearchHit], page: Sequence[SearchHit], limit: int, offset: int,
                    facet_names: Sequence[str], min_grade: Grade | None = None) -> dict[str, Any]:
    return {
        "results": [{**listed_entity(hit.entity), "score": hit.score} for hit in page],
        "facets": facets([hit.entity for hit in hits], facet_names),
        "total": {"value": len(hits), "relation": "eq"},
        "limit": limit,
        "offset": offset,
        "min_grade": str(min_grade) if min_grade is not None else None,
    }


#: Most values one facet lists (as yente's aggregations), most frequent first.
FACET_VALUES = 1000


def facets(entities: Sequence[ListedEntity], names: Sequence[str]) -> dict[str, Any]:
    """yente's facets ``names`` (countries, topics, datasets, schema, identifiers, genders), each
    value counted over every entity given (every hit, not only the page), labelled as yente labels it."""
    found = {}
    for name in names:
        counts: Counter = Counter()
        for entity in entities:
            counts.update(field_values(entity, name))
        label, value_label = _facet_labels(name)
        values = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_VALUES]
        found[name] = {"label": label, "values": [{"name": value, "label": value_label(value), "count": count}
                                                  for value, count in values]}
    return found


def _facet_labels(name: str) -> tuple[str, Callable[[str], str]]:
    """A facet's label, and how to label its values: data sources by name, entity types by their
    plural, the values of a type group (countries, topics…) by their caption."""
    if name == "datasets":
        return "Data sources", lambda value: value
    if name == "schema":
        return "Entity types", lambda value: getattr(get_schema(value), "plural", value)
    kind = registry.groups[name]
    return kind.plural, lambda value: kind.caption(value) or value


#: How deep /entities/{id} nests: the entity's neighbours, and theirs (Person → Ownership → Company).
NESTING_DEPTH = 2
#: Most entity objects nested in one document; beyond it, values stay ids.
MAX_NESTED = 1000


def entity_document(view: Neighbourhood) -> dict[str, Any]:
    """The entity in yente's form, its adjacent entities nested in ``properties`` (those of
    ``view.adjacent``), with moneymen's ``provenance`` (every statement, a valid FtM statement
    with its source and grade) and ``relations`` (what points at it, by id)."""
    found = view.entity
    designated = any(relation.entity.schema.is_a("Sanction") and relation.role == "entity"
                     for relation in view.relations)
    data = _entity_fields(found, designated or _at_risk(found), view.referents)
    if view.adjacent:
        data["properties"] = _Nesting(view).properties(found, ())
    data["provenance"] = [provenance_record(stmt) for stmt in found.statements]
    data["relations"] = [relation_summary(relation) for relation in view.relations]
    return data


def provenance_record(stmt: Statement) -> dict[str, str]:
    """A statement as a FollowTheMoney statement dict (entity_id, schema, prop, value, dataset,
    lang, first_seen, last_seen, origin…) with moneymen's provenance fields, blanks left out."""
    return {name: value for name in STATEMENT_FIELDS if (value := getattr(stmt, name)) is not None}


def _entity_fields(found: Entity, target: bool, referents: Sequence[str] = ()) -> dict[str, Any]:
    seen = [stmt.last_seen for stmt in found.statements if stmt.last_seen]
    firsts = [stmt.first_seen for stmt in found.statements if stmt.first_seen]
    return {
        "id": found.id,
        "caption": found.caption,
        "schema": found.schema.name,
        "properties": found.proxy.properties,
        "datasets": found.datasets,
        "referents": list(referents),
        "target": target,
        "first_seen": timestamp(min(firsts) if firsts else None),
        "last_seen": timestamp(max(seen) if seen else None),
        "last_change": timestamp(max(firsts) if firsts else None),  # as ListedEntity.last_change
    }


def _at_risk(found: Entity) -> bool:
    return bool(set(found.values("topics")) & registry.topic.RISKS)


class _Nesting:
    """Nests the entities of a neighbourhood into one another as yente does: an entity-typed value
    becomes the entity it names, and an entity pointing at this one is listed under the reverse
    property, down to NESTING_DEPTH and never back along the path that led there."""

    def __init__(self, view: Neighbourhood):
        self.entities = {**view.adjacent, view.entity.id: view.entity}
        self.pointing: dict[str, list[tuple[str, str]]] = {}  # id → (reverse property, id pointing at it)
        self.sanctioned: set[str] = set()
        for entity in self.entities.values():
            for prop, value in entity.proxy.itervalues():
                if prop.type == registry.entity and prop.reverse is not None:
                    self.pointing.setdefault(value, []).append((prop.reverse.name, entity.id))
            if entity.schema.is_a("Sanction"):
                self.sanctioned.update(entity.values("entity"))
        self.budget = MAX_NESTED

    def properties(self, entity: Entity, path: tuple[str, ...]) -> dict[str, list[Any]]:
        properties: dict[str, list[Any]] = dict(entity.proxy.properties)
        if len(path) >= NESTING_DEPTH:
            return properties
        inner = (*path, entity.id)
        for name, values in properties.items():
            if entity.schema.properties[name].type == registry.entity:
                properties[name] = [self._nested(value, inner) for value in values]
        for reverse, source in self.pointing.get(entity.id, ()):
            if source not in inner and reverse in entity.schema.properties:
                nested = self._nested(source, inner)
                if not isinstance(nested, str):
                    properties.setdefault(reverse, []).append(nested)
        return properties

    def _nested(self, entity_id: str, path: tuple[str, ...]) -> str | dict[str, Any]:
        """The entity ``entity_id`` nested, or its id (not at hand, on the path, or over budget)."""
        found = self.entities.get(entity_id)
        if found is None or entity_id in path or self.budget <= 0:
            return entity_id
        self.budget -= 1
        data = _entity_fields(found, entity_id in self.sanctioned or _at_risk(found))
        data["properties"] = self.properties(found, path)
        return data


def relation_summary(relation: Relation) -> dict[str, Any]:
    return {
        "id": relation.entity.id,
        "schema": relation.entity.schema.name,
        "caption": relation.entity.caption,
        "role": relation.role,
        "others": [{"property": prop, "id": other} for prop, other in relation.others],
    }
