"""The analysis view of the evidence store: entities as numbered nodes, relations as an edge table.

:func:`~moneymen.graph.builder.build_view` reads the (resolved) store, or any iterable of :class:`~moneymen.model.Entity`,
into a :class:`NetworkView`: node ``i`` is the entity ``ids[i]``; edge ``e`` runs from node
``source[e]`` to node ``target[e]`` and carries its relation, Admiralty grade, amount, currency,
dates and ownership percentage in numpy arrays, one entry per edge. The analyses
(:mod:`moneymen.analysis`) take the sparse matrices the view builds (:meth:`NetworkView.adjacency`)
and name their results with ``ids`` and ``captions``.

**Edges.** Two kinds, both in the same table:

- every FtM relationship entity (a schema with an edge: Ownership, Directorship, Employment,
  Membership, Family, Associate, Payment, UnknownLink, Control, Representation, Succession,
  Debt, Occupancy…): one edge per (``edge_source`` value, ``edge_target`` value) pair, in FtM's
  direction (Ownership owner → asset, Employment employee → employer, Payment payer →
  beneficiary, UnknownLink subject → object). ``relation`` is the schema name; ``edge_ids`` the
  relationship entity's id; ``grade`` the best grade among its statements.
- *property edges*, where FtM states a tie as a property of a thing rather than as a
  relationship entity (:data:`PROPERTY_EDGES`). ``relation`` is FtM's qualified property name;
  the edge runs from the entity the property names to the entity that carries it, as an owner
  to what it owns; ``edge_ids`` is the id of the entity carrying the property, ``grade`` the
  best grade of the statements stating that value:

  ==============================  ===========================================================
  ``Vehicle:owner``               owner → vessel or aircraft (OFAC's "Vessel owner")
  ``Vehicle:operator``            operator → vessel or aircraft ("Aircraft Operator")
  ``CryptoWallet:holder``         holder → wallet
  ``BankAccount:bank``            bank → account
  ``LegalEntity:parent``          parent → subsidiary
  ``Payment:payerAccount``        payer → the account a payment left from (edge id: the payment)
  ``Payment:beneficiaryAccount``  beneficiary → the account a payment went to (same)
  ==============================  ===========================================================

  FtM 4 gives a BankAccount no holder property: an account holder is an Ownership (owner →
  asset) of the account, or the payer/beneficiary of a payment through it (the two ``Payment:``
  relations above).

**Nodes.** Every entity whose schema is a Thing (people, companies, accounts, vessels, …).
Sanctions are not nodes: ``programs[i]`` lists the programs that list node ``i``. An edge end
the store has no statement about becomes a node of schema ``Thing`` whose caption is its id.

**Details.** A view built with ``details=True`` (:func:`~moneymen.graph.builder.view_from_entities`,
what the exports do) also holds, per node, its datasets, best grade and the datasets that no longer
list it (``node_details``), and per edge its datasets and the relationship's
:data:`RELATION_DETAILS` as stated (``edge_details``); :meth:`NetworkView.export_graph` draws
them. An analysis view leaves both ``None``, so it holds nothing more than its arrays.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from followthemoney import model as ftm_model

from moneymen.model import Grade, InvalidGrade

__all__ = ["EDGE_DETAILS", "EDGE_SCHEMATA", "PROPERTY_EDGES", "RELATIONS", "RELATION_DETAILS", "Neighbour",
           "NetworkView", "check_as_of", "check_relations", "parse_min_grade"]

#: Relations FtM states as a property of a thing: relation name → (schema, property, end property).
#: The edge runs from the property's value to the entity carrying it, except for the ``Payment:``
#: relations, which run from the payment's payer (``end property``) or beneficiary to the account.
PROPERTY_EDGES: dict[str, tuple[str, str, str | None]] = {
    "Vehicle:owner": ("Vehicle", "owner", None),
    "Vehicle:operator": ("Vehicle", "operator", None),
    "CryptoWallet:holder": ("CryptoWallet", "holder", None),
    "BankAccount:bank": ("BankAccount", "bank", None),
    "LegalEntity:parent": ("LegalEntity", "parent", None),
    "Payment:payerAccount": ("Payment", "payerAccount", "payer"),
    "Payment:beneficiaryAccount": ("Payment", "beneficiaryAccount", "beneficiary"),
}
#: Relationship properties read into the edge table.
EDGE_DETAILS = ("amount", "currency", "date", "startDate", "endDate", "percentage")
#: Relationship properties a detailed view keeps as stated (values joined by ``"; "``), for the exports.
RELATION_DETAILS = ("startDate", "endDate", "date", "amount", "currency", "percentage", "role", "relationship",
                    "sharesCount", "summary")

EDGE_SCHEMATA = tuple(schema for schema in ftm_model if schema.edge)
#: Every relation name a view built from FtM data can have: the edge schemata and :data:`PROPERTY_EDGES`.
RELATIONS: tuple[str, ...] = tuple(sorted({schema.name for schema in EDGE_SCHEMATA} | set(PROPERTY_EDGES)))
@dataclass
class Neighbour:
    """One edge seen from a node: the entity at its other end and how they are tied."""

    entity_id: str
    caption: str
    relation: str
    edge_id: str
    grade: str
    direction: Literal["out", "in"]  # "out": the node is the edge's source


@dataclass(eq=False)
class NetworkView:
    """Entities as nodes ``0..n-1`` and relations as a table of edges (numpy arrays, one entry per edge).

    Nodes: ``ids`` (entity ids), ``captions``, ``schemata`` (FtM schema names), ``countries``
    (tuples of country codes), ``programs`` (sanctions programs listing the node).
    Edges: ``source``/``target`` (int32 node numbers, FtM's direction), ``relation`` (schema or
    property-edge name, see the module), ``grade`` (Admiralty, e.g. ``"B2"``), ``amount`` and
    ``percentage`` (float, NaN when not stated), ``currency``, ``date``, ``start``, ``end`` (text
    or None; ISO dates, possibly partial such as ``"2013"``) and ``edge_ids``.
    ``filters`` records how the view was made. ``node_details`` (a dict per node: ``datasets``, ``grade``,
    ``delisted_from``; None for an end the store has no statement about) and ``edge_details`` (an object
    array, a dict per edge: ``datasets`` and the :data:`RELATION_DETAILS` stated) are None unless the
    view was built with ``details=True``.
    """

    ids: list[str]
    captions: list[str]
    schemata: list[str]
    countries: list[tuple[str, ...]]
    source: np.ndarray
    target: np.ndarray
    relation_code: np.ndarray
    relation_names: tuple[str, ...]
    grade: np.ndarray
    amount: np.ndarray
    currency: np.ndarray
    date: np.ndarray
    start: np.ndarray
    end: np.ndarray
    percentage: np.ndarray
    edge_ids: np.ndarray
    programs: list[tuple[str, ...]] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)
    node_details: list[dict[str, str] | None] | None = None
    edge_details: np.ndarray | None = None
    #: In a resolved view, each record merged into a canonical entity → that entity's id (its node):
    #: a scenario or a query may name a node by any of its records' ids.
    merged: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, m = len(self.ids), len(self.source)
        if not self.programs:
            self.programs = [()] * n
        for name in ("captions", "schemata", "countries", "programs"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name}: expected {n} entries (one per node), got {len(getattr(self, name))}")
        for name in ("target", "relation_code", "grade", "amount", "currency", "date", "start", "end",
                     "percentage", "edge_ids"):
            if len(getattr(self, name)) != m:
                raise ValueError(f"{name}: expected {m} entries (one per edge), got {len(getattr(self, name))}")
        if self.node_details is not None and len(self.node_details) != n:
            raise ValueError(f"node_details: expected {n} entries (one per node), got {len(self.node_details)}")
        if self.edge_details is not None and len(self.edge_details) != m:
            raise ValueError(f"edge_details: expected {m} entries (one per edge), got {len(self.edge_details)}")
        if m and (self.source.min() < 0 or self.target.min() < 0 or max(self.source.max(), self.target.max()) >= n):
            raise ValueError(f"edge ends must be node numbers 0..{n - 1}")

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        ids: Sequence[str],
        source: Any,
        target: Any,
        relation: Any,
        *,
        relation_names: Sequence[str] | None = None,
        captions: Sequence[str] | None = None,
        schemata: Sequence[str] | None = None,
        countries: Sequence[tuple[str, ...]] | None = None,
        programs: Sequence[tuple[str, ...]] | None = None,
        grade: Any = None,
        amount: Any = None,
        currency: Any = None,
        date: Any = None,
        start: Any = None,
        end: Any = None,
        percentage: Any = None,
        edge_ids: Any = None,
    ) -> "NetworkView":
        """A view straight from arrays (synthetic graphs, benchmarks, other tools' data).

        ``relation`` is either one name per edge, or integer codes into ``relation_names``.
        Missing columns default to: caption = id, schema ``Thing``, no countries, grade ``F6``,
        no amount/percentage (NaN), no currency or dates, edge id ``e<number>``.
        """
        n = len(ids)
        source = np.ascontiguousarray(source, dtype=np.int32)
        target = np.ascontiguousarray(target, dtype=np.int32)
        m = source.size
        if relation_names is None:
            names, codes = np.unique(np.asarray(relation, dtype=object), return_inverse=True)
            relation_names, relation = [str(x) for x in names], codes
        codes = np.ascontiguousarray(relation, dtype=np.int16)

        def texts(values: Any) -> np.ndarray:
            return np.full(m, None, dtype=object) if values is None else np.asarray(values, dtype=object)

        def floats(values: Any) -> np.ndarray:
            return np.full(m, np.nan) if values is None else np.asarray(values, dtype=np.float64)

        return cls(
            ids=list(ids),
            captions=list(captions) if captions is not None else list(ids),
            schemata=list(schemata) if schemata is not None else ["Thing"] * n,
            countries=list(countries) if countries is not None else [()] * n,
            programs=list(programs) if programs is not None else [()] * n,
            source=source,
            target=target,
            relation_code=codes,
            relation_names=tuple(relation_names),
            grade=np.full(m, "F6", dtype="<U2") if grade is None else np.asarray(grade, dtype="<U2"),
            amount=floats(amount),
            currency=texts(currency),
            date=texts(date),
            start=texts(start),
            end=texts(end),
            percentage=floats(percentage),
            edge_ids=np.array([f"e{i}" for i in range(m)], dtype=object) if edge_ids is None
            else np.asarray(edge_ids, dtype=object),
        )

    # -- basic facts ----------------------------------------------------------------------

    @property
    def n_nodes(self) -> int:
        return len(self.ids)

    @property
    def n_edges(self) -> int:
        return int(self.source.size)

    @cached_property
    def relation(self) -> np.ndarray:
        """The relation name of every edge (an object array of str)."""
        return np.asarray(self.relation_names, dtype=object)[self.relation_code] if self.n_edges else \
            np.zeros(0, dtype=object)

    @cached_property
    def _index(self) -> dict[str, int]:
        index = {entity_id: i for i, entity_id in enumerate(self.ids)}
        for record, canonical in self.merged.items():
            if canonical in index and record not in index:
                index[record] = index[canonical]
        return index

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._index

    def index_of(self, entity_id: str) -> int:
        """The node number of ``entity_id``; a ``ValueError`` naming it (and a close caption) otherwise."""
        return int(self.indices([entity_id])[0])

    def indices(self, entity_ids: Iterable[str], what: str = "entity") -> np.ndarray:
        """Node numbers of ``entity_ids`` (int64, in the order given).

        Raises one ``ValueError`` naming every id the view lacks, with the closest caption as a
        suggestion where one is close.
        """
        index = self._index
        if isinstance(entity_ids, str):
            entity_ids = [entity_ids]
        entity_ids = list(entity_ids)
        unknown = [entity_id for entity_id in entity_ids if entity_id not in index]
        if unknown:
            hints = [self._hint(str(entity_id)) for entity_id in unknown[:5]]
            listed = "; ".join(f"{entity_id!r}{hint}" for entity_id, hint in zip(unknown, hints))
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            raise ValueError(f"unknown {what} id{'s' if len(unknown) > 1 else ''}: {listed}{more} "
                             f"(the network has {self.n_nodes} entities; ids, not names, are expected)")
        return np.array([index[entity_id] for entity_id in entity_ids], dtype=np.int64)

    def _hint(self, text: str) -> str:
        if not self.ids:
            return ""
        from rapidfuzz import fuzz, process

        found = process.extractOne(text, self.captions, scorer=fuzz.WRatio, score_cutoff=80)
        if found is None:
            found = process.extractOne(text, self.ids, scorer=fuzz.ratio, score_cutoff=80)
            return f" (did you mean {found[0]!r}?)" if found else ""
        caption, _, position = found
        return f" (did you mean {caption!r}, id {self.ids[position]!r}?)"

    def relation_mask(self, relations: Iterable[str] | None) -> np.ndarray:
        """``True`` for edges whose relation is one of ``relations`` (all edges when None)."""
        if relations is None:
            return np.ones(self.n_edges, dtype=bool)
        if isinstance(relations, str):
            relations = [relations]
        wanted = [self.relation_names.index(name) for name in set(relations) if name in self.relation_names]
        return np.isin(self.relation_code, np.array(wanted, dtype=np.int16))

    # -- filters --------------------------------------------------------------------------

    def select(self, mask: np.ndarray, **filters: Any) -> "NetworkView":
        """The same nodes with only the edges where ``mask`` is true."""
        mask = np.asarray(mask, dtype=bool)
        return NetworkView(
            ids=self.ids, captions=self.captions, schemata=self.schemata, countries=self.countries,
            programs=self.programs, source=self.source[mask], target=self.target[mask],
            relation_code=self.relation_code[mask], relation_names=self.relation_names, grade=self.grade[mask],
            amount=self.amount[mask], currency=self.currency[mask], date=self.date[mask], start=self.start[mask],
            end=self.end[mask], percentage=self.percentage[mask], edge_ids=self.edge_ids[mask],
            filters={**self.filters, **filters}, node_details=self.node_details,
            edge_details=None if self.edge_details is None else self.edge_details[mask], merged=self.merged,
        )

    def filter(self, *, min_grade: str | Grade | None = None, as_of: str | None = None,
               relations: Iterable[str] | None = None) -> "NetworkView":
        """Keep the edges at least as good as ``min_grade``, valid at ``as_of``, of ``relations``.

        ``min_grade``: both letter and digit at least as good (``Grade.at_least``: F and 6 count as
        worst). ``as_of`` (an ISO date, ``YYYY[-MM[-DD]]``): an edge is dropped when it starts
        after that day (its ``startDate``, else its ``date``: a payment dated later has not happened
        yet) or ended before it (its ``endDate``). Partial dates compare at their own precision:
        an edge that ended in ``"2013"`` is still valid on 2013-06-01.
        """
        if relations is not None:
            relations = check_relations(relations, known=self.relation_names)
        mask = self.relation_mask(relations)
        recorded: dict[str, Any] = {}
        if relations is not None:
            recorded["relations"] = sorted([relations] if isinstance(relations, str) else relations)
        if min_grade is not None:
            minimum = min_grade if isinstance(min_grade, Grade) else parse_min_grade(min_grade)
            mask &= self.grade_mask(minimum)
            recorded["min_grade"] = str(minimum)
        if as_of is not None:
            mask &= self.valid_at(as_of)
            recorded["as_of"] = as_of
        return self.select(mask, **recorded)

    def grade_mask(self, minimum: Grade) -> np.ndarray:
        """``True`` for edges graded at least ``minimum`` (letter and digit each as good or better)."""
        if not self.n_edges:
            return np.zeros(0, dtype=bool)
        letters = np.asarray(self.grade, dtype="<U2").view("<U1").reshape(-1, 2)
        return (letters[:, 0] <= minimum.reliability) & (letters[:, 1] <= minimum.credibility)

    def valid_at(self, as_of: str) -> np.ndarray:
        """``True`` for edges not yet ended and already begun on ``as_of`` (see :meth:`filter`)."""
        day = check_as_of(as_of)
        keep = np.ones(self.n_edges, dtype=bool)
        begun = np.where(_present(self.start), self.start, self.date)
        for e in np.flatnonzero(_present(begun)).tolist():
            value = begun[e]
            if value > day[: len(value)]:
                keep[e] = False
        for e in np.flatnonzero(_present(self.end)).tolist():
            value = self.end[e]
            if value < day[: len(value)]:
                keep[e] = False
        return keep

    # -- matrices -------------------------------------------------------------------------

    def edge_weights(self, weight: str | np.ndarray | None) -> np.ndarray:
        """Per-edge weights: 1 (None), a column name (``"amount"``, ``"percentage"``; NaN → 0), or an array."""
        if weight is None:
            return np.ones(self.n_edges)
        if isinstance(weight, str):
            if weight not in ("amount", "percentage"):
                raise ValueError(f"unknown weight {weight!r}: expected 'amount', 'percentage' or an array")
            return np.nan_to_num(getattr(self, weight), nan=0.0)
        values = np.asarray(weight, dtype=np.float64)
        if values.shape != (self.n_edges,):
            raise ValueError(f"weight: expected {self.n_edges} values (one per edge), got shape {values.shape}")
        return values

    def adjacency(self, relations: Iterable[str] | None = None, directed: bool = False,
                  weight: str | np.ndarray | None = None) -> sp.csr_array:
        """An ``n × n`` sparse matrix of the edges (of ``relations``), self-loops dropped.

        Entry ``(i, j)`` sums the weights of the edges ``i → j`` (one per edge when ``weight`` is
        None). Undirected (the default) adds the transpose, so the matrix is symmetric: the form
        :mod:`moneymen.analysis` expects. A ``scipy.sparse.csr_array`` (float64).
        """
        mask = self.relation_mask(relations) & (self.source != self.target)
        values = self.edge_weights(weight)[mask]
        n = self.n_nodes
        rows, cols = self.source[mask], self.target[mask]
        matrix = sp.csr_array((values, (rows, cols)), shape=(n, n))
        if not directed:
            matrix = sp.csr_array(matrix + matrix.T)
        matrix.sum_duplicates()
        return matrix

    # -- subgraphs and neighbourhoods -------------------------------------------------------

    def subgraph(self, nodes: Iterable[str | int]) -> "NetworkView":
        """The view of ``nodes`` (ids or node numbers; renumbered in the order given) and the edges among them."""
        picked = self._node_numbers(nodes)
        renumber = np.full(self.n_nodes, -1, dtype=np.int64)
        renumber[picked] = np.arange(picked.size)
        mask = (renumber[self.source] >= 0) & (renumber[self.target] >= 0)
        part = self.select(mask)
        part.source = renumber[part.source].astype(np.int32)
        part.target = renumber[part.target].astype(np.int32)
        chosen = picked.tolist()
        part.ids = [self.ids[i] for i in chosen]
        part.captions = [self.captions[i] for i in chosen]
        part.schemata = [self.schemata[i] for i in chosen]
        part.countries = [self.countries[i] for i in chosen]
        part.programs = [self.programs[i] for i in chosen]
        if self.node_details is not None:
            part.node_details = [self.node_details[i] for i in chosen]
        part.__dict__.pop("_index", None)
        return part

    def _node_numbers(self, nodes: Iterable[str | int]) -> np.ndarray:
        nodes = list(dict.fromkeys([nodes] if isinstance(nodes, str) else nodes))
        names = [node for node in nodes if isinstance(node, str)]
        found = dict(zip(names, self.indices(names).tolist())) if names else {}
        numbers = []
        for node in nodes:
            number = found[node] if isinstance(node, str) else int(node)
            if not 0 <= number < self.n_nodes:
                raise ValueError(f"unknown node {node}: the view has nodes 0..{self.n_nodes - 1}")
            numbers.append(number)
        return np.array(list(dict.fromkeys(numbers)), dtype=np.int64)

    def neighbours(self, entity_id: str, relations: Iterable[str] | None = None,
                   direction: Literal["both", "out", "in"] = "both") -> list[Neighbour]:
        """The edges of ``entity_id`` (of ``relations``), each with the entity at its other end."""
        if direction not in ("both", "out", "in"):
            raise ValueError(f"direction must be 'both', 'out' or 'in', got {direction!r}")
        node = self.index_of(entity_id)
        mask = self.relation_mask(relations)
        found = []
        if direction in ("both", "out"):
            for e in np.flatnonzero(mask & (self.source == node)).tolist():
                found.append(self._neighbour(e, int(self.target[e]), "out"))
        if direction in ("both", "in"):
            for e in np.flatnonzero(mask & (self.target == node)).tolist():
                found.append(self._neighbour(e, int(self.source[e]), "in"))
        return found

    def _neighbour(self, e: int, other: int, direction: Literal["out", "in"]) -> Neighbour:
        return Neighbour(self.ids[other], self.captions[other], self.relation_names[self.relation_code[e]],
                         str(self.edge_ids[e]), str(self.grade[e]), direction)

    def export_graph(self):
        """The view as the exports write it: a ``networkx.MultiDiGraph`` (needs a view built with ``details=True``).

        Nodes are entity ids with ``label``, ``schema``, ``datasets``, ``countries``, ``grade``, ``sanctions``
        and ``delisted_from``; an end the store has no statement about has ``label`` (its id), ``schema``
        ``Thing``, empty ``datasets`` and grade ``F6`` only. Edges carry ``id`` (the relationship entity, or
        the entity stating a property edge), ``schema`` (the relation), ``label``, ``grade``, ``datasets``
        and the :data:`RELATION_DETAILS` stated; a relationship's edge is keyed by its id, a property edge
        by ``id:relation:source:target``. Lists are joined by ``"; "``.
        """
        import networkx as nx

        if self.node_details is None or self.edge_details is None:
            raise ValueError("export_graph needs a view built with details=True")
        graph = nx.MultiDiGraph()
        for i, entity_id in enumerate(self.ids):
            node = self.node_details[i]
            if node is None:
                graph.add_node(entity_id, label=self.captions[i], schema=self.schemata[i], datasets="", grade="F6")
                continue
            graph.add_node(entity_id, label=self.captions[i], schema=self.schemata[i], datasets=node["datasets"],
                           countries="; ".join(self.countries[i]), grade=node["grade"],
                           sanctions="; ".join(self.programs[i]), delisted_from=node["delisted_from"])
        labels = [_relation_label(name) for name in self.relation_names]
        ids = self.ids
        for source, target, code, grade, edge_id, details in zip(
                self.source.tolist(), self.target.tolist(), self.relation_code.tolist(), self.grade.tolist(),
                self.edge_ids.tolist(), self.edge_details.tolist()):
            relation = self.relation_names[code]
            source, target = ids[source], ids[target]
            key = f"{edge_id}:{relation}:{source}:{target}" if ":" in relation else edge_id
            graph.add_edge(source, target, key=key, id=edge_id, schema=relation, label=labels[code], grade=grade,
                           **details)
        return graph

    def digest(self) -> str:
        """SHA-256 of the nodes (ids, schemata, countries) and edges (ends, relation, grade, amount, currency,
        percentage, dates): two views with the same digest hold the same network."""
        import hashlib

        h = hashlib.sha256()
        h.update("\x1e".join(f"{i}\x1f{s}\x1f{';'.join(c)}" for i, s, c in
                             zip(self.ids, self.schemata, self.countries)).encode())
        h.update("\x1e".join(self.relation_names).encode())
        for array in (self.source, self.target, self.relation_code, self.amount, self.percentage):
            h.update(np.ascontiguousarray(array).tobytes())
        h.update(np.asarray(self.grade, dtype="<U2").tobytes())
        for array in (self.currency, self.date, self.start, self.end):
            h.update("\x1f".join("" if x is None else str(x) for x in array.tolist()).encode())
        return h.hexdigest()

    def summary(self) -> dict[str, Any]:
        """Counts of nodes by schema and edges by relation."""
        schemata: dict[str, int] = defaultdict(int)
        for name in self.schemata:
            schemata[name] += 1
        counts: np.ndarray | list[int] = (np.bincount(self.relation_code, minlength=len(self.relation_names))
                                          if self.n_edges else [])
        return {
            "nodes": self.n_nodes,
            "edges": self.n_edges,
            "schemata": dict(sorted(schemata.items())),
            "relations": {name: int(count) for name, count in zip(self.relation_names, counts) if count},
            "filters": dict(self.filters),
        }


def _relation_label(relation: str) -> str:
    """What an edge of ``relation`` is called: the schema's edge label, or a property edge's property."""
    if ":" in relation:
        return relation.split(":", 1)[1]
    schema = ftm_model.get(relation)
    return relation if schema is None else schema.edge_label or schema.label


def _present(values: np.ndarray) -> np.ndarray:
    """``True`` where an object array holds a value (not None)."""
    # None as a (0-d object) array, as numpy makes of it: numpy's stubs take no bare None
    return np.not_equal(values, np.array(None)) if values.size else np.zeros(0, dtype=bool)


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_as_of(text: Any) -> str:
    """``text`` as an ISO date ``YYYY[-MM[-DD]]`` (a ``datetime.date`` is accepted too); ``ValueError`` otherwise."""
    if hasattr(text, "isoformat") and not isinstance(text, str):
        text = text.isoformat()[:10]
    if not isinstance(text, str) or not _DATE.match(text.strip()):
        raise ValueError(f"as_of: expected an ISO date YYYY[-MM[-DD]], got {text!r}")
    return text.strip()



def check_relations(names: Iterable[str], what: str = "relations", known: Iterable[str] = ()) -> list[str]:
    """``names`` as a list, each one of :data:`RELATIONS` (or of ``known``); ``ValueError`` naming the first other one.

    The message starts with ``what`` and the name (``"relations.Famly: …"``) and suggests the closest relation.
    """
    import difflib

    allowed = set(RELATIONS) | set(known)
    names = [names] if isinstance(names, str) else list(names)
    for name in names:
        if name not in allowed:
            close = difflib.get_close_matches(str(name), sorted(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"{what}.{name}: unknown relation {name!r}{hint}; expected an FtM relation schema "
                             f"(Ownership, Employment, Family, Payment…) or a property edge ({', '.join(PROPERTY_EDGES)})")
    return names


def parse_min_grade(text: str) -> Grade:
    """``text`` as the grade a filter keeps at least (``B2``); ``ValueError`` naming ``min_grade`` otherwise."""
    try:
        return Grade.parse(text)
    except InvalidGrade as error:
        raise ValueError(f"min_grade: {error}") from None
