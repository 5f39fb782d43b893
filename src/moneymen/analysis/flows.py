"""Money flows toward a sink: what reaches it, what a purge severs, which accounts are orphaned.

The flows run over the flow graph of :mod:`moneymen.analysis.flow_graph` (payments, currencies,
revenue, sources), counted as a :class:`~moneymen.analysis.flow_graph.FlowSettings` says.

**Methods.** ``"maxflow"``: the maximum flow from the sources to the sink
(:func:`moneymen.algorithms.interdiction.max_flow`, ``scipy.sparse.csgraph``), each arc carrying at
most its capacity: money that can still find a way around a removed node does. ``"paths"``: the
stated payments into the sink, summed, counting a payment only while its payer is not removed and
still connected to a source (or is one): no re-routing, no capacity limits upstream.

**After a purge.** ``removed`` entities (purged, defected, captured) are taken out. An account is
**orphaned** when every one of its known holders is removed (see :mod:`moneymen.analysis.accounts`);
with ``orphans_lost`` (the default) the money that passed through it is lost too. Ties between a
survivor and a removed entity (:data:`~moneymen.analysis.flow_graph.BUSINESS_RELATIONS`) are
reported as broken relations.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from moneymen.algorithms.interdiction import max_flow
from moneymen.analysis.accounts import OrphanedAccount, account_holders, orphaned_nodes, orphans
from moneymen.analysis.flow_graph import (BUSINESS_RELATIONS, HOLDER_RELATIONS, METHODS, FlowSettings, flow_graph,
                                          flow_scale, is_account_schema, reachable, sink_and_sources,
                                          super_source)
from moneymen.graph.view import NetworkView

__all__ = ["BrokenRelation", "FlowReport", "LostArc", "RemovalSample", "Severed", "flows_after_removals",
           "money_flows"]


@dataclass
class BrokenRelation:
    """A tie between a surviving entity (a partner, investor, customer) and a removed one."""

    entity_id: str
    caption: str
    schema: str
    counterpart: str
    counterpart_caption: str
    relation: str
    edge_id: str


def _broken(view: NetworkView, removed: np.ndarray, relations: Sequence[str]) -> list[BrokenRelation]:
    edges = np.flatnonzero(view.relation_mask(relations) & (removed[view.source] != removed[view.target]))
    found = []
    for e in edges.tolist():
        s, t = int(view.source[e]), int(view.target[e])
        alive, gone = (t, s) if removed[s] else (s, t)
        if is_account_schema(view.schemata[alive]):
            continue
        found.append(BrokenRelation(view.ids[alive], view.captions[alive], view.schemata[alive], view.ids[gone],
                                    view.captions[gone], view.relation_names[view.relation_code[e]],
                                    str(view.edge_ids[e])))
    found.sort(key=lambda x: (x.entity_id, x.counterpart, x.relation, x.edge_id))
    return found


@dataclass
class Severed:
    """A removed entity and the flow it carried: through it before (``carried``), lost by its removal alone (``alone``)."""

    entity_id: str
    caption: str
    carried: float
    alone: float | None


@dataclass
class LostArc:
    """An arc whose flow fell: from ``source`` to ``target``, ``before`` → ``after``."""

    source: str
    target: str
    before: float
    after: float
    source_caption: str = ""
    target_caption: str = ""


@dataclass
class FlowReport:
    """Flow to the sink before and after removing entities, what was severed and by whom.

    ``flow_after`` counts the orphaned accounts as lost when ``orphans_lost``; ``flow_after_removed``
    is the flow with only ``removed`` taken out. Amounts are in ``currency`` (exact to ``1 / scale``).
    """

    sink: str
    sink_caption: str
    method: str
    currency: str | None
    sources: int
    removed: list[str]
    flow_before: float
    flow_after_removed: float
    flow_after: float
    severed: list[Severed]
    lost_arcs: list[LostArc]
    orphaned_accounts: list[OrphanedAccount]
    broken_relations: list[BrokenRelation]
    orphans_lost: bool
    scale: float
    arcs: int
    notes: list[str]
    seconds: float
    throughput_before: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))

    @property
    def lost(self) -> float:
        """Flow the removals cost."""
        return self.flow_before - self.flow_after

    @property
    def lost_share(self) -> float:
        return self.lost / self.flow_before if self.flow_before else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("throughput_before")
        data["lost"] = self.lost
        data["lost_share"] = self.lost_share
        return data


def money_flows(
    view: NetworkView,
    sink: str,
    *,
    sources: Iterable[str] | None = None,
    removed: Iterable[str] = (),
    settings: FlowSettings | None = None,
    holder_relations: Sequence[str] = HOLDER_RELATIONS,
    business_relations: Sequence[str] = BUSINESS_RELATIONS,
    marginal: bool | None = None,
    scale: float | None = None,
) -> FlowReport:
    """Money reaching ``sink`` before and after ``removed`` are taken out (see the module), counted
    as ``settings`` say (default: ``FlowSettings()``).

    ``marginal`` also computes, for each removed entity, the flow its removal alone would cost
    (one more flow per entity; by default when at most 50 are removed and the flow graph has at
    most 200,000 arcs). ``scale`` (default: chosen so that sums fit 32-bit integers, at most 100)
    as in :func:`~moneymen.algorithms.critical_nodes.max_flow`. Unknown ids raise ``ValueError``.
    """
    started = time.perf_counter()
    settings = settings or FlowSettings()
    method, orphans_lost = settings.method, settings.orphans_lost
    graph = flow_graph(view, settings)
    sink_node, source_nodes = sink_and_sources(view, graph, sink, sources)
    removed_ids = list(dict.fromkeys([removed] if isinstance(removed, str) else removed))
    removed_nodes = view.indices(removed_ids, "removed entity").tolist()
    if sink_node in removed_nodes:
        raise ValueError(f"the sink {sink!r} cannot be removed: choose another sink")
    n = view.n_nodes
    gone = np.zeros(n, dtype=bool)
    gone[removed_nodes] = True
    orphaned = orphans(view, gone, holder_relations)
    lost_too = view.indices([o.entity_id for o in orphaned]).tolist() if orphans_lost and orphaned else []
    capacity = graph.capacity
    scale = scale if scale is not None else flow_scale(capacity)
    if marginal is None:
        marginal = len(removed_nodes) <= 50 and graph.arcs <= 200_000
    live_sources = source_nodes
    notes = list(graph.notes)
    if not source_nodes:
        notes.append("no source: nothing flows to the sink")

    flow = _flow_function(capacity, live_sources, sink_node, method, scale)
    before, through_before, arcs_before = flow([])
    after_removed, _, arcs_removed = flow(removed_nodes)
    out = list(dict.fromkeys([*removed_nodes, *lost_too]))
    after, _, arcs_after = (after_removed, None, arcs_removed) if len(out) == len(removed_nodes) else flow(out)
    severed = []
    for v in removed_nodes:
        alone = before - flow([v])[0] if marginal else None
        severed.append(Severed(view.ids[v], view.captions[v], float(through_before[v]), alone))
    severed.sort(key=lambda s: (-s.carried, -(s.alone or 0.0), s.entity_id))
    return FlowReport(
        sink=view.ids[sink_node],
        sink_caption=view.captions[sink_node],
        method=METHODS[method],
        currency=graph.currency,
        sources=len(source_nodes),
        removed=[view.ids[v] for v in removed_nodes],
        flow_before=float(before),
        flow_after_removed=float(after_removed),
        flow_after=float(after),
        severed=severed,
        lost_arcs=_lost_arcs(view, arcs_before, arcs_after),
        orphaned_accounts=orphaned,
        broken_relations=_broken(view, gone, business_relations),
        orphans_lost=orphans_lost,
        scale=scale,
        arcs=graph.arcs,
        notes=notes,
        seconds=time.perf_counter() - started,
        throughput_before=through_before,
    )


FlowFunction = Callable[[Sequence[int]], tuple[float, np.ndarray, sp.csr_array]]


def _flow_function(capacity: sp.csr_array, sources: Sequence[int], sink_node: int, method: str,
                   scale: float) -> FlowFunction:
    """``flow(removed nodes)`` → (flow to the sink, flow through each node, flow per arc), by ``method``."""
    n = capacity.shape[0]
    if method == "maxflow":
        fed = super_source(capacity, sources)

        def flow(out: Sequence[int]) -> tuple[float, np.ndarray, sp.csr_array]:
            if not sources:
                return 0.0, np.zeros(n), sp.csr_array((n, n))
            result = max_flow(fed, n, sink_node, removed=list(out), scale=scale)
            return result.value, result.throughput[:n], sp.csr_array(result.flow[:n][:, :n])
        return flow

    def paid(out: Sequence[int]) -> tuple[float, np.ndarray, sp.csr_array]:
        mask = np.zeros(n, dtype=bool)
        mask[list(out)] = True
        reach = reachable(capacity, sources, mask)
        column = capacity[:, [sink_node]].tocoo()
        payers = column.row
        counted = reach[payers] & ~mask[payers]
        arcs = sp.csr_array((column.data[counted], (payers[counted], np.full(int(counted.sum()), sink_node))),
                            shape=(n, n))
        through = np.zeros(n)
        np.add.at(through, payers[counted], column.data[counted])
        return float(column.data[counted].sum()), through, arcs
    return paid


@dataclass
class RemovalSample:
    """Flow to the sink and orphaned accounts after each of many removals (one per Monte Carlo run, say).

    ``flow_after[i]`` and ``orphaned[i]`` belong to ``removals[i]`` of :func:`flows_after_removals`;
    ``distinct``: how many different removed sets were measured (equal sets are measured once).
    """

    flow_before: float
    flow_after: np.ndarray
    orphaned: np.ndarray
    distinct: int
    currency: str | None
    seconds: float

    @property
    def lost(self) -> np.ndarray:
        """Flow each removal cost."""
        return self.flow_before - self.flow_after


def flows_after_removals(
    view: NetworkView,
    sink: str,
    removals: Sequence[Iterable[str]],
    *,
    sources: Iterable[str] | None = None,
    settings: FlowSettings | None = None,
    holder_relations: Sequence[str] = HOLDER_RELATIONS,
    scale: float | None = None,
) -> RemovalSample:
    """For each set of ``removals``, the flow to ``sink`` after it and the accounts it orphans.

    The same measure as ``flow_after`` and ``orphaned_accounts`` of :func:`money_flows` with that
    set removed (the flow graph is built once; each distinct set is measured once).
    """
    started = time.perf_counter()
    settings = settings or FlowSettings()
    graph = flow_graph(view, settings)
    sink_node, source_nodes = sink_and_sources(view, graph, sink, sources)
    scale = scale if scale is not None else flow_scale(graph.capacity)
    flow = _flow_function(graph.capacity, source_nodes, sink_node, settings.method, scale)
    account, holder = account_holders(view, holder_relations)
    n = view.n_nodes
    measured: dict[bytes, tuple[float, int]] = {}
    after = np.zeros(len(removals))
    orphaned = np.zeros(len(removals), dtype=np.int64)
    for i, removal in enumerate(removals):
        ids = [removal] if isinstance(removal, str) else list(removal)
        nodes = np.unique(view.indices(ids, "removed entity")) if ids else np.zeros(0, dtype=np.int64)
        if sink_node in nodes:
            raise ValueError(f"the sink {sink!r} cannot be removed: choose another sink")
        key = nodes.astype(np.int64).tobytes()
        if key not in measured:
            gone = np.zeros(n, dtype=bool)
            gone[nodes] = True
            lost_accounts = orphaned_nodes(account, holder, gone)
            out = np.concatenate([nodes, lost_accounts]) if settings.orphans_lost else nodes
            measured[key] = (float(flow(out.tolist())[0]), int(lost_accounts.size))
        after[i], orphaned[i] = measured[key]
    before = float(flow([])[0])
    return RemovalSample(flow_before=before, flow_after=after, orphaned=orphaned, distinct=len(measured),
                         currency=graph.currency, seconds=time.perf_counter() - started)


def _lost_arcs(view: NetworkView, before: sp.csr_array, after: sp.csr_array, top: int = 100) -> list[LostArc]:
    before = sp.csr_array(before)
    before.data = np.maximum(before.data, 0)
    after = sp.csr_array(after)
    after.data = np.maximum(after.data, 0)
    drop = sp.csr_array(before - after).tocoo()
    keep = drop.data > 1e-9
    rows, cols, values = drop.row[keep], drop.col[keep], drop.data[keep]
    order = np.lexsort((cols, rows, -values))[:top]
    return [LostArc(view.ids[rows[i]], view.ids[cols[i]], float(before[rows[i], cols[i]]),
                    float(after[rows[i], cols[i]]), view.captions[rows[i]], view.captions[cols[i]])
            for i in order.tolist()]
