"""The HTTP API: screening compatible with yente's ``/match``, search, entities, health.

Handlers only parse and render: ``queries`` reads requests, ``service`` calls the screening
service and the store, ``render`` writes response bodies. See docs/api.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse

from moneymen import __version__
from moneymen.store import StoreError
from moneymen.web import render, service
from moneymen.web.catalog import Catalog
from moneymen.web.errors import ApiError, NotFound, validation_message
from moneymen.web.limits import BodyLimit
from moneymen.web.models import (
    DEFAULT_SEARCH_LIMIT, MAX_MATCHES, MAX_PAGE, EntityDocument, EntityMatchResponse, ErrorResponse,
    HealthResponse, MatchRequest, SearchResponse, ValidationErrorResponse,
)
from moneymen.web.queries import ALGORITHMS, ResultFilter, match_options, match_queries

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
    422: {"model": ValidationErrorResponse, "description": "A body or parameter of the wrong shape"},
    503: {"model": ErrorResponse, "description": "The store is being written by another process; retry"},
}
ALGORITHM_HELP = f"Accepted for yente compatibility: {', '.join(ALGORITHMS)}. All use the moneymen matcher."


def create_app(db: str | os.PathLike[str], dataset_names: Iterable[str] | None = None) -> FastAPI:
    """The API over the evidence store ``db`` (read-only), serving ``dataset_names`` (default: all).

    Raises StoreError when ``db`` cannot be opened and ValueError for a dataset it does not have.
    """
    catalog = Catalog(db, dataset_names)
    app = FastAPI(title="moneymen screening API", version=__version__, description=DESCRIPTION)
    app.state.catalog = catalog
    app.add_middleware(BodyLimit)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(status_code=error.status, content={"detail": error.detail})

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(error)})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = jsonable_encoder(error.errors())
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
        cutoff: float | None = Query(None, ge=0.0, le=1.0, description="Leave out results scoring this or less."),
        algorithm: str | None = Query(None, description=ALGORITHM_HELP),
        include_dataset: list[str] = Query([], description="Only results from these datasets."),
        exclude_dataset: list[str] = Query([], description="No results from these datasets."),
        exclude_schema: list[str] = Query([], description="No results of these schemata."),
        topics: list[str] = Query([], description="Only results with these topics (`sanction`)."),
    ) -> dict:
        """Screen each entity of `queries` (schema and properties, as yente takes them); each answer
        lists the best candidates with score, match decision, features and moneymen's explanation.
        `limit`, `threshold`, `cutoff` and `algorithm` may be query parameters (as in yente) or
        body fields; the query parameters win."""
        catalog.scope(dataset)
        options = match_options(body, threshold, cutoff, limit, algorithm)
        queries = match_queries(body)
        filters = ResultFilter.of(include_dataset, exclude_dataset, exclude_schema, topics)
        with catalog.screener(dataset) as screener:
            answers = [(query, *service.match(screener, query, options, filters)) for query in queries]
        return render.match_response(answers, options)

    @app.get("/search/{dataset}", response_model=SearchResponse, responses=ERRORS, tags=["Matching"],
             summary="Search entities by name, in any script")
    def search(
        dataset: str = DATASET,
        q: str = Query("", max_length=1000, description="A name, in any script or romanization."),
        schema: str = Query("Thing", description="Only entities of this schema (and its descendants)."),
        limit: int = Query(DEFAULT_SEARCH_LIMIT, ge=1, le=MAX_PAGE),
        offset: int = Query(0, ge=0, le=10_000),
        include_dataset: list[str] = Query([]),
        exclude_dataset: list[str] = Query([]),
        exclude_schema: list[str] = Query([]),
        datasets: list[str] = Query([], description="Only entities from these datasets."),
        topics: list[str] = Query([]),
    ) -> dict:
        """Entities whose names match `q` (장성철 finds JANG Song Chol), best first."""
        catalog.scope(dataset)
        filters = ResultFilter.of([*include_dataset, *datasets], exclude_dataset, exclude_schema, topics, schema)
        with catalog.screener(dataset) as screener:
            hits, page = service.search(screener, q, filters, limit, offset)
        return render.search_response(hits, page, limit, offset)

    @app.get("/entities/{entity_id}", response_model=EntityDocument, responses=ERRORS, tags=["Data access"],
             summary="One entity with every statement and its relations")
    def fetch_entity(entity_id: str = Path(description="The entity id, e.g. unsc-690734.")) -> dict:
        """The entity in FtM JSON, with each statement's provenance (dataset, source record, dates,
        origin, Admiralty grade) and the ids of the relations (sanctions, links) that point at it."""
        with catalog.store() as store:
            found = service.entity(store, entity_id, catalog.restricted_to)
        if found is None:
            raise NotFound(f"No such entity: {entity_id!r}")
        return render.entity_document(*found)

    @app.get("/healthz", response_model=HealthResponse, tags=["System information"])
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/docs")

    return app
