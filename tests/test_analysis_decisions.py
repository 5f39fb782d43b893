"""The agents' decision model and threshold cascades: validation anchors, known expectations, bad input."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import sparse

from moneymen.algorithms.cascades import poisson_random_graph, threshold_cascade
from moneymen.analysis.decisions import (
    CAPTURED, DEFECTED, DEFECTED_WITH_FUNDS, OUTCOMES, UNDECIDED,
    Agents, DecisionParameters, simulate_decisions, step_probabilities,
)


def granovetter(thresholds: list[int]):
    return threshold_cascade(np.array(thresholds, dtype=float), fractional=False)


# -- Granovetter (1978) ------------------------------------------------------------------------

def test_granovetter_riot_everyone_joins_with_thresholds_0_to_99():
    result = granovetter(list(range(100)))
    assert result.size == 100
    assert result.sizes == tuple(range(101))    # one more person each round


def test_granovetter_one_changed_threshold_stops_the_riot():
    result = granovetter([0, 2] + list(range(2, 100)))
    assert result.size == 1
    assert result.active.tolist() == [True] + [False] * 99


def granovetter_agents(thresholds, family=False):
    n = len(thresholds)
    return Agents(exposure=np.zeros(n), abroad=True, family_at_home=family,
                  thresholds=np.asarray(thresholds, dtype=float) / (n - 1))


def test_decision_model_collapses_to_granovetter_without_hostage_leverage():
    params = DecisionParameters.threshold_limit(steps=150)
    riot = simulate_decisions(granovetter_agents(range(100)), params, runs=3, seed=7)
    assert riot.per_run[:, DEFECTED].tolist() == [100, 100, 100]
    # the decision model's timeline is the cascade's, step by step
    cascade = threshold_cascade(np.arange(100) / 99)
    defected = riot.timeline[: len(cascade.sizes), DEFECTED]
    assert defected.tolist() == list(cascade.sizes)

    stopped = simulate_decisions(granovetter_agents([0, 2] + list(range(2, 100))), params, runs=3, seed=7)
    assert stopped.per_run[:, DEFECTED].tolist() == [1, 1, 1]
    assert stopped.agent("agent-0")["defected"] == 1.0 and stopped.agent("agent-1")["undecided"] == 1.0


def test_hostage_leverage_raises_thresholds_and_stops_the_riot():
    params = DecisionParameters.threshold_limit(steps=150, family_threshold_shift=0.2)
    riot = simulate_decisions(granovetter_agents(range(100), family=True), params, runs=2, seed=7)
    assert riot.per_run[:, DEFECTED].tolist() == [0, 0]


# -- Watts (2002) --------------------------------------------------------------------------------

def watts_share(n: int, z: float, trials: int, seed: int, phi: float = 0.18) -> float:
    rng = np.random.default_rng(seed)
    big = 0
    for trial in range(trials):
        graph = poisson_random_graph(n, z, rng.integers(2**63))
        result = threshold_cascade(np.full(n, phi), adjacency=graph, seeds=[int(rng.integers(n))])
        big += result.size > 0.1 * n
    return big / trials


def test_watts_cascade_window():
    # Published (N = 10,000): 0.035 at z = 1.05, 0.715 at 2, 0.845 at 3, 0 from 6.5 on.
    assert watts_share(2000, 3.0, 60, seed=1) >= 0.6
    assert watts_share(2000, 2.0, 60, seed=2) >= 0.5
    assert watts_share(2000, 7.0, 60, seed=3) == 0.0
    assert watts_share(2000, 1.0, 60, seed=4) <= 0.1


def test_decision_model_in_its_limit_is_the_watts_cascade():
    n = 1500
    graph = poisson_random_graph(n, 3.0, 11)
    degrees = np.diff(graph.indptr)
    seed_agent = int(np.flatnonzero(degrees >= 2)[0])
    expected = threshold_cascade(np.full(n, 0.18), adjacency=graph, seeds=[seed_agent])
    seeded = np.zeros(n, dtype=bool)
    seeded[seed_agent] = True
    agents = Agents(exposure=np.full(n, 0.5), peers=graph, already_defected=seeded)
    params = DecisionParameters.threshold_limit(steps=n, threshold_mean=0.18)
    result = simulate_decisions(agents, params, runs=2, seed=3)
    defected = result.agent_probabilities[:, DEFECTED] == 1.0
    assert defected.tolist() == expected.active.tolist()
    assert result.cascade_probability == (1.0 if expected.size - 1 > 0.1 * n else 0.0)


def test_poisson_random_graph_has_the_mean_degree_and_no_loops():
    graph = poisson_random_graph(5000, 4.0, 1)
    degrees = np.diff(graph.indptr)
    assert abs(degrees.mean() - 4.0) < 0.15
    assert graph.diagonal().sum() == 0 and (graph != graph.T).nnz == 0


# -- expectations known in closed form -----------------------------------------------------------

def independent_agents(n=60, seed=5):
    rng = np.random.default_rng(seed)
    return Agents(exposure=rng.random(n), abroad=rng.random(n) < 0.8, family_at_home=rng.random(n) < 0.5,
                  funds=np.where(rng.random(n) < 0.5, rng.lognormal(11, 1, n), 0.0),
                  squad_present=(rng.random(n) < 0.4).astype(float))


NO_PEERS = {f"{choice}_{signal}": 0.0 for choice in ("return", "hide", "defect", "defect_with_funds")
            for signal in ("peers_defected", "peers_punished")} | {"tipping_probability": 0.0}


def test_one_step_mean_counts_equal_the_sum_of_probabilities():
    agents = independent_agents()
    params = DecisionParameters(steps=1, **NO_PEERS)
    p = step_probabilities(agents, params)
    assert np.allclose(p.sum(axis=1), 1.0)
    runs = 4000
    result = simulate_decisions(agents, params, runs=runs, seed=11)
    for k, outcome in enumerate(OUTCOMES):
        expected = p[:, k].sum()
        se = math.sqrt((p[:, k] * (1 - p[:, k])).sum() / runs)
        assert abs(result.expected(outcome) - expected) <= 4 * se + 1e-12, outcome
    assert p[:, CAPTURED].sum() > 1 and p[:, DEFECTED_WITH_FUNDS].sum() > 0.1   # the check is not vacuous


def test_many_steps_follow_the_geometric_law_when_hiding_is_off():
    agents = independent_agents(20, seed=8)
    steps = 6
    params = DecisionParameters(steps=steps, hide_intercept=-math.inf, **NO_PEERS)
    p = step_probabilities(agents, params)                  # per-step, constant while undecided
    stay = p[:, UNDECIDED]
    expected = p * ((1 - stay**steps) / np.where(stay < 1, 1 - stay, 1))[:, None]
    expected[:, UNDECIDED] = stay**steps
    result = simulate_decisions(agents, params, runs=5000, seed=2)
    se = np.sqrt(expected * (1 - expected) / 5000)
    assert np.all(np.abs(result.agent_probabilities - expected) <= 5 * se + 1e-9)


def test_a_deterministic_defection_with_funds_takes_exactly_the_funds():
    agents = Agents(exposure=[1.0, 1.0], funds=[250_000.0, 0.0])
    params = DecisionParameters(steps=1, arrest_probability=0.0, return_intercept=-math.inf,
                                hide_intercept=-math.inf, defect_intercept=-math.inf,
                                defect_with_funds_intercept=50.0, **NO_PEERS)
    result = simulate_decisions(agents, params, runs=300, seed=1)
    assert result.funds_taken.mean == 250_000.0 and result.funds_taken.interval_90 == (250_000.0, 250_000.0)
    # the agent without funds has nothing to take: option closed, it stays
    assert result.agent("agent-1")["undecided"] == 1.0


def test_hostage_leverage_and_funds_move_outcomes_the_documented_way():
    base = dict(exposure=np.full(200, 0.8), squad_present=0.0)
    free = simulate_decisions(Agents(**base, family_at_home=False), runs=300, seed=4)
    held = simulate_decisions(Agents(**base, family_at_home=True), runs=300, seed=4)
    assert held.expected("defectors") < 0.5 * free.expected("defectors")
    assert held.expected("returned") > free.expected("returned")
    rich = simulate_decisions(Agents(**base, funds=1e6), runs=300, seed=4)
    assert rich.expected("defected_with_funds") > 3 * free.expected("defected_with_funds")
    assert free.expected("defected_with_funds") == 0.0          # no funds, none taken


def test_arrest_squads_raise_captures_and_hiding():
    quiet = simulate_decisions(Agents(exposure=np.full(200, 0.7)), runs=200, seed=9)
    squad = simulate_decisions(Agents(exposure=np.full(200, 0.7), squad_present=1.0), runs=200, seed=9)
    assert squad.expected("captured") > 2 * quiet.expected("captured")
    assert squad.timeline[3, OUTCOMES.index("hidden")] > quiet.timeline[3, OUTCOMES.index("hidden")]


def test_agents_at_home_are_only_ever_captured():
    agents = Agents(exposure=[1.0, 0.5, 0.0], abroad=False)
    result = simulate_decisions(agents, DecisionParameters(steps=10), runs=2000, seed=3)
    assert set(np.flatnonzero(result.agent_probabilities.sum(axis=0))) <= {UNDECIDED, CAPTURED}
    expected = 1 - (1 - np.array([1.0, 0.5, 0.0]) * 0.10) ** 10
    assert np.allclose(result.agent_probabilities[:, CAPTURED], expected, atol=0.035)


# -- reproducibility -----------------------------------------------------------------------------

def network_agents(n=300, seed=1):
    rng = np.random.default_rng(seed)
    return Agents(exposure=rng.random(n), abroad=rng.random(n) < 0.9, family_at_home=rng.random(n) < 0.6,
                  funds=rng.lognormal(10, 2, n), peers=poisson_random_graph(n, 6, seed),
                  squad_present=(rng.random(n) < 0.3).astype(float))


def test_same_seed_same_result_whatever_the_workers_and_other_seeds_differ():
    agents = network_agents()
    calls = []
    one = simulate_decisions(agents, runs=600, seed=42, progress=lambda done, total: calls.append((done, total)))
    two = simulate_decisions(agents, runs=600, seed=42, workers=2)
    other = simulate_decisions(agents, runs=600, seed=43)
    assert json.dumps(one.to_dict(per_run=True)) == json.dumps(two.to_dict(per_run=True))
    assert not np.array_equal(one.per_run, other.per_run)
    assert calls[-1] == (600, 600) and [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(calls) == 3                                      # blocks of 250 runs


def test_the_result_is_json_with_inputs_seed_and_version():
    agents = network_agents(50)
    result = simulate_decisions(agents, DecisionParameters(hide_intercept=-math.inf), runs=100, seed=5)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["seed"] == 5 and data["runs"] == 100 and data["version"]
    assert data["parameters"]["hide_intercept"] == "-inf"
    assert DecisionParameters.from_mapping(data["parameters"]) == result.parameters
    assert data["agents"]["count"] == 50 and len(data["agents"]["peers"]) == agents.peers.nnz
    assert set(data["counts"]) == set(OUTCOMES) | {"defectors", "threshold_defections"}
    defectors = data["counts"]["defectors"]
    assert defectors["interval_90"][0] <= defectors["mean"] <= defectors["interval_90"][1]
    assert sum(defectors["histogram"]["counts"]) == 100
    assert len(data["timeline"]) == result.parameters.steps + 1
    assert all(abs(sum(row.values()) - 50) < 1e-9 for row in data["timeline"])
    assert math.isclose(sum(data["agent_probabilities"]["agent-0"].values()), 1.0)


# -- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, words", [
    ({"arrest_probability": -0.1}, ["arrest_probability", "-0.1"]),
    ({"tipping_probability": 1.5}, ["tipping_probability", "1.5"]),
    ({"defect_exposure": float("nan")}, ["defect_exposure", "NaN"]),
    ({"return_intercept": float("inf")}, ["return_intercept", "inf"]),
    ({"steps": 0}, ["steps", "0"]),
    ({"funds_scale": 0.0}, ["funds_scale"]),
    ({"hide_family": "a lot"}, ["hide_family", "a lot"]),
])
def test_bad_parameters_say_which_and_what(changes, words):
    with pytest.raises(ValueError) as error:
        DecisionParameters(**changes)
    assert all(word in str(error.value) for word in words), str(error.value)


def test_coefficients_that_overflow_to_nan_are_refused_naming_the_choice():
    params = DecisionParameters(hide_intercept=1e308, hide_exposure=1e308)
    with pytest.raises(ValueError, match="utility of 'hide' for agent 'agent-0' is not a finite number.*hide_exposure=1e"):
        simulate_decisions(Agents(exposure=[1.0]), params, runs=1, seed=0)
    params = DecisionParameters(defect_intercept=1e308, defect_peers_defected=1e308)
    with pytest.raises(ValueError, match="overflow.*defect_peers_defected=1e"):
        simulate_decisions(Agents(exposure=[0.0]), params, runs=1, seed=0)


def test_unknown_scenario_keys_are_refused_with_a_suggestion():
    with pytest.raises(ValueError, match=r"unknown decision parameter 'arest_probability' \(did you mean 'arrest_probability'\?\)"):
        DecisionParameters.from_mapping({"arest_probability": 0.1})
    params = DecisionParameters.from_mapping({"steps": 12, "defect_intercept": "-inf", "hide_squad": 2})
    assert params.steps == 12 and params.defect_intercept == -math.inf and params.hide_squad == 2.0


@pytest.mark.parametrize("kwargs, words", [
    ({"exposure": []}, ["exposure", "empty"]),
    ({"exposure": [0.5, 0.2], "funds": [1.0, 2.0, 3.0]}, ["funds", "3 values", "expected 2"]),
    ({"exposure": [0.5, 1.2]}, ["exposure[1]", "1.2"]),
    ({"exposure": [0.5, float("nan")]}, ["exposure[1]", "nan"]),
    ({"exposure": [0.5, 0.5], "funds": [-1.0, 0.0]}, ["funds[0]", "-1.0"]),
    ({"exposure": [0.5, 0.5], "abroad": [1, 2]}, ["abroad[1]", "2"]),
    ({"exposure": [0.5, 0.5], "peers": np.ones((3, 3))}, ["peers", "(3, 3)", "(2, 2)"]),
    ({"exposure": [0.5, 0.5], "peers": np.array([[0, -1], [1, 0]])}, ["peers[0, 1]", "-1"]),
    ({"exposure": [0.5, 0.5], "abroad": [True, False], "already_defected": [False, True]},
     ["already_defected[1]", "not abroad"]),
    ({"exposure": [0.5, 0.5], "ids": ["a", "a"]}, ["ids", "'a'"]),
    ({"exposure": [0.5, 0.5], "thresholds": [0.1, -0.2]}, ["thresholds[1]", "-0.2"]),
])
def test_bad_agents_say_which_and_what(kwargs, words):
    with pytest.raises(ValueError) as error:
        Agents(**kwargs)
    assert all(word in str(error.value) for word in words), str(error.value)


def test_bad_runs_seed_and_cascade_input():
    agents = Agents(exposure=[0.5])
    for kwargs in ({"runs": 0, "seed": 1}, {"runs": 10, "seed": -1}, {"runs": 10, "seed": 1.5}):
        with pytest.raises(ValueError, match="runs|seed"):
            simulate_decisions(agents, **kwargs)
    with pytest.raises(ValueError, match=r"seeds must be node indices in \[0, 3\)"):
        threshold_cascade([0.1, 0.2, 0.3], seeds=[3])
    with pytest.raises(ValueError, match=r"thresholds\[1\]"):
        threshold_cascade([0.1, -0.2])
    with pytest.raises(ValueError, match="peers"):
        threshold_cascade([0.1, 0.2], adjacency=sparse.eye(3))


# -- sensitivity ---------------------------------------------------------------------------------

def test_sensitivity_ranks_parameters_by_their_effect_with_the_documented_signs():
    from moneymen.analysis.sensitivity import sensitivity

    agents = Agents(exposure=np.full(100, 0.8), family_at_home=np.arange(100) % 2 == 0, funds=2e5)
    names = ["defect_intercept", "return_intercept", "defect_family", "funds_scale", "squad_arrest_probability"]
    calls = []
    result = sensitivity(agents, runs=250, seed=3, names=names, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (11, 11)
    effects = {row.parameter: row.effect("defectors") for row in result.rows}
    assert effects["defect_intercept"] > 0 > effects["return_intercept"]
    # no squad anywhere: its arrest probability changes nothing, and common random numbers show it exactly
    assert effects["squad_arrest_probability"] == 0.0
    assert [row.parameter for row in result.rows][0] in ("defect_intercept", "return_intercept")
    assert abs(effects["defect_intercept"]) >= abs(effects["funds_scale"])
    json.dumps(result.to_dict(), allow_nan=False)
    with pytest.raises(ValueError, match="did you mean 'defect_intercept'"):
        sensitivity(agents, runs=10, seed=1, names=["defect_intercep"])
