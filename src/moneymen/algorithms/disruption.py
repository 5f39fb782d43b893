"""Disruption curves: remove nodes in a strategy's order and watch the network fall apart.

The experiment of the criminal-network literature (e.g. Cavallaro et al. 2020, "Disrupting resilient
criminal networks through data analysis: the case of Sicilian Mafia", PLOS ONE 15(8)): rank the
nodes, remove the top ones, record the size of the largest connected component (LCC), repeat.

Strategies (scores on the graph that is left; the highest score goes first):

``degree``
    neighbours, or the summed edge weights (strength) when ``weighted``.
``betweenness``
    shortest-path betweenness (edge weight ``w`` read as length ``1/w`` when ``weighted``).
``katz``
    Katz centrality ``x = (I − αA)⁻¹ 1`` with ``α = 0.85 / λ_max(A)`` (weighted ``A`` when ``weighted``).
``collective-influence``
    Morone & Makse (2015): ``CI_ℓ(i) = (k_i − 1) Σ_{j at distance ℓ} (k_j − 1)``, ``ℓ = ci_radius`` (default 2).
``kpp``
    key-player removal (Borgatti's fragmentation, i.e. fewest connected pairs): sequentially, the
    node whose removal disconnects the most pairs; in a block, the critical-node set of the whole
    size (:func:`moneymen.algorithms.critical_nodes.critical_nodes`, seeded), removed in greedy order.
``flow``
    the flow through each node in a maximum ``source → sink`` flow over ``capacity``.

``mode="sequential"`` recomputes the scores after every step; ``"block"`` ranks once on the intact
graph. Each step removes ``per_step`` nodes. Ties go to the lower node number, so a caller that
numbers nodes in the order they first appear in a file breaks ties by that order. Directed input
is read as undirected for components and rankings; flows keep directions.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.linalg import cg, eigsh

from moneymen.algorithms.cuts import pair_count, removal_pieces
from moneymen.algorithms.csr import (
    as_adjacency,
    as_capacity,
    check_budget,
    check_labels,
    component_labels,
    plain_label,
)
from moneymen.algorithms.keypersons import betweenness
from moneymen.algorithms.critical_nodes import critical_nodes
from moneymen.algorithms.interdiction import FlowNetwork, node_throughput

__all__ = ["STRATEGIES", "DisruptionCurve", "DisruptionStep", "disruption_curve", "strategy_scores"]

Strategy = Literal["degree", "betweenness", "katz", "collective-influence", "kpp", "flow"]
STRATEGIES: tuple[str, ...] = ("degree", "betweenness", "katz", "collective-influence", "kpp", "flow")


@dataclass
class DisruptionStep:
    """The state after ``step`` steps: the nodes this step removed, and what is left."""

    step: int
    removed: list[Hashable]
    lcc_size: int
    lcc_fraction: float
    pairwise_connectivity: int
    flow: float | None = None
    efficiency: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["removed"] = [plain_label(label) for label in self.removed]
        return {key: value for key, value in data.items() if value is not None or key in ("step", "removed")}


@dataclass
class DisruptionCurve:
    """One strategy's curve: step 0 (nothing removed) then one row per step."""

    strategy: str
    mode: str
    per_step: int
    weighted: bool
    nodes: int
    initial_lcc: int
    steps: list[DisruptionStep]
    seconds: float
    seed: int | None
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["steps"] = [step.to_dict() for step in self.steps]
        return data

    def lcc_fractions(self) -> list[float]:
        return [step.lcc_fraction for step in self.steps]


def strategy_scores(
    adjacency: sp.csr_array,
    strategy: str,
    *,
    weighted: bool = False,
    ci_radius: int = 2,
    samples: int | None = None,
    seed: int | None = 0,
) -> np.ndarray:
    """The ranking scores of ``strategy`` (degree, betweenness, katz, collective-influence) on a validated adjacency."""
    n = adjacency.shape[0]
    if strategy == "degree":
        return np.asarray(adjacency.sum(axis=1)).ravel() if weighted else np.diff(adjacency.indptr).astype(float)
    if strategy == "betweenness":
        if n < 3:
            return np.zeros(n)
        return betweenness(adjacency, weighted=weighted, samples=samples, seed=seed, normalized=False)
    if strategy == "katz":
        return _katz(adjacency if weighted else _pattern(adjacency))
    if strategy == "collective-influence":
        return _collective_influence(_pattern(adjacency), ci_radius)
    raise ValueError(f"unknown strategy {strategy!r}: expected one of {', '.join(STRATEGIES)}")


def _pattern(adjacency: sp.csr_array) -> sp.csr_array:
    return sp.csr_array((np.ones(adjacency.nnz), adjacency.indices, adjacency.indptr), shape=adjacency.shape)


def _katz(matrix: sp.csr_array) -> np.ndarray:
    n = matrix.shape[0]
    if matrix.nnz == 0:
        return np.ones(n)
    if n <= 64:
        largest = float(np.linalg.eigvalsh(matrix.toarray()).max())
    else:
        largest = float(eigsh(matrix, k=1, which="LA", return_eigenvectors=False, tol=1e-8)[0])
    alpha = 0.85 / largest
    system = sp.identity(n, format="csr") - alpha * matrix
    if n <= 2000:
        return np.linalg.solve(system.toarray(), np.ones(n))
    solution, info = cg(system, np.ones(n), rtol=1e-10, maxiter=10_000)
    return solution


def _collective_influence(pattern: sp.csr_array, radius: int) -> np.ndarray:
    if radius < 1:
        raise ValueError(f"ci_radius must be ≥ 1, got {radius}")
    n = pattern.shape[0]
    excess = np.diff(pattern.indptr).astype(float) - 1.0
    excess[excess < 0] = 0.0
    reach = sp.identity(n, format="csr")  # 1 where j is within distance d of i
    sphere = reach
    for _ in range(radius):
        grown = sp.csr_array(reach @ pattern + reach)
        grown.data[:] = 1.0
        sphere = sp.csr_array(grown - reach)
        sphere.eliminate_zeros()
        reach = grown
    return excess * (sphere @ excess)


def _rank(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Node numbers by descending score, ties to the lower number; only where ``allowed``."""
    scale = np.abs(scores[allowed]).max() if allowed.any() else 0.0
    rounded = np.round(scores / scale, 9) if scale > 0 else scores
    order = np.argsort(-rounded, kind="stable")
    return order[allowed[order]]


def disruption_curve(
    adjacency: Any,
    strategy: Strategy,
    steps: int,
    *,
    mode: Literal["sequential", "block"] = "sequential",
    per_step: int = 1,
    weighted: bool = False,
    labels: Sequence[Hashable] | None = None,
    capacity: Any = None,
    source: int | Iterable[int] | None = None,
    sink: int | Iterable[int] | None = None,
    scale: float = 1.0,
    efficiency: bool = False,
    ci_radius: int = 2,
    samples: int | None = None,
    seed: int | None = 0,
) -> DisruptionCurve:
    """Remove ``per_step`` nodes per step for ``steps`` steps in ``strategy``'s order; record each step.

    Each row has the labels removed in that step, the LCC size and its share of the initial
    LCC, the pairwise connectivity, the maximum flow when ``capacity``/``source``/``sink`` are
    given (required for ``strategy="flow"``), and the global efficiency (mean of ``1/d`` over
    ordered pairs; all-pairs distances, so small graphs) when ``efficiency``. Sources and sinks
    are never removed. The curve stops early when nothing removable is left.
    """
    started = time.perf_counter()
    adjacency = as_adjacency(adjacency)
    n = adjacency.shape[0]
    steps = check_budget(steps, "steps")
    per_step = check_budget(per_step, "per_step")
    if per_step == 0:
        raise ValueError("per_step must be ≥ 1")
    names = check_labels(labels, n)
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: expected one of {', '.join(STRATEGIES)}")
    if mode not in ("sequential", "block"):
        raise ValueError(f"unknown mode {mode!r}: expected sequential or block")
    network = None
    protected = np.zeros(n, dtype=bool)
    if capacity is not None or source is not None or sink is not None:
        if capacity is None or source is None or sink is None:
            raise ValueError("a flow needs capacity, source and sink together")
        capacity = as_capacity(capacity)
        if capacity.shape != adjacency.shape:
            raise ValueError(f"capacity has shape {capacity.shape}, adjacency {adjacency.shape}: they must describe the same nodes")
        network = FlowNetwork(capacity, source, sink, scale)
        protected[network.sources] = True
        protected[network.sinks] = True
    elif strategy == "flow":
        raise ValueError("strategy 'flow' needs capacity, source and sink")

    alive = np.ones(n, dtype=bool)
    initial_lcc = _lcc(adjacency, alive)[0]
    rows = [_row(0, [], adjacency, alive, initial_lcc, network, efficiency, names)]
    block_order: list[int] = []
    if mode == "block":
        block_order = _block_order(adjacency, strategy, steps * per_step, weighted, protected, network, ci_radius,
                                   samples, seed)
    for step in range(1, steps + 1):
        removable = alive & ~protected
        if not removable.any():
            break
        if mode == "block":
            chosen = [v for v in block_order if alive[v]][:per_step]
        else:
            chosen = _sequential_choice(adjacency, alive, removable, strategy, per_step, weighted, network,
                                        ci_radius, samples, seed)
        if not chosen:
            break
        alive[chosen] = False
        rows.append(_row(step, chosen, adjacency, alive, initial_lcc, network, efficiency, names))
    return DisruptionCurve(
        strategy=strategy,
        mode=mode,
        per_step=per_step,
        weighted=weighted,
        nodes=n,
        initial_lcc=initial_lcc,
        steps=rows,
        seconds=time.perf_counter() - started,
        seed=seed if strategy == "kpp" and mode == "block" or samples is not None else None,
        parameters={"ci_radius": ci_radius, "samples": samples, "scale": scale if network else None},
    )


def _lcc(adjacency: sp.csr_array, alive: np.ndarray) -> tuple[int, int]:
    labels = component_labels(adjacency, alive)
    labels = labels[labels >= 0]
    if labels.size == 0:
        return 0, 0
    sizes = np.bincount(labels).astype(np.int64)
    return int(sizes.max()), int((sizes * (sizes - 1) // 2).sum())


def _row(step: int, chosen: list[int], adjacency: sp.csr_array, alive: np.ndarray, initial_lcc: int,
         network: Any, efficiency: bool, names: list[Hashable]) -> DisruptionStep:
    size, pairs = _lcc(adjacency, alive)
    flow = network.value(np.flatnonzero(~alive).tolist()) / network.scale if network is not None else None
    return DisruptionStep(
        step=step,
        removed=[names[v] for v in chosen],
        lcc_size=size,
        lcc_fraction=size / initial_lcc if initial_lcc else 0.0,
        pairwise_connectivity=pairs,
        flow=flow,
        efficiency=_efficiency(adjacency, alive) if efficiency else None,
    )


def _efficiency(adjacency: sp.csr_array, alive: np.ndarray) -> float:
    n = adjacency.shape[0]
    kept = np.flatnonzero(alive)
    if kept.size < 2 or n < 2:
        return 0.0
    distances = csgraph.shortest_path(adjacency[kept][:, kept], directed=False, unweighted=True)
    with np.errstate(divide="ignore"):
        inverse = 1.0 / distances
    np.fill_diagonal(inverse, 0.0)
    return float(inverse.sum()) / (n * (n - 1))


def _scores_on(adjacency: sp.csr_array, alive: np.ndarray, strategy: str, weighted: bool, network: Any,
               ci_radius: int, samples: int | None, seed: int | None) -> np.ndarray:
    """Scores of every node on the graph that is left (``-inf`` for removed nodes)."""
    n = adjacency.shape[0]
    scores = np.full(n, -np.inf)
    kept = np.flatnonzero(alive)
    if strategy == "flow":
        _, flow = network.flow(np.flatnonzero(~alive).tolist())
        scores[kept] = node_throughput(flow, network.size)[:n][kept]
        return scores
    sub = adjacency[kept][:, kept] if kept.size < n else adjacency
    scores[kept] = strategy_scores(sp.csr_array(sub), strategy, weighted=weighted, ci_radius=ci_radius,
                                   samples=samples if samples is None or samples < kept.size else None, seed=seed)
    return scores


def _kpp_gains(adjacency: sp.csr_array, alive: np.ndarray) -> np.ndarray:
    labels = component_labels(adjacency, alive)
    sizes = np.bincount(labels[labels >= 0]) if (labels >= 0).any() else np.zeros(0, dtype=np.int64)
    pieces = removal_pieces(adjacency.indptr.tolist(), adjacency.indices.tolist(), alive.tolist())
    gains = np.full(adjacency.shape[0], -np.inf)
    for v, parts in pieces.items():
        s = int(sizes[labels[v]])
        gains[v] = s * (s - 1) // 2 - pair_count(parts)
    return gains


def _sequential_choice(adjacency: sp.csr_array, alive: np.ndarray, removable: np.ndarray, strategy: str, per_step: int,
                       weighted: bool, network: Any, ci_radius: int, samples: int | None, seed: int | None) -> list[int]:
    if strategy == "kpp":
        chosen: list[int] = []
        trial = alive.copy()
        for _ in range(per_step):
            allowed = trial & removable
            if not allowed.any():
                break
            v = int(_rank(_kpp_gains(adjacency, trial), allowed)[0])
            chosen.append(v)
            trial[v] = False
        return chosen
    scores = _scores_on(adjacency, alive, strategy, weighted, network, ci_radius, samples, seed)
    return _rank(scores, removable)[:per_step].tolist()


def _block_order(adjacency: sp.csr_array, strategy: str, total: int, weighted: bool, protected: np.ndarray,
                 network: Any, ci_radius: int, samples: int | None, seed: int | None) -> list[int]:
    n = adjacency.shape[0]
    removable = ~protected
    if strategy != "kpp":
        scores = _scores_on(adjacency, np.ones(n, dtype=bool), strategy, weighted, network, ci_radius, samples, seed)
        return _rank(scores, removable)[:total].tolist()
    total = min(total, int(removable.sum()))
    chosen = critical_nodes(adjacency, total, candidates=np.flatnonzero(removable).tolist(), seed=seed).nodes
    # removed in greedy order within the set: each time the member that disconnects most pairs
    order: list[int] = []
    alive = np.ones(n, dtype=bool)
    members = np.zeros(n, dtype=bool)
    members[chosen] = True
    while members.any():
        v = int(_rank(_kpp_gains(adjacency, alive), members & alive)[0]) if (members & alive).any() else -1
        if v < 0:
            break
        order.append(v)
        alive[v] = False
        members[v] = False
    return order
