"""Key players (Borgatti 2006, "Identifying sets of key players in a social network", CMOT 12(1)).

Two questions, two families of measures, written here from the paper's definitions:

- **KPP-Neg**: which k nodes, removed, break the network most? *Fragmentation*
  ``F = 1 − Σ_k s_k(s_k − 1) / (n(n − 1))`` over the component sizes ``s_k`` of what is left, and
  *distance-weighted fragmentation* ``DF = 1 − Σ_{i≠j} (1/d_ij) / (n(n − 1))`` (``1/∞ = 0``), where
  ``n`` is the number of nodes **left** after the removal (Borgatti's convention; it reproduces his
  figure 8 values). With fewer than two nodes left both are 1.
- **KPP-Pos**: which k nodes reach most of the rest? *m-reach*: the nodes outside the set within
  ``m`` steps of it; *distance-weighted reach* ``DR = Σ_j (1/d_Kj) / n`` with ``d_Kj`` the distance
  from the set to ``j`` and ``n`` all nodes of the graph. Members of the set: by default they are
  **not counted** (the sum runs over nodes outside the set); ``count_members=True`` counts each
  member as reached at distance 1, as some software does. On Borgatti's figure 8 the set
  {HS, HA, GM} has DR 0.50417 without and 0.59792 with members.

:func:`key_player_set` searches for the best set: every set when there are few enough
(``exhaustive_limit``), else a greedy start followed by swaps (Borgatti's own search), restarted
from seeded random sets.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from moneymen.algorithms.csr import (
    as_adjacency,
    check_budget,
    check_labels,
    check_nodes,
    component_labels,
    removal_mask,
    plain_label,
)

__all__ = [
    "KeyPlayerSet",
    "Measure",
    "distance_fragmentation",
    "distance_reach",
    "fragmentation",
    "key_player_set",
    "m_reach",
]

Measure = Literal["fragmentation", "distance_fragmentation", "m_reach", "distance_reach"]
MEASURES: dict[str, str] = {
    "fragmentation": "neg",
    "distance_fragmentation": "neg",
    "m_reach": "pos",
    "distance_reach": "pos",
}
#: Values closer than this are treated as ties (broken by the lower node numbers).
TOLERANCE = 1e-12


# -- measures ---------------------------------------------------------------------------


def fragmentation(adjacency: Any, removed: Iterable[int] = ()) -> float:
    """Borgatti's F of the graph left after deleting ``removed`` (0: one component … 1: all isolated)."""
    adjacency = as_adjacency(adjacency)
    keep = removal_mask(adjacency.shape[0], check_nodes(removed, adjacency.shape[0]))
    return _fragmentation(adjacency, keep)


def distance_fragmentation(adjacency: Any, removed: Iterable[int] = ()) -> float:
    """Borgatti's distance-weighted fragmentation DF of the graph left after deleting ``removed``.

    Needs all shortest-path lengths of what is left: ``O(n·(n + m))`` time, ``O(n²)`` memory.
    """
    adjacency = as_adjacency(adjacency)
    keep = removal_mask(adjacency.shape[0], check_nodes(removed, adjacency.shape[0]))
    return _distance_fragmentation(adjacency, keep)


def m_reach(adjacency: Any, nodes: Iterable[int], m: int = 2) -> int:
    """Nodes outside ``nodes`` that are within ``m`` steps of at least one of them."""
    adjacency = as_adjacency(adjacency)
    members = check_nodes(nodes, adjacency.shape[0])
    return _m_reach(adjacency, members, _check_m(m))


def distance_reach(adjacency: Any, nodes: Iterable[int], *, count_members: bool = False) -> float:
    """Borgatti's DR: Σ_j 1/d(set, j) / n over the nodes outside the set (see the module on ``count_members``)."""
    adjacency = as_adjacency(adjacency)
    members = check_nodes(nodes, adjacency.shape[0])
    return _distance_reach(adjacency, members, count_members)


def _check_m(m: int) -> int:
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"m must be a whole number ≥ 1, got {m!r}")
    return int(m)


def _fragmentation(adjacency: sp.csr_array, keep: np.ndarray) -> float:
    n = int(keep.sum())
    if n < 2:
        return 1.0
    labels = component_labels(adjacency, keep)
    sizes = np.bincount(labels[labels >= 0]).astype(np.float64)
    return 1.0 - float((sizes * (sizes - 1)).sum()) / (n * (n - 1))


def _distance_fragmentation(adjacency: sp.csr_array, keep: np.ndarray) -> float:
    n = int(keep.sum())
    if n < 2:
        return 1.0
    kept = np.flatnonzero(keep)
    sub = adjacency[kept][:, kept] if kept.size < adjacency.shape[0] else adjacency
    distances = csgraph.shortest_path(sub, method="D", directed=False, unweighted=True)
    with np.errstate(divide="ignore"):
        inverse = 1.0 / distances
    np.fill_diagonal(inverse, 0.0)
    return 1.0 - float(inverse.sum()) / (n * (n - 1))


def _set_distances(adjacency: sp.csr_array, members: list[int], limit: float = np.inf) -> np.ndarray:
    """Distance from the set to every node (0 for members, ``inf`` beyond ``limit`` or unreachable)."""
    if not members:
        return np.full(adjacency.shape[0], np.inf)
    return csgraph.dijkstra(adjacency, directed=False, indices=members, unweighted=True, min_only=True, limit=limit)


def _m_reach(adjacency: sp.csr_array, members: list[int], m: int) -> int:
    distances = _set_distances(adjacency, members, limit=m)
    return int(np.count_nonzero((distances > 0) & (distances <= m)))


def _distance_reach(adjacency: sp.csr_array, members: list[int], count_members: bool) -> float:
    n = adjacency.shape[0]
    distances = _set_distances(adjacency, members)
    outside = distances > 0
    total = float((1.0 / distances[outside]).sum())
    if count_members:
        total += len(members)
    return total / n


# -- search -----------------------------------------------------------------------------


@dataclass
class KeyPlayerSet:
    """The best set found for one measure, and how it was found.

    ``value`` is the measure of the set (F or DF of the graph without it; m-reach or DR of it).
    ``optimal`` is true only when every set of size ``k`` was evaluated.
    """

    measure: str
    k: int
    nodes: list[int]
    labels: list[Hashable]
    value: float
    method: str
    optimal: bool
    evaluations: int
    seconds: float
    seed: int | None
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = [plain_label(label) for label in self.labels]
        return data


def key_player_set(
    adjacency: Any,
    k: int,
    measure: Measure = "fragmentation",
    *,
    m: int = 2,
    count_members: bool = False,
    candidates: Iterable[int] | None = None,
    labels: Sequence[Hashable] | None = None,
    method: Literal["auto", "exhaustive", "greedy"] = "auto",
    exhaustive_limit: int = 50_000,
    restarts: int = 5,
    seed: int | None = 0,
) -> KeyPlayerSet:
    """The set of ``k`` nodes that scores best on ``measure`` (KPP-Neg: F, DF; KPP-Pos: m-reach, DR).

    ``method="auto"`` evaluates every set when there are at most ``exhaustive_limit`` of them
    (an exact answer), else runs ``greedy``: nodes are added one by one, each the best addition,
    then pairs (member out, non-member in) are swapped while a swap improves the value; the same
    swap search then restarts from ``restarts`` random sets drawn with ``seed``, and the best set
    wins. Ties go to the set whose sorted node numbers come first. ``candidates`` limits the
    nodes that may be chosen (all by default).
    """
    adjacency = as_adjacency(adjacency)
    n = adjacency.shape[0]
    k = check_budget(k)
    names = check_labels(labels, n)
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}: expected one of {', '.join(MEASURES)}")
    if method not in ("auto", "exhaustive", "greedy"):
        raise ValueError(f"unknown method {method!r}: expected auto, exhaustive or greedy")
    m = _check_m(m)
    pool = check_nodes(range(n) if candidates is None else candidates, n, "candidate")
    pool.sort()
    if k > len(pool):
        raise ValueError(f"k = {k} but only {len(pool)} nodes can be chosen")
    objective = _objective(adjacency, measure, m, count_members)
    started = time.perf_counter()
    count = [0]

    def score(nodes: Sequence[int]) -> float:
        count[0] += 1
        return objective(nodes)

    exhaustive = method == "exhaustive" or (method == "auto" and math.comb(len(pool), k) <= exhaustive_limit)
    if exhaustive:
        best, value = _exhaustive(pool, k, score)
    else:
        best, value = _greedy_swap(pool, k, score, restarts, seed)
    return KeyPlayerSet(
        measure=measure,
        k=k,
        nodes=best,
        labels=[names[i] for i in best],
        value=float(value),
        method="exhaustive" if exhaustive else "greedy+swap",
        optimal=exhaustive,
        evaluations=count[0],
        seconds=time.perf_counter() - started,
        seed=None if exhaustive else seed,
        parameters={"m": m, "count_members": count_members, "restarts": 0 if exhaustive else restarts},
    )


def _objective(adjacency: sp.csr_array, measure: str, m: int, count_members: bool) -> Callable[[Sequence[int]], float]:
    n = adjacency.shape[0]
    if measure == "fragmentation":
        return lambda nodes: _fragmentation(adjacency, removal_mask(n, nodes))
    if measure == "distance_fragmentation":
        return lambda nodes: _distance_fragmentation(adjacency, removal_mask(n, nodes))
    if measure == "m_reach":
        return lambda nodes: float(_m_reach(adjacency, list(nodes), m))
    return lambda nodes: _distance_reach(adjacency, list(nodes), count_members)


def _better(value: float, nodes: list[int], best_value: float, best_nodes: list[int] | None) -> bool:
    if best_nodes is None or value > best_value + TOLERANCE:
        return True
    return value >= best_value - TOLERANCE and sorted(nodes) < sorted(best_nodes)


def _exhaustive(pool: list[int], k: int, score: Callable[[Sequence[int]], float]) -> tuple[list[int], float]:
    best: list[int] | None = None
    best_value = -np.inf
    for combination in itertools.combinations(pool, k):
        value = score(combination)
        if value > best_value + TOLERANCE:  # combinations come in sorted order: the first of a tie stays
            best, best_value = list(combination), value
    return best or [], best_value


def _greedy_swap(
    pool: list[int], k: int, score: Callable[[Sequence[int]], float], restarts: int, seed: int | None,
) -> tuple[list[int], float]:
    chosen: list[int] = []
    for _ in range(k):
        best_node, best_value = -1, -np.inf
        for node in pool:
            if node in chosen:
                continue
            value = score([*chosen, node])
            if value > best_value + TOLERANCE:
                best_node, best_value = node, value
        chosen.append(best_node)
    best, best_value = _swap(chosen, pool, score)
    rng = np.random.default_rng(seed)
    for _ in range(max(0, restarts)):
        start = sorted(int(x) for x in rng.choice(pool, size=k, replace=False))
        nodes, value = _swap(start, pool, score)
        if _better(value, nodes, best_value, best):
            best, best_value = nodes, value
    return sorted(best), best_value


def _swap(start: list[int], pool: list[int], score: Callable[[Sequence[int]], float]) -> tuple[list[int], float]:
    """Steepest-ascent swaps (one member out, one outsider in) until none improves the value."""
    current = list(start)
    value = score(current) if current else score([])
    while current:
        best_move: tuple[int, int] | None = None
        best_value = value
        members = set(current)
        for position in range(len(current)):
            for node in pool:
                if node in members:
                    continue
                trial = current.copy()
                trial[position] = node
                trial_value = score(trial)
                if trial_value > best_value + TOLERANCE:
                    best_move, best_value = (position, node), trial_value
        if best_move is None:
            break
        current[best_move[0]] = best_move[1]
        value = best_value
    return sorted(current), value
