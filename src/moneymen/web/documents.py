"""The body of ``/entities/{id}``: an entity with its adjacent entities nested, as yente returns it.

yente nests the entities around the one asked for inside ``properties``: a value of an
entity-typed property (``Ownership.asset``) becomes the entity it names, and the entities that
point at this one appear under the reverse property (a Sanction's ``entity`` under ``sanctions``,
an Ownership's ``owner`` under ``ownershipOwner``). FollowTheMoney and yente clients read the
document that way. moneymen adds ``provenance`` (every statement of the entity with its source and
Admiralty grade) and ``relations`` (the ids of what points at it); both are keys FtM clients
leave alone.
"""

from __future__ import annotations

from typing import Union

from pydantic import BaseModel, ConfigDict, Field

from moneymen.web.models import EntityResponse, RelationResponse


class NestedEntity(EntityResponse):
    """An entity whose entity-typed values may be entities themselves (yente's nested form)."""

    # A pydantic field may take a wider type in a subclass; mypy holds the attribute to its base's type. A
    # NestedEntity is only built and returned as a document, never read where an EntityResponse is expected.
    properties: dict[str, list[Union[str, "NestedEntity"]]] = Field(..., examples=[{  # type: ignore[assignment]
        "name": ["YUN HO-JIN"],
        "sanctions": [{"id": "unsc-690734-sanction", "caption": "DPRK", "schema": "Sanction",
                       "properties": {"entity": ["unsc-690734"], "program": ["DPRK"]}}]}])


NestedEntity.model_rebuild()


class ProvenanceRecord(BaseModel):
    """One statement: a valid FollowTheMoney statement (``Statement.from_dict`` reads it) and
    moneymen's provenance beside it."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    entity_id: str = Field(..., examples=["unsc-690734"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    prop: str = Field(..., examples=["birthDate"])
    value: str = Field(..., examples=["1944-10-13"])
    dataset: str = Field(..., examples=["un_sc"])
    origin: str = Field(..., description="import, extraction or analyst.", examples=["import"])
    reliability: str = Field(..., description="Admiralty source reliability, A-F.", examples=["A"])
    credibility: str = Field(..., description="Admiralty information credibility, 1-6.", examples=["2"])


class EntityDocument(NestedEntity):
    """An entity with its adjacent entities nested (unless ``nested=false``), its statements'
    provenance and the relations that point at it."""

    provenance: list[ProvenanceRecord] = Field(..., description="moneymen: every statement of the entity "
                                               "with its dataset, source record, dates, origin and Admiralty "
                                               "grade.")
    relations: list[RelationResponse] = Field([], description="moneymen: relationship entities (sanctions, "
                                              "ownerships, family, links) that point at this entity, by id.")
