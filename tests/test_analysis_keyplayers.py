"""Borgatti's key-player measures and set search: hand-checked graphs and the figure 8 fixture (VALIDATION.md)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import shared_file
from moneymen.algorithms import (
    adjacency_from_edges,
    distance_fragmentation,
    distance_reach,
    fragmentation,
    key_player_set,
    m_reach,
)

PATH4 = adjacency_from_edges([(0, 1), (1, 2), (2, 3)])[0]


def figure_8():
    lines = shared_file("networks", "keyplayer", "figure_8.egl").read_text().splitlines()
    assert lines[0].split() == ["Node1", "Node2"]  # a header, then one tab-separated edge per line
    matrix, labels = adjacency_from_edges(tuple(line.split()) for line in lines[1:] if line.strip())
    return matrix, labels


def test_path_graph_by_hand():
    assert fragmentation(PATH4) == 0.0
    # removing node 1 leaves {0} and {2, 3}: n = 3 nodes left, one connected ordered pair each way
    assert fragmentation(PATH4, [1]) == pytest.approx(1 - 2 / 6)
    # intact path: Σ 1/d over unordered pairs = 1 + 1/2 + 1/3 + 1 + 1/2 + 1 = 13/3
    assert distance_fragmentation(PATH4) == pytest.approx(1 - 2 * (13 / 3) / 12)
    assert distance_fragmentation(PATH4, [1, 2]) == 1.0  # two isolated nodes
    assert m_reach(PATH4, [0], m=1) == 1
    assert m_reach(PATH4, [0], m=2) == 2
    # reach of {0}: 1/1 + 1/2 + 1/3 over n = 4 nodes; members counted as d = 1 add 1/4
    assert distance_reach(PATH4, [0]) == pytest.approx((1 + 1 / 2 + 1 / 3) / 4)
    assert distance_reach(PATH4, [0], count_members=True) == pytest.approx((2 + 1 / 2 + 1 / 3) / 4)


def test_best_single_key_player_of_a_path_is_a_middle_node():
    result = key_player_set(PATH4, 1, "fragmentation")
    assert result.optimal and result.nodes in ([1], [2])
    assert result.value == pytest.approx(2 / 3)


def test_figure_8_values_from_validation():
    matrix, labels = figure_8()
    assert matrix.shape == (32, 32) and matrix.nnz == 2 * 56
    removed = [labels.index(name) for name in ("HS", "HA", "GM")]
    assert distance_fragmentation(matrix) == pytest.approx(0.64755, abs=5e-6)
    assert fragmentation(matrix, removed) == pytest.approx(0.44335, abs=5e-6)
    assert distance_fragmentation(matrix, removed) == pytest.approx(0.74676, abs=5e-6)
    assert m_reach(matrix, removed, m=2) == 18
    assert distance_reach(matrix, removed) == pytest.approx(0.50417, abs=5e-6)
    assert distance_reach(matrix, removed, count_members=True) == pytest.approx(0.59792, abs=5e-6)


@pytest.mark.parametrize("method", ["exhaustive", "greedy"])
def test_figure_8_best_pairs(method):
    matrix, labels = figure_8()
    by_f = key_player_set(matrix, 2, "fragmentation", labels=labels, method=method)
    assert by_f.value == pytest.approx(0.70575, abs=5e-6)
    assert set(by_f.labels) in ({"HA", "HB"}, {"HB", "WD"})
    by_df = key_player_set(matrix, 2, "distance_fragmentation", labels=labels, method=method)
    assert by_df.value == pytest.approx(0.81506, abs=5e-6) and set(by_df.labels) == {"HB", "WD"}
    by_reach = key_player_set(matrix, 2, "m_reach", m=2, labels=labels, method=method)
    assert by_reach.value == 25 and set(by_reach.labels) == {"HA", "NP"}
    assert by_f.optimal is (method == "exhaustive")
    json.dumps(by_reach.to_dict())


def test_greedy_search_is_deterministic_for_a_seed():
    rng = np.random.default_rng(5)
    dense = np.triu(rng.random((40, 40)) < 0.08, 1)
    matrix = sp.csr_array((dense | dense.T).astype(float))
    first = key_player_set(matrix, 3, "distance_fragmentation", method="greedy", restarts=2, seed=11)
    second = key_player_set(matrix, 3, "distance_fragmentation", method="greedy", restarts=2, seed=11)
    assert first.nodes == second.nodes and first.value == second.value
    assert first.seed == 11 and not first.optimal
    # a heuristic: never better than every set, here within a few points of it
    exact = key_player_set(matrix, 2, "fragmentation", method="exhaustive")
    heuristic = key_player_set(matrix, 2, "fragmentation", method="greedy", seed=1)
    assert exact.value - 0.05 <= heuristic.value <= exact.value + 1e-12


def test_bad_input():
    with pytest.raises(ValueError, match="empty"):
        fragmentation(sp.csr_array((0, 0)))
    with pytest.raises(ValueError, match="≥ 0"):
        key_player_set(PATH4, -1)
    with pytest.raises(ValueError, match="unknown node 7"):
        fragmentation(PATH4, [7])
    with pytest.raises(ValueError, match="negative"):
        fragmentation(sp.csr_array(np.array([[0, -1], [-1, 0]])))
    with pytest.raises(ValueError, match="unknown measure"):
        key_player_set(PATH4, 1, "closeness")
    with pytest.raises(ValueError, match="only 4 nodes"):
        key_player_set(PATH4, 5)
