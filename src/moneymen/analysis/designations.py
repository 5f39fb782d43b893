"""Designation targets: which ``k`` entities, designated, cut the most money flowing to a sink.

Network interdiction (:func:`moneymen.algorithms.interdiction.interdict`) over the flow graph of
:mod:`moneymen.analysis.flow_graph`, beside what the centrality heuristics (degree, betweenness,
flow carried, key-player fragmentation) would designate, each row with the flow left after.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from moneymen.algorithms.critical_nodes import critical_nodes
from moneymen.algorithms.csr import as_adjacency
from moneymen.algorithms.interdiction import interdict, max_flow
from moneymen.algorithms.keypersons import betweenness
from moneymen.analysis.flow_graph import FlowSettings, flow_graph, flow_scale, sink_and_sources, super_source
from moneymen.graph.view import NetworkView

__all__ = ["Designation", "StrategyResult", "designation_targets"]

@dataclass
class StrategyResult:
    """The ``k`` entities one strategy designates and the flow left after."""

    strategy: str
    entities: list[str]
    captions: list[str]
    flow_after: float
    cut: float
    cut_share: float
    unsanctioned: list[str]


@dataclass
class Designation:
    """Which ``k`` designations cut the most flow to the sink, beside the centrality heuristics.

    ``table`` has one row per strategy: ``interdiction`` (Wood's programme or its greedy, see
    :func:`moneymen.algorithms.critical_nodes.interdict`), then ``degree``, ``betweenness``,
    ``flow-through`` (the nodes carrying the most flow in a maximum flow) and ``key-player``
    (critical nodes by fragmentation), each choosing among the same candidates (every entity but
    the sink; the sources are fed by one added node, so an origin can be designated too).
    ``lower_bound``: no ``k`` designations leave less flow.
    """

    sink: str
    k: int
    flow_before: float
    lower_bound: float
    optimal: bool
    method: str
    table: list[StrategyResult]
    currency: str | None
    candidates: int
    seconds: float
    notes: list[str]

    @property
    def best(self) -> StrategyResult:
        return self.table[0]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def markdown(self) -> str:
        """The comparison as a markdown table."""
        lines = ["| strategy | designated | flow after | cut | share cut |", "|---|---|---:|---:|---:|"]
        for row in self.table:
            lines.append(f"| {row.strategy} | {', '.join(row.captions)} | {row.flow_after:,.2f} | {row.cut:,.2f} | "
                         f"{row.cut_share:.1%} |")
        return "\n".join(lines)


def designation_targets(
    view: NetworkView,
    sink: str,
    k: int,
    *,
    sources: Iterable[str] | None = None,
    settings: FlowSettings | None = None,
    method: Literal["auto", "milp", "greedy"] = "auto",
    candidates: Iterable[str] | None = None,
    heuristics: Sequence[str] = ("degree", "betweenness", "flow-through", "key-player"),
    samples: int | None = None,
    seed: int | None = 0,
    time_limit: float | None = 60.0,
    scale: float | None = None,
) -> Designation:
    """The ``k`` designations that cut the most flow to ``sink``, and what the heuristics would cut,
    with money counted as ``settings`` say (its ``method`` and ``orphans_lost`` do not apply).

    Interdiction (exact by integer programme on graphs up to ``milp_limit`` of
    :func:`~moneymen.algorithms.critical_nodes.interdict`, else greedy with a stated lower bound) against
    the top ``k`` by degree and betweenness in the whole view (all relations, undirected; sampled
    betweenness from ``samples`` sources, seeded, above 5,000 nodes), by flow carried, and by
    key-player fragmentation (greedy critical nodes, up to 20,000 nodes). Ranking ties go to the
    lower node number. ``unsanctioned`` lists the chosen entities no imported list sanctions.
    """
    started = time.perf_counter()
    graph = flow_graph(view, settings)
    sink_node, source_nodes = sink_and_sources(view, graph, sink, sources)
    if not source_nodes:
        raise ValueError(f"no money flows toward {sink!r}: the flow graph has no source")
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"k must be a whole number ≥ 0, got {k!r}")
    capacity = graph.capacity
    scale = scale if scale is not None else flow_scale(capacity)
    n = view.n_nodes
    if candidates is None:
        pool = [v for v in range(n) if v != sink_node]
    else:
        pool = sorted(set(view.indices(list(candidates), "candidate").tolist()) - {sink_node})
    fed = super_source(capacity, source_nodes)
    result = interdict(fed, n, sink_node, k, method=method, candidates=pool, labels=[*view.ids, "(sources)"],
                       scale=scale, time_limit=time_limit)
    before = result.flow_before
    eligible = np.zeros(n, dtype=bool)
    eligible[pool] = True

    def row(strategy: str, nodes: list[int], after: float | None = None) -> StrategyResult:
        if after is None:
            after = max_flow(fed, n, sink_node, removed=nodes, scale=scale).value if nodes else before
        cut = before - after
        return StrategyResult(strategy, [view.ids[v] for v in nodes], [view.captions[v] for v in nodes], float(after),
                              float(cut), float(cut / before) if before else 0.0,
                              [view.ids[v] for v in nodes if not view.programs[v]])

    def top(scores: np.ndarray) -> list[int]:
        scores = np.where(eligible, scores, -np.inf)
        order = np.argsort(-scores, kind="stable")[:k]
        return [int(v) for v in order if np.isfinite(scores[v])]

    table = [row("interdiction", result.nodes, result.flow_after)]
    notes = list(graph.notes)
    adjacency = view.adjacency()
    has_edges = adjacency.nnz > 0
    for name in heuristics:
        if name == "degree":
            degree = np.diff(as_adjacency(adjacency).indptr).astype(np.float64) if has_edges else np.zeros(n)
            table.append(row("degree", top(degree)))
        elif name == "betweenness":
            if not has_edges:
                continue
            sampled = samples if samples is not None else (None if n <= 5_000 else 500)
            table.append(row("betweenness", top(betweenness(adjacency, samples=sampled, seed=seed))))
            if sampled is not None and sampled < n:
                notes.append(f"betweenness sampled from {sampled} sources (seed {seed})")
        elif name == "flow-through":
            through = max_flow(fed, n, sink_node, scale=scale).throughput[:n]
            table.append(row("flow-through", top(through)))
        elif name == "key-player":
            if not has_edges or n > 20_000:
                notes.append("key-player heuristic skipped (no edges or more than 20,000 nodes)")
                continue
            chosen = critical_nodes(adjacency, k, method="greedy", candidates=pool).nodes
            table.append(row("key-player", chosen))
        else:
            raise ValueError(f"unknown heuristic {name!r}: expected degree, betweenness, flow-through or key-player")
    return Designation(
        sink=view.ids[sink_node],
        k=k,
        flow_before=float(before),
        lower_bound=float(result.lower_bound),
        optimal=bool(result.optimal),
        method=f"interdiction by {result.method} ({result.bound_method} bound)",
        table=table,
        currency=graph.currency,
        candidates=len(pool),
        seconds=time.perf_counter() - started,
        notes=notes,
    )
