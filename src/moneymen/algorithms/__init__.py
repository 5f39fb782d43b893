"""Algorithms on networks: pure functions of integer nodes ``0..n-1`` and a ``scipy.sparse`` CSR matrix.

The caller builds the matrix (see :mod:`moneymen.algorithms.csr`) and keeps the node labels;
results are plain dataclasses with a ``to_dict()`` that ``json.dumps`` accepts. Nothing here knows
of entities, the store or scenarios: :mod:`moneymen.analysis` applies these to a network view.

- :mod:`~moneymen.algorithms.csr` — matrices from edge lists, checks, components, pairwise connectivity;
- :mod:`~moneymen.algorithms.cuts` — articulation points, the pieces each removal leaves, bridges
  (Tarjan's low points, one depth-first search);
- :mod:`~moneymen.algorithms.keyplayers` — Borgatti's key-player measures and set search;
- :mod:`~moneymen.algorithms.keypersons` — cut points, bridges, betweenness and constraint in one report;
- :mod:`~moneymen.algorithms.critical_nodes` — the critical node problem;
- :mod:`~moneymen.algorithms.interdiction` — maximum flow and network interdiction;
- :mod:`~moneymen.algorithms.disruption` — disruption curves by removal strategy;
- :mod:`~moneymen.algorithms.cascades` — threshold cascades and Poisson random graphs.
"""

from moneymen.algorithms.cascades import CascadeResult, poisson_random_graph, threshold_cascade
from moneymen.algorithms.critical_nodes import CriticalNodes, critical_nodes
from moneymen.algorithms.csr import (
    adjacency_from_edges,
    as_adjacency,
    as_capacity,
    component_sizes,
    largest_component_size,
    node_index,
    pairwise_connectivity,
)
from moneymen.algorithms.disruption import STRATEGIES, DisruptionCurve, DisruptionStep, disruption_curve
from moneymen.algorithms.interdiction import FlowResult, Interdiction, interdict, interdiction_brute_force, max_flow
from moneymen.algorithms.keypersons import KeyPersons, articulation_points, betweenness, bridges, constraint, key_persons
from moneymen.algorithms.keyplayers import (
    KeyPlayerSet,
    distance_fragmentation,
    distance_reach,
    fragmentation,
    key_player_set,
    m_reach,
)

__all__ = [
    "STRATEGIES", "CascadeResult", "CriticalNodes", "DisruptionCurve", "DisruptionStep", "FlowResult", "Interdiction",
    "KeyPersons", "KeyPlayerSet", "adjacency_from_edges", "articulation_points", "as_adjacency", "as_capacity",
    "betweenness", "bridges", "component_sizes", "constraint", "critical_nodes", "disruption_curve",
    "distance_fragmentation", "distance_reach", "fragmentation", "interdict", "interdiction_brute_force",
    "key_persons", "key_player_set", "largest_component_size", "m_reach", "max_flow", "node_index",
    "pairwise_connectivity", "poisson_random_graph", "threshold_cascade",
]
