"""Run a scenario against the evidence store: purge impact, the agents' decisions, money flows, targets.

:func:`run_scenario` builds the network view the scenario's filters ask for, finds who the
purge exposes, simulates what the exposed persons do (Monte Carlo), measures the money flows to
the sink before the purge and after it, and adds the optional analyses (designation targets, key
persons, disruption curves, sensitivity). The result, a :class:`ScenarioRun`, is data: every number
with the scenario text and its hash, the moneymen version, the seed and a digest of the inputs.
:meth:`ScenarioRun.save` keeps it in the store; ``moneymen scenario show`` reads it back.

The purge and flow analyses come from :mod:`moneymen.analysis.purge` and
:mod:`moneymen.analysis.flows` over :mod:`moneymen.graph.view`; each is called through one small
function (:func:`_purge_step`, :func:`_flow_step`). Where those modules are not installed, a
scenario that needs them raises :class:`ScenarioUnavailable`.

Which agents are lost to the network after the Monte Carlo: each agent whose probability of
ending captured, defected or defected with funds is at least the scenario's ``removal_threshold``
(default 1/2: the agent's most likely fate is to be gone). The flows "after" are the maximum
flows with those agents and the seeds removed. Hidden agents stay (they may still return).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np

import moneymen
from moneymen.analysis.decisions import OUTCOMES, simulate_decisions
from moneymen.analysis.facts import NetworkFacts, build_agents, ownership_problems, parse_amount
from moneymen.analysis.scenario import Scenario, ScenarioError
from moneymen.store import ScenarioRunRecord, Store

__all__ = ["ScenarioRun", "ScenarioUnavailable", "Progress", "run_scenario", "check_scenario", "CheckedScenario",
           "compare_runs", "resolve_entity", "LOST_OUTCOMES"]

#: ``progress(stage, done, total)``: ``total`` None while the size of a stage is unknown.
Progress = Callable[[str, int, "int | None"], None]
#: Outcomes that take an agent out of the network (hidden agents may come back; undecided ones stay).
LOST_OUTCOMES = ("captured", "defected", "defected_with_funds")
#: The exposed subnetwork drawn in a report: at most this many exposed entities (the most exposed), plus the seeds.
DRAWN_NODES = 120


class ScenarioUnavailable(ScenarioError):
    """The scenario needs an analysis this installation does not have (the purge or flow modules)."""


# -- the run as data -------------------------------------------------------------------------------

def utc_now() -> str:
    """Now, as ISO-8601 UTC text."""
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ScenarioRun:
    """One run of a scenario: what was asked, with which code and seed, and everything that came out.

    ``results`` is JSON-ready data (see ``docs/scenarios.md`` for its keys); ``id`` is set once
    the run is saved in a store.
    """

    name: str
    scenario_text: str
    sha256: str
    version: str
    seed: int
    runs: int
    started_at: str
    finished_at: str
    results: dict[str, Any] = field(default_factory=dict)
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready: provenance first, then the results."""
        return {"id": self.id, "name": self.name, "version": self.version, "seed": self.seed, "runs": self.runs,
                "started_at": self.started_at, "finished_at": self.finished_at,
                "scenario_sha256": self.sha256, "scenario_text": self.scenario_text, **self.results}

    def save(self, store: Store) -> int:
        """Save the run in ``store`` (one transaction) and return its id."""
        self.id = store.save_scenario_run(
            name=self.name, scenario_text=self.scenario_text, sha256=self.sha256, version=self.version, seed=self.seed,
            runs=self.runs, started_at=self.started_at, finished_at=self.finished_at,
            results=json.dumps(self.results, ensure_ascii=False, allow_nan=False))
        return self.id

    @classmethod
    def from_record(cls, record: ScenarioRunRecord) -> "ScenarioRun":
        """A saved run, as :meth:`Store.scenario_run` returns it."""
        return cls(name=record.name, scenario_text=record.scenario_text, sha256=record.sha256, version=record.version,
                   seed=record.seed, runs=record.runs, started_at=record.started_at, finished_at=record.finished_at,
                   results=json.loads(record.results) if record.results else {}, id=record.id)


def jsonable(value: Any) -> Any:
    """``value`` with numpy numbers, tuples, sets and dataclasses turned into JSON types; non-finite floats as strings."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [jsonable(item) for item in items]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else ("nan" if math.isnan(value) else ("inf" if value > 0 else "-inf"))
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    return str(value)


# -- entities named in a scenario ------------------------------------------------------------------

def resolve_entity(store: Store, scenario: Scenario, key: str, reference: str) -> str:
    """The entity id ``reference`` names: an id the store has, or a name that only one entity bears.

    A name matches an entity's names and aliases (case-insensitive; the whole name first, else a
    part of it), within the scenario's datasets when it names some. Unknown and ambiguous
    references raise a :class:`ScenarioError` on ``key``, ambiguous ones with the candidates.
    """
    from moneymen.entities import get_entities, get_entity

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


# -- the steps that use the purge and flow analyses --------------------------------------------------

def _require(module: str, scenario: Scenario, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        if not (error.name or "").startswith("moneymen"):
            raise  # a third-party dependency of the module is missing: show the real error
        raise ScenarioUnavailable(scenario.path, None, f"this scenario needs {what} ({module}), which this "
                                  f"moneymen installation does not have yet") from None


def _build_view(store: Store, scenario: Scenario) -> Any:
    view_module = _require("moneymen.graph.view", scenario, "the network view")
    return view_module.build_view(store, min_grade=scenario.min_grade, datasets=scenario.datasets,
                                  as_of=scenario.as_of, relations=scenario.relations)


def _purge_step(view: Any, seeds: list[str], scenario: Scenario) -> Any:
    """Purge impact of ``seeds`` under the scenario's rules (:func:`moneymen.analysis.purge.purge_impact`)."""
    purge = _require("moneymen.analysis.purge", scenario, "the purge-impact analysis")
    try:
        rules = purge.ExposureRules.from_mapping(scenario.rules)
    except (ValueError, TypeError) as error:
        raise scenario.error("rules", str(error)) from None
    return purge.purge_impact(view, seeds, rules)


def _flow_step(view: Any, sink: str, removed: list[str], scenario: Scenario) -> Any:
    """Money flows to ``sink`` before and after ``removed`` go (:func:`moneymen.analysis.flows.money_flows`)."""
    flows = _require("moneymen.analysis.flows", scenario, "the money-flow analysis")
    return flows.money_flows(view, sink, removed=removed, currency=scenario.currency)


def _targets_step(view: Any, sink: str, k: int, scenario: Scenario) -> Any:
    """The ``k`` designations that cut the most flow to ``sink`` (:func:`moneymen.analysis.flows.designation_targets`)."""
    flows = _require("moneymen.analysis.flows", scenario, "the money-flow analysis")
    return flows.designation_targets(view, sink, k)


# -- the runner ------------------------------------------------------------------------------------

def run_scenario(store: Store, scenario: Scenario, progress: Progress | None = None) -> ScenarioRun:
    """Run ``scenario`` on ``store`` and return the run (not yet saved: call :meth:`ScenarioRun.save`).

    ``progress(stage, done, total)`` is told what is being done; the Monte Carlo reports runs done
    out of runs. Raises :class:`ScenarioError` for what only the store can tell is wrong (an
    unknown or ambiguous entity, an empty graph, cyclic ownership over 100 %), and
    :class:`ScenarioUnavailable` when the purge or flow analyses are not installed.
    """
    def tell(stage: str, done: int = 0, total: int | None = None) -> None:
        if progress is not None:
            progress(stage, done, total)

    started = utc_now()
    tell("Resolving entities")
    checked = check_scenario(store, scenario)
    seeds, sink, view, facts = checked.seeds, checked.sink, checked.view, checked.facts

    tell("Purge impact")
    impact = _purge_step(view, seeds, scenario)
    exposed = _exposure_rows(impact, facts, set(seeds))

    tell("Reading the agents")
    balances = _balances(store, facts)
    table = build_agents(facts, {row["id"]: row["score"] for row in exposed}, seeds=seeds, balances=balances,
                         arrest_squads=scenario.arrest_squads, currency=scenario.currency)
    results: dict[str, Any] = {
        "scenario": scenario.to_dict(),
        "graph": {"nodes": len(facts.ids), "edges": len(facts.source),
                  "relations": dict(Counter(facts.relation).most_common()),
                  "schemata": dict(Counter(facts.schemata).most_common()), "sha256": facts.digest()},
        "seeds": [_node(facts, entity_id) for entity_id in seeds],
        "sink": _node(facts, sink) if sink else None,
        "exposure": {"count": len(exposed), "by_schema": dict(Counter(row["schema"] for row in exposed).most_common()),
                     "exposed": exposed, "raw": _to_data(impact)},
        "subnetwork": _subnetwork(facts, exposed, seeds, sink),
        "agents": table.rows,
    }

    lost: list[str] = []
    if table.agents is not None:
        tell("Monte Carlo", 0, scenario.runs)
        decisions = simulate_decisions(table.agents, scenario.decisions, runs=scenario.runs, seed=scenario.seed,
                                       progress=lambda done, total: tell("Monte Carlo", done, total))
        results["decisions"] = jsonable(decisions.to_dict(inputs=False))
        for row, probabilities in zip(table.rows, decisions.agent_probabilities):
            row["outcomes"] = {name: float(p) for name, p in zip(OUTCOMES, probabilities)}
            row["p_lost"] = float(sum(row["outcomes"][name] for name in LOST_OUTCOMES))
            if row["p_lost"] >= scenario.removal_threshold:
                lost.append(row["id"])
        if scenario.sensitivity:
            from moneymen.analysis.decisions import sensitivity

            options = scenario.sensitivity
            tell("Sensitivity", 0, None)
            result = sensitivity(table.agents, scenario.decisions, runs=options["runs"], seed=scenario.seed,
                                 metric=options["metric"], change=options["change"], names=options["parameters"],
                                 progress=lambda done, total: tell("Sensitivity", done, total))
            results["sensitivity"] = jsonable(result.to_dict())
        digest_agents = table.agents.digest()
    else:
        results["decisions"] = None
        digest_agents = "no agents"
    results["removed"] = {"rule": f"seeds, and agents with P(captured or defected) >= {scenario.removal_threshold:g}",
                          "seeds": seeds, "agents": lost}

    if sink is not None:
        tell("Money flows")
        report = _flow_step(view, sink, seeds + lost, scenario)
        results["flows"] = _flow_rows(report, facts)
        if scenario.targeting:
            tell("Designation targets")
            results["targets"] = _to_data(_targets_step(view, sink, scenario.targeting, scenario))
    if scenario.key_persons:
        tell("Key persons")
        results["key_persons"] = _key_persons(view, facts, scenario.key_persons)
    if scenario.disruption:
        results["disruption"] = _disruption(view, facts, scenario, tell)

    results["inputs_sha256"] = hashlib.sha256(json.dumps(
        {"graph": facts.digest(), "agents": digest_agents, "seeds": seeds, "sink": sink,
         "scenario": scenario.to_dict()}, sort_keys=True, default=str).encode()).hexdigest()
    return ScenarioRun(name=scenario.name, scenario_text=scenario.text, sha256=scenario.sha256,
                       version=moneymen.__version__, seed=scenario.seed, runs=scenario.runs, started_at=started,
                       finished_at=utc_now(), results=jsonable(results))


@dataclass
class CheckedScenario:
    """A scenario checked against a store: its entities resolved, its network built and checked."""

    seeds: list[str]
    sink: str | None
    view: Any
    facts: NetworkFacts


def check_scenario(store: Store, scenario: Scenario) -> CheckedScenario:
    """Resolve the scenario's entities and build and check its network, without running anything.

    Raises :class:`ScenarioError` for an unknown or ambiguous entity, an empty graph, or cyclic
    ownership over 100 %; :class:`ScenarioUnavailable` when the network view is not installed.
    """
    seeds = [resolve_entity(store, scenario, f"seeds[{i}]", ref) for i, ref in enumerate(scenario.seeds)]
    sink = resolve_entity(store, scenario, "sink", scenario.sink) if scenario.sink else None
    view = _build_view(store, scenario)
    facts = NetworkFacts.from_view(view)
    _check_graph(store, scenario, facts, seeds, sink)
    return CheckedScenario(seeds, sink, view, facts)


def _check_graph(store: Store, scenario: Scenario, facts: NetworkFacts, seeds: list[str], sink: str | None) -> None:
    filters = ", ".join(f"{key} {value}" for key, value in (("min_grade", scenario.min_grade),
                        ("datasets", ", ".join(scenario.datasets or ())), ("as_of", scenario.as_of),
                        ("relations", ", ".join(scenario.relations or ()))) if value) or "no filters"
    if not facts.ids or not facts.source:
        what = "no entities" if not facts.ids else f"{len(facts.ids)} entities but no relations between them"
        raise scenario.error("graph", f"empty graph: the store {store.location} gives {what} with {filters}; "
                                      "loosen the filters or import data")
    for i, entity_id in enumerate(seeds):
        if entity_id not in facts:
            raise scenario.error(f"seeds[{i}]", f"{entity_id!r} is in the store but not in the graph ({filters})")
    if sink is not None and sink not in facts:
        raise scenario.error("sink", f"{sink!r} is in the store but not in the graph ({filters})")
    if not any(p is not None for p in facts.percentage):
        _fill_percentages(store, facts)
    problems = ownership_problems(facts)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise scenario.error("graph", problems[0] + more + "; correct the stakes in the data, or leave them out "
                                      "with graph.min_grade")


def _fill_percentages(store: Store, facts: NetworkFacts) -> None:
    """Read the stakes of the graph's Ownership edges from the store, for a view that does not carry them."""
    from moneymen.entities import get_entities

    pairs = {(facts.ids[s], facts.ids[t]): k for k, (s, t) in enumerate(zip(facts.source, facts.target))
             if facts.relation[k] == "Ownership"}
    if not pairs:
        return
    owners = sorted({owner for owner, _ in pairs})
    ids = set()
    for owner in owners:
        ids.update(store.referencing_entity_ids(owner, ["owner"]))
    for entity in get_entities(store, sorted(ids)):
        if entity.schema.name != "Ownership":
            continue
        percentages = [parse_amount(value) for value in entity.values("percentage")]
        percentages = [p for p in percentages if p is not None]
        if not percentages:
            continue
        for owner in entity.values("owner"):
            for asset in entity.values("asset"):
                k = pairs.get((owner, asset))
                if k is not None:
                    facts.percentage[k] = (facts.percentage[k] or 0.0) + percentages[0]


def _balances(store: Store, facts: NetworkFacts) -> dict[str, tuple[float, str | None]]:
    """Balance (else amount) and currency of every bank account in the graph, from the store."""
    from moneymen.entities import get_entities

    accounts = [facts.ids[i] for i in range(len(facts.ids)) if facts.is_a(i, "BankAccount")]
    balances = {}
    for entity in get_entities(store, accounts):
        for prop in ("balance", "amount", "amountUsd", "amountEur"):
            values = [parse_amount(value) for value in entity.values(prop)]
            values = [v for v in values if v is not None]
            if values:
                unit = {"amountUsd": "USD", "amountEur": "EUR"}.get(prop) or next(iter(entity.values("currency")), None)
                balances[entity.id] = (max(values), unit.upper() if unit else None)
                break
    return balances


def _node(facts: NetworkFacts, entity_id: str) -> dict[str, Any]:
    i = facts.index_of(entity_id)
    return {"id": entity_id, "caption": facts.captions[i], "schema": facts.schemata[i],
            "countries": list(facts.countries[i])}


def _to_data(value: Any) -> Any:
    return jsonable(value.to_dict() if hasattr(value, "to_dict") else value)


def _caption(facts: NetworkFacts, value: Any) -> str:
    text = str(value)
    return facts.captions[facts.index_of(text)] if text in facts else text


def _path_steps(facts: NetworkFacts, path: Any) -> list[str]:
    """A path as words: entity ids become captions; relation names stay."""
    steps: list[str] = []
    for step in path or ():
        if isinstance(step, Mapping):
            parts = [step.get(key) for key in ("relation", "entity_id", "id", "target", "caption") if step.get(key)]
        elif isinstance(step, (list, tuple)):
            parts = list(step)
        elif hasattr(step, "__dataclass_fields__"):
            parts = [value for value in dataclasses.asdict(step).values() if isinstance(value, str)]
        else:
            parts = [step]
        steps.extend(_caption(facts, part) for part in parts if part not in (None, ""))
    return steps


def _exposure_rows(impact: Any, facts: NetworkFacts, seeds: set[str]) -> list[dict[str, Any]]:
    """The exposed entities of a purge impact as plain rows, most exposed first, with their paths in words."""
    rows = []
    explain = getattr(impact, "explain", None)
    for exposure in getattr(impact, "exposed", ()):
        entity_id = str(getattr(exposure, "entity_id", None) or getattr(exposure, "id"))
        path = getattr(exposure, "path", ())
        text = None
        if callable(explain):
            try:
                text = explain(entity_id)
            except Exception:  # an explanation is a courtesy; the path below says the same
                text = None
        steps = _path_steps(facts, path)
        rows.append({
            "id": entity_id,
            "caption": str(getattr(exposure, "caption", None) or _caption(facts, entity_id)),
            "schema": str(getattr(getattr(exposure, "schema", None), "name", getattr(exposure, "schema", "")) or
                          (facts.schemata[facts.index_of(entity_id)] if entity_id in facts else "")),
            "score": float(getattr(exposure, "score", 0.0)),
            "hops": int(getattr(exposure, "hops", 0) or 0),
            "seed": entity_id in seeds,
            "path": jsonable(path),
            "path_text": text if isinstance(text, str) and text else " → ".join(steps),
        })
    rows.sort(key=lambda row: (-row["score"], row["hops"], row["id"]))
    return rows


def _subnetwork(facts: NetworkFacts, exposed: list[dict[str, Any]], seeds: list[str], sink: str | None) -> dict[str, Any]:
    """The seeds, the sink and the most exposed entities, with the edges between them (what the report draws)."""
    score = {row["id"]: row["score"] for row in exposed}
    chosen = list(dict.fromkeys(seeds + [row["id"] for row in exposed if row["id"] in facts][:DRAWN_NODES]
                                + ([sink] if sink else [])))
    inside = {facts.index_of(entity_id) for entity_id in chosen}
    nodes = [{"id": entity_id, "caption": facts.captions[facts.index_of(entity_id)],
              "schema": facts.schemata[facts.index_of(entity_id)], "exposure": score.get(entity_id, 0.0),
              "seed": entity_id in seeds, "sink": entity_id == sink} for entity_id in chosen]
    edges = [{"source": facts.ids[s], "target": facts.ids[t], "relation": facts.relation[k]}
             for k, (s, t) in enumerate(zip(facts.source, facts.target)) if s in inside and t in inside and s != t]
    return {"nodes": nodes, "edges": edges, "exposed_total": len(exposed), "drawn_limit": DRAWN_NODES}


def _number(*values: Any) -> float | None:
    for value in values:
        if isinstance(value, Mapping):
            value = value.get("value", value.get("total"))
        elif value is not None and not isinstance(value, (int, float, str, np.generic)):
            value = getattr(value, "value", getattr(value, "total", None))
        number = parse_amount(value)
        if number is not None:
            return number
    return None


def _rows(facts: NetworkFacts, values: Any) -> list[dict[str, Any]]:
    rows = []
    for value in values or ():
        data = _to_data(value)
        if isinstance(data, str):
            data = {"id": data, "caption": _caption(facts, data)}
        elif isinstance(data, list):
            data = {"items": " → ".join(_caption(facts, item) for item in data)}
        elif isinstance(data, dict):
            for key in ("id", "entity_id", "account", "source", "target"):
                if isinstance(data.get(key), str) and data[key] in facts and "caption" not in data:
                    data = {**data, "caption": _caption(facts, data[key])}
                    break
        rows.append(data)
    return rows


def _flow_rows(report: Any, facts: NetworkFacts) -> dict[str, Any]:
    """The flow report with its headline numbers and lists in fixed keys (the rest kept under ``raw``)."""
    raw = _to_data(report)
    data = raw if isinstance(raw, dict) else {}
    orphaned = next((getattr(report, name) for name in ("orphaned_accounts", "orphaned") if getattr(report, name, None)),
                    data.get("orphaned_accounts", data.get("orphaned")))
    severed = getattr(report, "severed", None) or data.get("severed")
    return {
        "before": _number(getattr(report, "before", None), data.get("before")),
        "after": _number(getattr(report, "after", None), data.get("after")),
        "severed": _rows(facts, severed),
        "orphaned_accounts": _rows(facts, orphaned),
        "raw": raw,
    }


def _key_persons(view: Any, facts: NetworkFacts, top: int) -> dict[str, Any]:
    from moneymen.analysis.keypersons import key_persons

    adjacency = _adjacency(view, facts)
    # a broker's clusters are the countries it links (its own first country, and its neighbours')
    countries = [c[0] if c else "" for c in facts.countries]
    numbers = {c: i for i, c in enumerate(sorted(set(countries)))}
    result = key_persons(adjacency, labels=facts.ids, clusters=[numbers[c] for c in countries], top=top)
    data = jsonable(result.to_dict())
    for row in data["articulation_points"] + data["brokers"]:
        row["caption"] = _caption(facts, row["label"])
    data["bridges"] = [[_caption(facts, u), _caption(facts, v)] for u, v in data["bridges"]]
    return data


def _adjacency(view: Any, facts: NetworkFacts) -> Any:
    adjacency = getattr(view, "adjacency", None)
    if callable(adjacency):
        return adjacency()
    from moneymen.analysis.graphs import adjacency_from_edges

    matrix, _ = adjacency_from_edges(zip(facts.source, facts.target), nodes=range(len(facts.ids)))
    return matrix


def _disruption(view: Any, facts: NetworkFacts, scenario: Scenario, tell: Callable[..., None]) -> list[dict[str, Any]]:
    from moneymen.analysis.disruption import disruption_curve

    adjacency = _adjacency(view, facts)
    options = scenario.disruption or {}
    curves = []
    strategies = options.get("strategies", ["degree", "betweenness"])
    steps = min(options.get("steps", 10), max(len(facts.ids) - 1, 0))
    for index, strategy in enumerate(strategies):
        tell("Disruption curves", index, len(strategies))
        curve = disruption_curve(adjacency, strategy, steps, labels=facts.ids, seed=scenario.seed % (2**32))
        data = jsonable(curve.to_dict())
        data.pop("seconds", None)  # a timing, not a result: runs with the same seed give the same data
        for step in data["steps"]:
            step["captions"] = [_caption(facts, label) for label in step["removed"]]
        curves.append(data)
    tell("Disruption curves", len(strategies), len(strategies))
    return curves


# -- comparing saved runs ----------------------------------------------------------------------------

def compare_runs(first: Mapping[str, Any], second: Mapping[str, Any]) -> dict[str, Any]:
    """Two runs' headline numbers side by side (``to_dict()`` of each), and what differs in their inputs.

    ``rows``: ``{"measure", "first", "second", "change"}`` (change = second − first, None where
    either is missing). ``same``: whether the scenario text, the inputs digest, the seed, the run
    count and the moneymen version are the same.
    """
    def outcome(run: Mapping[str, Any], name: str) -> float | None:
        counts = ((run.get("decisions") or {}).get("counts") or {})
        return counts[name]["mean"] if name in counts else None

    measures: list[tuple[str, Callable[[Mapping[str, Any]], Any]]] = [
        ("entities exposed", lambda run: (run.get("exposure") or {}).get("count")),
        ("agents (exposed persons)", lambda run: len(run.get("agents") or [])),
    ]
    for name in ("returned", "hidden", "defected", "defected_with_funds", "captured", "defectors"):
        measures.append((f"{name.replace('_', ' ')} (mean)", lambda run, name=name: outcome(run, name)))
    measures += [
        ("funds taken (mean)", lambda run: ((run.get("decisions") or {}).get("funds_taken") or {}).get("mean")),
        ("cascade probability", lambda run: ((run.get("decisions") or {}).get("cascade") or {}).get("probability")),
        ("flow before", lambda run: (run.get("flows") or {}).get("before")),
        ("flow after", lambda run: (run.get("flows") or {}).get("after")),
        ("severed flows", lambda run: len((run.get("flows") or {}).get("severed") or []) if run.get("flows") else None),
        ("orphaned accounts", lambda run: len((run.get("flows") or {}).get("orphaned_accounts") or [])
         if run.get("flows") else None),
        ("agents removed for the flows", lambda run: len((run.get("removed") or {}).get("agents") or [])),
    ]
    rows = []
    for label, read in measures:
        a, b = read(first), read(second)
        change = b - a if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None
        rows.append({"measure": label, "first": a, "second": b, "change": change})
    same = {key: first.get(key) == second.get(key)
            for key in ("scenario_sha256", "inputs_sha256", "seed", "runs", "version")}
    return {"first": first.get("id"), "second": second.get("id"), "rows": rows, "same": same}
