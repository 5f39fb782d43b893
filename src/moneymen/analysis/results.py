"""A scenario run's results as typed data: what the runner produces, the store keeps, and the report,
the CLI and ``moneymen scenario compare`` read.

:class:`ScenarioRun` is one run: its :class:`~moneymen.model.RunProvenance` (the scenario text and
its hash, the moneymen version, the seed, the number of Monte Carlo runs, when), the store's id once
saved, and its :class:`ScenarioResults`, one field per analysis. Each field holds that analysis'
own ``to_dict()`` (JSON-ready), described here by a ``TypedDict``, so that a reader who asks for a
key the analyses do not write is told so by the type checker; ``docs/scenarios.md`` says what each
key means. A part is None where its analysis did not run (no sink: no flows; no ``targeting.k``: no
targets).

:meth:`ScenarioRun.to_dict` is the run as JSON (provenance first, then the results, as
``moneymen scenario show --json`` prints it); :meth:`ScenarioResults.to_dict` is what the store
keeps beside the provenance, and :meth:`ScenarioResults.from_dict` reads it back, runs saved by
older versions included (a part they did not write is None).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TypedDict

from moneymen.model import RunProvenance

__all__ = ["ScenarioRun", "ScenarioResults", "NodeData", "ExposureData", "ExposedRow", "SubnetworkData",
           "DistributionData", "DecisionsData", "RemovedData", "FlowsData", "FlowsOverRunsData", "TargetsData",
           "KeyPersonsData", "UnsanctionedData", "DisruptionCurveData", "SensitivityData", "ControlledRow"]


# -- the parts -------------------------------------------------------------------------------------

class NodeData(TypedDict, total=False):
    """An entity named by the scenario (a seed, the sink)."""

    id: str
    caption: str
    schema: str
    countries: list[str]


class PathStepData(TypedDict, total=False):
    """One step of an exposure path: the entity reached and the relation it was reached by."""

    entity_id: str
    caption: str
    relation: str
    direction: str
    edge_id: str
    grade: str
    weight: float


class ExposedRow(TypedDict, total=False):
    """One exposed entity: its score, the hops from the nearest seed, the path and the sanctions programs."""

    entity_id: str
    caption: str
    schema: str
    score: float
    hops: int
    seed: str
    path: list[PathStepData]
    explanation: str
    programs: list[str]


class ExposureData(TypedDict, total=False):
    """The purge impact (``PurgeImpact.to_dict()`` and ``count``)."""

    count: int
    seeds: list[dict[str, str]]
    rules: dict[str, Any]
    method: str
    seconds: float
    nodes: int
    edges: int
    by_schema: dict[str, int]
    exposed: list[ExposedRow]


class SubnetworkNode(TypedDict, total=False):
    id: str
    caption: str
    schema: str
    exposure: float
    seed: bool
    sink: bool


class SubnetworkEdge(TypedDict, total=False):
    source: str
    target: str
    relation: str
    amount: float | None
    currency: str | None


class SubnetworkData(TypedDict, total=False):
    """What the report draws: the seeds, the sink and the most exposed, with the relations between them."""

    nodes: list[SubnetworkNode]
    edges: list[SubnetworkEdge]
    exposed_total: int
    drawn_limit: int


class HistogramData(TypedDict):
    edges: list[float]
    counts: list[int]


class DistributionData(TypedDict, total=False):
    """A quantity over the Monte Carlo runs (``Distribution.to_dict()``)."""

    mean: float
    sd: float
    se: float
    quantiles: dict[str, float]
    interval_90: list[float]
    histogram: HistogramData


class CascadeData(TypedDict, total=False):
    probability: float
    share: float
    more_than: int


class DecisionsData(TypedDict, total=False):
    """The Monte Carlo (``DecisionResult.to_dict(inputs=False)``)."""

    model: str
    version: str
    seed: int
    runs: int
    steps: int
    outcomes: list[str]
    parameters: dict[str, Any]
    agents: dict[str, Any]
    counts: dict[str, DistributionData]
    agent_probabilities: dict[str, dict[str, float]]
    timeline: list[dict[str, float]]
    funds_taken: DistributionData
    funds_out_of_reach: DistributionData
    cascade: CascadeData


class RemovedData(TypedDict, total=False):
    """Who is removed for the flows "after": the rule, the seeds and the agents likely lost."""

    rule: str
    seeds: list[str]
    agents: list[str]


class SeveredRow(TypedDict, total=False):
    entity_id: str
    caption: str
    carried: float
    alone: float


class LostArcRow(TypedDict, total=False):
    source: str
    source_caption: str
    target: str
    target_caption: str
    before: float
    after: float


class OrphanedAccountRow(TypedDict, total=False):
    entity_id: str
    caption: str
    schema: str
    holders: list[str]
    holder_captions: list[str]


class BrokenRelationRow(TypedDict, total=False):
    entity_id: str
    caption: str
    schema: str
    counterpart: str
    counterpart_caption: str
    edge_id: str
    relation: str


class FlowsData(TypedDict, total=False):
    """The money flows to the sink before and after the purge (``FlowReport.to_dict()``)."""

    sink: str
    sink_caption: str
    method: str
    currency: str | None
    sources: int
    removed: list[str]
    flow_before: float
    flow_after_removed: float
    flow_after: float
    lost: float
    lost_share: float
    severed: list[SeveredRow]
    lost_arcs: list[LostArcRow]
    orphaned_accounts: list[OrphanedAccountRow]
    broken_relations: list[BrokenRelationRow]
    orphans_lost: bool
    scale: float
    arcs: int
    notes: list[str]
    seconds: float


class FlowsOverRunsData(TypedDict, total=False):
    """The flow after and the accounts orphaned in each sampled Monte Carlo run, as distributions."""

    runs: int
    runs_sampled: int
    sample: str
    rule: str
    distinct_removals: int
    currency: str | None
    flow_before: float
    flow_after: DistributionData
    flow_lost: DistributionData
    orphaned_accounts: DistributionData


class TargetRow(TypedDict, total=False):
    strategy: str
    entities: list[str]
    captions: list[str]
    flow_after: float
    cut: float
    cut_share: float
    unsanctioned: list[str]


class TargetsData(TypedDict, total=False):
    """The designations that cut the most flow, beside the heuristics (``Designation.to_dict()``)."""

    sink: str
    k: int
    flow_before: float
    lower_bound: float
    optimal: bool
    method: str
    table: list[TargetRow]
    currency: str | None
    candidates: int
    seconds: float
    notes: list[str]


class ControlledRow(TypedDict, total=False):
    id: str
    caption: str
    schema: str
    relation: str


class SoleControllerRow(TypedDict, total=False):
    id: str
    caption: str
    controls: list[ControlledRow]


class KeyPersonsData(TypedDict, total=False):
    """Articulation points, bridges (as captions), brokers and sole controllers."""

    nodes: int
    edges: int
    components: list[int]
    articulation_points: list[dict[str, Any]]
    bridges: list[list[str]]
    brokers: list[dict[str, Any]]
    betweenness_method: str
    parameters: dict[str, Any]
    seed: int | None
    sole_controllers: list[SoleControllerRow]


class UnsanctionedRow(TypedDict, total=False):
    id: str
    caption: str
    schema: str
    why: list[str]


class UnsanctionedData(TypedDict, total=False):
    """The high-impact entities no imported sanctions list names."""

    checked: int
    listed_in_network: int
    entities: list[UnsanctionedRow]


class DisruptionCurveData(TypedDict, total=False):
    """One disruption curve (``DisruptionCurve.to_dict()``, without its timing), with captions per step."""

    strategy: str
    mode: str
    weighted: bool
    nodes: int
    initial_lcc: int
    seed: int | None
    parameters: dict[str, Any]
    per_step: int
    steps: list[dict[str, Any]]


class SensitivityData(TypedDict, total=False):
    """One-at-a-time sensitivity of the decision model (``Sensitivity.to_dict()``)."""

    metric: str
    change: float
    runs: int
    seed: int
    version: str
    base: dict[str, float]
    rows: list[dict[str, Any]]


# -- the results and the run -------------------------------------------------------------------------

@dataclass
class ScenarioResults:
    """Everything a run found, one field per analysis, in the order the runner computes them.

    ``scenario``: the settings as read, defaults filled in; ``graph``: the network's size, filters
    and digest; ``agents``: one row per exposed person, with what each value was read from, its
    ``outcomes`` and ``p_lost``; ``inputs_sha256``: a digest of everything the run read apart from
    its run count and seed. The optional parts are None where their analysis did not run.
    """

    scenario: dict[str, Any]
    graph: dict[str, Any]
    seeds: list[NodeData]
    sink: NodeData | None
    exposure: ExposureData
    subnetwork: SubnetworkData
    agents: list[dict[str, Any]]
    decisions: DecisionsData | None
    removed: RemovedData
    unsanctioned: UnsanctionedData
    inputs_sha256: str
    sensitivity: SensitivityData | None = None
    flows: FlowsData | None = None
    flows_over_runs: FlowsOverRunsData | None = None
    targets: TargetsData | None = None
    key_persons: KeyPersonsData | None = None
    disruption: list[DisruptionCurveData] | None = None

    #: The keys in the order the saved JSON lists them; a part that did not run is left out, but for
    #: ``sink`` and ``decisions``, which are written as null.
    ORDER = ("scenario", "graph", "seeds", "sink", "exposure", "subnetwork", "agents", "decisions", "sensitivity",
             "removed", "flows", "flows_over_runs", "targets", "key_persons", "disruption", "unsanctioned",
             "inputs_sha256")
    ALWAYS = frozenset({"scenario", "graph", "seeds", "sink", "exposure", "subnetwork", "agents", "decisions",
                        "removed", "unsanctioned", "inputs_sha256"})

    def to_dict(self) -> dict[str, Any]:
        """The results as the store keeps them (JSON-ready), in :attr:`ORDER`."""
        data = {}
        for key in self.ORDER:
            value = getattr(self, key)
            if value is not None or key in self.ALWAYS:
                data[key] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ScenarioResults":
        """Results read back from :meth:`to_dict` (or a run's ``to_dict()``: its provenance is ignored).
        A part that a run of an older version did not write is empty (required parts) or None."""
        empty: dict[str, Any] = {"scenario": {}, "graph": {}, "seeds": [], "sink": None, "exposure": {},
                                 "subnetwork": {}, "agents": [], "decisions": None, "removed": {}, "unsanctioned": {},
                                 "inputs_sha256": ""}
        known = {f.name for f in fields(cls)}
        return cls(**{**empty, **{key: value for key, value in data.items() if key in known}})


@dataclass
class ScenarioRun:
    """One run of a scenario: what produced it (``provenance``), what came out (``results``), and its id
    in the store once saved (None before)."""

    provenance: RunProvenance
    results: ScenarioResults
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready: the id and provenance first, then the results."""
        p = self.provenance
        return {"id": self.id, "name": p.name, "version": p.version, "seed": p.seed, "runs": p.runs,
                "started_at": p.started_at, "finished_at": p.finished_at, "scenario_sha256": p.sha256,
                "scenario_text": p.scenario_text, **self.results.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ScenarioRun":
        """A run read back from :meth:`to_dict` (``moneymen scenario show --json``)."""
        provenance = RunProvenance(name=data["name"], scenario_text=data["scenario_text"],
                                   sha256=data["scenario_sha256"], version=data["version"], seed=data["seed"],
                                   runs=data["runs"], started_at=data["started_at"], finished_at=data["finished_at"])
        return cls(provenance, ScenarioResults.from_dict(data), data.get("id"))
