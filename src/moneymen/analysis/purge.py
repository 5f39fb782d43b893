"""Purge impact: who is exposed when a patron falls, how strongly, and by which path.

A purge starts at its **seeds** (the patron, e.g. Jang Song-thaek in December 2013) and spreads
along ties. Every edge of the :class:`~moneymen.graph.view.NetworkView` gets a weight in
``[0, 1]``::

    w(edge) = relation weight × grade weight × share

- the **relation weight** says how much exposure a tie carries (:data:`RELATION_WEIGHTS`; a
  relation not listed carries none);
- the **grade weight** discounts weak evidence: the weight of the source's reliability letter
  times that of the information's credibility digit (:data:`RELIABILITY_WEIGHTS`,
  :data:`CREDIBILITY_WEIGHTS`; A1 → 1.0, B2 → 0.81, F6 → 0.36);
- the **share** scales Ownership (and ``LegalEntity:parent``) by the percentage held when one
  is stated (``percentage / 100``; ``unknown_share`` when none is), 1 for other relations.

The exposure of an entity is the best product of edge weights over any path from a seed with at
most ``max_hops`` edges, and 1.0 for the seeds themselves; entities below ``min_exposure`` are not
reported (nor does exposure spread through them: a longer path only multiplies by more weights
≤ 1). ``direction="both"`` (the default) lets exposure cross an edge either way: a purged man's
employees and his employer are both exposed. ``"forward"`` follows FtM's edge direction only
(owner → asset, employee → employer, director → organisation), ``"backward"`` only against it.

**Method.** With ``max_hops`` set: a hop-by-hop Bellman–Ford over the edge arrays (``max_hops``
vectorised rounds of ``O(edges)``; exact for the hop limit). With ``max_hops=None``: Dijkstra on
``−log w`` (``scipy.sparse.csgraph.dijkstra`` from all seeds at once), exact for unlimited paths.
Both break ties between equally good paths deterministically, by the lowest edge number.

The defaults below are assumptions, not findings: a scenario should state its own.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from moneymen.graph.view import NetworkView, check_relations

__all__ = [
    "CREDIBILITY_WEIGHTS",
    "RELATION_WEIGHTS",
    "RELIABILITY_WEIGHTS",
    "Exposure",
    "ExposureRules",
    "PathStep",
    "PurgeImpact",
    "purge_impact",
]

#: How much exposure each relation carries (assumptions; a scenario may override every one).
#: Family ties are what the regime holds hostage; command and employment ties come next;
#: ownership carries exposure in proportion to the share held; membership and association less;
#: a single payment or an unqualified link ("Linked To") least. Banks do not share their
#: customers' fate (``BankAccount:bank`` 0); an account is as exposed as the one who holds it.
RELATION_WEIGHTS: dict[str, float] = {
    "Family": 0.9,
    "Employment": 0.8,
    "Directorship": 0.8,
    "Control": 0.8,
    "Occupancy": 0.7,
    "Ownership": 0.7,
    "LegalEntity:parent": 0.7,
    "Membership": 0.6,
    "Representation": 0.6,
    "Associate": 0.5,
    "UnknownLink": 0.5,
    "Vehicle:owner": 0.5,
    "Vehicle:operator": 0.5,
    "Payment": 0.4,
    "Succession": 0.4,
    "Debt": 0.3,
    "Payment:payerAccount": 0.9,
    "Payment:beneficiaryAccount": 0.9,
    "CryptoWallet:holder": 0.9,
    "BankAccount:bank": 0.0,
}
#: Weight of the source's reliability (Admiralty letter). F, "cannot be judged", sits between C and D.
RELIABILITY_WEIGHTS: dict[str, float] = {"A": 1.0, "B": 0.9, "C": 0.75, "D": 0.5, "E": 0.25, "F": 0.6}
#: Weight of the information's credibility (Admiralty digit). 6, "cannot be judged", as F.
CREDIBILITY_WEIGHTS: dict[str, float] = {"1": 1.0, "2": 0.9, "3": 0.75, "4": 0.5, "5": 0.2, "6": 0.6}
#: Relations scaled by the percentage they state.
SHARE_RELATIONS = ("Ownership", "LegalEntity:parent")

_RULE_KEYS = ("relations", "reliability", "credibility", "max_hops", "min_exposure", "direction", "unknown_share",
              "replace_relations")


def _weight(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name}: expected a number between 0 and 1, got {value!r}")
    if value < 0:
        raise ValueError(f"{name}: a weight cannot be negative, got {value}")
    if value > 1:
        raise ValueError(f"{name}: a weight cannot exceed 1 (exposure never grows along a path), got {value}")
    return float(value)


@dataclass(frozen=True)
class ExposureRules:
    """Which ties carry exposure, how strongly, and how far (see the module for the formula).

    ``relations`` maps relation names (FtM schema or property-edge names) to weights in [0, 1];
    ``reliability`` and ``credibility`` map Admiralty letters A–F and digits 1–6 to weights;
    ``max_hops`` (None: unlimited) and ``min_exposure`` cut the spread; ``direction`` is
    ``"both"``, ``"forward"`` or ``"backward"``; ``unknown_share`` is the share assumed for an
    Ownership without a percentage.
    """

    relations: Mapping[str, float] = field(default_factory=lambda: dict(RELATION_WEIGHTS))
    reliability: Mapping[str, float] = field(default_factory=lambda: dict(RELIABILITY_WEIGHTS))
    credibility: Mapping[str, float] = field(default_factory=lambda: dict(CREDIBILITY_WEIGHTS))
    max_hops: int | None = 4
    min_exposure: float = 0.05
    direction: Literal["both", "forward", "backward"] = "both"
    unknown_share: float = 0.5

    def __post_init__(self) -> None:
        check_relations(self.relations, "relations")
        for name, value in self.relations.items():
            _weight(f"relations.{name}", value)
        for table, keys in (("reliability", "ABCDEF"), ("credibility", "123456")):
            given = getattr(self, table)
            unknown = sorted(set(given) - set(keys))
            if unknown:
                raise ValueError(f"{table}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                                 f"expected {', '.join(keys)}")
            missing = sorted(set(keys) - set(given))
            if missing:
                raise ValueError(f"{table}: no weight for {', '.join(missing)}")
            for key, value in given.items():
                _weight(f"{table}.{key}", value)
        if self.max_hops is not None and (isinstance(self.max_hops, bool) or not isinstance(self.max_hops, int)
                                          or self.max_hops < 1):
            raise ValueError(f"max_hops: expected a whole number ≥ 1 (or none for no limit), got {self.max_hops!r}")
        _weight("min_exposure", self.min_exposure)
        _weight("unknown_share", self.unknown_share)
        if self.direction not in ("both", "forward", "backward"):
            raise ValueError(f"direction: expected 'both', 'forward' or 'backward', got {self.direction!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> "ExposureRules":
        """Rules from a scenario's table, e.g. ``{"relations": {"Family": 1.0}, "max_hops": 3}``.

        ``relations``, ``reliability`` and ``credibility`` update the defaults key by key
        (``replace_relations = true`` replaces the relation table instead). Unknown keys and
        bad values raise ``ValueError`` naming them.
        """
        data = dict(data or {})
        unknown = sorted(set(data) - set(_RULE_KEYS))
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown key{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(map(repr, unknown))}; expected some of {', '.join(_RULE_KEYS)}")
        options: dict[str, Any] = {}
        replace = data.pop("replace_relations", False)
        for table, defaults in (("relations", RELATION_WEIGHTS), ("reliability", RELIABILITY_WEIGHTS),
                                ("credibility", CREDIBILITY_WEIGHTS)):
            if table in data:
                given = data.pop(table)
                if not isinstance(given, Mapping):
                    raise ValueError(f"{table}: expected a table of name = weight, got {given!r}")
                given = {str(key).upper() if table == "reliability" else str(key): value for key, value in given.items()}
                options[table] = dict(given) if (table == "relations" and replace) else {**defaults, **given}
        options.update(data)
        return cls(**options)

    def to_dict(self) -> dict[str, Any]:
        return {"relations": dict(self.relations), "reliability": dict(self.reliability),
                "credibility": dict(self.credibility), "max_hops": self.max_hops,
                "min_exposure": self.min_exposure, "direction": self.direction, "unknown_share": self.unknown_share}

    def edge_weights(self, view: NetworkView) -> np.ndarray:
        """The weight in [0, 1] of every edge of ``view`` under these rules."""
        by_code = np.array([float(self.relations.get(name, 0.0)) for name in view.relation_names] or [0.0])
        weights = by_code[view.relation_code] if view.n_edges else np.zeros(0)
        if view.n_edges:
            points = np.asarray(view.grade, dtype="<U2").view(np.uint32).reshape(-1, 2)
            for column, table, worst in ((0, self.reliability, "F"), (1, self.credibility, "6")):
                lookup = np.full(128, table[worst])
                for key, value in table.items():
                    lookup[ord(key)] = value
                weights = weights * lookup[np.minimum(points[:, column], 127)]
            shared = view.relation_mask(SHARE_RELATIONS)
            if shared.any():
                share = np.where(np.isnan(view.percentage), self.unknown_share,
                                 np.clip(view.percentage / 100.0, 0.0, 1.0))
                weights = np.where(shared, weights * share, weights)
        return weights


@dataclass(slots=True)
class PathStep:
    """One step of an exposure path: the entity reached, and the edge it was reached by.

    ``direction`` is ``"forward"`` when the step follows the edge's FtM direction (e.g. from an
    employee to the employer), ``"backward"`` when it goes against it.
    """

    entity_id: str
    caption: str
    relation: str
    edge_id: str
    grade: str
    direction: Literal["forward", "backward"]
    weight: float


@dataclass(slots=True)
class Exposure:
    """An exposed entity: its score (best path product), hops, and the path from a seed."""

    entity_id: str
    caption: str
    schema: str
    score: float
    hops: int
    seed: str
    path: list[PathStep]

    def explain(self, seed_caption: str | None = None) -> str:
        """``"Jang Song-thaek — Family → X — Directorship → Y"`` (``← R —`` for steps against the edge)."""
        text = seed_caption or self.seed
        for step in self.path:
            arrow = f" — {step.relation} → " if step.direction == "forward" else f" ← {step.relation} — "
            text += arrow + step.caption
        return text


@dataclass
class PurgeImpact:
    """Every entity a purge of ``seeds`` exposes (above ``min_exposure``), best first.

    ``scores`` holds the exposure of every node of the view (0 where none reaches), for the
    analyses that follow (decisions, flows). ``by_schema`` counts the exposed by FtM schema.
    """

    seeds: list[str]
    seed_captions: list[str]
    rules: ExposureRules
    exposed: list[Exposure]
    by_schema: dict[str, int]
    method: str
    seconds: float
    nodes: int
    edges: int
    scores: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))

    def get(self, entity_id: str) -> Exposure | None:
        """The exposure of ``entity_id``, or None when it is not exposed."""
        for exposure in self.exposed:
            if exposure.entity_id == entity_id:
                return exposure
        return None

    def explain(self, entity_id: str) -> str:
        """The path that exposes ``entity_id``, in words; a ``ValueError`` when it is not exposed."""
        if entity_id in self.seeds:
            return f"{self.seed_captions[self.seeds.index(entity_id)]} (seed)"
        exposure = self.get(entity_id)
        if exposure is None:
            raise ValueError(f"{entity_id!r} is not exposed by this purge (or is below min_exposure "
                             f"{self.rules.min_exposure})")
        return exposure.explain(self.seed_captions[self.seeds.index(exposure.seed)])

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: seeds, rules, counts, and every exposure with its path and explanation."""
        return {
            "seeds": [{"id": s, "caption": c} for s, c in zip(self.seeds, self.seed_captions)],
            "rules": self.rules.to_dict(),
            "method": self.method,
            "seconds": self.seconds,
            "nodes": self.nodes,
            "edges": self.edges,
            "by_schema": dict(self.by_schema),
            "exposed": [{**asdict(exposure), "explanation": self.explain(exposure.entity_id)}
                        for exposure in self.exposed],
        }


def _arcs(view: NetworkView, weights: np.ndarray, direction: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(tail, head, weight, edge number) of the arcs exposure may cross; edge numbers ≥ m mean backward."""
    m = view.n_edges
    keep = (weights > 0) & (view.source != view.target)
    edges = np.flatnonzero(keep)
    tails, heads, codes = [], [], []
    if direction in ("both", "forward"):
        tails.append(view.source[edges])
        heads.append(view.target[edges])
        codes.append(edges)
    if direction in ("both", "backward"):
        tails.append(view.target[edges])
        heads.append(view.source[edges])
        codes.append(edges + m)
    tail = np.concatenate(tails).astype(np.int64) if tails else np.zeros(0, np.int64)
    head = np.concatenate(heads).astype(np.int64) if heads else np.zeros(0, np.int64)
    code = np.concatenate(codes).astype(np.int64) if codes else np.zeros(0, np.int64)
    return tail, head, weights[code % m] if m else np.zeros(0), code


def _best_paths_hops(n: int, seeds: np.ndarray, tail, head, weight, code, max_hops: int, floor: float):
    """Layered Bellman–Ford: best product with ≤ h hops, for h = 1..max_hops; parents per layer.

    Round ``h`` relaxes only the arcs out of the nodes whose score improved in round ``h − 1``
    (the frontier): a node can only improve through a neighbour that just did. Each round costs
    the frontier's arcs, not the whole graph's.
    """
    # group the arcs by tail with a linear-time counting sort (scipy's COO → CSR), keeping edge-number order
    grouped = sp.csr_array((np.ones(tail.size, dtype=np.int8), (tail, np.arange(tail.size))), shape=(n, max(tail.size, 1)))
    order, indptr = grouped.indices.astype(np.int64), grouped.indptr.astype(np.int64)
    tail, head, weight, code = tail[order], head[order], weight[order], code[order]
    score = np.zeros(n)
    score[seeds] = 1.0
    hops = np.full(n, -1, dtype=np.int32)
    hops[seeds] = 0
    origin = np.full(n, -1, dtype=np.int64)
    origin[seeds] = seeds
    parents: list[np.ndarray] = []  # per layer: the arc (index into the sorted arcs) that set a node's score
    improved_at = np.zeros(n, dtype=np.int32)  # the layer where the node's score was last set
    layer_of: list[np.ndarray] = []  # per layer: improved_at as it was before that layer
    frontier = np.unique(seeds)
    for layer in range(1, max_hops + 1):
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        total = int(counts.sum())
        if not total:
            break
        arcs = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
        candidate = score[tail[arcs]] * weight[arcs]
        heads = head[arcs]
        useful = (candidate >= floor) & (candidate > score[heads] * (1 + 1e-12))
        arcs, candidate, heads = arcs[useful], candidate[useful], heads[useful]
        if not arcs.size:
            break
        ranked = np.lexsort((code[arcs], -candidate, heads))  # per head: best first, then lowest edge number
        arcs, candidate, heads = arcs[ranked], candidate[ranked], heads[ranked]
        first = np.r_[True, heads[1:] != heads[:-1]]
        winners, best, chosen = heads[first], candidate[first], arcs[first]
        parent = np.full(n, -1, dtype=np.int64)
        parent[winners] = chosen
        from_nodes = tail[chosen]
        new_origin, new_hops = origin[from_nodes], hops[from_nodes] + 1
        layer_of.append(improved_at.copy())
        score[winners] = best
        origin[winners] = new_origin
        hops[winners] = new_hops
        improved_at[winners] = layer
        parents.append(parent)
        frontier = winners
    return score, hops, origin, (tail, head, weight, code), parents, layer_of, improved_at


def _trace_hops(nodes: np.ndarray, improved_at: np.ndarray, parents: list[np.ndarray], layer_of: list[np.ndarray],
                arcs) -> list[list[int]]:
    """The edge codes from the seed to each of ``nodes``, following the layer each value was set at (vectorised)."""
    tail, _, _, code = arcs
    count = nodes.size
    if not parents or not count:
        return [[] for _ in range(count)]
    parent, layers = np.stack(parents), np.stack(layer_of)
    node, layer = nodes.astype(np.int64), improved_at[nodes].astype(np.int64)
    columns = []
    while (layer > 0).any():
        active = layer > 0
        arc = parent[layer[active] - 1, node[active]]
        step = np.full(count, -1, dtype=np.int64)
        step[active] = code[arc]
        columns.append(step)
        previous = node.copy()
        previous[active] = tail[arc]
        below = layer.copy()
        below[active] = layers[layer[active] - 1, previous[active]]
        node, layer = previous, below
    matrix = np.stack(columns[::-1], axis=1).tolist()
    return [[x for x in row if x >= 0] for row in matrix]


def _trace_predecessors(nodes: np.ndarray, predecessor: np.ndarray, arc_code: sp.csr_array) -> list[list[int]]:
    """The edge codes from the seed to each of ``nodes`` along Dijkstra's predecessors (vectorised)."""
    count = nodes.size
    node = nodes.astype(np.int64)
    columns = []
    while count:
        previous = predecessor[node]
        active = previous >= 0
        if not active.any():
            break
        step = np.full(count, -1, dtype=np.int64)
        step[active] = np.asarray(arc_code[previous[active], node[active]]).ravel().astype(np.int64) - 1
        columns.append(step)
        node = np.where(active, previous, node)
    if not columns:
        return [[] for _ in range(count)]
    matrix = np.stack(columns[::-1], axis=1).tolist()
    return [[x for x in row if x >= 0] for row in matrix]


def _best_paths_dijkstra(n: int, seeds: np.ndarray, tail, head, weight, code, floor: float):
    """Dijkstra on −log w from all seeds; returns score, hops, origin and the edge code into each node."""
    length = -np.log(weight) + 1e-12  # explicit zero lengths would read as missing edges
    order = np.lexsort((code, length, head, tail))  # the shortest (then lowest-numbered) of parallel arcs first
    tail, head, length, code = tail[order], head[order], length[order], code[order]
    first = np.r_[True, (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])] if tail.size else np.zeros(0, bool)
    tail, head, length, code = tail[first], head[first], length[first], code[first]
    matrix = sp.csr_array((length, (tail, head)), shape=(n, n))
    arc_code = sp.csr_array((code.astype(np.float64) + 1, (tail, head)), shape=(n, n))
    limit = -math.log(floor) + 1e-6 if floor > 0 else np.inf
    distance, predecessor, origin = csgraph.dijkstra(matrix, directed=True, indices=seeds, min_only=True,
                                                     return_predecessors=True, limit=limit)
    score = np.where(np.isfinite(distance), np.exp(-distance), 0.0)
    score[seeds] = 1.0
    return score, predecessor, origin, arc_code


def purge_impact(view: NetworkView, seeds: Iterable[str], rules: ExposureRules | None = None) -> PurgeImpact:
    """Every entity exposed by purging ``seeds``, with its score and the path that explains it.

    ``seeds`` are entity ids of ``view``; unknown ones raise ``ValueError`` naming them. The
    result lists the exposed entities (seeds excluded) from the most to the least exposed,
    ties by entity id.
    """
    started = time.perf_counter()
    rules = rules or ExposureRules()
    seeds = list(dict.fromkeys([seeds] if isinstance(seeds, str) else seeds))
    if not seeds:
        raise ValueError("no seeds: name at least one entity to purge")
    if view.n_nodes == 0:
        raise ValueError("the network is empty: import data first")
    seed_nodes = view.indices(seeds, "seed")
    n = view.n_nodes
    weights = rules.edge_weights(view)
    tail, head, weight, code = _arcs(view, weights, rules.direction)
    floor = rules.min_exposure
    m = view.n_edges
    if rules.max_hops is not None:
        score, hops, origin, arcs, parents, layer_of, improved_at = _best_paths_hops(
            n, seed_nodes, tail, head, weight, code, rules.max_hops, floor)
        method = f"hop-limited Bellman-Ford (max {rules.max_hops} hops)"

        def trace(nodes: np.ndarray) -> list[list[int]]:
            return _trace_hops(nodes, improved_at, parents, layer_of, arcs)
    else:
        score, predecessor, origin, arc_code = _best_paths_dijkstra(n, seed_nodes, tail, head, weight, code, floor)
        method = "Dijkstra on -log weights (no hop limit)"

        def trace(nodes: np.ndarray) -> list[list[int]]:
            return _trace_predecessors(nodes, predecessor, arc_code)

    reached = np.flatnonzero(score >= floor)
    is_seed = np.zeros(n, dtype=bool)
    is_seed[seed_nodes] = True
    reached = reached[~is_seed[reached]]
    paths = trace(reached)
    ids, captions, schemata = view.ids, view.captions, view.schemata
    used = sorted({code % m for path in paths for code in path}) if m else []
    used_arr = np.array(used, dtype=np.int64)
    details = dict(zip(used, zip(view.source[used_arr].tolist(), view.target[used_arr].tolist(),
                                 [view.relation_names[c] for c in view.relation_code[used_arr].tolist()],
                                 [str(x) for x in view.edge_ids[used_arr].tolist()],
                                 [str(x) for x in view.grade[used_arr].tolist()], weights[used_arr].tolist())))
    exposed = []
    for v, edges in zip(reached.tolist(), paths):
        path = []
        for edge_code in edges:
            source, target, relation, edge_id, grade, w = details[edge_code % m]
            backward = edge_code >= m
            node = source if backward else target
            path.append(PathStep(ids[node], captions[node], relation, edge_id, grade,
                                 "backward" if backward else "forward", w))
        value = math.prod(step.weight for step in path) if rules.max_hops is None else float(score[v])
        score[v] = value  # Dijkstra: the product along the path, without its epsilon per arc
        exposed.append(Exposure(ids[v], captions[v], schemata[v], value, len(path), ids[int(origin[v])], path))
    exposed.sort(key=lambda x: (-x.score, x.entity_id))
    kept = np.zeros(n)
    kept[reached] = score[reached]
    kept[seed_nodes] = 1.0
    return PurgeImpact(
        seeds=seeds,
        seed_captions=[view.captions[v] for v in seed_nodes.tolist()],
        rules=rules,
        exposed=exposed,
        by_schema=dict(sorted(Counter(x.schema for x in exposed).items())),
        method=method,
        seconds=time.perf_counter() - started,
        nodes=n,
        edges=m,
        scores=kept,
    )
