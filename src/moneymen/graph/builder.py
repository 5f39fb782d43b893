"""Building a :class:`~moneymen.graph.view.NetworkView`: from the store (one columnar query per
table) or from any iterable of :class:`~moneymen.model.Entity`, one entity at a time.

:func:`build_view` is the entry point (filters by datasets, grade, date and relation);
:class:`ViewBuilder` collects nodes and edges entity by entity (what an entity contributes is
described in :mod:`moneymen.graph.view`) and numbers them into a view.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from followthemoney import model as ftm_model
from followthemoney.proxy import pick_name
from followthemoney.schema import Schema
from followthemoney.types import registry

from moneymen.graph.view import (EDGE_DETAILS, EDGE_SCHEMATA, PROPERTY_EDGES, RELATION_DETAILS, NetworkView,
                                 check_as_of, parse_min_grade)
from moneymen.model import Entity, Grade

__all__ = ["VIEW_PROPS", "ViewBuilder", "build_view", "view_from_entities"]

_CAPTION_PROPS = sorted({prop for schema in ftm_model for prop in schema.caption})
_COUNTRY_PROPS = sorted({prop.name for schema in ftm_model for prop in schema.properties.values()
                         if prop.type == registry.country})
#: Every property the view reads (the store's fast path asks for these only).
VIEW_PROPS = sorted(
    {prop for schema in EDGE_SCHEMATA for prop in (schema.edge_source, schema.edge_target) if prop is not None}
    | {prop for _, prop, _end in PROPERTY_EDGES.values()}
    | set(EDGE_DETAILS) | set(_CAPTION_PROPS) | set(_COUNTRY_PROPS) | {"program", "authority", "entity"}
)
_NUMBER = re.compile(r"[^0-9eE+\-.]")


@lru_cache(maxsize=None)
def _schema_of(names: str) -> Schema:
    """The most specific schema all of ``names`` (joined by commas) agree with, as Entity.schema does."""
    parts = names.split(",")
    schema = ftm_model.get(parts[0])
    for name in sorted(parts[1:]):
        try:
            schema = ftm_model.common_schema(schema, name)
        except Exception:  # sources disagree (Person vs Vessel): keep the first, as Entity does
            continue
    if schema is None:  # imports refuse unknown schemata: only a damaged store has none FtM knows
        raise ValueError(f"no FtM schema called {' or '.join(map(repr, parts))}")
    return schema


def _number(text: str | None) -> float:
    if not text:
        return math.nan
    try:
        return float(_NUMBER.sub("", text))
    except ValueError:
        return math.nan


def _caption(schema: Schema, values: Mapping[str, list[tuple[str, str]]]) -> str:
    """FtM's caption rule (``EntityProxy.caption``) over already-read values."""
    for name in schema.caption:
        prop = schema.properties.get(name)
        found = [value for value, _ in values.get(name, ())]
        if prop is None or not found:
            continue
        if prop.type == registry.name and len(found) > 1:
            picked = pick_name(sorted(found))
            if picked is not None:
                return picked
        return found[0]
    return schema.label


class ViewBuilder:
    """Collects nodes and edges entity by entity, then numbers them into a NetworkView.

    With ``details=True`` it also keeps what the exports write (``NetworkView.node_details`` and
    ``edge_details``): :meth:`add` then takes each entity's ``attributes`` (its datasets, grade and
    the datasets that no longer list it, as text) and the values of :data:`RELATION_DETAILS`.
    """

    def __init__(self, details: bool = False) -> None:
        self.details = details
        self.node_details: list[dict[str, str] | None] = []
        self.node_of: dict[str, int] = {}
        self.ids: list[str] = []
        self.captions: list[str] = []
        self.schemata: list[str] = []
        self.countries: list[tuple[str, ...]] = []
        self.programs: dict[str, set[str]] = defaultdict(set)
        self.edges: dict[str, list] = {name: [] for name in (
            "source", "target", "relation", "grade", "amount", "currency", "date", "start", "end",
            "percentage", "edge_id", "details")}

    def add(self, entity_id: str, schema: Schema, values: Mapping[str, list[tuple[str, str]]], grade: str,
            attributes: dict[str, str] | None = None) -> None:
        """One entity: ``values`` maps a property to its (value, grade) pairs; ``grade`` is the entity's best.

        ``attributes`` (read only with ``details=True``): ``datasets``, ``grade`` and ``delisted_from``, as text.
        """
        attributes = attributes or {}
        stated = {"datasets": attributes.get("datasets", "")} if self.details else {}  # a property edge's details
        if schema.edge:
            self._relationship(entity_id, schema, values, grade, attributes)
            if schema.name == "Payment" or schema.is_a("Payment"):
                self._payment_accounts(entity_id, values, stated)
            return
        if schema.is_a("Sanction"):
            programs = [v for v, _ in values.get("program", ())] or [v for v, _ in values.get("authority", ())]
            for target, _ in values.get("entity", ()):
                self.programs[target].update(programs)
            return
        if not schema.is_a("Thing"):
            return
        countries: list[str] = []
        for name in _COUNTRY_PROPS:
            if name in schema.properties:
                countries.extend(v for v, _ in values.get(name, ()))
        self._node(entity_id, _caption(schema, values), schema.name, tuple(dict.fromkeys(countries)), attributes)
        for relation, (owner_schema, prop, end) in PROPERTY_EDGES.items():
            if end is None and schema.is_a(owner_schema) and prop in schema.properties:
                for value, value_grade in values.get(prop, ()):
                    self._edge(value, entity_id, relation, value_grade, entity_id, {}, stated)

    def _node(self, entity_id: str, caption: str, schema: str, countries: tuple[str, ...],
              attributes: dict[str, str] | None) -> None:
        if entity_id in self.node_of:
            return
        if self.details:
            self.node_details.append(None if attributes is None else {
                name: attributes.get(name, "") for name in ("datasets", "grade", "delisted_from")})
        self.node_of[entity_id] = len(self.ids)
        self.ids.append(entity_id)
        self.captions.append(caption)
        self.schemata.append(schema)
        self.countries.append(countries)

    def _relationship(self, entity_id: str, schema: Schema, values: Mapping[str, list[tuple[str, str]]],
                      grade: str, attributes: dict[str, str]) -> None:
        details = {name: [v for v, _ in values.get(name, ())] for name in EDGE_DETAILS if name in schema.properties}
        if self.details:
            attributes = {"datasets": attributes.get("datasets", "")}
            for name in RELATION_DETAILS:
                if name in schema.properties and values.get(name):
                    attributes[name] = "; ".join(v for v, _ in values[name])
        # only edge schemata come here, and FtM calls a schema an edge when it has both ends
        assert schema.edge_source is not None and schema.edge_target is not None
        for source, _ in values.get(schema.edge_source, ()):
            for target, _ in values.get(schema.edge_target, ()):
                self._edge(source, target, schema.name, grade, entity_id, details, attributes)

    def _payment_accounts(self, entity_id: str, values: Mapping[str, list[tuple[str, str]]],
                          attributes: dict[str, str]) -> None:
        for relation, (_, prop, end) in PROPERTY_EDGES.items():
            if end is None:
                continue
            for holder, _ in values.get(end, ()):
                for account, account_grade in values.get(prop, ()):
                    self._edge(holder, account, relation, account_grade, entity_id, {}, attributes)

    def _edge(self, source: str, target: str, relation: str, grade: str, edge_id: str,
              details: Mapping[str, list[str]], attributes: dict[str, str]) -> None:
        edges = self.edges
        if self.details:
            edges["details"].append(attributes)
        edges["source"].append(source)
        edges["target"].append(target)
        edges["relation"].append(relation)
        edges["grade"].append(grade)
        edges["edge_id"].append(edge_id)
        amounts = details.get("amount") or ()
        edges["amount"].append(_number(amounts[0]) if amounts else math.nan)
        currencies = details.get("currency") or ()
        edges["currency"].append(currencies[0].upper() if currencies else None)
        dates = details.get("date") or ()
        edges["date"].append(min(dates) if dates else None)
        starts = details.get("startDate") or ()
        edges["start"].append(min(starts) if starts else None)
        ends = details.get("endDate") or ()
        edges["end"].append(max(ends) if ends else None)
        shares = details.get("percentage") or ()
        edges["percentage"].append(_number(shares[0]) if shares else math.nan)

    def build(self, filters: dict[str, Any]) -> NetworkView:
        edges = self.edges
        for end in (*edges["source"], *edges["target"]):
            if end not in self.node_of:  # an end the store has no statement about
                self._node(end, end, "Thing", (), None)
        node_of = self.node_of
        relation_names = sorted(set(edges["relation"]))
        code_of = {name: i for i, name in enumerate(relation_names)}
        return NetworkView(
            ids=self.ids,
            captions=self.captions,
            schemata=self.schemata,
            countries=self.countries,
            programs=[tuple(sorted(self.programs.get(entity_id, ()))) for entity_id in self.ids],
            source=np.array([node_of[x] for x in edges["source"]], dtype=np.int32),
            target=np.array([node_of[x] for x in edges["target"]], dtype=np.int32),
            relation_code=np.array([code_of[x] for x in edges["relation"]], dtype=np.int16),
            relation_names=tuple(relation_names),
            grade=np.array(edges["grade"], dtype="<U2"),
            amount=np.array(edges["amount"], dtype=np.float64),
            currency=np.array(edges["currency"] + [None], dtype=object)[:-1],
            date=np.array(edges["date"] + [None], dtype=object)[:-1],
            start=np.array(edges["start"] + [None], dtype=object)[:-1],
            end=np.array(edges["end"] + [None], dtype=object)[:-1],
            percentage=np.array(edges["percentage"], dtype=np.float64),
            edge_ids=np.array(edges["edge_id"] + [None], dtype=object)[:-1],
            filters=filters,
            node_details=self.node_details if self.details else None,
            edge_details=np.array(edges["details"] + [None], dtype=object)[:-1] if self.details else None,
        )


def view_from_entities(entities: Iterable[Entity], *, datasets: Iterable[str] | None = None, details: bool = False,
                       latest_seen: dict[str, str] | None = None) -> NetworkView:
    """A view of ``entities`` (e.g. ``iter_entities(store)``), unfiltered; ``datasets`` keeps only their statements.

    ``details=True`` keeps what the exports write too (see :class:`ViewBuilder`); a node's ``delisted_from``
    lists the datasets whose newest version (``latest_seen``, as ``Store.latest_seen()`` gives) no longer
    lists it.
    """
    wanted = None if datasets is None else set(datasets)
    builder = ViewBuilder(details)
    for entity in entities:
        statements = entity.statements
        if wanted is not None:
            statements = [stmt for stmt in statements if stmt.dataset in wanted]
            if not statements:
                continue
            entity = Entity(entity.id, statements)
        values: dict[str, dict[str, str]] = defaultdict(dict)
        for stmt in statements:
            grade = stmt.reliability + stmt.credibility
            known = values[stmt.prop].get(stmt.value)
            values[stmt.prop][stmt.value] = grade if known is None else min(known, grade)
        best = str(entity.best_grade())
        attributes = None
        if details:
            attributes = {"datasets": "; ".join(entity.datasets), "grade": best,
                          "delisted_from": "; ".join(entity.delisted_from(latest_seen or {}))}
        builder.add(entity.id, entity.schema, {prop: list(found.items()) for prop, found in values.items()},
                    best, attributes)
    return builder.build({"datasets": sorted(wanted)} if wanted is not None else {})


def _view_from_store(store, datasets: Sequence[str] | None, resolved: bool) -> NetworkView:
    from moneymen.store.graph import graph_tables

    entities, values = graph_tables(store, VIEW_PROPS, datasets, resolved=resolved)
    builder = ViewBuilder()
    value_ids = values.column("entity_id").to_pylist()
    props = values.column("prop").to_pylist()
    texts = values.column("value").to_pylist()
    grades = values.column("grade").to_pylist()
    position, total = 0, len(value_ids)
    for entity_id, schemata, grade in zip(entities.column("entity_id").to_pylist(),
                                          entities.column("schemata").to_pylist(),
                                          entities.column("grade").to_pylist()):
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        while position < total and value_ids[position] < entity_id:
            position += 1
        while position < total and value_ids[position] == entity_id:
            found[props[position]].append((texts[position], grades[position]))
            position += 1
        schema = _schema_of(schemata)
        if schema is not None:
            builder.add(entity_id, schema, found, grade)
    filters: dict[str, Any] = {"datasets": sorted(datasets)} if datasets is not None else {}
    view = builder.build({**filters, "resolved": resolved})
    if resolved:
        from moneymen.store.resolution import canonical_ids

        view.merged = canonical_ids(store)
    return view


def build_view(
    store_or_entities: Any,
    *,
    min_grade: str | Grade | None = None,
    datasets: Iterable[str] | None = None,
    as_of: str | None = None,
    relations: Iterable[str] | None = None,
    resolved: bool = True,
) -> NetworkView:
    """The network view of a store (or of an iterable of entities), filtered.

    ``datasets`` keeps only the statements of those datasets; ``min_grade``, ``as_of`` and
    ``relations`` drop edges as :meth:`NetworkView.filter` does (nodes stay). From a
    :class:`~moneymen.store.Store` the view is read with one columnar query per table
    (:func:`moneymen.store.graph.graph_tables`), not entity by entity, and is **resolved**: the
    records merged into one canonical entity (``moneymen xref``, judgements) are one node with the
    canonical id, holding every record's relations and the sanctions that list any of them;
    ``resolved=False`` gives one node per record. Entities given as an iterable are taken as they are.
    """
    if min_grade is not None and not isinstance(min_grade, Grade):
        min_grade = parse_min_grade(min_grade)
    if as_of is not None:
        as_of = check_as_of(as_of)
    datasets = None if datasets is None else sorted(set([datasets] if isinstance(datasets, str) else datasets))
    if hasattr(store_or_entities, "engine"):
        view = _view_from_store(store_or_entities, datasets, resolved)
    else:
        view = view_from_entities(store_or_entities, datasets=datasets)
    if min_grade is None and as_of is None and relations is None:
        return view
    return view.filter(min_grade=min_grade, as_of=as_of, relations=relations)
