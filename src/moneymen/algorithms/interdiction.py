"""Network interdiction: which designations cut the money flowing from sources to a sink.

Pure functions over integer nodes and a CSR matrix of capacities (see :mod:`moneymen.algorithms.csr`):

- :func:`interdict` — *network interdiction* (Wood 1993, "Deterministic network interdiction"):
  designate at most ``k`` intermediate nodes to minimise the maximum ``source → sink`` flow.
  Exact as a mixed-integer programme (node-split min-cut formulation, HiGHS through
  ``scipy.optimize.milp``); a greedy with a stated lower bound for graphs too large for that.
- :func:`max_flow` — the maximum flow and the flow through each node, by
  ``scipy.sparse.csgraph.maximum_flow``.

**Capacities and scaling.** ``csgraph.maximum_flow`` works on 32-bit integers. Amounts (money)
are multiplied by ``scale`` and rounded to whole numbers before a flow is computed, and flows are
divided by ``scale`` on the way out: with ``scale=100`` amounts in dollars are exact to the cent.
The scaled capacity of every arc and the scaled sum of capacities out of the source must stay
below 2³¹ − 1, else a ``ValueError`` asks for a smaller ``scale``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csgraph

from moneymen.algorithms.csr import as_capacity, check_budget, check_labels, check_nodes, plain_label

__all__ = ["FlowNetwork", "FlowResult", "Interdiction", "interdict", "interdiction_brute_force", "max_flow",
           "node_throughput"]

INT32_MAX = 2**31 - 1


@dataclass
class FlowResult:
    """A maximum flow: its value, the flow on every arc and the flow through every node (amounts, unscaled).

    ``flow`` is a CSR matrix (``flow[i, j]`` on arc ``i → j``, never negative);
    ``throughput[v]`` is the flow that enters ``v`` (for a source: the flow that leaves it).
    """

    value: float
    flow: sp.csr_array
    throughput: np.ndarray
    sources: list[int]
    sinks: list[int]
    scale: float

    def to_dict(self, labels: Sequence[Hashable] | None = None) -> dict[str, Any]:
        names = check_labels(labels, self.throughput.size)
        coo = self.flow.tocoo()
        return {
            "value": self.value,
            "sources": [plain_label(names[s]) for s in self.sources],
            "sinks": [plain_label(names[t]) for t in self.sinks],
            "scale": self.scale,
            "arcs": [{"source": plain_label(names[i]), "target": plain_label(names[j]), "flow": float(f)}
                     for i, j, f in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist())],
            "throughput": {str(plain_label(names[v])): float(self.throughput[v]) for v in np.flatnonzero(self.throughput)},
        }


def _endpoints(nodes: int | Iterable[int], n: int, what: str) -> list[int]:
    if isinstance(nodes, bool):  # an int to Python, but no node number (and no nodes to list either)
        raise TypeError(f"{what}: expected a node number or node numbers, got {nodes!r}")
    listed = [nodes] if isinstance(nodes, (int, np.integer)) else list(nodes)
    checked = check_nodes(listed, n, what)
    if not checked:
        raise ValueError(f"no {what} given")
    return checked


def _scaled(capacity: sp.csr_array, scale: float) -> sp.csr_array:
    if not scale > 0 or not math.isfinite(scale):
        raise ValueError(f"scale must be a finite number > 0, got {scale}")
    scaled = capacity.copy()
    scaled.data = np.rint(scaled.data * scale)
    if scaled.nnz and scaled.data.max() > INT32_MAX:
        raise ValueError(f"capacity {scaled.data.max() / scale:g} × scale {scale:g} does not fit in a 32-bit integer: "
                         "use a smaller scale")
    scaled.eliminate_zeros()
    return scaled


class FlowNetwork:
    """Scaled integer capacities with one super source and one super sink appended when there are several."""

    def __init__(self, capacity: Any, sources: int | Iterable[int], sinks: int | Iterable[int], scale: float):
        capacity = as_capacity(capacity)
        n = capacity.shape[0]
        self.n = n
        self.sources = _endpoints(sources, n, "source")
        self.sinks = _endpoints(sinks, n, "sink")
        both = set(self.sources) & set(self.sinks)
        if both:
            raise ValueError(f"node {min(both)} is both a source and a sink")
        self.scale = float(scale)
        scaled = _scaled(capacity, self.scale)
        extra_rows: list[int] = []
        extra_cols: list[int] = []
        extra_data: list[float] = []
        size = n
        self.s = self.sources[0]
        if len(self.sources) > 1:
            self.s = size
            size += 1
            out = np.asarray(scaled.sum(axis=1)).ravel()
            for v in self.sources:
                extra_rows.append(self.s)
                extra_cols.append(v)
                extra_data.append(max(out[v], 1.0))
        self.t = self.sinks[0]
        if len(self.sinks) > 1:
            self.t = size
            size += 1
            into = np.asarray(scaled.sum(axis=0)).ravel()
            for v in self.sinks:
                extra_rows.append(v)
                extra_cols.append(self.t)
                extra_data.append(max(into[v], 1.0))
        matrix = sp.coo_array(scaled)
        if extra_data:
            matrix = sp.coo_array((np.concatenate([matrix.data, extra_data]),
                                   (np.concatenate([matrix.row, extra_rows]), np.concatenate([matrix.col, extra_cols]))),
                                  shape=(size, size))
        self.matrix = sp.csr_array(matrix)
        self.matrix.sum_duplicates()
        if self.matrix.nnz and self.matrix.data.max() > INT32_MAX:
            raise ValueError("the summed capacity at a source or sink does not fit in a 32-bit integer: use a smaller scale")
        out_of_source = float(self.matrix[[self.s]].sum())
        if out_of_source > INT32_MAX:
            raise ValueError(f"the capacity out of the source ({out_of_source / self.scale:g}) × scale does not fit in a "
                             "32-bit integer: use a smaller scale")
        self.matrix.data = self.matrix.data.astype(np.int32)
        self.size = size

    def flow(self, removed: Iterable[int] = ()) -> tuple[int, sp.csr_array]:
        """Maximum flow (scaled integers) with ``removed`` nodes designated, and its flow matrix."""
        matrix = self.matrix
        removed = list(removed)
        if removed:
            keep = np.ones(self.size, dtype=np.int32)
            keep[removed] = 0
            diagonal = sp.dia_array((keep, 0), shape=(self.size, self.size))
            matrix = sp.csr_array(diagonal @ matrix @ diagonal)
            matrix.eliminate_zeros()
            matrix.data = matrix.data.astype(np.int32)
        result = csgraph.maximum_flow(matrix, self.s, self.t)
        return int(result.flow_value), result.flow

    def value(self, removed: Iterable[int] = ()) -> int:
        return self.flow(removed)[0]

    def result(self, removed: Iterable[int] = ()) -> FlowResult:
        value, flow = self.flow(removed)
        flow = sp.csr_array(flow)
        flow.data = np.maximum(flow.data, 0)
        flow.eliminate_zeros()
        flow = sp.csr_array(flow[: self.n][:, : self.n]).astype(np.float64) / self.scale
        throughput = np.asarray(flow.sum(axis=0)).ravel()
        out = np.asarray(flow.sum(axis=1)).ravel()
        throughput[self.sources] = out[self.sources]
        return FlowResult(value / self.scale, sp.csr_array(flow), throughput, self.sources, self.sinks, self.scale)


def max_flow(
    capacity: Any, source: int | Iterable[int], sink: int | Iterable[int], *, removed: Iterable[int] = (),
    scale: float = 1.0,
) -> FlowResult:
    """The maximum flow from ``source`` to ``sink`` (one node or several) with ``removed`` nodes taken out.

    Capacities are scaled by ``scale`` and rounded to integers (see the module); the result is in
    the caller's units again.
    """
    network = FlowNetwork(capacity, source, sink, scale)
    return network.result(check_nodes(removed, network.n, "removed node"))


# == network interdiction (Wood 1993) ======================================================


@dataclass
class Interdiction:
    """The designations that cut the most flow, and how sure the answer is.

    ``flow_after`` is the maximum flow with ``nodes`` removed (computed by max-flow, not read from
    the solver). ``lower_bound`` is a value no choice of ``k`` designations can go below:
    ``flow_after`` itself when ``optimal``; otherwise the best of the bounds in ``bound_method``.
    """

    k: int
    nodes: list[int]
    labels: list[Hashable]
    flow_before: float
    flow_after: float
    lower_bound: float
    optimal: bool
    method: str
    bound_method: str
    seconds: float
    scale: float
    candidates: int
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def cut(self) -> float:
        """Flow the designations remove."""
        return self.flow_before - self.flow_after

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = [plain_label(label) for label in self.labels]
        data["cut"] = self.cut
        return data


def _candidate_nodes(network: FlowNetwork, candidates: Iterable[int] | None) -> list[int]:
    ends = set(network.sources) | set(network.sinks)
    if candidates is None:
        return [v for v in range(network.n) if v not in ends]
    chosen = check_nodes(candidates, network.n, "candidate")
    bad = sorted(ends.intersection(chosen))
    if bad:
        raise ValueError(f"node {bad[0]} is a source or sink and cannot be designated: interdiction removes intermediate nodes")
    return sorted(chosen)


def interdict(
    capacity: Any,
    source: int | Iterable[int],
    sink: int | Iterable[int],
    k: int,
    *,
    method: Literal["auto", "milp", "greedy"] = "auto",
    candidates: Iterable[int] | None = None,
    labels: Sequence[Hashable] | None = None,
    scale: float = 1.0,
    time_limit: float | None = 60.0,
    milp_limit: int = 200_000,
    lp_bound: bool = True,
) -> Interdiction:
    """At most ``k`` intermediate nodes whose designation (removal) minimises the maximum flow.

    ``milp`` solves Wood's node-split formulation exactly: every candidate ``v`` becomes an arc
    ``v_in → v_out`` that may be interdicted; binary ``π`` mark the source side of a cut, ``β``
    the arcs the cut pays for, binary ``γ`` the interdicted node arcs (``Σ γ ≤ k``); minimise
    ``Σ capacity·β``. By max-flow/min-cut this is the least flow any ``k`` designations leave.
    ``greedy`` designates ``k`` times the node (among those that carry flow: removing any other
    leaves the flow unchanged) whose removal lowers the flow most; its ``lower_bound`` is the
    larger of (a) the flow before minus the ``k`` largest node throughputs of a maximum flow
    (removing a node loses at most the flow through it) and (b) the LP relaxation of the
    programme above when ``lp_bound`` and the graph has at most ``milp_limit`` arcs and nodes.
    ``auto`` picks ``milp`` up to ``milp_limit`` and ``greedy`` beyond it; ``milp`` that hits
    ``time_limit`` returns its best designations with ``optimal=False`` and the solver's bound.
    """
    started = time.perf_counter()
    network = FlowNetwork(capacity, source, sink, scale)
    k = check_budget(k)
    names = check_labels(labels, network.n)
    if method not in ("auto", "milp", "greedy"):
        raise ValueError(f"unknown method {method!r}: expected auto, milp or greedy")
    pool = _candidate_nodes(network, candidates)
    before = network.value()
    size = network.size + network.matrix.nnz + 2 * len(pool)
    if method == "auto":
        method = "milp" if size <= milp_limit else "greedy"
    details: dict[str, Any] = {}
    if method == "milp":
        chosen, bound, optimal, details = _interdict_milp(network, pool, k, time_limit, relax=False)
        bound_method = "milp" if optimal else "milp dual bound"
    else:
        chosen = _interdict_greedy(network, pool, k)
        value, flow = network.flow()
        through = node_throughput(flow, network.size)[pool]
        top = np.sort(through)[::-1][:k].sum() if pool else 0
        bound = max(0.0, before - float(top))
        bound_method = "throughput"
        if lp_bound and size <= milp_limit:
            _, lp_value, _, lp_details = _interdict_milp(network, pool, k, time_limit, relax=True)
            details["lp_relaxation"] = lp_value / network.scale
            if lp_value > bound:
                bound, bound_method = lp_value, "lp relaxation"
        optimal = False
    after = network.value(chosen)
    if optimal:
        bound = after
    elif after <= bound + 1e-9:
        optimal, bound = True, after
    return Interdiction(
        k=k,
        nodes=sorted(chosen),
        labels=[names[v] for v in sorted(chosen)],
        flow_before=before / network.scale,
        flow_after=after / network.scale,
        lower_bound=min(bound, after) / network.scale,
        optimal=optimal,
        method=method,
        bound_method=bound_method,
        seconds=time.perf_counter() - started,
        scale=network.scale,
        candidates=len(pool),
        details=details,
    )


def node_throughput(flow: sp.csr_array, size: int) -> np.ndarray:
    positive = sp.csr_array(flow)
    positive.data = np.maximum(positive.data, 0)
    return np.asarray(positive.sum(axis=0)).ravel()[:size]


def _interdict_greedy(network: FlowNetwork, pool: list[int], k: int) -> list[int]:
    chosen: list[int] = []
    allowed = set(pool)
    value, flow = network.flow()
    for _ in range(k):
        if value == 0:
            break
        through = node_throughput(flow, network.size)
        carrying = [v for v in np.flatnonzero(through).tolist() if v in allowed and v not in chosen]
        best, best_value = -1, value
        for v in carrying:
            trial = network.value([*chosen, v])
            if trial < best_value:
                best, best_value = v, trial
        if best < 0:
            break
        chosen.append(best)
        value, flow = network.flow(chosen)
    return chosen


def _interdict_milp(
    network: FlowNetwork, pool: list[int], k: int, time_limit: float | None, relax: bool,
) -> tuple[list[int], float, bool, dict[str, Any]]:
    """Wood's formulation on the node-split graph; returns (designated, bound, optimal, details)."""
    matrix = network.matrix.tocoo()
    size = network.size
    split = {v: size + i for i, v in enumerate(pool)}  # v keeps its number as v_in; v_out is appended
    nodes = size + len(pool)
    tails = np.array([split.get(i, i) for i in matrix.row.tolist()], dtype=np.int64)
    heads = matrix.col.astype(np.int64)
    arcs = tails.size
    into = np.asarray(network.matrix.sum(axis=0)).ravel()
    out = np.asarray(network.matrix.sum(axis=1)).ravel()
    inner = np.array([min(into[v], out[v]) for v in pool], dtype=np.float64)
    p = len(pool)
    # variables: π (nodes) | β (arcs, then inner arcs) | γ (inner arcs)
    n_var = nodes + arcs + p + p
    cost = np.concatenate([np.zeros(nodes), matrix.data.astype(np.float64), inner, np.zeros(p)])
    lower = np.zeros(n_var)
    upper = np.ones(n_var)
    lower[network.s] = 1.0  # the source is on the source side …
    upper[network.t] = 0.0  # … and the sink is not
    rows = np.arange(arcs + p)
    pool_arr = np.array(pool, dtype=np.int64)
    out_nodes = np.array([split[v] for v in pool], dtype=np.int64)
    # π_tail − π_head − β ≤ 0 for ordinary arcs; π_v_in − π_v_out − β_v − γ_v ≤ 0 for node arcs
    r = np.concatenate([rows[:arcs], rows[:arcs], rows[:arcs], arcs + np.arange(p), arcs + np.arange(p),
                        arcs + np.arange(p), arcs + np.arange(p)])
    c = np.concatenate([tails, heads, nodes + np.arange(arcs), pool_arr, out_nodes, nodes + arcs + np.arange(p),
                        nodes + arcs + p + np.arange(p)])
    d = np.concatenate([np.ones(arcs), -np.ones(arcs), -np.ones(arcs), np.ones(p), -np.ones(p), -np.ones(p),
                        -np.ones(p)])
    cut_rows = sp.csr_array((d, (r, c)), shape=(arcs + p, n_var))
    budget_row = sp.csr_array((np.ones(p), (np.zeros(p, dtype=np.int64), nodes + arcs + p + np.arange(p))),
                              shape=(1, n_var))
    constraints = [LinearConstraint(cut_rows, -np.inf, 0.0), LinearConstraint(budget_row, -np.inf, float(k))]
    integrality = np.zeros(n_var)
    if not relax:
        integrality[:nodes] = 1
        integrality[nodes + arcs + p:] = 1
    options: dict[str, Any] = {"disp": False}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    result = milp(cost, integrality=integrality, bounds=Bounds(lower, upper), constraints=constraints,
                  options=options)
    details = {"variables": int(n_var), "constraints": int(arcs + p + 1), "status": int(result.status),
               "message": str(result.message)}
    if result.x is None:
        if relax:
            return [], 0.0, False, details
        raise RuntimeError(f"the interdiction programme found no solution: {result.message}")
    if relax:
        return [], float(result.fun), False, details
    gamma = result.x[nodes + arcs + p:]
    chosen = [pool[i] for i in np.flatnonzero(gamma > 0.5).tolist()]
    optimal = result.status == 0
    bound = float(result.fun)
    if not optimal:
        gap = getattr(result, "mip_gap", None)
        details["mip_gap"] = None if gap is None else float(gap)
        dual = getattr(result, "mip_dual_bound", None)
        bound = float(dual) if dual is not None else 0.0
    return chosen, bound, optimal, details


def interdiction_brute_force(
    capacity: Any, source: int | Iterable[int], sink: int | Iterable[int], k: int, *,
    candidates: Iterable[int] | None = None, scale: float = 1.0,
) -> tuple[float, list[int]]:
    """The least maximum flow over every set of at most ``k`` candidates, and the first set that reaches it.

    For checking :func:`interdict` on small graphs: it tries ``C(candidates, k)`` sets.
    """
    import itertools

    network = FlowNetwork(capacity, source, sink, scale)
    k = check_budget(k)
    pool = _candidate_nodes(network, candidates)
    best_value, best = network.value(), []
    for combination in itertools.combinations(pool, min(k, len(pool))):
        value = network.value(combination)
        if value < best_value:
            best_value, best = value, list(combination)
    return best_value / network.scale, best
