"""Analyses over a network: pure functions of integer nodes ``0..n-1`` and a ``scipy.sparse`` CSR matrix.

The caller builds the matrix (see :mod:`moneymen.analysis.graphs`) and keeps the node labels;
results are plain dataclasses with a ``to_dict()`` that ``json.dumps`` accepts.

- :mod:`~moneymen.analysis.keyplayers` — Borgatti's key-player measures and set search;
- :mod:`~moneymen.analysis.targeting` — critical nodes, max flow, network interdiction;
- :mod:`~moneymen.analysis.keypersons` — articulation points, bridges, betweenness, constraint;
- :mod:`~moneymen.analysis.disruption` — disruption curves by removal strategy;
- :mod:`~moneymen.analysis.decisions` — the agents' decisions under a purge (Monte Carlo) and
  threshold cascades;
- :mod:`~moneymen.analysis.scenario` — scenario files (TOML/YAML), read and checked;
- :mod:`~moneymen.analysis.facts` — what a scenario reads off a network (agents, ownership cycles);
- :mod:`~moneymen.services.scenarios` — ``run_scenario``: a scenario run over the store, saved as data.

Two analyses take the entity-level :class:`~moneymen.graph.view.NetworkView` instead and name their
results by entity id:

- :mod:`~moneymen.analysis.purge` — purge impact: exposure by best path from the seeds;
- :mod:`~moneymen.analysis.flows` — money flows to a sink before and after a purge, orphaned
  accounts, designation targets against the centrality heuristics.
"""

from moneymen.analysis.disruption import STRATEGIES, DisruptionCurve, DisruptionStep, disruption_curve
from moneymen.analysis.flows import Designation, FlowReport, designation_targets, flow_graph, money_flows
from moneymen.analysis.graphs import (
    adjacency_from_edges,
    as_adjacency,
    as_capacity,
    component_sizes,
    largest_component_size,
    node_index,
    pairwise_connectivity,
)
from moneymen.analysis.keypersons import (
    KeyPersons,
    articulation_points,
    betweenness,
    bridges,
    constraint,
    key_persons,
)
from moneymen.analysis.keyplayers import (
    KeyPlayerSet,
    distance_fragmentation,
    distance_reach,
    fragmentation,
    key_player_set,
    m_reach,
)
from moneymen.analysis.purge import Exposure, ExposureRules, PathStep, PurgeImpact, purge_impact
from moneymen.analysis.targeting import (
    CriticalNodes,
    FlowResult,
    Interdiction,
    critical_nodes,
    interdict,
    interdiction_brute_force,
    max_flow,
)

__all__ = [
    "STRATEGIES",
    "CriticalNodes",
    "Designation",
    "Exposure",
    "ExposureRules",
    "FlowReport",
    "PathStep",
    "PurgeImpact",
    "DisruptionCurve",
    "DisruptionStep",
    "FlowResult",
    "Interdiction",
    "KeyPersons",
    "KeyPlayerSet",
    "adjacency_from_edges",
    "articulation_points",
    "as_adjacency",
    "as_capacity",
    "betweenness",
    "bridges",
    "component_sizes",
    "constraint",
    "critical_nodes",
    "designation_targets",
    "disruption_curve",
    "distance_fragmentation",
    "distance_reach",
    "flow_graph",
    "fragmentation",
    "interdict",
    "interdiction_brute_force",
    "key_persons",
    "key_player_set",
    "largest_component_size",
    "m_reach",
    "max_flow",
    "money_flows",
    "node_index",
    "pairwise_connectivity",
    "purge_impact",
]
