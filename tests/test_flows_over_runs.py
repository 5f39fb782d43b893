"""Flows and orphaned accounts as distributions over the Monte Carlo runs (not only the most likely fates)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from moneymen.analysis.decisions import OUTCOMES, Agents, simulate_decisions, step_probabilities
from moneymen.analysis.flow_graph import FlowSettings
from moneymen.analysis.flows import flows_after_removals, money_flows
from moneymen.services.scenarios import FLOW_SAMPLE_RUNS, CheckedScenario, flow_sample, flows_over_runs_step
from moneymen.analysis.scenario import Scenario
from moneymen.graph.builder import view_from_entities
from moneymen.model import Entity, Statement


def _entity(entity_id: str, schema: str, **props: str) -> Entity:
    return Entity(entity_id, [Statement(entity_id, schema, prop, value, "test", reliability="B", credibility="2")
                              for prop, value in props.items()])


def courier_network():
    """A patron; his courier alone moves 100 USD from the mine to the bureau, through an account only he holds."""
    return view_from_entities([
        _entity("patron", "Person", name="Patron"),
        _entity("courier", "Person", name="Courier"),
        _entity("mine", "Company", name="Mine"),
        _entity("bureau", "Organization", name="Bureau"),
        _entity("acct", "BankAccount", accountNumber="KP-1"),
        _entity("fam", "Family", person="patron", relative="courier"),
        _entity("own", "Ownership", owner="courier", asset="acct"),
        _entity("p1", "Payment", payer="mine", beneficiary="courier", amount="100", currency="USD"),
        _entity("p2", "Payment", payer="courier", beneficiary="bureau", amount="100", currency="USD",
                payerAccount="acct"),
    ])


SCENARIO = """
name = "courier"
seeds = ["patron"]
sink = "bureau"
currency = "USD"
runs = {runs}
seed = 11
[decisions]
steps = 1
squad_arrest_probability = 0.5          # about even odds that the courier is taken in the one week
"""


def test_mean_flow_after_is_the_flow_times_the_chance_the_courier_stays():
    view = courier_network()
    scenario = Scenario.from_text(SCENARIO.format(runs=FLOW_SAMPLE_RUNS))
    agents = Agents(exposure=[0.9], squad_present=[1.0], ids=["courier"])
    decisions = simulate_decisions(agents, scenario.decisions, runs=scenario.runs, seed=scenario.seed,
                                   keep_states=flow_sample(scenario.runs, scenario.seed).tolist())
    # one step from the start: the chance of each fate is known in closed form
    p_lost = float(sum(step_probabilities(agents, scenario.decisions)[0, OUTCOMES.index(name)]
                       for name in scenario.lost_outcomes))
    assert 0.2 < p_lost < 0.8
    result = flows_over_runs_step(CheckedScenario(["patron"], "bureau", None, view), decisions, scenario,
                                  lambda *args: None)
    assert result["runs_sampled"] == FLOW_SAMPLE_RUNS and result["sample"] == "every run"
    assert result["flow_before"] == pytest.approx(100)
    assert result["distinct_removals"] == 2  # {patron} and {patron, courier}: two max-flows for 500 runs
    standard_error = 100 * math.sqrt(p_lost * (1 - p_lost) / FLOW_SAMPLE_RUNS)
    assert result["flow_after"]["mean"] == pytest.approx((1 - p_lost) * 100, abs=4 * standard_error)
    assert result["flow_lost"]["mean"] == pytest.approx(100 - result["flow_after"]["mean"])
    assert result["flow_after"]["interval_90"] == [0, 100]  # all or nothing
    # the account only the courier held is orphaned exactly when he is lost
    assert result["orphaned_accounts"]["mean"] == pytest.approx(1 - result["flow_after"]["mean"] / 100)


def test_many_runs_are_sampled_with_the_seed():
    first, second = flow_sample(10_000, 3), flow_sample(10_000, 3)
    assert first.size == FLOW_SAMPLE_RUNS and np.array_equal(first, second)
    assert np.unique(first).size == first.size and first.max() < 10_000
    assert not np.array_equal(first, flow_sample(10_000, 4))
    assert np.array_equal(flow_sample(20, 3), np.arange(20))


def test_each_removal_is_measured_as_money_flows_measures_it():
    view = courier_network()
    sample = flows_after_removals(view, "bureau", [[], ["patron"], ["courier"], ["acct"], ["courier", "patron"]],
                                  settings=FlowSettings(currency="USD"))
    expected = [money_flows(view, "bureau", removed=removed, settings=FlowSettings(currency="USD"))
                for removed in ([], ["patron"], ["courier"], ["acct"], ["courier", "patron"])]
    assert sample.flow_after.tolist() == [report.flow_after for report in expected] == [100, 100, 0, 0, 0]
    assert sample.orphaned.tolist() == [len(report.orphaned_accounts) for report in expected] == [0, 0, 1, 0, 1]
    assert sample.distinct == 5 and sample.lost.tolist() == [0, 0, 100, 100, 100]
    with pytest.raises(ValueError, match="sink 'bureau' cannot be removed"):
        flows_after_removals(view, "bureau", [["bureau"]])


def test_kept_states_are_the_runs_asked_for_and_change_nothing_else():
    agents = Agents(exposure=np.linspace(0.1, 1.0, 30), funds=np.linspace(0, 2e5, 30))
    plain = simulate_decisions(agents, runs=700, seed=5)
    kept = simulate_decisions(agents, runs=700, seed=5, keep_states=[699, 3, 260])
    assert plain.states is None and kept.kept_runs.tolist() == [699, 3, 260]
    assert kept.states.dtype == np.int8 and kept.states.shape == (3, 30)
    assert np.array_equal(plain.per_run, kept.per_run)
    for row, run in zip(kept.states, (699, 3, 260)):
        assert np.bincount(row, minlength=len(OUTCOMES)).tolist() == plain.per_run[run].tolist()
    for bad in ([700], [-1], [2, 2], [1.5]):
        with pytest.raises(ValueError, match="keep_states"):
            simulate_decisions(agents, runs=700, seed=5, keep_states=bad)
