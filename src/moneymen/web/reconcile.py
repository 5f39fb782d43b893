"""The reconciliation API (W3C Entity Reconciliation 0.2, the protocol OpenRefine speaks), as yente
serves it at ``/reconcile/{dataset}``: manifest, queries, suggest (entity, type, property),
preview, and data extension (propose properties, extend).

Queries are screened by the same matcher and index as ``/match``: a query's ``query`` is a name,
its ``type`` a FollowTheMoney schema and its ``properties`` further facts (birth date,
nationality, identifiers). OpenRefine sends batches as a form field ``queries`` (or ``extend``)
holding JSON, POSTed as ``application/x-www-form-urlencoded``; a GET with ``?queries=`` works too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from followthemoney import model
from followthemoney.schema import Schema
from followthemoney.types import registry
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from moneymen.match.profiles import DEFAULT_THRESHOLD, NAME_WEIGHTS
from moneymen.model import Entity
from moneymen.match.screener import ANY_SCHEMA, ListedEntity, Screener, ScreeningResult
from moneymen.web import service
from moneymen.web.catalog import Catalog
from moneymen.web.errors import ApiError, BadQuery, NotFound
from moneymen.web.models import MAX_BATCH, EntityExample, ErrorResponse
from moneymen.web.queries import MatchOptions, ResultFilter, algorithm_name, min_grade_of, read_example
from moneymen.web.queries import Query as Screening

#: Results per query unless the query says (as yente).
DEFAULT_LIMIT = 5
#: Most results one query may ask for.
MAX_LIMIT = 100
#: Suggestions per prefix (types and properties; entities take ``limit``).
SUGGESTIONS = 5
#: Property filters one query may carry, and data-extension properties one request may ask for.
MAX_PROPERTIES = 50
#: How many queries OpenRefine is told to send in one request.
BATCH_SIZE = 10
#: Properties shown in a preview card, when the entity has them.
PREVIEW_PROPS = ("alias", "birthDate", "nationality", "country", "jurisdiction", "position", "imoNumber",
                 "flag", "registrationNumber", "swiftBic", "address", "notes")
SCHEMA_SPACE = "https://followthemoney.tech/explorer/schemata/"
#: Every FollowTheMoney schema (what a type may name).
SCHEMATA = sorted(model.schemata)
WORDS = re.compile(r"\w+")


class UnsupportedMedia(ApiError):
    status = 415


# -- the protocol's bodies --------------------------------------------------------------------


class PropertyValue(BaseModel):
    model_config = ConfigDict(extra="ignore")

    pid: str = Field(..., max_length=200, description="A property: `birthDate`, or qualified: `Person:birthDate`.")
    v: str | int | float | list[str | int | float] = Field(..., description="Its value, or values.")


class ReconQuery(BaseModel):
    """One reconciliation query: a name, a type (FtM schema) and further facts."""

    model_config = ConfigDict(extra="ignore")

    query: str | None = Field(None, examples=["Yun Ho-jin"])
    type: str | list[str] | None = Field(None, examples=["Person"])
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    properties: list[PropertyValue] = Field([], max_length=MAX_PROPERTIES)


class ExtendProperty(BaseModel):
    class Settings(BaseModel):
        limit: int = Field(default=0, ge=0, description="Most values per row (0: all).")
        render: Literal["caption", "raw"] = "caption"

    id: str = Field(..., max_length=200, examples=["birthDate"])
    settings: Settings = Settings()


class ExtendRequest(BaseModel):
    ids: list[str] = Field(..., max_length=MAX_BATCH)
    properties: list[ExtendProperty] = Field(..., max_length=MAX_PROPERTIES)


BATCH = TypeAdapter(dict[str, ReconQuery])


# -- routes -------------------------------------------------------------------------------------


DATASET = Path(description="`default` or `all` for every dataset, or the name of one dataset of the store.",
               examples=["default"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "A batch that cannot be read or screened"},
    404: {"model": ErrorResponse, "description": "No such dataset or entity"},
    415: {"model": ErrorResponse, "description": "A body that is not a form"},
}
#: The preview card's errors, which are JSON as every other error (the card itself is HTML).
PREVIEW_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": spec["description"],
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
    for status, spec in ERRORS.items()}
#: moneymen's extension, as on /match: the service's URL may carry it, and the manifest passes it on.
MIN_GRADE = Query(None, max_length=10, examples=["B2"], description="Screen against the entities as only the "
                  "statements graded at least this (an Admiralty grade, e.g. B2) state them.")
FORM_BODY = {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object",
    "properties": {
        "queries": {"type": "string", "description": "JSON: {key: {query, type, limit, properties: [{pid, v}]}}"},
        "extend": {"type": "string", "description": "JSON: {ids: [...], properties: [{id, settings}]}"},
    }}}}}}


def reconciliation_routes(catalog: Catalog) -> APIRouter:
    """The reconciliation routes over ``catalog``'s store and screening index."""
    router = APIRouter(prefix="/reconcile/{dataset}", tags=["Reconciliation"], responses=ERRORS)

    @router.get("", summary="Reconciliation manifest, or queries given as ?queries=")
    def manifest(request: Request, dataset: str = DATASET, queries: str | None = Query(None),
                 extend: str | None = Query(None), algorithm: str | None = Query(None),
                 min_grade: str | None = MIN_GRADE) -> Any:
        """The service manifest OpenRefine reads when the service is added (its URL is this path);
        with `queries` or `extend`, their answers instead (as a POST gives them)."""
        if queries or extend:
            return _answer(catalog, dataset, queries, extend, algorithm, min_grade)
        with catalog.screener(dataset, min_grade_of(min_grade)) as screener:
            types = _default_types(screener)
        return _manifest(request, dataset, types)

    @router.post("", summary="Reconciliation queries or data extension", openapi_extra=FORM_BODY)
    async def reconcile(request: Request, dataset: str = DATASET, algorithm: str | None = Query(None),
                        min_grade: str | None = MIN_GRADE) -> Any:
        """A batch of queries (`queries`) or a data extension (`extend`), as form fields holding
        JSON, posted as OpenRefine posts them."""
        form = await _form(request)
        return await run_in_threadpool(_answer, catalog, dataset, form.get("queries"), form.get("extend"),
                                       algorithm, min_grade)

    @router.get("/suggest/entity", summary="Suggest entities by name")
    def suggest_entity(dataset: str = DATASET, prefix: str = Query("", max_length=1000),
                       limit: int = Query(10, ge=1, le=MAX_LIMIT), min_grade: str | None = MIN_GRADE) -> dict[str, Any]:
        """Entities whose names start with, contain or match `prefix` (in any script)."""
        with catalog.screener(dataset, min_grade_of(min_grade)) as screener:
            found = _suggest_entities(screener, prefix, limit)
        return {"code": "/api/status/ok", "status": "200 OK", "prefix": prefix,
                "result": [{"id": entity.id, "name": entity.caption, "description": _schema(entity.schema).label,
                            "type": [_type(_schema(entity.schema))]} for entity in found]}

    @router.get("/suggest/type", summary="Suggest types (schemata)")
    def suggest_type(dataset: str = DATASET, prefix: str = Query("", max_length=200)) -> dict[str, Any]:
        """The types of the manifest whose name or label starts with `prefix`."""
        with catalog.screener(dataset) as screener:
            types = _default_types(screener)
        found = [_type(schema) for schema in types if _starts(prefix, schema.name, schema.label, schema.plural)]
        return {"code": "/api/status/ok", "status": "200 OK", "prefix": prefix, "result": found[:SUGGESTIONS]}

    @router.get("/suggest/property", summary="Suggest properties")
    def suggest_property(dataset: str = DATASET, prefix: str = Query("", max_length=200)) -> dict[str, Any]:
        """Properties of the manifest's types whose name or label starts with `prefix`, for the
        property columns of a reconciliation (ids are qualified: `Person:birthDate`)."""
        with catalog.screener(dataset) as screener:
            types = set(_default_types(screener))
        found = [{"id": prop.qname, "name": prop.label, "description": prop.description}
                 for prop in model.properties
                 if prop.schema in types and not prop.hidden and prop.type != registry.entity
                 and _starts(prefix, prop.name, prop.label)]
        return {"code": "/api/status/ok", "status": "200 OK", "prefix": prefix, "result": found[:SUGGESTIONS]}

    @router.get("/extend/property", summary="Properties a data extension can add")
    def propose_properties(dataset: str = DATASET,
                           type: str = Query("Thing", max_length=200, json_schema_extra={"enum": SCHEMATA}),
                           limit: int = Query(0, ge=0, le=1000)) -> dict[str, Any]:
        """The properties of `type` that `extend` can fetch as new columns (featured ones first)."""
        catalog.scope(dataset)
        schema = model.get(type)
        if schema is None:
            raise BadQuery(f"Invalid type: {type!r}; expected a FollowTheMoney schema such as Person, "
                           "Company or Vessel")
        featured = [schema.properties[name] for name in schema.featured if name in schema.properties]
        rest = sorted((prop for prop in schema.properties.values() if prop not in featured),
                      key=lambda prop: prop.label)
        properties = [{"id": prop.name, "name": prop.label} for prop in [*featured, *rest]
                      if not prop.hidden and prop.type != registry.entity]
        return {"limit": limit, "type": schema.name, "properties": properties[:limit] if limit else properties}

    @router.get("/preview", response_class=HTMLResponse, responses=PREVIEW_ERRORS,
                summary="A preview card of one entity")
    def preview(dataset: str = DATASET, id: str = Query(..., min_length=1, max_length=1000)) -> HTMLResponse:
        """A small HTML card (name, type, sanctions, key facts) that OpenRefine shows beside a candidate."""
        catalog.scope(dataset)
        with catalog.store() as store:
            found = service.entity(store, id, catalog.restricted_to, nested=False)
        if found is None:
            raise NotFound(f"No such entity: {id!r}")
        return HTMLResponse(_preview_card(found))

    return router


async def _form(request: Request) -> dict[str, str]:
    """The fields of a form body (URL-encoded, as OpenRefine sends it); the last value of each wins."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", ""):
        raise UnsupportedMedia(f"Expected the form fields `queries` or `extend` as "
                               f"application/x-www-form-urlencoded, got {kind!r}")
    body = await request.body()
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as error:
        raise BadQuery(f"The form body is not UTF-8 ({error.reason} at byte {error.start})") from None
    return {name: values[-1] for name, values in fields.items()}


def _answer(catalog: Catalog, dataset: str, queries: str | None, extend: str | None,
            algorithm: str | None, min_grade: str | None = None) -> dict[str, Any]:
    if extend:
        return _extend(catalog, dataset, _read(ExtendRequest, "extend", extend))
    if not queries:
        raise BadQuery("Expected a form field `queries` (JSON: {\"q0\": {\"query\": \"Yun Ho-jin\", "
                       "\"type\": \"Person\"}}) or `extend`")
    batch = _read(BATCH, "queries", queries)
    if len(batch) > MAX_BATCH:
        raise BadQuery(f"Too many queries in one batch: {len(batch)} (limit: {MAX_BATCH})")
    read = {key: found for key, query in batch.items() if (found := _query(key, query)) is not None}
    limit = max((query.limit for query in batch.values()), default=DEFAULT_LIMIT)
    # every candidate a client may pick from, matches or not, as yente's reconciliation returns them
    options = MatchOptions(threshold=DEFAULT_THRESHOLD, cutoff=0.0, limit=limit,
                           algorithm=algorithm_name(algorithm))
    with catalog.screener(dataset, min_grade_of(min_grade)) as screener:
        answers = {query.key: results for query, _, results in
                   service.match_all(screener, list(read.values()), options, ResultFilter())}
    return {key: {"result": [_candidate(result) for result in answers.get(key, [])[:query.limit]]}
            for key, query in batch.items()}


def _read(shape: Any, field: str, text: str) -> Any:
    """The JSON of form field ``field``, checked against ``shape``; BadQuery naming what is wrong."""
    adapter = shape if isinstance(shape, TypeAdapter) else TypeAdapter(shape)
    try:
        return adapter.validate_json(text)
    except ValidationError as error:
        problems = []
        for item in error.errors()[:5]:
            if item["type"] == "json_invalid":
                problems.append(f"not valid JSON ({item.get('ctx', {}).get('error', 'invalid')})")
            else:
                where = ".".join(str(part) for part in item["loc"])
                problems.append(f"{where}: {item['msg']}" if where else item["msg"])
        raise BadQuery(f"Form field `{field}`: {'; '.join(problems)}") from None


# -- screening ----------------------------------------------------------------------------------


def _query(key: str, query: ReconQuery) -> Screening | None:
    """The query to screen (a type that cannot be matched itself, Thing by default, is screened as
    each kind below it), or None for a query with neither a name nor an identifier (a blank cell)."""
    name = (query.query or "").strip()
    asked = (query.type[0] if query.type else None) if isinstance(query.type, list) else query.type
    schema = _schema(asked or ANY_SCHEMA, f"Query {key!r}: invalid type")
    properties = _properties(query)
    if name:
        properties.setdefault("name", []).insert(0, name)
    try:
        return read_example(key, EntityExample(schema=schema.name, properties=dict(properties)))
    except BadQuery:
        if name:
            raise
        return None


def _properties(query: ReconQuery) -> dict[str, list[str]]:
    """The query's property values by property name (``Person:birthDate`` is ``birthDate``)."""
    found: dict[str, list[str]] = {}
    for item in query.properties:
        prop = model.get_qname(item.pid) if ":" in item.pid else None
        name = prop.name if prop is not None else item.pid.rpartition(":")[2]
        values = item.v if isinstance(item.v, list) else [item.v]
        found.setdefault(name, []).extend(str(value) for value in values)
    return found


def _candidate(result: ScreeningResult) -> dict[str, Any]:
    schema = _schema(result.entity.schema)
    return {"id": result.entity.id, "name": result.entity.caption, "description": schema.label,
            "type": [_type(schema)], "score": result.score, "match": result.match.match}


def _suggest_entities(screener: Screener, prefix: str, limit: int) -> list[ListedEntity]:
    """Entities matching ``prefix`` as /search finds them, then those with a name whose words begin
    with the words of ``prefix`` (the last one possibly cut short: ``kwangs``)."""
    prefix = prefix.strip()
    if not prefix:
        return []
    _, page = service.search(screener, prefix, ANY_SCHEMA, ResultFilter(), limit, 0)
    found = {hit.entity.id: hit.entity for hit in page}
    typed = WORDS.findall(prefix.casefold())
    if len(found) < limit and typed:
        for entity in screener.entities:
            if len(found) >= limit:
                break
            if entity.id not in found and any(_begins(WORDS.findall(name.casefold()), typed)
                                              for name in _names(entity)):
                found[entity.id] = entity
    return list(found.values())[:limit]


def _names(entity: ListedEntity) -> Iterable[str]:
    for prop, weight in NAME_WEIGHTS.items():
        if weight:
            yield from entity.properties.get(prop, ())


def _begins(words: Sequence[str], typed: Sequence[str]) -> bool:
    """Whether some run of ``words`` reads ``typed``, its last word possibly cut short."""
    for start in range(len(words) - len(typed) + 1):
        run = words[start:start + len(typed)]
        if list(run[:-1]) == list(typed[:-1]) and run[-1].startswith(typed[-1]):
            return True
    return False


def _default_types(screener: Screener) -> list[Schema]:
    """The manifest's types: the matchable schemata the index holds and the schemata above them
    (as yente lists them: Person brings LegalEntity and Thing)."""
    types: set[Schema] = set()
    for name in screener.index.schemata:
        schema = model.get(name)
        if schema is not None and schema.matchable:
            types.update(schema.schemata)
    return sorted(types, key=lambda schema: schema.name)


# -- extension ----------------------------------------------------------------------------------


def _extend(catalog: Catalog, dataset: str, request: ExtendRequest) -> dict[str, Any]:
    """For each id, the values of each property asked for (as captions, or raw), with the columns' names."""
    catalog.scope(dataset)
    with catalog.store() as store:
        found = {entity.id: entity for entity in service.entities(store, request.ids, catalog.restricted_to)}
    meta: dict[str, dict[str, str]] = {}
    rows: dict[str, dict[str, list[dict[str, str]]]] = {entity_id: {} for entity_id in request.ids}
    for entity_id, entity in found.items():
        rows[entity_id] = _extension_row(entity, request.properties, meta)
    return {"meta": list(meta.values()), "rows": rows}


def _extension_row(entity: Entity, properties: Sequence[ExtendProperty], meta: dict[str, dict[str, str]]
                   ) -> dict[str, list[dict[str, str]]]:
    row: dict[str, list[dict[str, str]]] = {}
    proxy = entity.proxy
    for asked in properties:
        prop = proxy.schema.get(asked.id)
        if prop is None:
            continue
        meta.setdefault(asked.id, {"id": prop.name, "name": prop.label})
        values = proxy.get(prop)
        if asked.settings.limit:
            values = values[:asked.settings.limit]
        if asked.settings.render == "caption":
            values = [prop.type.caption(value) or value for value in values]
        row[asked.id] = [{"str": value} for value in values]
    return row


# -- manifest and preview -----------------------------------------------------------------------


def _manifest(request: Request, dataset: str, types: Sequence[Schema]) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    service_url = f"{base}/reconcile/{dataset}"
    # the manifest's query string (an ``api_key`` OpenRefine was given in the URL) goes on every URL
    passed = f"?{request.url.query}" if request.url.query else ""
    joined = f"&{request.url.query}" if request.url.query else ""
    return {
        "versions": ["0.2"],
        "name": f"{dataset} (moneymen)",
        "identifierSpace": f"{base}/entities/",
        "schemaSpace": SCHEMA_SPACE,
        "documentation": f"{base}/docs",
        "batchSize": BATCH_SIZE,
        "view": {"url": f"{service_url}/preview?id={{{{id}}}}{joined}"},
        "preview": {"url": f"{service_url}/preview?id={{{{id}}}}{joined}", "width": 430, "height": 300},
        "suggest": {kind: {"service_url": service_url, "service_path": f"/suggest/{kind}{passed}"}
                    for kind in ("entity", "type", "property")},
        "extend": {
            "propose_properties": {"service_url": service_url, "service_path": f"/extend/property{passed}"},
            "property_settings": _extend_settings(),
            "propose_settings": _extend_settings(),
        },
        "defaultTypes": [_type(schema) for schema in types],
    }


def _extend_settings() -> list[dict[str, Any]]:
    return [
        {"name": "limit", "label": "Limit", "type": "number", "default": 0,
         "help_text": "Most values per row (0 for all)."},
        {"name": "render", "label": "Values", "type": "select", "default": "caption",
         "choices": [{"id": "caption", "name": "Readable (North Korea)"}, {"id": "raw", "name": "Codes (kp)"}],
         "help_text": "Readable values, or the values as stored."},
    ]


def _preview_card(found: service.Neighbourhood) -> str:
    entity = found.entity
    proxy = entity.proxy
    sanctions = sorted({program for relation in found.relations if relation.entity.schema.is_a("Sanction")
                        for program in relation.entity.values("program")})
    rows = []
    for name in PREVIEW_PROPS:
        prop = proxy.schema.get(name)
        values = proxy.get(name) if prop is not None else []
        if prop is not None and values:
            shown = ", ".join(prop.type.caption(value) or value for value in values[:5])
            rows.append(f"<dt>{html.escape(prop.label)}</dt><dd>{html.escape(shown)}</dd>")
    if sanctions:
        rows.insert(0, f"<dt>Sanctions</dt><dd>{html.escape('; '.join(sanctions))}</dd>")
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
        f"{html.escape(entity.caption)}</title></head><body>"
        f"<h3>{html.escape(entity.caption)}</h3><p>{html.escape(proxy.schema.label)} · "
        f"{html.escape(', '.join(entity.datasets))} · <code>{html.escape(entity.id)}</code></p>"
        f"<dl>{''.join(rows)}</dl></body></html>"
    )


def _type(schema: Schema) -> dict[str, Any]:
    return {"id": schema.name, "name": schema.plural, "description": (schema.description or schema.label).strip()}


def _schema(name: str, problem: str = "invalid type") -> Schema:
    schema = model.get(name)
    if schema is None:
        raise BadQuery(f"{problem} {name!r}; expected a FollowTheMoney schema such as Person, Company, "
                       "Vessel or Thing")
    return schema


def _starts(prefix: str, *labels: str | None) -> bool:
    prefix = prefix.strip().casefold()
    return bool(prefix) and any(label.casefold().startswith(prefix) for label in labels if label)
