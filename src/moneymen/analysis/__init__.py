"""Analyses of a network of entities: what a purge exposes, how money flows and breaks, what the
exposed people decide, which designations cut the most; and the scenario files that ask.

They take the entity-level :class:`~moneymen.graph.view.NetworkView` (nodes are entities, named by
id) and use the algorithms of :mod:`moneymen.algorithms` on its matrices; results are dataclasses
with a ``to_dict()`` that ``json.dumps`` accepts. Nothing here reads the store: the scenario
service (:mod:`moneymen.services.scenarios`) builds the view and saves the results.

- :mod:`~moneymen.analysis.purge` — purge impact: exposure by best path from the seeds;
- :mod:`~moneymen.analysis.flow_graph` — the capacities money moves along, and how it is counted;
- :mod:`~moneymen.analysis.flows` — money flows to a sink before and after a purge;
- :mod:`~moneymen.analysis.accounts` — orphaned accounts and sole controllers;
- :mod:`~moneymen.analysis.designations` — designation targets against the centrality heuristics;
- :mod:`~moneymen.analysis.agents` — the exposed persons as the agents of the decision model, read off a network;
- :mod:`~moneymen.analysis.decisions` — the agents' decisions under a purge (Monte Carlo), with their
  numbers in :mod:`~moneymen.analysis.decision_parameters`, results as
  :mod:`~moneymen.analysis.distributions` and one-at-a-time :mod:`~moneymen.analysis.sensitivity`;
- :mod:`~moneymen.analysis.ownership` — ownership cycles whose stakes compound above 100 %;
- :mod:`~moneymen.analysis.scenario` — scenario files (TOML/YAML), read and checked;
- :mod:`~moneymen.analysis.results` — a scenario run's typed results (one part per analysis, as saved).
"""

from moneymen.analysis.designations import Designation, designation_targets
from moneymen.analysis.flow_graph import FlowSettings, flow_graph
from moneymen.analysis.flows import FlowReport, money_flows
from moneymen.analysis.purge import Exposure, ExposureRules, PathStep, PurgeImpact, purge_impact

__all__ = ["Designation", "Exposure", "ExposureRules", "FlowReport", "FlowSettings", "PathStep", "PurgeImpact",
           "designation_targets",
           "flow_graph", "money_flows", "purge_impact"]
