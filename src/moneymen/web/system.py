"""System routes as yente has them: ``/readyz`` (can the server screen yet), ``/catalog`` (the
datasets served) and ``/algorithms`` (the matcher, and the names accepted for compatibility).

The router also starts building the screening index when the server starts, in the background,
so that ``/readyz`` answers 503 while it loads and 200 once the first query can be screened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from moneymen import __version__
from moneymen.match.profiles import (
    BIRTH_DATES_AGREE, BIRTH_DATES_DISAGREE, COUNTRY_SHARED, DEFAULT_THRESHOLD, GENDER_DIFFERS, IDENTIFIERS,
)
from moneymen.store import ImportRecord
from moneymen.web.catalog import WHOLE, Catalog
from moneymen.web.models import ErrorResponse, HealthResponse
from moneymen.web.queries import ALGORITHMS
from moneymen.web.render import MATCHER, timestamp

#: What ``algorithm=best`` and no algorithm at all stand for.
BEST = MATCHER
#: Where the features are explained, in moneymen's documentation.
FEATURES_DOC = "docs/api.md#get-algorithms"


class DatasetEntry(BaseModel):
    """A dataset as yente's catalog lists it (FollowTheMoney's dataset model plus yente's index fields)."""

    name: str = Field(..., examples=["un_sc"])
    title: str = Field(..., examples=["un_sc"])
    summary: str | None = None
    updated_at: str | None = Field(None, description="When the newest import of the dataset finished (UTC).")
    last_export: str | None = Field(None, description="The date the newest imported file gives for itself, "
                                    "or when its statements were seen (UTC).")
    version: str | None = Field(None, description="Changes with every import of the dataset.",
                                examples=["20251120230009-2"])
    entity_count: int | None = Field(None, description="Not counted by moneymen (null).")
    thing_count: int | None = Field(None, description="Named entities (people, organisations, vessels…) "
                                    "the screening index holds; null until it is built.")
    children: list[str] = Field([], description="For `default` and `all`: the datasets they stand for.")
    load: bool = Field(..., description="Whether the dataset is screened itself (false for `default` and `all`).")
    index_version: str | None = Field(None, description="The version the screening index holds; null while "
                                      "it loads.")
    index_current: bool = False
    tags: list[str] = []
    resources: list[dict[str, Any]] = []
    deprecated: bool = False
    formats: list[str] = Field([], description="moneymen: the formats of the imports that fed the dataset.")


class CatalogResponse(BaseModel):
    datasets: list[DatasetEntry]
    current: list[str] = Field(..., description="Datasets the screening index holds in their latest version.")
    outdated: list[str] = Field([], description="Datasets the index holds in an earlier version.")
    index_stale: bool = False


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float = Field(..., description="The feature's largest effect on a score.")
    url: str


class ConfigVar(BaseModel):
    type: str = "float"
    description: str | None = None
    default: str | int | float | bool | None = 0


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None = None
    config: dict[str, ConfigVar] = {}
    features: dict[str, FeatureDoc]


class Algorithm(BaseModel):
    name: str = Field(..., examples=[MATCHER])
    description: str | None = None
    features: dict[str, FeatureDoc] = Field(..., description="The same as `docs.features` (yente keeps both).")
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str = Field(..., examples=[MATCHER])
    best: str = Field(..., examples=[MATCHER])


def system_routes(catalog: Catalog) -> APIRouter:
    """The system routes over ``catalog``; including them starts the index load when the app starts."""

    @asynccontextmanager
    async def load_index(app: FastAPI) -> AsyncIterator[None]:
        catalog.load_in_background()
        yield

    router = APIRouter(lifespan=load_index, tags=["System information"])

    @router.get("/readyz", response_model=HealthResponse,
                responses={503: {"model": ErrorResponse, "description": "The screening index is not ready"}},
                summary="Screening index readiness check")
    def readyz() -> Any:
        """200 once the screening index of every served dataset is built and `/match` answers
        without waiting; 503 while it loads (as yente answers while it indexes)."""
        if catalog.ready:
            return {"status": "ok"}
        reason = ("the screening index could not be built (see the server's log)" if catalog.load_failed
                  else "the screening index is loading")
        return JSONResponse(status_code=503, content={"detail": f"Index not ready: {reason}."})

    @router.get("/catalog", response_model=CatalogResponse, tags=["Data access"], summary="Data catalog")
    def data_catalog() -> dict[str, Any]:
        """The datasets this server screens, as yente's catalog lists them, with `default` and `all`
        (every served dataset) as collections."""
        catalog.scope(WHOLE[0])  # re-reads the datasets after an import
        datasets = catalog.datasets
        with catalog.store() as store:
            imports = store.imports_by_dataset(datasets)
            formats = store.dataset_formats()
        if catalog.ready:
            with catalog.screener(WHOLE[0]):  # starts the background reload after an import, as /match would
                pass
        state = catalog.index_state()
        held, counts = state if state is not None else ({}, Counter())
        entries = [_dataset_entry(name, imports.get(name, []), sorted(formats.get(name, ())), counts.get(name, 0),
                                  held.get(name) if state is not None else None) for name in datasets]
        collections = [_collection(name, entries) for name in WHOLE]
        outdated = [entry["name"] for entry in entries if not entry["index_current"]]
        return {"datasets": [*entries, *collections],
                "current": [entry["name"] for entry in entries if entry["index_current"]],
                "outdated": outdated, "index_stale": bool(outdated)}

    @router.get("/algorithms", response_model=AlgorithmResponse, summary="Matching algorithms")
    def algorithms() -> dict[str, Any]:
        """The matcher that scores `/match` and `/reconcile` results. moneymen has one; every
        algorithm name yente knows is accepted and answered by it (listed with the same docs)."""
        docs = _matcher_docs()
        return {"algorithms": [{"name": name, "description": docs["description"], "features": docs["features"],
                                "docs": {**docs, "name": name}}
                               for name in dict.fromkeys([MATCHER, *ALGORITHMS])],
                "default": BEST, "best": BEST}

    return router


def _dataset_entry(name: str, imports: list[ImportRecord], formats: list[str], things: int,
                   held: tuple[int, ...] | None) -> dict[str, Any]:
    """yente's entry of one dataset; ``held``: the imports of it the screening index holds (None: not built)."""
    newest = max(imports, key=lambda record: record.id, default=None)
    version = _version(newest) if newest is not None else None
    current = held is not None and held == tuple(record.id for record in imports)
    held_newest = [record for record in imports if record.id == max(held)] if held else []
    return {
        "name": name, "title": name,
        "updated_at": timestamp(newest.finished_at) if newest else None,
        "last_export": timestamp(newest.list_date or newest.seen) if newest else None,
        "version": version, "thing_count": things if held is not None else None, "load": True,
        "index_version": version if current else (_version(held_newest[0]) if held_newest else None),
        "index_current": current,
        "formats": formats,
    }


def _version(record: ImportRecord) -> str:
    """yente's version form (a compact timestamp and a suffix): when it was seen, and the import's id."""
    compact = "".join(char for char in (timestamp(record.seen) or "") if char.isdigit())
    return f"{compact}-{record.id}"


def _collection(name: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    versions = sorted(entry["version"] for entry in entries if entry["version"])
    updated = sorted(entry["updated_at"] for entry in entries if entry["updated_at"])
    version = versions[-1] if versions else None
    current = all(entry["index_current"] for entry in entries)
    return {
        "name": name, "title": "Every dataset served",
        "updated_at": updated[-1] if updated else None, "version": version,
        "thing_count": None, "children": [entry["name"] for entry in entries], "load": False,
        "index_version": version if current else None, "index_current": current,
    }


def _matcher_docs() -> dict[str, Any]:
    def feature(description: str, coefficient: float) -> dict[str, Any]:
        return {"description": description, "coefficient": coefficient, "url": FEATURES_DOC}

    strongest_identifier = max(effect for _, effect, _ in IDENTIFIERS.values())
    return {
        "name": MATCHER,
        "description": (f"moneymen {__version__}: names compared across scripts and romanizations (Hangul, "
                        "Hanja, McCune-Reischauer, Revised Romanization, Pinyin…), part by part, then moved by "
                        f"identifiers, birth dates, countries and gender. A match scores {DEFAULT_THRESHOLD} "
                        "or more."),
        "config": {},
        "features": {
            "name": feature("How well the closest pair of names agree, across scripts and romanizations.", 1.0),
            "identifier": feature("The same identifier (IMO number, passport, SWIFT/BIC, registration "
                                  "number…) sets the score; a different one lowers it.", strongest_identifier),
            "birth_date": feature(f"Birth dates that agree add up to {BIRTH_DATES_AGREE}; more than a year "
                                  f"apart take off {BIRTH_DATES_DISAGREE}.", -BIRTH_DATES_DISAGREE),
            "country": feature(f"A shared country adds {COUNTRY_SHARED}; none in common takes a little off.",
                               COUNTRY_SHARED),
            "gender": feature(f"Genders with none in common take off {GENDER_DIFFERS}.", -GENDER_DIFFERS),
        },
    }
