"""The critical node problem: which designations break a network apart.

A pure function over integer nodes and a CSR matrix (see :mod:`moneymen.algorithms.csr`); for
designations that cut the money flowing through a network, see :mod:`moneymen.algorithms.interdiction`.

- :func:`critical_nodes` — the *critical node problem*: delete at most ``k`` nodes so that as few
  pairs as possible can still reach each other (pairwise connectivity ``Σ_k C(s_k, 2)`` over the
  component sizes left; KPP-Neg as an optimisation). A one-step greedy, then an iterated local
  search with component-based swaps (after the component-based neighbourhood of Zhou & Hao,
  "A fast heuristic algorithm for the critical node problem", 2017): delete the best node of a
  large component, put back the deleted node that reconnects least, with short tabu lists and
  perturbation from the best solution when the search stalls. Seeded; the result reports its
  gap to a best-known value when the caller gives one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from moneymen.algorithms.cuts import pair_count, removal_pieces
from moneymen.algorithms.csr import (
    as_adjacency,
    check_budget,
    check_labels,
    check_nodes,
    plain_label,
)

__all__ = ["CriticalNodes", "critical_nodes"]


# == critical node problem ================================================================


@dataclass
class CriticalNodes:
    """The nodes to delete and what is left connected.

    ``pairwise_connectivity`` is the objective after deleting ``nodes``; ``greedy_value`` what the
    one-step greedy reached; ``initial`` the value of the intact graph. ``gap`` is
    ``(value − best_known) / best_known`` when a best-known value was given (0 when both are 0).
    """

    k: int
    nodes: list[int]
    labels: list[Hashable]
    pairwise_connectivity: int
    initial: int
    greedy_value: int
    method: str
    iterations: int
    seconds: float
    seed: int | None
    best_known: int | None = None
    gap: float | None = None
    component_sizes: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = [plain_label(label) for label in self.labels]
        return data


class _Partition:
    """The graph minus a set of deleted nodes, with its components kept up to date move by move."""

    def __init__(self, adjacency: sp.csr_array, deleted: Iterable[int] = ()):
        self.indptr: list[int] = adjacency.indptr.tolist()
        self.indices: list[int] = adjacency.indices.tolist()
        n = adjacency.shape[0]
        self.n = n
        self.alive = [True] * n
        for v in deleted:
            self.alive[v] = False
        self.deleted: set[int] = {v for v in range(n) if not self.alive[v]}
        self.component = [-1] * n
        self.members: dict[int, list[int]] = {}
        self._next = 0
        self.value = 0
        for v in range(n):
            if self.alive[v] and self.component[v] < 0:
                self._label_from(v)

    def neighbours(self, v: int) -> list[int]:
        return self.indices[self.indptr[v]:self.indptr[v + 1]]

    def _label_from(self, start: int) -> int:
        cid = self._next
        self._next += 1
        self.component[start] = cid
        found = [start]
        i = 0
        alive, component, indptr, indices = self.alive, self.component, self.indptr, self.indices
        while i < len(found):
            v = found[i]
            i += 1
            for w in indices[indptr[v]:indptr[v + 1]]:
                if alive[w] and component[w] != cid:
                    component[w] = cid
                    found.append(w)
        self.members[cid] = found
        self.value += len(found) * (len(found) - 1) // 2
        return cid

    def delete(self, u: int) -> None:
        cid = self.component[u]
        old = self.members.pop(cid)
        self.value -= len(old) * (len(old) - 1) // 2
        self.alive[u] = False
        self.deleted.add(u)
        for v in old:
            self.component[v] = -1
        for v in old:
            if v != u and self.component[v] < 0:
                self._label_from(v)

    def restore(self, w: int) -> None:
        self.alive[w] = True
        self.deleted.discard(w)
        touching = {self.component[x] for x in self.neighbours(w) if self.alive[x]}
        if not touching:
            self.component[w] = -1
            self._label_from(w)
            return
        largest = max(touching, key=lambda c: (len(self.members[c]), -c))
        keep = self.members[largest]
        self.value -= len(keep) * (len(keep) - 1) // 2
        for cid in touching:
            if cid == largest:
                continue
            moved = self.members.pop(cid)
            self.value -= len(moved) * (len(moved) - 1) // 2
            for v in moved:
                self.component[v] = largest
            keep.extend(moved)
        self.component[w] = largest
        keep.append(w)
        self.value += len(keep) * (len(keep) - 1) // 2

    def restore_cost(self, w: int) -> int:
        """How much pairwise connectivity putting ``w`` back would add."""
        sizes = {}
        for x in self.neighbours(w):
            if self.alive[x]:
                cid = self.component[x]
                sizes[cid] = len(self.members[cid])
        total = 1 + sum(sizes.values())
        return total * (total - 1) // 2 - pair_count(sizes.values())

    def gains(self, cid: int) -> dict[int, int]:
        """For every node of component ``cid``: the pairwise connectivity its deletion removes."""
        members = self.members[cid]
        s = len(members)
        whole = s * (s - 1) // 2
        pieces = removal_pieces(self.indptr, self.indices, self.alive, roots=members[:1])
        return {v: whole - pair_count(parts) for v, parts in pieces.items()}

    def sizes(self) -> list[int]:
        return sorted((len(m) for m in self.members.values()), reverse=True)


def critical_nodes(
    adjacency: Any,
    k: int,
    *,
    method: Literal["local_search", "greedy"] = "local_search",
    candidates: Iterable[int] | None = None,
    labels: Sequence[Hashable] | None = None,
    iterations: int = 20_000,
    time_limit: float | None = None,
    stall: int = 1_000,
    noise: float = 0.1,
    seed: int | None = 0,
    best_known: int | None = None,
) -> CriticalNodes:
    """At most ``k`` nodes whose deletion leaves the fewest connected pairs.

    ``method="greedy"``: the one-step greedy (delete, ``k`` times, the node whose deletion removes
    the most pairs; ties to the lower node number). ``"local_search"`` starts from the greedy
    answer and runs ``iterations`` component-based swaps (see the module), stopping early after
    ``time_limit`` seconds if one is given: with a time limit the result depends on the machine,
    without one it depends only on ``seed``. ``stall`` swaps without improvement restart from the
    best solution with a few random swaps; ``noise`` is the chance that a swap deletes a random
    node of the chosen component instead of its best one. ``candidates`` limits the nodes that
    may be deleted.
    """
    adjacency = as_adjacency(adjacency)
    n = adjacency.shape[0]
    k = check_budget(k)
    names = check_labels(labels, n)
    if method not in ("local_search", "greedy"):
        raise ValueError(f"unknown method {method!r}: expected local_search or greedy")
    if iterations < 0:
        raise ValueError(f"iterations must be ≥ 0, got {iterations}")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise is a probability in [0, 1], got {noise}")
    eligible = [False] * n
    for v in check_nodes(range(n) if candidates is None else candidates, n, "candidate"):
        eligible[v] = True
    started = time.perf_counter()
    state = _Partition(adjacency)
    initial = state.value
    _greedy_fill(state, k, eligible)
    greedy_value = state.value
    done = 0
    if method == "local_search" and state.deleted and iterations:
        done = _local_search(state, eligible, iterations, time_limit, stall, noise, seed, started)
    chosen = sorted(state.deleted)
    value = state.value
    gap = None
    if best_known is not None:
        gap = 0.0 if value == best_known else (value - best_known) / best_known if best_known else math.inf
    return CriticalNodes(
        k=k,
        nodes=chosen,
        labels=[names[i] for i in chosen],
        pairwise_connectivity=value,
        initial=initial,
        greedy_value=greedy_value,
        method=method,
        iterations=done,
        seconds=time.perf_counter() - started,
        seed=seed if method == "local_search" else None,
        best_known=best_known,
        gap=gap,
        component_sizes=state.sizes(),
    )


def _greedy_fill(state: _Partition, k: int, eligible: list[bool]) -> None:
    """Delete nodes one by one, each the one that removes the most pairs, until ``k`` are deleted."""
    gains: dict[int, int] = {}
    for cid in list(state.members):
        gains.update(state.gains(cid))
    while len(state.deleted) < k:
        best, best_gain = -1, -1
        for v, gain in gains.items():
            if eligible[v] and (gain > best_gain or (gain == best_gain and v < best)):
                best, best_gain = v, gain
        if best < 0:
            break
        old = [v for v in state.members[state.component[best]] if v != best]
        state.delete(best)
        for v in old:
            gains.pop(v, None)
        gains.pop(best, None)
        for cid in {state.component[v] for v in old}:
            gains.update(state.gains(cid))


def _local_search(
    state: _Partition, eligible: list[bool], iterations: int, time_limit: float | None, stall: int,
    noise: float, seed: int | None, started: float,
) -> int:
    rng = np.random.default_rng(seed)
    best_value = state.value
    best_set = set(state.deleted)
    since_best = 0
    k = len(state.deleted)
    tenure = 2 + k // 20
    no_delete_until = [0] * state.n  # just restored: not deleted again at once
    no_restore_until = [0] * state.n  # just deleted: not restored at once
    done = 0
    for it in range(1, iterations + 1):
        if time_limit is not None and (it & 63) == 0 and time.perf_counter() - started > time_limit:
            break
        done = it
        # 1. a large component, at random among those at least halfway between the smallest and largest
        sizes = {cid: len(m) for cid, m in state.members.items() if len(m) > 1}
        if not sizes:
            break
        top, bottom = max(sizes.values()), min(sizes.values())
        large = sorted(cid for cid, s in sizes.items() if 2 * s >= top + bottom)
        cid = large[int(rng.integers(len(large)))]
        # 2. delete its best node (or, with probability noise, a random one) that the tabu list allows
        options = [v for v in state.members[cid] if eligible[v] and no_delete_until[v] <= it]
        if not options:
            options = [v for v in state.members[cid] if eligible[v]]
            if not options:
                continue
        if rng.random() < noise:
            u = options[int(rng.integers(len(options)))]
        else:
            gains = state.gains(cid)
            top_gain = max(gains[v] for v in options)
            ties = [v for v in options if gains[v] == top_gain]
            u = ties[int(rng.integers(len(ties)))] if len(ties) > 1 else ties[0]
        state.delete(u)
        no_restore_until[u] = it + tenure
        # 3. restore the deleted node that reconnects least
        back = [w for w in state.deleted if w != u and no_restore_until[w] <= it] or [
            w for w in state.deleted if w != u]
        costs = {w: state.restore_cost(w) for w in back}
        low = min(costs.values())
        ties = sorted(w for w, c in costs.items() if c == low)
        w = ties[int(rng.integers(len(ties)))] if len(ties) > 1 else ties[0]
        state.restore(w)
        no_delete_until[w] = it + tenure
        if state.value < best_value:
            best_value, best_set, since_best = state.value, set(state.deleted), 0
        else:
            since_best += 1
        if since_best >= stall:
            since_best = 0
            _jump(state, best_set, eligible, rng, kicks=max(1, k // 10))
    if state.value > best_value or set(state.deleted) != best_set:
        _jump(state, best_set, eligible, rng, kicks=0)
    return done


def _jump(state: _Partition, target: set[int], eligible: list[bool], rng: np.random.Generator, kicks: int) -> None:
    """Move to the deleted set ``target``, then make ``kicks`` random swaps from there."""
    for w in sorted(state.deleted - target):
        state.restore(w)
    for u in sorted(target - state.deleted):
        state.delete(u)
    for _ in range(kicks):
        deleted = sorted(state.deleted)
        live = [v for v in range(state.n) if state.alive[v] and eligible[v] and state.component[v] >= 0
                and len(state.members[state.component[v]]) > 1]
        if not deleted or not live:
            return
        state.delete(live[int(rng.integers(len(live)))])
        state.restore(deleted[int(rng.integers(len(deleted)))])
