"""From a request to what the screening service takes: query profiles, options and filters.

Every refusal says what was expected and names the field. Limits bound the work one request can
cause: at most MAX_BATCH queries, MAX_VALUES values per query, MAX_VALUE_LENGTH characters per
value, and screening's bounds on names (MAX_QUERY_NAMES names of at most MAX_NAME_LENGTH
characters and MAX_NAME_WORDS words).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from fastapi.exceptions import RequestValidationError
from followthemoney import model
from followthemoney.types import registry

from moneymen.match.profiles import DEFAULT_THRESHOLD, Profile
from moneymen.model import Grade, InvalidGrade, get_schema
from moneymen.match.screener import MAX_QUERY_NAMES, ListedEntity, oversized
from moneymen.web.errors import BadQuery
from moneymen.web.models import (
    DEFAULT_MATCH_LIMIT, MAX_BATCH, UNREADABLE, UNREADABLE_MESSAGE, EntityExample, MatchRequest,
)

MAX_VALUES = 200
MAX_VALUE_LENGTH = 1000

#: Algorithm names a yente client may send. All are answered by the moneymen matcher.
ALGORITHMS = ("best", "moneymen", "default", "logic-v1", "logic-v2", "logic-v3", "logic-v4", "name-based",
              "name-qualified", "regression-v1", "regression-v2", "regression-v3", "ofac-249",
              "ofac-249-qualified")
#: Schemata named in error messages as examples of what can be matched.
SCHEMA_EXAMPLES = "Person, Organization, Company, LegalEntity, Vessel, Airplane"
#: The cutoff when a request names none, as yente 5: its default threshold. The cutoff used is
#: never above the threshold (``min(cutoff, threshold)``), so matches always come back.
DEFAULT_CUTOFF = DEFAULT_THRESHOLD


def invalid(location: tuple, message: str, value: Any = None) -> RequestValidationError:
    """A 422 naming the field at ``location`` (FastAPI's ``loc``: ``("body", "queries", "q1", …)``)."""
    return RequestValidationError([{"type": "value_error", "loc": location, "msg": message, "input": value}])


@dataclass(frozen=True)
class MatchOptions:
    threshold: float
    cutoff: float
    limit: int
    algorithm: str

    def shown(self, score: float) -> bool:
        """Whether a result scoring ``score`` is returned: every match, and what scores above the cutoff."""
        return score >= self.threshold or score > self.cutoff


@dataclass(frozen=True)
class Query:
    """One query of a /match request: its key, the profile to screen and the echo of what was read."""

    key: str
    profile: Profile
    echo: dict[str, Any]


def given(values: Iterable[str]) -> frozenset[str]:
    """The values of a list parameter, blanks left out (``topics=`` is no value)."""
    return frozenset(value.strip() for value in values if value.strip())


#: The fields /search can filter on (``filter=FIELD:VALUE``) and facet by, besides every FtM type
#: group (``countries``, ``identifiers``, ``dates``…) and every property (``properties.birthDate``).
ENTITY_FIELDS = ("datasets", "schema", "entity_id", "target")
#: The facets /search can count (yente's) and those it counts unless asked (yente's default).
FACETS = ("datasets", "schema", "countries", "identifiers", "topics", "genders")
DEFAULT_FACETS = ("countries", "topics", "datasets")
#: The fields /search results can be sorted by (``sort=FIELD:asc|desc``), then by score and id.
SORT_FIELDS = ("_score", "caption", "entity_id", "schema", "first_seen", "last_seen", "last_change")
_PROPERTY_NAMES = frozenset(prop.name for prop in model.properties)


def field_name(name: str, parameter: str = "filter") -> str:
    """A search field, checked: one of ENTITY_FIELDS, an FtM type group (``countries``) or
    ``properties.PROP`` (a bare property name, ``birthDate``, stands for it); 400 otherwise."""
    name = name.strip()
    prop = name.removeprefix("properties.")
    if name in ENTITY_FIELDS or name in registry.groups:
        return name
    if prop in _PROPERTY_NAMES:
        return f"properties.{prop}"
    raise BadQuery(f"Invalid field in {parameter}: {name!r}; expected {', '.join(ENTITY_FIELDS)}, a type group "
                   f"({', '.join(sorted(registry.groups))}) or a property such as properties.birthDate")


def field_values(entity: ListedEntity, name: str) -> set[str]:
    """The values of the entity's field ``name`` (checked by :func:`field_name`), as yente indexes
    them: a type group holds the values of every property of that type (``countries``: the country
    codes of nationality, country, jurisdiction…), ``topics`` adds ``sanction`` for a listed entity."""
    if name == "datasets":
        return set(entity.datasets)
    if name == "schema":
        return {entity.schema}
    if name == "entity_id":
        return {entity.id}
    if name == "target":
        return {"true" if entity.sanctions else "false"}
    if name == "topics":
        return topics_of(entity)
    if name.startswith("properties."):
        return set(entity.properties.get(name.removeprefix("properties."), ()))
    values = {value for prop in _group_properties(entity.schema, name) for value in entity.properties.get(prop, ())}
    return _codes(values) if name == "countries" else values


@lru_cache(maxsize=4096)
def _group_properties(schema_name: str, group: str) -> tuple[str, ...]:
    """The properties of ``schema_name`` whose values yente copies into the field ``group``: those of
    the group's type, but for those the schema marks unmatchable in a matchable type."""
    schema = get_schema(schema_name)
    if schema is None:
        return ()
    return tuple(name for name, prop in schema.properties.items()
                 if prop.type.group == group and not (prop.type.matchable and not prop.matchable))


def _codes(countries: Iterable[str]) -> set[str]:
    """The country codes of country values (``kp``, ``North Korea``), those no code reads left out."""
    return {code for code in map(_country, countries) if code}


@lru_cache(maxsize=10_000)
def _country(value: str) -> str | None:
    return registry.country.clean(value, fuzzy=True)


@dataclass(frozen=True)
class FieldFilter:
    """yente's /search filters on entity fields: ``countries``, ``topics``, ``datasets``, ``target``
    and each ``filter=FIELD:VALUE``. Fields combine with AND; the values of one field with
    ``filter_op``: OR (yente's default for /search), any of them; AND, all of them."""

    wanted: tuple[tuple[str, frozenset[str]], ...] = ()
    every: bool = False

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]], every: bool = False) -> "FieldFilter":
        """The filter of (field, value) pairs, ``every`` value of a field wanted or any; blank values
        are none. 400 for an unknown field."""
        wanted: dict[str, set[str]] = {}
        for name, value in pairs:
            value = value.strip()
            if value:
                name = field_name(name)
                if name == "countries":  # a code as the entities hold them: kp for KP or North Korea
                    value = _country(value) or value
                wanted.setdefault(name, set()).add(value)
        return cls(tuple(sorted((name, frozenset(values)) for name, values in wanted.items())), every)

    def accepts(self, entity: ListedEntity) -> bool:
        for name, values in self.wanted:
            held = field_values(entity, name)
            if not (values <= held if self.every else values & held):
                return False
        return True


def filter_pairs(filters: Iterable[str]) -> list[tuple[str, str]]:
    """yente's ``filter=FIELD:VALUE`` parameters as (field, value); blanks left out, 400 without a colon."""
    pairs = []
    for item in filters:
        if not item.strip():
            continue
        name, colon, value = item.partition(":")
        if not colon:
            raise BadQuery(f"Invalid filter: {item!r}; expected FIELD:VALUE, e.g. countries:kp or "
                           "properties.birthDate:1944-10-13")
        pairs.append((name, value))
    return pairs


def facet_names(asked: Iterable[str] | None) -> tuple[str, ...]:
    """The facets a /search asked for (blank values left out: ``facets=`` asks for none), or yente's
    default when the parameter is not given."""
    if asked is None:
        return DEFAULT_FACETS
    return tuple(dict.fromkeys(name for name in (value.strip() for value in asked) if name))


def search_sorts(sorts: Iterable[str]) -> tuple[tuple[str, bool], ...]:
    """yente's ``sort=FIELD[:asc|desc]`` parameters as (field, descending); an order other than
    ``desc`` is ascending, as yente reads it; 400 for a field results cannot be sorted by."""
    found = []
    for item in sorts:
        if not item.strip():
            continue
        text = item.strip()
        name, order = text.rsplit(":", 1) if ":" in text else (text, "asc")
        if name not in SORT_FIELDS:
            raise BadQuery(f"Invalid sort: {item!r}; expected FIELD, FIELD:asc or FIELD:desc with FIELD one of "
                           f"{', '.join(SORT_FIELDS)}")
        found.append((name, order == "desc"))
    return tuple(found)


@dataclass(frozen=True)
class ResultFilter:
    """yente's result filters, applied to screened entities.

    ``changed_since`` is a full timestamp (``2024-05-01T00:00:00``): only entities whose data
    changed after it pass.
    """

    include_dataset: frozenset[str] = frozenset()
    exclude_dataset: frozenset[str] = frozenset()
    exclude_schema: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    exclude_entity_ids: frozenset[str] = frozenset()
    changed_since: str | None = None
    fields: FieldFilter = FieldFilter()

    @classmethod
    def of(cls, include_dataset: Iterable[str] = (), exclude_dataset: Iterable[str] = (),
           exclude_schema: Iterable[str] = (), topics: Iterable[str] = (), exclude_entity_ids: Iterable[str] = (),
           changed_since: str | None = None, fields: FieldFilter | None = None) -> "ResultFilter":
        """The filter of a request's parameters; empty values (``exclude_schema=``) are no filter.
        ``fields`` adds /search's filters on entity fields (``countries``, ``filter=prop:value``…)."""
        excluded = given(exclude_schema)
        for name in sorted(excluded):
            check_schema(name, "exclude_schema")
        return cls(given(include_dataset), given(exclude_dataset), excluded, given(topics),
                   given(exclude_entity_ids), since(changed_since), fields or FieldFilter())

    @property
    def narrows(self) -> bool:
        """Whether the filter can leave out screened results (so more must be screened)."""
        return self != ResultFilter()

    def accepts(self, entity: ListedEntity) -> bool:
        if entity.id in self.exclude_entity_ids:
            return False
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
        if self.changed_since is not None and not (entity.last_change or "")[:19] > self.changed_since:
            return False
        if self.topics and not topics_of(entity) & self.topics:
            return False
        return self.fields.accepts(entity)


def check_schema(name: str, parameter: str = "schema") -> str:
    """The FtM schema ``name``, checked (400 naming the parameter otherwise)."""
    found = get_schema(name)
    if found is None:
        raise BadQuery(f"Invalid schema in {parameter}: {name!r}; expected a FollowTheMoney schema such as "
                       f"{SCHEMA_EXAMPLES} or Thing")
    return found.name


def since(value: str | None) -> str | None:
    """A ``changed_since`` value (yente's form: ``2024-05-01``, ``2024-05-01T10``, ``…T10:30``,
    ``…T10:30:15``) as a full timestamp, the missing parts zero; 422 when it is not a real time."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    padded = text + "T00:00:00"[len(text) - 10:] if len(text) >= 10 else text
    try:
        datetime.strptime(padded, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise invalid(("query", "changed_since"), "expected a date and time such as 2024-05-01 or "
                      "2024-05-01T10:30:00", value) from None
    return padded


def min_grade_of(value: str | None) -> Grade | None:
    """A ``min_grade`` value (an Admiralty grade: ``B2``) as the Grade screening reads the lists at;
    None when not given (or empty); 422 naming ``min_grade`` when it is no grade."""
    if value is None or not value.strip():
        return None
    try:
        return Grade.parse(value.strip())
    except InvalidGrade as error:
        raise invalid(("query", "min_grade"), str(error), value) from None


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
    """Options from the query string, else from the body, else the defaults (yente's: threshold
    0.7, cutoff its default threshold, never above the threshold asked for).

    ``weights`` and ``config`` are checked as yente checks ``config`` against its algorithm:
    the moneymen matcher has neither, so any key is refused (400, naming it).
    """
    def pick(param, field, default):
        return param if param is not None else field if field is not None else default

    name = algorithm_name(pick(algorithm, body.algorithm, None))
    for key in body.config:
        raise BadQuery(f"Invalid configuration parameter: {key!r} for algorithm {name!r}: the moneymen "
                       "matcher takes no configuration parameters; send \"config\": {} or leave it out")
    for key in body.weights:
        raise BadQuery(f"Invalid weight: {key!r} for algorithm {name!r}: the moneymen matcher has no "
                       "feature weights; send \"weights\": {} or leave it out")
    chosen = pick(threshold, body.threshold, DEFAULT_THRESHOLD)
    return MatchOptions(
        threshold=chosen,
        cutoff=min(pick(cutoff, body.cutoff, DEFAULT_CUTOFF), chosen),
        limit=pick(limit, body.limit, DEFAULT_MATCH_LIMIT),
        algorithm=name,
    )


def match_queries(body: MatchRequest) -> list[Query]:
    """The queries of a /match body, each read into a profile."""
    if not body.queries:
        raise BadQuery("No queries provided: expected at least one entry under \"queries\", e.g. "
                       '{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Yun Ho-jin"]}}}}')
    if len(body.queries) > MAX_BATCH:
        raise BadQuery(f"Too many queries in one batch: {len(body.queries)} (limit: {MAX_BATCH})")
    return [read_example(key, example) for key, example in body.queries.items()]


def read_example(key: str, example: EntityExample) -> Query:
    """One yente entity example → the profile to screen and the echo of what was understood.

    A schema that cannot be matched itself (Thing, Asset) is screened as each matchable schema
    below it, as yente searches its descendants. Properties that neither the schema nor those
    below it have are ignored, as yente ignores them.
    """
    schema = get_schema(example.schema_)
    if schema is None:
        raise BadQuery(f"Query {key!r}: unknown schema {example.schema_!r}; expected a FollowTheMoney "
                       f"schema such as {SCHEMA_EXAMPLES}")
    below = [schema] if schema.matchable else [s for s in schema.descendants if s.matchable]
    if not below:
        raise BadQuery(f"Query {key!r}: a {schema.name} cannot be matched; expected a schema such as "
                       f"{SCHEMA_EXAMPLES}")
    known = {name: prop for found in below for name, prop in found.properties.items()}
    properties: dict[str, list[str]] = {}
    count = 0
    for prop, raw in example.properties.items():
        if prop not in known:
            continue
        values = _strings(key, prop, raw)
        count += len(values)
        if count > MAX_VALUES:
            raise BadQuery(f"Query {key!r} has more than {MAX_VALUES} property values")
        if known[prop].type == registry.name:
            for position, value in enumerate(values):
                problem = oversized(value)
                if problem:
                    raise invalid(("body", "queries", key, "properties", prop, position), problem, value[:100])
        if values:
            properties[prop] = values
    profile = Profile.from_properties(schema.name, properties)
    if not profile.names and not profile.identifiers:
        raise BadQuery(f"Query {key!r} has no name: expected properties.name (or alias, or firstName and "
                       "lastName for a Person), or an identifier such as imoNumber, passportNumber, swiftBic "
                       "or registrationNumber")
    if len(profile.names) > MAX_QUERY_NAMES:
        raise invalid(("body", "queries", key, "properties"),
                      f"{len(profile.names)} names to screen: the limit is {MAX_QUERY_NAMES} per query "
                      "(name, alias, previousName and weakAlias together)")
    return Query(key, profile, {"id": example.id, "schema": schema.name, "properties": properties})


def _strings(key: str, prop: str, raw: str | list[Any]) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    values = []
    for position, item in enumerate(items):
        location = ("body", "queries", key, "properties", prop, position)
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, float) and not math.isfinite(item):
            raise invalid(location, "expected a string or a finite number", str(item))
        if isinstance(item, (int, float)):
            item = str(item)
        if not isinstance(item, str):
            raise BadQuery(f"Query {key!r}, property {prop!r}: expected strings, got {type(item).__name__}")
        if UNREADABLE.search(item):
            raise invalid(location, UNREADABLE_MESSAGE, item[:100])
        item = item.strip()
        if len(item) > MAX_VALUE_LENGTH:
            raise BadQuery(f"Query {key!r}, property {prop!r}: a value is longer than {MAX_VALUE_LENGTH} "
                           "characters")
        if item:
            values.append(item)
    return list(dict.fromkeys(values))


def search_text(text: str) -> str:
    """A /search text, checked as a name is (422 naming ``q`` when it is too long)."""
    problem = oversized(text)
    if problem:
        raise invalid(("query", "q"), problem, text[:100])
    return text
