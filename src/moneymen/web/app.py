"""The HTTP API: screening compatible with yente's ``/match``, search, entities, health.

Handlers only parse and render: ``queries`` reads requests, ``service`` calls the screening
service and the store, ``render`` writes response bodies. See docs/api.md.
"""

from __future__ import annotations

import os
from urllib.parse import quote
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse

from moneymen import __version__
from moneymen.match.screener import MAX_NAME_LENGTH, MAX_NAME_WORDS
from moneymen.store import StoreError
from moneymen.web import render, service
from moneymen.web.catalog import Catalog
from moneymen.web.docs import add_docs
from moneymen.web.documents import EntityDocument
from moneymen.web.errors import ApiError, NotFound, printable, validation_message
from moneymen.web.limits import BodyLimit
from moneymen.web.models import (
    DEFAULT_SEARCH_LIMIT, MAX_MATCHES, MAX_PAGE, TIMESTAMP_PATTERN, EntityMatchResponse, ErrorResponse,
    HealthResponse, MatchRequest, SearchResponse, Text, ValidationErrorResponse,
)
from moneymen.web.queries import (
    ALGORITHMS, FACETS, SORT_FIELDS, FieldFilter, ResultFilter, check_schema, facet_names, filter_pairs,
    match_options, match_queries, min_grade_of, search_sorts, search_text,
)
from moneymen.web.reconcile import reconciliation_routes
from moneymen.web.security import Access, guard, store_error_detail
from moneymen.web.system import system_routes

DESCRIPTION = """
Screen names and counterparties against the moneymen evidence store: sanctions lists and
everything else imported into it. `/match` speaks yente's (the OpenSanctions API's) protocol,
so yente clients work unchanged; each result adds moneymen's `explanation` (why it matched,
part by part) and `sanctions` (which programs list it). `/entities/{id}` returns every
statement with its source and Admiralty grade.
"""

DATASET = Path(description="`default` or `all` for every dataset, or the name of one dataset of the store.",
               examples=["default"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "A query that cannot be screened (unknown schema, no name, "
          "unknown algorithm)"},
    404: {"model": ErrorResponse, "description": "No such dataset or entity"},
    413: {"model": ErrorResponse, "description": "A body over 4 MiB, or more screening than one request may "
          "take (10 s): send fewer queries per request"},
    422: {"model": ValidationErrorResponse, "description": "A body or parameter of the wrong shape, text with a "
          "NUL or a lone surrogate, a name over 500 characters or 64 words, more than 50 names in a query"},
    503: {"model": ErrorResponse, "description": "The store is being written by another process; retry"},
}
ALGORITHM_HELP = f"Accepted for yente compatibility: {', '.join(ALGORITHMS)}. All use the moneymen matcher."
CHANGED_SINCE = ("Only entities whose data changed after this time (yente's form: 2024-05-01, "
                 "2024-05-01T10:30:00).")
EXCLUDE_IDS = "No results with these ids (e.g. false positives an analyst has decided on)."
MIN_GRADE = ("moneymen's extension: screen against the entities as only the statements graded at least this "
             "state them (an Admiralty grade: `B2` keeps A1, A2, B1 and B2; F and 6 are the worst). Names, "
             "birth dates, countries and identifiers from weaker statements play no part.")
FILTER_HELP = ("yente's `FIELD:VALUE` filters, exact values: `countries:kp`, `topics:sanction`, `schema:Vessel`, "
               "`datasets:un_sc`, `entity_id:…`, `target:true`, a type group (`identifiers:…`, `dates:…`) or a "
               "property (`properties.birthDate:1944-10-13`, or `birthDate:1944-10-13`). Repeatable.")


def create_app(db: str | os.PathLike[str], dataset_names: Iterable[str] | None = None,
               access: Access | None = None) -> FastAPI:
    """The API over the evidence store ``db`` (read-only), serving ``dataset_names`` (default: all).

    ``access`` (API key, hosts, CORS origins; see :mod:`moneymen.web.security`) guards it; without
    one the app answers anyone, which is for running it in-process only (tests, notebooks).
    Raises StoreError when ``db`` cannot be opened and ValueError for a dataset it does not have.
    """
    catalog = Catalog(db, dataset_names)
    app = FastAPI(title="moneymen screening API", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None)
    add_docs(app)
    app.state.catalog = catalog
    app.add_middleware(BodyLimit)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(status_code=error.status, content={"detail": error.detail})

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": store_error_detail(error)})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = printable(jsonable_encoder(error.errors()))
        return JSONResponse(status_code=422, content={
            "detail": errors, "message": validation_message(errors, request.url.path)})

    @app.post("/match/{dataset}", response_model=EntityMatchResponse, responses=ERRORS, tags=["Matching"],
              summary="Screen entities (yente-compatible query by example)")
    def match(
        body: MatchRequest,
        dataset: str = DATASET,
        limit: int | None = Query(None, ge=1, le=MAX_MATCHES, description="Results per query (default 5)."),
        threshold: float | None = Query(None, ge=0.0, le=1.0,
                                        description="Score from which a result is a match (default 0.7)."),
        cutoff: float | None = Query(None, ge=0.0, le=1.0, description="Leave out results scoring this or less "
                                     "that are not matches (default 0.7; never above the threshold, as yente 5)."),
        algorithm: Annotated[Text | None, Query(description=ALGORITHM_HELP)] = None,
        include_dataset: list[Text] = Query([], description="Only results from these datasets."),
        exclude_dataset: list[Text] = Query([], description="No results from these datasets."),
        exclude_schema: list[Text] = Query([], description="No results of these schemata."),
        topics: list[Text] = Query([], description="Only results with these topics (`sanction`)."),
        changed_since: Annotated[str | None, Query(pattern=TIMESTAMP_PATTERN, description=CHANGED_SINCE)] = None,
        exclude_entity_ids: list[Text] = Query([], max_length=50, description=EXCLUDE_IDS),
        min_grade: Annotated[Text | None, Query(max_length=10, description=MIN_GRADE, examples=["B2"])] = None,
    ) -> dict:
        """Screen each entity of `queries` (schema and properties, as yente takes them); each answer
        lists the best candidates with score, match decision, features and moneymen's explanation.
        `limit`, `threshold`, `cutoff` and `algorithm` may be query parameters (as in yente) or
        body fields; the query parameters win. A schema that cannot be matched itself (`Thing`,
        `Asset`) screens as every matchable schema below it (people, companies, vessels…)."""
        catalog.scope(dataset)
        options = match_options(body, threshold, cutoff, limit, algorithm)
        queries = match_queries(body)
        filters = ResultFilter.of(include_dataset, exclude_dataset, exclude_schema, topics, exclude_entity_ids,
                                  changed_since)
        grade = min_grade_of(min_grade)
        with catalog.screener(dataset, grade) as screener:
            answers = service.match_all(screener, queries, options, filters)
        return render.match_response(answers, options, grade)

    @app.get("/search/{dataset}", response_model=SearchResponse, responses=ERRORS, tags=["Matching"],
             summary="Search entities by name, in any script")
    def search(
        dataset: str = DATASET,
        q: Annotated[Text, Query(max_length=MAX_NAME_LENGTH, description="A name, in any script or romanization "
                                 f"(at most {MAX_NAME_LENGTH} characters and {MAX_NAME_WORDS} words).")] = "",
        schema: Annotated[Text, Query(description="Only entities of this schema (and its descendants).")] = "Thing",
        limit: int = Query(DEFAULT_SEARCH_LIMIT, ge=1, le=MAX_PAGE),
        offset: int = Query(0, ge=0, le=10_000),
        include_dataset: list[Text] = Query([], description="Only entities from at least one of these datasets."),
        exclude_dataset: list[Text] = Query([], description="No entities from these datasets."),
        exclude_schema: list[Text] = Query([], description="No entities of these schemata (or below them)."),
        changed_since: Annotated[str | None, Query(pattern=TIMESTAMP_PATTERN, description=CHANGED_SINCE)] = None,
        exclude_entity_ids: list[Text] = Query([], max_length=50, description=EXCLUDE_IDS),
        countries: list[Text] = Query([], description="Only entities with these country codes (`kp`), in any "
                                      "country property (nationality, country, jurisdiction, flag…)."),
        topics: list[Text] = Query([], description="Only entities with these topics (`sanction`: listed)."),
        datasets: list[Text] = Query([], description="Only entities from these datasets (combined by `filter_op`)."),
        filter: list[Text] = Query([], description=FILTER_HELP),
        filter_op: Literal["OR", "AND", ""] = Query("OR", description="How the values of one filter field "
                                                    "combine: `OR` (any, the default, as yente's /search) or "
                                                    "`AND` (all)."),
        facets: list[Literal[(*FACETS, "")]] | None = Query(  # type: ignore[valid-type]
            None, description="Facets to count over every hit (default: countries, topics, datasets; an "
            "empty `facets=` asks for none)."),
        sort: list[Text] = Query([], description="`FIELD`, `FIELD:asc` or `FIELD:desc`, FIELD one of "
                                 f"{', '.join(SORT_FIELDS)}; then best score first (as yente)."),
        target: bool | None = Query(None, deprecated=True, description="Only listed (true) or unlisted (false) "
                                    "entities; yente deprecates it for `topics=sanction`."),
        fuzzy: bool = Query(False, description="Accepted for yente compatibility: names always match fuzzily."),
        simple: bool = Query(False, description="Accepted for yente compatibility: `q` is always read as a name."),
        min_grade: Annotated[Text | None, Query(max_length=10, description=MIN_GRADE, examples=["B2"])] = None,
    ) -> dict:
        """Entities whose names match `q` (장성철 finds JANG Song Chol), best first: every entity
        with a name holding every word of `q`, and every entity that screening `q` as a whole name
        matches; narrowed by yente's filters (`countries`, `topics`, `datasets`, `filter=FIELD:VALUE`).
        `total` and `facets` count every hit, whatever `limit` and `offset`; pages are stable."""
        catalog.scope(dataset)
        text = search_text(q)
        schema = check_schema(schema or "Thing")
        pairs = [*(("countries", value) for value in countries), *(("topics", value) for value in topics),
                 *(("datasets", value) for value in datasets), *filter_pairs(filter)]
        if target is not None:
            pairs.append(("target", str(target).lower()))
        filters = ResultFilter.of(include_dataset, exclude_dataset, exclude_schema, (), exclude_entity_ids,
                                  changed_since, FieldFilter.of(pairs, every=filter_op == "AND"))
        sorts = search_sorts(sort)
        grade = min_grade_of(min_grade)
        with catalog.screener(dataset, grade) as screener:
            hits, page = service.search(screener, text, schema, filters, limit, offset, sorts)
        return render.search_response(hits, page, limit, offset, facet_names(facets), grade)

    @app.get("/entities/{entity_id}", response_model=EntityDocument, tags=["Data access"],
             responses={**ERRORS, 308: {"description": "A record merged into a canonical entity: "
                                             "`Location` is the canonical entity's address"}},
             summary="One entity with the entities around it, every statement and its relations")
    def fetch_entity(
        request: Request,
        entity_id: str = Path(description="The entity id, e.g. unsc-690734."),
        nested: bool = Query(True, description="Nest the adjacent entities (sanctions, ownerships, family, "
                             "addresses…) in `properties`, as yente does."),
    ) -> Any:
        """The entity in yente's form: adjacent entities nested in `properties` (a Sanction under
        `sanctions`, an Ownership under `ownershipOwner` with its `asset`), and moneymen's
        `provenance` (each statement as a FollowTheMoney statement with its source record, dates,
        origin and Admiralty grade) and `relations` (the ids of what points at it).

        The id of a record merged into a canonical entity (see `moneymen xref`) is answered with a
        308 redirect to the canonical id, as yente does; the canonical entity holds the statements
        of all its records, each with its own dataset and source record, and lists the records'
        ids under `referents`."""
        with catalog.store() as store:
            canonical = service.canonical_id_of(store, entity_id)
            if canonical is not None:
                target = request.url.replace(path=str(request.url.path).rsplit("/", 1)[0] + "/" + quote(canonical))
                return RedirectResponse(str(target), status_code=308)
            found = service.entity(store, entity_id, catalog.restricted_to, nested)
        if found is None:
            raise NotFound(f"No such entity: {entity_id!r}")
        return render.entity_document(found)

    @app.get("/healthz", response_model=HealthResponse, tags=["System information"])
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/docs")

    app.include_router(system_routes(catalog))
    app.include_router(reconciliation_routes(catalog))
    if access is not None:
        guard(app, access)
    return app
