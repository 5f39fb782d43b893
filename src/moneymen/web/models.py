"""The request and response bodies, as pydantic models (they make the OpenAPI document at /docs).

Field names and nesting follow yente's ``/match``, ``/search`` and ``/entities`` so a client
written for yente (or the OpenSanctions API) works unchanged. Fields yente does not have are
marked "moneymen" in their descriptions.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from followthemoney import model
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

#: Most queries in one /match request (as yente).
MAX_BATCH = 100
#: Most results per query in one /match request.
MAX_MATCHES = 500
#: Most results per page of /search.
MAX_PAGE = 500
DEFAULT_MATCH_LIMIT = 5
DEFAULT_SEARCH_LIMIT = 10
#: ``changed_since``: a date, optionally with hours, minutes, seconds, as yente takes it (whose
#: pattern is ``\d{4}-\d{2}-\d{2}…``); the digits are narrowed to real months, days and times.
#: Empty (``changed_since=``, as a form sends a blank field) is no filter.
TIMESTAMP_PATTERN = (r"^([1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
                     r"(T([01]\d|2[0-3])(:[0-5]\d(:[0-5]\d)?)?)?)?$")

#: What no text of a request may hold: NUL and the other control characters (tab, newline and
#: carriage return aside), and lone UTF-16 surrogates (a JSON "\ud800" without its pair).
UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNREADABLE_MESSAGE = ("holds a NUL, another control character or a lone surrogate (\\ud800-\\udfff); "
                      "expected text")


def readable(value: str) -> str:
    """``value``, checked to be text a request may hold (see UNREADABLE); else ValueError."""
    if UNREADABLE.search(value):
        raise ValueError(UNREADABLE_MESSAGE)
    return value


#: A string of a request body or query, checked by :func:`readable` (the OpenAPI document says which
#: control characters are refused; JSON Schema cannot name lone surrogates).
Text = Annotated[str, AfterValidator(readable),
                 Field(json_schema_extra={"pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"})]
#: A number of a request body: NaN, the infinities and booleans are refused.
Finite = Annotated[float, Field(allow_inf_nan=False, strict=True)]
#: The schemata a query may name: those that can be matched, and those above them (Thing, Asset).
QUERY_SCHEMATA = sorted(schema.name for schema in model
                        if schema.matchable or any(below.matchable for below in schema.descendants))


class ErrorResponse(BaseModel):
    detail: str = Field(..., examples=["No such dataset: 'eu_fsf'. This server has: default, all, un_sc, us_ofac_sdn"])


class ValidationErrorResponse(BaseModel):
    detail: list[dict[str, Any]] = Field(..., description="FastAPI's list of validation errors.")
    message: str = Field(..., description="moneymen: the same, as one sentence with what was expected.")


class EntityExample(BaseModel):
    """One query: an entity described by its FollowTheMoney schema and properties."""

    model_config = ConfigDict(populate_by_name=True)

    id: Text | None = Field(default=None, examples=["my-entity-id"])
    schema_: Text = Field(..., alias="schema", examples=["Person"], json_schema_extra={"enum": list(QUERY_SCHEMATA)},
                          description="A FollowTheMoney schema; one that cannot be matched itself (Thing, "
                          "Asset) screens as any matchable schema below it.")
    properties: dict[Text, Text | list[Any]] = Field(
        ..., examples=[{"name": ["Yun Ho-jin"], "birthDate": ["1944-10-13"], "nationality": ["kp"]}])


class MatchRequest(BaseModel):
    """yente's /match body. ``threshold``, ``limit``, ``cutoff`` and ``algorithm`` may also come here
    (moneymen); the query parameters of the same name win when both are given."""

    queries: dict[Text, EntityExample] = Field(..., json_schema_extra={"minProperties": 1}, examples=[{
        "q1": {"schema": "Person", "properties": {"name": ["Yun Ho-jin"], "birthDate": ["1944-10-13"]}}}])
    weights: dict[Text, Finite] = Field({}, description="yente's per-feature weights. moneymen's matcher has no "
                                        "feature weights: any key is refused (400).")
    config: dict[Text, Text | int | Finite | bool | None] = Field(
        {}, description="yente's algorithm configuration. moneymen's matcher takes no parameters: any key is "
        "refused (400), as yente refuses a parameter its algorithm does not have.")
    threshold: Finite | None = Field(None, ge=0.0, le=1.0)
    cutoff: Finite | None = Field(None, ge=0.0, le=1.0)
    limit: int | None = Field(None, ge=1, le=MAX_MATCHES)
    algorithm: Text | None = None


class TotalSpec(BaseModel):
    value: int = Field(..., examples=[1])
    relation: str = Field("eq", examples=["eq"])


class FeatureResult(BaseModel):
    """yente's per-feature explanation: the feature's score and how it was reached."""

    score: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None


class EntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["unsc-690734"])
    caption: str = Field(..., examples=["YUN HO-JIN"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, list[str]] = Field(..., examples=[{"name": ["YUN HO-JIN"]}])
    datasets: list[str] = Field([], examples=[["un_sc"]])
    referents: list[str] = Field([], description="Source ids merged into this one (none: moneymen keeps "
                                 "source ids).")
    target: bool = Field(False, description="Whether a sanctions list designates this entity.")
    first_seen: str | None = Field(None, description="UTC, ISO 8601 to the second (as yente).",
                                   examples=["2025-11-20T23:00:09"])
    last_seen: str | None = Field(None, examples=["2025-11-20T23:00:09"])
    last_change: str | None = None


class ListedEntityResponse(EntityResponse):
    sanctions: list[str] = Field([], description="moneymen: the sanctions programs that list the entity, as "
                                 "the official lists' own files state them.", examples=[["UN SC DPRK"]])
    claimed_sanctions: list[str] = Field([], description="moneymen: sanctions that only other datasets (an "
                                         "analyst's notes, an aggregator's export) state, each with the dataset "
                                         "that claims it.", examples=[["OFAC DPRK2 (per my_notes)"]])


class ScoredEntityResponse(ListedEntityResponse):
    score: float = Field(..., examples=[0.98])
    match: bool = Field(..., description="Whether the score reaches the threshold.")
    features: dict[str, float] = Field(..., description="Feature values (yente before 4.x): the name score and "
                                       "each adjustment.", examples=[{"name": 1.0, "birth_date": 0.05}])
    explanations: dict[str, FeatureResult] = Field(
        ..., description="Per-feature score and detail (yente 4.x and later).")
    explanation: dict[str, Any] = Field(..., description="moneymen: the whole reasoning: the name comparison "
                                        "part by part, each adjustment with its effect, notes.")


class EntityMatches(BaseModel):
    status: int = Field(200, examples=[200])
    results: list[ScoredEntityResponse]
    total: TotalSpec = Field(..., description="How many candidates reached the threshold.")
    query: EntityExample


class MatcherInfo(BaseModel):
    name: str = Field(..., examples=["moneymen"])
    version: str = Field(..., examples=["0.1.0"])
    requested: str = Field(..., description="The algorithm the request named; every name yente knows is "
                           "answered by the moneymen matcher.", examples=["logic-v2"])


#: What a response's ``min_grade`` says (moneymen's extension).
MIN_GRADE_USED = ("The `min_grade` the entities were read at (only statements graded at least this), "
                  "as asked; null: every statement.")


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: MatcherInfo
    limit: int = Field(..., examples=[5])
    min_grade: str | None = Field(None, examples=["B2"], description=MIN_GRADE_USED)


class SearchFacetItem(BaseModel):
    name: str
    label: str
    count: int = 1


class SearchFacet(BaseModel):
    label: str
    values: list[SearchFacetItem]


class SearchEntityResponse(ListedEntityResponse):
    score: float = Field(..., description="moneymen: how well the entity's best name matches the text.")


class SearchResponse(BaseModel):
    results: list[SearchEntityResponse]
    facets: dict[str, SearchFacet]
    total: TotalSpec
    limit: int
    offset: int = 0
    min_grade: str | None = Field(None, examples=["B2"], description=MIN_GRADE_USED)


class RelationEnd(BaseModel):
    property: str = Field(..., examples=["organization"])
    id: str = Field(..., examples=["unsc-6908690"])


class RelationResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["unsc-690734-sanction"])
    schema_: str = Field(..., alias="schema", examples=["Sanction"])
    caption: str
    role: str = Field(..., description="The relation's property that points at this entity.", examples=["entity"])
    others: list[RelationEnd] = Field([], description="The relation's other ends.")


class HealthResponse(BaseModel):
    status: str = "ok"
