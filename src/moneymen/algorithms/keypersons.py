"""Key persons: the nodes a network cannot lose, and the brokers between its parts.

- **articulation points** — nodes whose removal splits their component — with how many nodes each
  cuts off from the rest; **bridges** — edges whose removal does the same (one compiled depth-first
  search, scipy's, for both; see :class:`moneymen.algorithms.cuts.CutStructure`);
- **betweenness** — the share of shortest paths through a node: exact (rustworkx, all cores; or
  networkx when edge weights are read as distances) or estimated from a seeded sample of sources
  (our own batched Brandes over sparse matrix products, for graphs too large for the exact count);
- **Burt's constraint** — how much a node's contacts are tied to each other (low: a broker
  spanning structural holes), ``c_i = Σ_j (p_ij + Σ_q p_iq p_qj)²`` with ``p_ij`` the share of
  ``i``'s tie strength that goes to ``j`` (Burt 1992);
- :func:`key_persons` — all of it in one report, with the clusters each broker touches.

All undirected, over the CSR adjacency of :mod:`moneymen.algorithms.csr`. :func:`key_persons` checks
the matrix once (:func:`~moneymen.algorithms.csr.as_adjacency`) and hands the checked matrix to
the private ``_`` functions, which do not check it again.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import rustworkx as rx
import scipy.sparse as sp

from moneymen.algorithms.cuts import CutStructure
from moneymen.algorithms.csr import as_adjacency, check_labels, plain_label

__all__ = [
    "Broker",
    "CutPoint",
    "KeyPersons",
    "articulation_points",
    "betweenness",
    "bridges",
    "constraint",
    "key_persons",
    "to_rustworkx",
]


def to_rustworkx(adjacency: Any) -> rx.PyGraph:
    """An undirected rustworkx graph with nodes ``0..n-1`` (payload: the node number) and the matrix's edges."""
    return _rustworkx(as_adjacency(adjacency))


def _rustworkx(adjacency: sp.csr_array) -> rx.PyGraph:
    upper = sp.triu(adjacency, k=1, format="coo")
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(adjacency.shape[0]))
    graph.add_edges_from_no_data(list(zip(upper.row.tolist(), upper.col.tolist())))
    return graph


def articulation_points(adjacency: Any) -> list[int]:
    """Nodes whose removal disconnects their component, in node order."""
    return CutStructure(as_adjacency(adjacency)).points.tolist()


def bridges(adjacency: Any) -> list[tuple[int, int]]:
    """Edges ``(u, v)``, ``u < v``, whose removal disconnects their component, in order."""
    return [(u, v) for u, v in CutStructure(as_adjacency(adjacency)).bridges.tolist()]


def betweenness(
    adjacency: Any,
    *,
    normalized: bool = True,
    weighted: bool = False,
    samples: int | None = None,
    seed: int | None = 0,
    batch: int = 32,
) -> np.ndarray:
    """Betweenness centrality of every node (undirected; endpoints not counted).

    Normalised as usual for undirected graphs: divided by ``(n − 1)(n − 2) / 2``, the pairs a
    node could lie between. ``weighted=True`` reads each edge weight as a *strength* and uses
    ``1 / weight`` as its length (networkx, exact; for small graphs). ``samples``: estimate from
    that many source nodes drawn with ``seed`` (Brandes & Pich 2007), scaled by ``n / samples``;
    exact when ``samples`` is None or ``≥ n``.
    """
    return _betweenness(as_adjacency(adjacency), normalized=normalized, weighted=weighted, samples=samples,
                        seed=seed, batch=batch)


def _betweenness(adjacency: sp.csr_array, *, normalized: bool = True, weighted: bool = False,
                 samples: int | None = None, seed: int | None = 0, batch: int = 32) -> np.ndarray:
    n = adjacency.shape[0]
    if samples is not None and (isinstance(samples, bool) or samples < 1):
        raise ValueError(f"samples must be ≥ 1, got {samples}")
    if weighted:
        if samples is not None and samples < n:
            raise ValueError("sampled betweenness is unweighted: drop weighted=True or samples")
        return _weighted_betweenness(adjacency, normalized)
    if samples is None or samples >= n:
        scores = rx.betweenness_centrality(_rustworkx(adjacency), normalized=False)
        values = np.array([scores[i] for i in range(n)], dtype=np.float64)
    else:
        rng = np.random.default_rng(seed)
        sources = np.sort(rng.choice(n, size=samples, replace=False))
        values = _sampled_dependencies(adjacency, sources, batch) * (n / samples) / 2.0
    if normalized and n > 2:
        values = values / ((n - 1) * (n - 2) / 2.0)
    return values


def _weighted_betweenness(adjacency: sp.csr_array, normalized: bool) -> np.ndarray:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(adjacency.shape[0]))
    upper = sp.triu(adjacency, k=1, format="coo")
    graph.add_weighted_edges_from(zip(upper.row.tolist(), upper.col.tolist(), (1.0 / upper.data).tolist()),
                                  weight="length")
    scores = nx.betweenness_centrality(graph, normalized=normalized, weight="length")
    return np.array([scores[i] for i in range(adjacency.shape[0])], dtype=np.float64)


def _sampled_dependencies(adjacency: sp.csr_array, sources: np.ndarray, batch: int) -> np.ndarray:
    """Σ over ``sources`` of Brandes' dependency δ_s(v), by breadth-first levels over sparse × dense products."""
    n = adjacency.shape[0]
    pattern = sp.csr_array((np.ones(adjacency.nnz), adjacency.indices, adjacency.indptr), shape=(n, n))
    total = np.zeros(n)
    for start in range(0, sources.size, max(1, batch)):
        block = sources[start:start + max(1, batch)]
        b = block.size
        columns = np.arange(b)
        sigma = np.zeros((n, b))
        sigma[block, columns] = 1.0
        depth = np.full((n, b), -1, dtype=np.int32)
        depth[block, columns] = 0
        frontier = np.zeros((n, b), dtype=bool)
        frontier[block, columns] = True
        levels = [frontier]
        while frontier.any():
            reached = pattern @ np.where(frontier, sigma, 0.0)
            new = (reached > 0) & (depth < 0)
            if not new.any():
                break
            sigma[new] = reached[new]
            depth[new] = len(levels)
            frontier = new
            levels.append(frontier)
        delta = np.zeros((n, b))
        for level in range(len(levels) - 1, 0, -1):
            below = levels[level]
            coefficient = np.where(below, (1.0 + delta) / np.where(below, sigma, 1.0), 0.0)
            above = levels[level - 1]
            delta += np.where(above, sigma * (pattern @ coefficient), 0.0)
        delta[block, columns] = 0.0  # a source is not between itself and others
        total += delta.sum(axis=1)
    return total


def constraint(adjacency: Any, nodes: Sequence[int] | None = None) -> np.ndarray:
    """Burt's constraint of every node, or of ``nodes`` only, in that order (edge weights as tie
    strengths; ``nan`` for isolated nodes).

    Only the rows asked for are computed: for a handful of brokers in a large graph this costs
    their neighbours' neighbourhoods, not a product of the whole matrix with itself.
    """
    return _constraint(as_adjacency(adjacency), nodes)


def _constraint(adjacency: sp.csr_array, nodes: Sequence[int] | None = None) -> np.ndarray:
    n = adjacency.shape[0]
    strength = np.asarray(adjacency.sum(axis=1)).ravel()
    with np.errstate(divide="ignore"):
        inverse = np.where(strength > 0, 1.0 / strength, 0.0)
    proportions = sp.csr_array(sp.dia_array((inverse, 0), shape=adjacency.shape) @ adjacency)
    rows = np.arange(n) if nodes is None else np.asarray(list(nodes), dtype=np.int64)
    mine = sp.csr_array(proportions[rows]) if nodes is not None else proportions
    indirect = sp.csr_array(mine @ proportions)
    picked = sp.csr_array(adjacency[rows]) if nodes is not None else adjacency
    pattern = sp.csr_array((np.ones(picked.nnz), picked.indices, picked.indptr), shape=picked.shape)
    through = sp.csr_array(indirect.multiply(pattern))
    total = mine + through
    values = np.asarray(total.multiply(total).sum(axis=1)).ravel()
    values[strength[rows] == 0] = np.nan
    return values


@dataclass
class CutPoint:
    """An articulation point: removing it leaves ``pieces`` (sizes, largest first) of its component of ``component_size``."""

    node: int
    label: Hashable
    component_size: int
    pieces: list[int]

    @property
    def cut_off(self) -> int:
        """Nodes that lose their connection to the largest remaining piece."""
        return self.component_size - 1 - (self.pieces[0] if self.pieces else 0)


@dataclass
class Broker:
    """A node ranked by betweenness, with its constraint and the clusters among its neighbours."""

    node: int
    label: Hashable
    betweenness: float
    constraint: float
    degree: int
    cluster: int | None
    clusters_touched: int


@dataclass
class KeyPersons:
    """Articulation points (most cut off first), bridges and the top brokers of one graph."""

    nodes: int
    edges: int
    components: list[int]
    articulation_points: list[CutPoint]
    bridges: list[tuple[Hashable, Hashable]]
    brokers: list[Broker]
    betweenness_method: str
    seed: int | None
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for row, point in zip(data["articulation_points"], self.articulation_points):
            row["label"] = plain_label(point.label)
            row["cut_off"] = point.cut_off
        for row in data["brokers"]:
            row["label"] = plain_label(row["label"])
            row["constraint"] = None if np.isnan(row["constraint"]) else row["constraint"]
        data["bridges"] = [[plain_label(u), plain_label(v)] for u, v in self.bridges]
        return data


def key_persons(
    adjacency: Any,
    *,
    labels: Sequence[Hashable] | None = None,
    clusters: Sequence[int] | None = None,
    top: int = 20,
    samples: int | None = None,
    seed: int | None = 0,
) -> KeyPersons:
    """One report: articulation points with what they cut off, bridges, and the ``top`` brokers.

    ``clusters`` gives each node a cluster number (a community, a country, a company group); a
    broker's ``clusters_touched`` counts the distinct clusters among its neighbours and itself.
    Without clusters it is left at 0. ``samples``/``seed`` as in :func:`betweenness`.
    """
    adjacency = as_adjacency(adjacency)
    n = adjacency.shape[0]
    names = check_labels(labels, n)
    if clusters is not None:
        clusters = list(clusters)
        if len(clusters) != n:
            raise ValueError(f"clusters: expected {n} (one per node), got {len(clusters)}")
    if top < 0:
        raise ValueError(f"top must be ≥ 0, got {top}")
    cuts = CutStructure(adjacency)
    component, sizes = cuts.component, cuts.sizes
    cut_points = [CutPoint(v, names[v], int(sizes[component[v]]), sorted(pieces, reverse=True))
                  for v, pieces in zip(cuts.points.tolist(), cuts.pieces)]
    cut_points.sort(key=lambda p: (-p.cut_off, p.node))
    scores = _betweenness(adjacency, samples=samples, seed=seed)
    degree = np.diff(adjacency.indptr)
    order = np.argsort(-np.round(scores, 12), kind="stable")[:top]
    burt = dict(zip(order.tolist(), _constraint(adjacency, order.tolist()).tolist())) if order.size else {}
    brokers = []
    for v in order.tolist():
        if clusters is not None:
            touched = {clusters[w] for w in adjacency.indices[adjacency.indptr[v]:adjacency.indptr[v + 1]].tolist()}
            touched.add(clusters[v])
            cluster, count = int(clusters[v]), len(touched)
        else:
            cluster, count = None, 0
        brokers.append(Broker(v, names[v], float(scores[v]), float(burt[v]), int(degree[v]), cluster, count))
    return KeyPersons(
        nodes=n,
        edges=adjacency.nnz // 2,
        components=sorted(sizes.tolist(), reverse=True),
        articulation_points=cut_points,
        bridges=[(names[u], names[v]) for u, v in cuts.bridges.tolist()],
        brokers=brokers,
        betweenness_method="exact" if samples is None or samples >= n else f"sampled ({samples} sources)",
        seed=seed if samples is not None and samples < n else None,
        parameters={"top": top, "samples": samples},
    )
