"""Threshold cascades over a network, and the random graphs they are studied on.

- :func:`threshold_cascade` — the deterministic threshold model (Granovetter 1978; Watts 2002):
  nodes become active once the share (or number) of their active peers reaches their threshold;
- :class:`Spread` — the peer signal per run and node as nodes act, which the cascade and the
  agents' decision model (:mod:`moneymen.analysis.decisions`) share, with :func:`reaches_threshold`,
  the threshold test;
- :func:`poisson_random_graph` — Erdős–Rényi graphs with Poisson degrees (Watts 2002).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

__all__ = ["CascadeResult", "Spread", "peer_matrix", "poisson_random_graph", "threshold_cascade", "reaches_threshold"]

#: Signals within this of a threshold count as reaching it (sums of shares are inexact in floating point).
THRESHOLD_TOLERANCE = 1e-9


def peer_matrix(peers: Any, n: int) -> sparse.csr_matrix | None:
    """``peers`` (who sees whom, weighted) checked as an ``n × n`` matrix of finite weights ≥ 0,
    without self-loops, as CSR; None stays None (complete mixing)."""
    if peers is None:
        return None
    try:
        matrix = sparse.csr_matrix(peers, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"Agents.peers must be an n × n matrix (scipy sparse or array), got {type(peers).__name__}: "
                         f"{error}") from None
    if matrix.shape != (n, n):
        raise ValueError(f"Agents.peers has shape {matrix.shape}, expected ({n}, {n}) for {n} agents")
    data = matrix.data
    if (~np.isfinite(data)).any() or (data < 0).any():
        bad = int(np.flatnonzero(~np.isfinite(data) | (data < 0))[0])
        row = int(np.searchsorted(matrix.indptr, bad, side="right") - 1)
        raise ValueError(f"Agents.peers[{row}, {int(matrix.indices[bad])}] must be a finite weight >= 0, got {data[bad]!r}")
    matrix = matrix.copy()
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


@dataclass(frozen=True, eq=False)
class CascadeResult:
    """Who ends active, and when: ``activated_round`` is 0 for seeds, ``-1`` for never."""

    active: np.ndarray
    activated_round: np.ndarray
    sizes: tuple[int, ...]      # active count after each round, round 0 (seeds and nothing else) first

    @property
    def size(self) -> int:
        return int(self.active.sum())

    @property
    def rounds(self) -> int:
        return len(self.sizes) - 1

    def to_dict(self) -> dict[str, Any]:
        return {"size": self.size, "n": int(self.active.size), "rounds": self.rounds, "sizes": list(self.sizes),
                "active": np.flatnonzero(self.active).tolist(), "activated_round": self.activated_round.tolist()}


def threshold_cascade(thresholds: Any, *, adjacency: Any = None, seeds: Sequence[int] | np.ndarray = (),
                      fractional: bool = True, max_rounds: int | None = None) -> CascadeResult:
    """The deterministic threshold model (Granovetter 1978; Watts 2002), synchronous rounds.

    Round 0: the ``seeds`` are active. In each round every inactive node ``i`` whose signal from
    the previous round is at least its threshold becomes active, until nothing changes. The
    signal is the share of ``i``'s peers that are active when ``fractional`` (weights
    row-normalised; Watts), or their number (summed weights; Granovetter's counts of people)
    otherwise. ``adjacency[i, j] > 0``: *i sees j* (symmetric for an undirected graph);
    ``None`` means complete mixing, every other node with weight 1. A node without peers has
    signal 0, so it activates only with threshold 0.
    """
    theta = np.asarray(thresholds, dtype=float)
    if theta.ndim != 1 or theta.size == 0:
        raise ValueError(f"thresholds must be a non-empty 1-D array, got shape {theta.shape}")
    if np.isnan(theta).any() or (theta < 0).any():
        index = int(np.flatnonzero(np.isnan(theta) | (theta < 0))[0])
        raise ValueError(f"thresholds[{index}] must be >= 0, got {theta[index]!r}")
    n = theta.size
    seeds = np.asarray(seeds, dtype=np.int64).ravel()
    if seeds.size and (seeds.min() < 0 or seeds.max() >= n):
        raise ValueError(f"seeds must be node indices in [0, {n}), got {seeds.tolist()[:10]}")
    peers = peer_matrix(adjacency, n) if adjacency is not None else None
    spread = Spread(peers, n, runs=1, fractional=fractional)
    active = np.zeros(n, dtype=bool)
    activated = np.full(n, -1, dtype=np.int64)
    active[seeds] = True
    activated[seeds] = 0
    spread.add(np.zeros(seeds.size, dtype=np.int64), seeds)
    sizes = [int(active.sum())]
    limit = n + 1 if max_rounds is None else max_rounds
    candidates = np.flatnonzero(~active)
    for round_ in range(1, limit + 1):
        signal = spread.values(np.zeros(candidates.size, dtype=np.int64), candidates)
        tipped = reaches_threshold(signal, theta[candidates])
        new = candidates[tipped]
        if new.size == 0:
            break
        active[new] = True
        activated[new] = round_
        spread.add(np.zeros(new.size, dtype=np.int64), new)
        candidates = candidates[~tipped]
        sizes.append(int(active.sum()))
    return CascadeResult(active=active, activated_round=activated, sizes=tuple(sizes))


def reaches_threshold(signal: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """The threshold test, shared by the cascade and the decision model."""
    return signal >= thresholds - THRESHOLD_TOLERANCE


class Spread:
    """A peer signal per run and agent, updated as agents act (the share or count of peers seen acting)."""

    def __init__(self, peers: sparse.csr_matrix | None, n: int, runs: int, fractional: bool = True):
        self.n, self.runs = n, runs
        if peers is None:
            self.counts = np.zeros(runs, dtype=float)       # complete mixing: one count per run
            self.scale = (1.0 / (n - 1) if n > 1 else 0.0) if fractional else 1.0
            self.observers = None
        else:
            weights = peers
            if fractional:
                totals = np.asarray(weights.sum(axis=1)).ravel()
                inverse = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
                weights = sparse.diags(inverse) @ weights
            # row j of the transpose: who sees j, and with what weight
            self.observers = sparse.csr_matrix(weights.T)
            self.observers.sort_indices()
            self.signal = np.zeros(runs * n, dtype=float)

    def add(self, runs: np.ndarray, agents: np.ndarray) -> None:
        """Agents ``agents[k]`` acted in runs ``runs[k]``: their observers' signals grow."""
        if agents.size == 0:
            return
        if self.observers is None:
            self.counts += np.bincount(runs, minlength=self.runs)
            return
        indptr, indices, data = self.observers.indptr, self.observers.indices, self.observers.data
        starts, ends = indptr[agents], indptr[agents + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        targets = np.repeat(runs * self.n, lengths) + indices[offsets]
        np.add.at(self.signal, targets, data[offsets])

    def values(self, runs: np.ndarray, agents: np.ndarray) -> np.ndarray:
        if self.observers is None:
            return self.counts[runs] * self.scale
        return self.signal[runs * self.n + agents]

    def flat(self, cells: np.ndarray, runs: np.ndarray) -> np.ndarray:
        """Values for flat cell indices ``run * n + agent`` (``runs`` = ``cells // n``)."""
        if self.observers is None:
            return self.counts[runs] * self.scale
        return self.signal[cells]


def poisson_random_graph(n: int, mean_degree: float, seed: int | np.random.SeedSequence) -> sparse.csr_matrix:
    """An Erdős–Rényi G(n, p) graph with p = mean_degree / (n − 1), as a symmetric 0/1 CSR matrix.

    Degrees are Poisson(mean_degree) for large n: the random graphs of Watts (2002). The number of
    edges is drawn Binomial(n(n−1)/2, p), then that many distinct pairs uniformly at random.
    """
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n!r}")
    if not 0 <= mean_degree <= n - 1:
        raise ValueError(f"mean_degree must be in [0, {n - 1}], got {mean_degree!r}")
    rng = np.random.default_rng(seed)
    pairs = n * (n - 1) // 2
    m = int(rng.binomial(pairs, mean_degree / (n - 1)))
    keys = np.empty(0, dtype=np.int64)
    while keys.size < m:
        draw = max(int((m - keys.size) * 1.1) + 16, 16)
        i = rng.integers(0, n, size=draw)
        j = rng.integers(0, n, size=draw)
        keep = i != j
        lo, hi = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
        keys = np.unique(np.concatenate([keys, lo * n + hi]))
    keys = rng.permutation(keys)[:m]
    rows, cols = keys // n, keys % n
    ones = np.ones(2 * m)
    graph = sparse.csr_matrix((ones, (np.concatenate([rows, cols]), np.concatenate([cols, rows]))), shape=(n, n))
    graph.sort_indices()
    return graph
