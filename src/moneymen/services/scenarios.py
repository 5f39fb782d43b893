"""Run a scenario against the evidence store: purge impact, the agents' decisions, money flows, targets.

:func:`run_scenario` builds the network view the scenario's filters ask for, finds who the
purge exposes, simulates what the exposed persons do (Monte Carlo), measures the money flows to
the sink before the purge and after it, and adds the optional analyses (designation targets, key
persons, disruption curves, sensitivity). The result, a :class:`~moneymen.analysis.results.ScenarioRun`,
is data: every number (:class:`~moneymen.analysis.results.ScenarioResults`) with the scenario text and its
hash, the moneymen version, the seed and a digest of the inputs. :func:`~moneymen.services.scenario_runs.save_run`
keeps it in the store; :func:`~moneymen.services.scenario_runs.load_run` reads it back (``moneymen scenario
show``).

Each analysis is one small step over the :class:`~moneymen.graph.view.NetworkView`:
:func:`purge_step` (:func:`moneymen.analysis.purge.purge_impact` with the scenario's
:class:`~moneymen.analysis.purge.ExposureRules`), :func:`agents_step` (who the exposed persons are,
:mod:`moneymen.analysis.agents`), :func:`decisions_step` (the Monte Carlo,
:mod:`moneymen.analysis.decisions`), :func:`flows_step` (:func:`moneymen.analysis.flows.money_flows`
with the scenario's :class:`~moneymen.analysis.flow_graph.FlowSettings`), :func:`targets_step`
(:func:`~moneymen.analysis.flows.designation_targets`), :func:`key_persons_step` and
:func:`disruption_step`. Each result is kept as the analysis' own ``to_dict()``. The runner reads
the store only through the store and entity functions (resolving names, reading the view,
account balances); it runs no SQL.

Which agents are lost to the network after the Monte Carlo: each agent whose probability of
ending in one of the scenario's ``lost_outcomes`` (default: captured, defected, defected with
funds) is at least its ``removal_threshold`` (default 1/2: the agent's most likely fate is to be
gone). The flows "after" are the flows with those agents and the seeds removed. By default hidden
agents stay (they may still return) and so do returned ones (they bring what they know home).

That single figure is beside a distribution (:func:`flows_over_runs_step`): for a sample of the
Monte Carlo runs (all of them up to :data:`FLOW_SAMPLE_RUNS`, else that many drawn without
replacement with the scenario's seed), the flow to the sink after removing the seeds and the
agents that ended *that run* in one of the lost outcomes, and the accounts that removal
orphans; runs that lose the same agents share one max-flow.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

import moneymen
from moneymen.algorithms.disruption import disruption_curve
from moneymen.algorithms.keypersons import key_persons
from moneymen.analysis.accounts import sole_controllers
from moneymen.analysis.agents import AgentTable, build_agents, parse_amount
from moneymen.analysis.decisions import OUTCOMES, DecisionResult, simulate_decisions
from moneymen.analysis.designations import Designation, designation_targets
from moneymen.analysis.distributions import Distribution
from moneymen.analysis.flows import FlowReport, flows_after_removals, money_flows
from moneymen.analysis.ownership import ownership_problems
from moneymen.analysis.purge import PurgeImpact, purge_impact
from moneymen.analysis.results import (DecisionsData, DisruptionCurveData, ExposureData, FlowsData, FlowsOverRunsData,
                                       KeyPersonsData, NodeData, ScenarioResults, ScenarioRun, SensitivityData,
                                       SubnetworkData, SubnetworkEdge, SubnetworkNode, TargetsData, UnsanctionedData,
                                       UnsanctionedRow)
from moneymen.analysis.scenario import Scenario, ScenarioError
from moneymen.analysis.sensitivity import sensitivity
from moneymen.graph.builder import build_view
from moneymen.graph.view import NetworkView
from moneymen.jsonable import jsonable
from moneymen.model import RunProvenance
from moneymen.timestamps import utc_now
from moneymen.store import Store

__all__ = ["Progress", "run_scenario", "check_scenario", "CheckedScenario", "resolve_entity"]

#: ``progress(stage, done, total)``: ``total`` None while the size of a stage is unknown.
Progress = Callable[[str, int, "int | None"], None]
#: The exposed subnetwork drawn in a report: at most this many exposed entities (the most exposed), plus the seeds.
DRAWN_NODES = 120
#: Above this many nodes, betweenness (key persons) is estimated from a seeded sample of sources.
EXACT_BETWEENNESS_NODES = 5_000
#: At most this many Monte Carlo runs (a seeded sample) get their own flow and orphaned accounts measured.
FLOW_SAMPLE_RUNS = 500
#: The runner's stages that draw random numbers. Each gets its own seed, spawned from the run's seed
#: (:func:`stage_seeds`), so that no stage repeats another's draws. A new stage goes at the end: the
#: seeds of those before it stay as they are.
RANDOM_STAGES = ("decisions", "flow_sample", "sensitivity", "targets", "key_persons", "disruption")


def stage_seeds(seed: int) -> dict[str, int]:
    """One seed per stage of :data:`RANDOM_STAGES`, spawned from ``seed`` by numpy's ``SeedSequence``
    (independent streams; the same ``seed`` gives the same seeds), each a 32-bit integer that every
    analysis takes and the results can record."""
    children = np.random.SeedSequence(seed).spawn(len(RANDOM_STAGES))
    return {stage: int(child.generate_state(1, dtype=np.uint32)[0]) for stage, child in zip(RANDOM_STAGES, children)}


# -- entities named in a scenario ------------------------------------------------------------------

def resolve_entity(store: Store, scenario: Scenario, key: str, reference: str) -> str:
    """The entity id ``reference`` names: an id the store has, or a name that only one entity bears.

    A name matches an entity's names and aliases (case-insensitive; the whole name first, else a
    part of it), within the scenario's datasets when it names some. Unknown and ambiguous
    references raise a :class:`ScenarioError` on ``key``, ambiguous ones with the candidates.
    """
    from moneymen.services.entities import get_entities, get_entity

    if get_entity(store, reference) is not None:
        return reference
    ids: list[str] = []
    for dataset in scenario.datasets or (None,):
        ids.extend(store.search_entity_ids(reference, None, dataset, 50))
    candidates = [entity for entity in get_entities(store, list(dict.fromkeys(ids))) if not entity.schema.edge]
    wanted = reference.casefold()
    exact = [entity for entity in candidates
             if any(value.casefold() == wanted for prop in ("name", "alias", "weakAlias", "previousName")
                    for value in entity.values(prop))]
    found = exact or candidates
    if len(found) == 1:
        return found[0].id
    if not found:
        raise scenario.error(key, f"unknown entity {reference!r}: no entity has this id, and no name or alias "
                                  f"contains it{' in ' + ', '.join(scenario.datasets) if scenario.datasets else ''}; "
                                  "try `moneymen entities NAME`")
    listed = "; ".join(f"{entity.id} ({entity.caption}, {entity.schema.name})" for entity in found[:10])
    more = f" and {len(found) - 10} more" if len(found) > 10 else ""
    raise scenario.error(key, f"ambiguous name {reference!r}: {len(found)} entities match: {listed}{more}; "
                              "write the entity id instead")


# -- checking a scenario against the store ---------------------------------------------------------

@dataclass
class CheckedScenario:
    """A scenario checked against a store: its entities resolved, its network built and checked."""

    seeds: list[str]
    sink: str | None
    sources: list[str] | None
    view: NetworkView


def check_scenario(store: Store, scenario: Scenario) -> CheckedScenario:
    """Resolve the scenario's entities and build and check its network, without running anything.

    Raises :class:`ScenarioError` for an unknown or ambiguous entity, an empty graph, or cyclic
    ownership over 100 %.
    """
    seeds = [resolve_entity(store, scenario, f"seeds[{i}]", ref) for i, ref in enumerate(scenario.seeds)]
    sink = resolve_entity(store, scenario, "sink", scenario.sink) if scenario.sink else None
    sources = None
    if scenario.sources:
        sources = [resolve_entity(store, scenario, f"flows.sources[{i}]", ref) for i, ref in enumerate(scenario.sources)]
    view = build_view(store, min_grade=scenario.min_grade, datasets=scenario.datasets, as_of=scenario.as_of,
                      relations=scenario.relations)
    _check_graph(store, scenario, view, {"seeds": seeds, "sink": [sink] if sink else [], "flows.sources": sources or []})
    return CheckedScenario(seeds, sink, sources, view)


def _filters(scenario: Scenario) -> str:
    return ", ".join(f"{key} {value}" for key, value in (
        ("min_grade", scenario.min_grade), ("datasets", ", ".join(scenario.datasets or ())),
        ("as_of", scenario.as_of), ("relations", ", ".join(scenario.relations or ()))) if value) or "no filters"


def _check_graph(store: Store, scenario: Scenario, view: NetworkView, named: Mapping[str, list[str]]) -> None:
    if not view.n_nodes or not view.n_edges:
        what = "no entities" if not view.n_nodes else f"{view.n_nodes} entities but no relations between them"
        raise scenario.error("graph", f"empty graph: the store {store.location} gives {what} with {_filters(scenario)}; "
                                      "loosen the filters or import data")
    for key, entity_ids in named.items():
        for i, entity_id in enumerate(entity_ids):
            if entity_id not in view:
                where = key if key == "sink" else f"{key}[{i}]"
                raise scenario.error(where, f"{entity_id!r} is in the store but not in the graph ({_filters(scenario)})")
    problems = ownership_problems(view)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise scenario.error("graph", problems[0] + more + "; correct the stakes in the data, or leave them out "
                                      "with graph.min_grade")


def _analysis_error(scenario: Scenario, error: ValueError, key: str) -> ScenarioError:
    """An analysis' ValueError about the scenario's data (several currencies, a missing rate) as a ScenarioError."""
    message = str(error)
    if "currenc" in message and "rate" not in message:
        key = "currency"
    elif "rate" in message:
        key = "flows.rates"
    return scenario.error(key, message)


# -- the steps -------------------------------------------------------------------------------------

def purge_step(view: NetworkView, seeds: list[str], scenario: Scenario) -> PurgeImpact:
    """Who the purge of ``seeds`` exposes, under the scenario's exposure rules."""
    return purge_impact(view, seeds, scenario.rules)


def agents_step(store: Store, view: NetworkView, impact: PurgeImpact, scenario: Scenario) -> AgentTable:
    """The exposed persons as the decision model's agents (abroad, family at home, funds, squads, peers)."""
    exposure = {exposure.entity_id: exposure.score for exposure in impact.exposed}
    return build_agents(view, exposure, seeds=impact.seeds, balances=account_balances(store, view),
                        arrest_squads=scenario.arrest_squads, currency=scenario.currency)


def account_balances(store: Store, view: NetworkView) -> dict[str, tuple[float, str | None]]:
    """Balance (else amount) and currency of every bank account in the view, read from the store's entities."""
    from moneymen.services.entities import get_entities
    from moneymen.model import get_schema

    def is_account(name: str) -> bool:
        schema = get_schema(name)
        return schema is not None and schema.is_a("BankAccount")

    accounts = [entity_id for entity_id, schema in zip(view.ids, view.schemata) if is_account(schema)]
    balances = {}
    for entity in get_entities(store, accounts):
        for prop in ("balance", "amount", "amountUsd", "amountEur"):
            values = [v for v in (parse_amount(value) for value in entity.values(prop)) if v is not None]
            if values:
                unit = {"amountUsd": "USD", "amountEur": "EUR"}.get(prop) or next(iter(entity.values("currency")), None)
                balances[entity.id] = (max(values), unit.upper() if unit else None)
                break
    return balances


def flow_sample(runs: int, seed: int) -> np.ndarray:
    """The runs whose flows are measured: all when at most :data:`FLOW_SAMPLE_RUNS`, else a seeded sample (sorted)."""
    if runs <= FLOW_SAMPLE_RUNS:
        return np.arange(runs)
    return np.sort(np.random.default_rng(seed).choice(runs, size=FLOW_SAMPLE_RUNS, replace=False))


def decisions_step(table: AgentTable, scenario: Scenario, tell: Callable[..., None]) -> tuple[DecisionResult, list[str]]:
    """The Monte Carlo over the agents; each agent's outcome probabilities go into its row. Returns the
    result (with the final states of the :func:`flow_sample` runs) and the agents lost to the network
    (P(one of the lost outcomes) ≥ the removal threshold)."""
    assert table.agents is not None, "no agents: nothing to simulate"
    tell("Monte Carlo", 0, scenario.runs)
    seeds = stage_seeds(scenario.seed)
    decisions = simulate_decisions(table.agents, scenario.decisions, runs=scenario.runs, seed=seeds["decisions"],
                                   progress=lambda done, total: tell("Monte Carlo", done, total),
                                   keep_states=flow_sample(scenario.runs, seeds["flow_sample"]).tolist())
    lost = []
    for row, probabilities in zip(table.rows, decisions.agent_probabilities):
        row["outcomes"] = {name: float(p) for name, p in zip(OUTCOMES, probabilities)}
        row["p_lost"] = float(sum(row["outcomes"][name] for name in scenario.lost_outcomes))
        if row["p_lost"] >= scenario.removal_threshold:
            lost.append(row["id"])
    return decisions, lost


def sensitivity_step(table: AgentTable, scenario: Scenario, tell: Callable[..., None]) -> SensitivityData:
    """One-at-a-time sensitivity of the decision model's outcome to its parameters."""
    assert table.agents is not None, "no agents: nothing to vary"
    options = scenario.sensitivity or {}
    tell("Sensitivity", 0, None)
    result = sensitivity(table.agents, scenario.decisions, runs=options["runs"],
                         seed=stage_seeds(scenario.seed)["sensitivity"],
                         metric=options["metric"], change=options["change"], names=options["parameters"],
                         progress=lambda done, total: tell("Sensitivity", done, total))
    return cast(SensitivityData, jsonable(result.to_dict()))


def flows_step(checked: CheckedScenario, removed: list[str], scenario: Scenario) -> FlowReport:
    """Money to the sink before and after ``removed`` are gone, with the scenario's money settings."""
    assert checked.sink is not None, "no sink: no flows"
    try:
        return money_flows(checked.view, checked.sink, sources=checked.sources, removed=removed,
                           settings=scenario.flows)
    except ValueError as error:
        raise _analysis_error(scenario, error, "flows") from None


def flows_over_runs_step(checked: CheckedScenario, decisions: DecisionResult, scenario: Scenario,
                         tell: Callable[..., None]) -> FlowsOverRunsData:
    """Flow to the sink and orphaned accounts in each sampled run: the seeds and that run's lost agents removed.

    Returns the distributions over the sampled runs (flow after, flow lost, accounts orphaned) and
    how the sample was taken.
    """
    assert checked.sink is not None and decisions.states is not None, "no sink or no kept states"
    tell("Flows over the runs", 0, None)
    lost_codes = np.array([OUTCOMES.index(name) for name in scenario.lost_outcomes])
    ids = np.array(decisions.agents.ids, dtype=object)
    removals = [checked.seeds + ids[np.isin(states, lost_codes)].tolist() for states in decisions.states]
    try:
        sample = flows_after_removals(checked.view, checked.sink, removals, sources=checked.sources,
                                      settings=scenario.flows)
    except ValueError as error:
        raise _analysis_error(scenario, error, "flows") from None
    sampled = len(removals)
    return {
        "runs": decisions.runs,
        "runs_sampled": sampled,
        "sample": "every run" if sampled == decisions.runs else
                  f"{sampled} runs drawn without replacement with seed {stage_seeds(scenario.seed)['flow_sample']}",
        "rule": f"in each run: the seeds, and the agents that ended {' or '.join(scenario.lost_outcomes)}",
        "distinct_removals": sample.distinct,
        "currency": sample.currency,
        "flow_before": sample.flow_before,
        "flow_after": Distribution.of(sample.flow_after).to_dict(),
        "flow_lost": Distribution.of(sample.lost).to_dict(),
        "orphaned_accounts": Distribution.of(sample.orphaned, integer=True).to_dict(),
    }


def targets_step(checked: CheckedScenario, scenario: Scenario) -> Designation:
    """The ``targeting.k`` designations that cut the most flow to the sink, beside the heuristics."""
    assert checked.sink is not None and scenario.targeting is not None, "no sink or no k: no targets"
    try:
        return designation_targets(checked.view, checked.sink, scenario.targeting, sources=checked.sources,
                                   seed=stage_seeds(scenario.seed)["targets"], settings=scenario.flows)
    except ValueError as error:
        raise _analysis_error(scenario, error, "targeting") from None


def key_persons_step(view: NetworkView, top: int, seed: int) -> KeyPersonsData:
    """Articulation points, bridges, the top brokers (a broker's clusters are the countries it links) and
    the sole controllers of accounts and companies (:func:`~moneymen.analysis.flows.sole_controllers`)."""
    countries = [c[0] if c else "" for c in view.countries]
    numbers = {c: i for i, c in enumerate(sorted(set(countries)))}
    samples = None if view.n_nodes <= EXACT_BETWEENNESS_NODES else 500
    result = key_persons(view.adjacency(), labels=view.ids, clusters=[numbers[c] for c in countries], top=top,
                         samples=samples, seed=seed)
    data = jsonable(result.to_dict())
    for row in data["articulation_points"] + data["brokers"]:
        row["caption"] = view.captions[row["node"]]
    data["bridges"] = [[view.captions[view.index_of(u)], view.captions[view.index_of(v)]] for u, v in data["bridges"]]
    data["sole_controllers"] = [{"id": row.entity_id, "caption": row.caption, "controls": row.controls}
                                for row in sole_controllers(view)]
    return data


#: How many of the most exposed entities the unsanctioned check looks at.
UNSANCTIONED_TOP_EXPOSED = 10


def unsanctioned_step(view: NetworkView, results: ScenarioResults) -> UnsanctionedData:
    """The high-impact entities that no imported sanctions list names (the view's ``programs`` are empty).

    High impact: the best designations (``targets``), the :data:`UNSANCTIONED_TOP_EXPOSED` most
    exposed entities, and the key persons (articulation points, brokers, sole controllers). Each
    entity once, with every reason it is there, in that order. ``listed_in_network``: how many
    entities of the network some imported list names (0: no list was imported into it).
    """
    why: dict[str, list[str]] = {}

    def note(entity_id: str, reason: str) -> None:
        reasons = why.setdefault(entity_id, [])
        if reason not in reasons:
            reasons.append(reason)

    targets = results.targets or {}
    for entity_id in (targets.get("table") or [{}])[0].get("entities") or []:
        note(entity_id, "best designation")
    seeds = {seed["id"] for seed in results.seeds}
    exposed = [row for row in results.exposure.get("exposed") or [] if row["entity_id"] not in seeds]
    for row in exposed[:UNSANCTIONED_TOP_EXPOSED]:
        note(row["entity_id"], "most exposed")
    key = results.key_persons or {}
    for point in key.get("articulation_points") or []:
        note(point["label"], "articulation point")
    for broker in key.get("brokers") or []:
        note(broker["label"], "broker")
    for controller in key.get("sole_controllers") or []:
        note(controller["id"], "sole controller")
    entities: list[UnsanctionedRow] = []
    for entity_id, reasons in why.items():
        i = view.index_of(entity_id)
        if not view.programs[i]:
            entities.append({"id": entity_id, "caption": view.captions[i], "schema": view.schemata[i], "why": reasons})
    return {"checked": len(why), "listed_in_network": sum(1 for programs in view.programs if programs),
            "entities": entities}


def disruption_step(view: NetworkView, scenario: Scenario, tell: Callable[..., None]) -> list[DisruptionCurveData]:
    """Disruption curves over the whole view, one per strategy."""
    adjacency = view.adjacency()
    options = scenario.disruption or {}
    strategies = options.get("strategies", ["degree", "betweenness"])
    steps = min(options.get("steps", 10), max(view.n_nodes - 1, 0))
    curves = []
    for index, strategy in enumerate(strategies):
        tell("Disruption curves", index, len(strategies))
        curve = disruption_curve(adjacency, strategy, steps, labels=view.ids,
                                 seed=stage_seeds(scenario.seed)["disruption"])
        data = jsonable(curve.to_dict())
        data.pop("seconds", None)  # a timing, not a result: runs with the same seed give the same data
        for step in data["steps"]:
            step["captions"] = [view.captions[view.index_of(label)] for label in step["removed"]]
        curves.append(data)
    tell("Disruption curves", len(strategies), len(strategies))
    return curves


# -- the runner ------------------------------------------------------------------------------------

def run_scenario(store: Store, scenario: Scenario, progress: Progress | None = None) -> ScenarioRun:
    """Run ``scenario`` on ``store`` and return the run (not yet saved: see
    :func:`~moneymen.services.scenario_runs.save_run`).

    ``progress(stage, done, total)`` is told what is being done; the Monte Carlo reports runs done
    out of runs. Raises :class:`ScenarioError` for what only the store can tell is wrong (an
    unknown or ambiguous entity, an empty graph, cyclic ownership over 100 %, payments in several
    currencies without ``currency``).
    """
    def tell(stage: str, done: int = 0, total: int | None = None) -> None:
        if progress is not None:
            progress(stage, done, total)

    started = utc_now()
    tell("Resolving entities")
    checked = check_scenario(store, scenario)
    view, seeds, sink = checked.view, checked.seeds, checked.sink

    tell("Purge impact")
    impact = purge_step(view, seeds, scenario)
    tell("Reading the agents")
    table = agents_step(store, view, impact, scenario)
    # the agents' facts as read (accounts and their balances included), before the Monte Carlo adds outcomes
    agent_facts = hashlib.sha256(json.dumps(table.rows, sort_keys=True, default=str).encode()).hexdigest()
    graph = {**view.summary(), "sha256": view.digest()}
    lost: list[str] = []
    decisions = None
    sensitivity_data = None
    if table.agents is not None:
        decisions, lost = decisions_step(table, scenario, tell)
        if scenario.sensitivity:
            sensitivity_data = sensitivity_step(table, scenario, tell)
    flows = flows_over_runs = targets = None
    if sink is not None:
        tell("Money flows")
        flows = cast(FlowsData, _to_data(flows_step(checked, seeds + lost, scenario)))
        if decisions is not None:
            flows_over_runs = flows_over_runs_step(checked, decisions, scenario, tell)
        if scenario.targeting:
            tell("Designation targets")
            targets = cast(TargetsData, _to_data(targets_step(checked, scenario)))
    key_persons_data = None
    if scenario.key_persons:
        tell("Key persons")
        key_persons_data = key_persons_step(view, scenario.key_persons, stage_seeds(scenario.seed)["key_persons"])
    results = ScenarioResults(
        scenario=scenario.to_dict(), graph=graph, seeds=[_node(view, entity_id) for entity_id in seeds],
        sink=_node(view, sink) if sink else None, exposure=exposure_data(view, impact),
        subnetwork=_subnetwork(view, impact, sink), agents=table.rows,
        decisions=cast(DecisionsData, jsonable(decisions.to_dict(inputs=False))) if decisions else None,
        sensitivity=sensitivity_data,
        removed={"rule": f"the seeds, and the agents with P({' or '.join(scenario.lost_outcomes)}) "
                         f">= {scenario.removal_threshold:g}", "seeds": seeds, "agents": lost},
        flows=flows, flows_over_runs=flows_over_runs, targets=targets, key_persons=key_persons_data,
        disruption=disruption_step(view, scenario, tell) if scenario.disruption else None,
        unsanctioned={}, inputs_sha256="")
    results.unsanctioned = unsanctioned_step(view, results)

    # what the run read, apart from the run count and seed (listed beside it): network, agents, settings
    settings = {key: value for key, value in scenario.to_dict().items() if key not in ("runs", "seed")}
    results.inputs_sha256 = hashlib.sha256(json.dumps(
        {"graph": graph["sha256"], "labels": labels_digest(view),
         "agents": table.agents.digest() if table.agents is not None else None, "agent_facts": agent_facts,
         "seeds": seeds, "sink": sink, "scenario": settings}, sort_keys=True, default=str).encode()).hexdigest()
    provenance = RunProvenance(name=scenario.name, scenario_text=scenario.text, sha256=scenario.sha256,
                               version=moneymen.__version__, seed=scenario.seed, runs=scenario.runs,
                               started_at=started, finished_at=utc_now())
    return ScenarioRun(provenance, ScenarioResults.from_dict(jsonable(results.to_dict())))


def labels_digest(view: NetworkView) -> str:
    """SHA-256 of what the run shows of the network beyond :meth:`NetworkView.digest` (ids, schemata,
    countries, the edge table): each node's caption and sanctions programs, and each edge's id.

    With the view's digest it makes ``inputs_sha256``: two runs with one inputs digest read networks
    that the analyses and the report cannot tell apart, names included. Each node and edge is one
    JSON line, so no caption can run into the next one.
    """
    h = hashlib.sha256()
    for entity_id, caption, programs in zip(view.ids, view.captions, view.programs):
        h.update(json.dumps([entity_id, caption, list(programs)]).encode() + b"\n")
    h.update(b"\x1d")
    for edge_id in view.edge_ids.tolist():
        h.update(json.dumps(str(edge_id)).encode() + b"\n")
    return h.hexdigest()


def exposure_data(view: NetworkView, impact: PurgeImpact) -> ExposureData:
    """The purge impact as data, with the count of exposed entities and each one's sanctions programs
    (``programs``; empty: on no imported list)."""
    exposure = cast(ExposureData, {"count": len(impact.exposed), **impact.to_dict()})
    for row in exposure.get("exposed") or []:
        row["programs"] = list(view.programs[view.index_of(row["entity_id"])])
    return exposure


def _to_data(value: Any) -> Any:
    return jsonable(value.to_dict())


def _node(view: NetworkView, entity_id: str) -> NodeData:
    i = view.index_of(entity_id)
    return {"id": entity_id, "caption": view.captions[i], "schema": view.schemata[i], "countries": list(view.countries[i])}


def _subnetwork(view: NetworkView, impact: PurgeImpact, sink: str | None) -> SubnetworkData:
    """The seeds, the sink and the most exposed entities, with the edges between them (what the report draws)."""
    chosen = list(dict.fromkeys(impact.seeds + [x.entity_id for x in impact.exposed[:DRAWN_NODES]]
                                + ([sink] if sink else [])))
    part = view.subgraph(chosen)
    seeds = set(impact.seeds)
    nodes: list[SubnetworkNode] = [{"id": entity_id, "caption": part.captions[i], "schema": part.schemata[i],
              "exposure": float(impact.scores[view.index_of(entity_id)]), "seed": entity_id in seeds,
              "sink": entity_id == sink} for i, entity_id in enumerate(part.ids)]
    loops = part.source == part.target
    # a payment's amount and currency, so that the drawing can write them on its arrow (None where unknown)
    edges: list[SubnetworkEdge] = [{"source": part.ids[s], "target": part.ids[t], "relation": r,
              "amount": a if a == a else None, "currency": c or None}
             for s, t, r, a, c, loop in zip(part.source.tolist(), part.target.tolist(), part.relation.tolist(),
                                            part.amount.tolist(), part.currency.tolist(), loops.tolist())
             if not loop]
    return {"nodes": nodes, "edges": edges, "exposed_total": len(impact.exposed), "drawn_limit": DRAWN_NODES}
