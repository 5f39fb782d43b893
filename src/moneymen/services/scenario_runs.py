"""Saved scenario runs: keeping a run in the store, reading it back, and comparing two runs.

:func:`save_run` and :func:`load_run` turn a :class:`~moneymen.analysis.results.ScenarioRun` into the
store's record (its provenance and its results as JSON text) and back; :func:`compare_runs` puts
two runs' headline numbers side by side (``moneymen scenario compare``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from moneymen.analysis.results import DistributionData, FlowsData, ScenarioResults, ScenarioRun
from moneymen.store import Store

__all__ = ["save_run", "load_run", "Comparison", "compare_runs", "compare_saved_runs"]


# -- saved runs --------------------------------------------------------------------------------------

def save_run(store: Store, run: ScenarioRun) -> int:
    """Save ``run`` in ``store`` (one transaction), set its id and return it."""
    run.id = store.save_scenario_run(run.provenance, json.dumps(run.results.to_dict(), ensure_ascii=False,
                                                                allow_nan=False))
    return run.id


def load_run(store: Store, run_id: int) -> ScenarioRun | None:
    """The saved run ``run_id``, or None when the store has none."""
    record = store.scenario_run(run_id)
    if record is None:
        return None
    results = ScenarioResults.from_dict(json.loads(record.results) if record.results else {})
    return ScenarioRun(record.provenance, results, record.id)


# -- comparing saved runs ----------------------------------------------------------------------------

@dataclass
class Comparison:
    """Two runs' headline numbers side by side, and which of their inputs are the same.

    ``rows``: ``{"measure", "first", "second", "change"}`` (change = second − first, None where
    either is missing). ``same``: for the scenario text, the inputs digest, the seed, the run count
    and the moneymen version, whether the two runs share it.
    """

    first: ScenarioRun
    second: ScenarioRun
    rows: list[dict[str, Any]]
    same: dict[str, bool]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the two run ids, the rows and what is the same."""
        return {"first": self.first.id, "second": self.second.id, "rows": self.rows, "same": self.same}


def _count(distribution: DistributionData | None) -> float | None:
    return distribution["mean"] if distribution else None


def _over_runs(results: ScenarioResults, measure: str, statistic: str) -> float | None:
    """A statistic (``mean`` or a quantile such as ``5%``) of a distribution in ``flows_over_runs``."""
    distribution = cast(DistributionData | None, (results.flows_over_runs or {}).get(measure))
    if not distribution:
        return None
    return distribution["mean"] if statistic == "mean" else distribution["quantiles"][statistic]


def _measures() -> list[tuple[str, Callable[[ScenarioResults], Any]]]:
    """The numbers :func:`compare_runs` puts side by side: (label, how to read it from a run's results)."""
    def counts(results: ScenarioResults) -> dict[str, DistributionData]:
        return (results.decisions or {}).get("counts") or {}

    def flows(results: ScenarioResults) -> FlowsData:
        return results.flows or {}

    def listed(results: ScenarioResults, key: str) -> int | None:
        return len(cast(list, flows(results).get(key)) or []) if results.flows else None

    measures: list[tuple[str, Callable[[ScenarioResults], Any]]] = [
        ("entities exposed", lambda results: results.exposure.get("count")),
        ("agents (exposed persons)", lambda results: len(results.agents)),
    ]
    def outcome(name: str) -> Callable[[ScenarioResults], float | None]:
        return lambda results: _count(counts(results).get(name))

    for name in ("returned", "hidden", "defected", "defected_with_funds", "captured", "defectors"):
        measures.append((f"{name.replace('_', ' ')} (mean)", outcome(name)))
    measures += [
        ("funds taken (mean)", lambda results: _count((results.decisions or {}).get("funds_taken"))),
        ("cascade probability", lambda results: ((results.decisions or {}).get("cascade") or {}).get("probability")),
        ("flow before", lambda results: flows(results).get("flow_before")),
        ("flow after", lambda results: flows(results).get("flow_after")),
        ("flow lost", lambda results: flows(results).get("lost")),
        ("flow lost over runs (mean)", lambda results: _over_runs(results, "flow_lost", "mean")),
        ("flow lost over runs (5 %)", lambda results: _over_runs(results, "flow_lost", "5%")),
        ("flow lost over runs (95 %)", lambda results: _over_runs(results, "flow_lost", "95%")),
        ("orphaned accounts", lambda results: listed(results, "orphaned_accounts")),
        ("orphaned accounts over runs (mean)", lambda results: _over_runs(results, "orphaned_accounts", "mean")),
        ("orphaned accounts over runs (95 %)", lambda results: _over_runs(results, "orphaned_accounts", "95%")),
        ("broken business relations", lambda results: listed(results, "broken_relations")),
        ("agents removed for the flows", lambda results: len(results.removed.get("agents") or [])),
    ]
    return measures


def compare_runs(first: ScenarioRun, second: ScenarioRun) -> Comparison:
    """Two runs' headline numbers side by side, and whether the scenario text, the inputs digest, the
    seed, the run count and the moneymen version are the same."""
    rows = []
    for label, read in _measures():
        a, b = read(first.results), read(second.results)
        change = b - a if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None
        rows.append({"measure": label, "first": a, "second": b, "change": change})
    one, other = first.provenance, second.provenance
    same = {"scenario_sha256": one.sha256 == other.sha256,
            "inputs_sha256": first.results.inputs_sha256 == second.results.inputs_sha256,
            "seed": one.seed == other.seed, "runs": one.runs == other.runs, "version": one.version == other.version}
    return Comparison(first, second, rows, same)


def compare_saved_runs(store: Store, first: int, second: int) -> Comparison:
    """:func:`compare_runs` of two runs saved in ``store``; a ``LookupError`` names a run it does not have."""
    runs = []
    for run_id in (first, second):
        run = load_run(store, run_id)
        if run is None:
            raise LookupError(f"no scenario run {run_id} in {store.location}; see `moneymen scenario list`")
        runs.append(run)
    return compare_runs(*runs)
