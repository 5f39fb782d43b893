"""From a request to what the screening service takes: query profiles, options and filters.

Every refusal says what was expected. Limits bound the work one request can cause: at most
MAX_BATCH queries, MAX_VALUES values per query, MAX_VALUE_LENGTH characters per value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from moneymen.match.entities import DEFAULT_THRESHOLD, Profile
from moneymen.model import get_schema
from moneymen.screening import ListedEntity
from moneymen.web.errors import BadQuery
from moneymen.web.models import DEFAULT_MATCH_LIMIT, MAX_BATCH, EntityExample, MatchRequest

MAX_VALUES = 200
MAX_VALUE_LENGTH = 1000

#: Algorithm names a yente client may send. All are answered by the moneymen matcher.
ALGORITHMS = ("best", "moneymen", "default", "logic-v1", "logic-v2", "logic-v3", "logic-v4", "name-based",
              "name-qualified", "regression-v1", "regression-v2", "regression-v3", "ofac-249",
              "ofac-249-qualified")
#: Schemata named in error messages as examples of what can be matched.
SCHEMA_EXAMPLES = "Person, Organization, Company, LegalEntity, Vessel, Airplane"


@dataclass(frozen=True)
class MatchOptions:
    threshold: float
    cutoff: float
    limit: int
    algorithm: str


@dataclass(frozen=True)
class Query:
    """One query of a /match request: its key, the profile to screen and the echo of what was read."""

    key: str
    profile: Profile
    echo: dict[str, Any]


@dataclass(frozen=True)
class ResultFilter:
    """yente's result filters, applied to screened entities."""

    include_dataset: frozenset[str] = frozenset()
    exclude_dataset: frozenset[str] = frozenset()
    exclude_schema: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    schema: str | None = None

    @classmethod
    def of(cls, include_dataset: Iterable[str] = (), exclude_dataset: Iterable[str] = (),
           exclude_schema: Iterable[str] = (), topics: Iterable[str] = (), schema: str | None = None
           ) -> "ResultFilter":
        for name in (*exclude_schema, *([schema] if schema else [])):
            if get_schema(name) is None:
                raise BadQuery(f"Invalid schema: {name!r}; expected a FollowTheMoney schema such as "
                               f"{SCHEMA_EXAMPLES} or Thing")
        return cls(frozenset(include_dataset), frozenset(exclude_dataset), frozenset(exclude_schema),
                   frozenset(topics), schema)

    def accepts(self, entity: ListedEntity) -> bool:
        datasets = set(entity.datasets)
        if self.include_dataset and not datasets & self.include_dataset:
            return False
        if datasets & self.exclude_dataset:
            return False
        schema = get_schema(entity.schema)
        if schema is None:
            return False
        if any(schema.is_a(name) for name in self.exclude_schema):
            return False
        if self.schema and not schema.is_a(self.schema):
            return False
        return not self.topics or bool(topics_of(entity) & self.topics)


def topics_of(entity: ListedEntity) -> set[str]:
    """The entity's FtM ``topics``, plus ``sanction`` when a sanctions program lists it."""
    topics = set(entity.properties.get("topics", ()))
    if entity.sanctions:
        topics.add("sanction")
    return topics


def algorithm_name(requested: str | None) -> str:
    """The algorithm name a request asked for, checked (yente answers 400 to names it does not know)."""
    name = (requested or "best").strip().lower()
    if name not in ALGORITHMS:
        raise BadQuery(f"Invalid algorithm: {requested!r}. Expected one of: {', '.join(ALGORITHMS)} "
                       "(all are answered by the moneymen matcher).")
    return name


def match_options(body: MatchRequest, threshold: float | None, cutoff: float | None, limit: int | None,
                  algorithm: str | None) -> MatchOptions:
    """Options from the query string, else from the body, else the defaults."""
    def pick(param, field, default):
        return param if param is not None else field if field is not None else default

    return MatchOptions(
        threshold=pick(threshold, body.threshold, DEFAULT_THRESHOLD),
        cutoff=pick(cutoff, body.cutoff, 0.0),
        limit=pick(limit, body.limit, DEFAULT_MATCH_LIMIT),
        algorithm=algorithm_name(pick(algorithm, body.algorithm, None)),
    )


def match_queries(body: MatchRequest) -> list[Query]:
    """The queries of a /match body, each read into a profile."""
    if not body.queries:
        raise BadQuery(f"No queries provided: expected at least one entry under \"queries\", e.g. "
                       '{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Yun Ho-jin"]}}}}')
    if len(body.queries) > MAX_BATCH:
        raise BadQuery(f"Too many queries in one batch: {len(body.queries)} (limit: {MAX_BATCH})")
    return [read_example(key, example) for key, example in body.queries.items()]


def read_example(key: str, example: EntityExample) -> Query:
    """One yente entity example → the profile to screen and the echo of what was understood.

    Properties the schema does not have are ignored, as yente ignores them.
    """
    schema = get_schema(example.schema_)
    if schema is None:
        raise BadQuery(f"Query {key!r}: unknown schema {example.schema_!r}; expected a FollowTheMoney "
                       f"schema such as {SCHEMA_EXAMPLES}")
    if not schema.matchable:
        raise BadQuery(f"Query {key!r}: a {schema.name} cannot be matched; expected a schema such as "
                       f"{SCHEMA_EXAMPLES}")
    properties: dict[str, list[str]] = {}
    count = 0
    for prop, raw in example.properties.items():
        if prop not in schema.properties:
            continue
        values = _strings(key, prop, raw)
        count += len(values)
        if count > MAX_VALUES:
            raise BadQuery(f"Query {key!r} has more than {MAX_VALUES} property values")
        if values:
            properties[prop] = values
    profile = Profile.from_properties(schema.name, properties)
    if not profile.names and not profile.identifiers:
        raise BadQuery(f"Query {key!r} has no name: expected properties.name (or alias, or firstName and "
                       "lastName for a Person), or an identifier such as imoNumber, passportNumber, swiftBic "
                       "or registrationNumber")
    return Query(key, profile, {"id": example.id, "schema": schema.name, "properties": properties})


def _strings(key: str, prop: str, raw: str | list[Any]) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    values = []
    for item in items:
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, (int, float)):
            item = str(item)
        if not isinstance(item, str):
            raise BadQuery(f"Query {key!r}, property {prop!r}: expected strings, got {type(item).__name__}")
        item = item.strip()
        if len(item) > MAX_VALUE_LENGTH:
            raise BadQuery(f"Query {key!r}, property {prop!r}: a value is longer than {MAX_VALUE_LENGTH} "
                           "characters")
        if item:
            values.append(item)
    return list(dict.fromkeys(values))


def search_profile(text: str, schema: str) -> Profile:
    """The profile of a /search text, read as a name of ``schema``."""
    return Profile.from_properties(schema, {"name": [text]})
