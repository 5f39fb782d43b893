"""Key persons: articulation points, bridges, betweenness (exact, sampled, CAVIAR), Burt's constraint."""

from __future__ import annotations

import csv
import json

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from conftest import shared_file
from moneymen.algorithms import adjacency_from_edges, articulation_points, betweenness, bridges, constraint, key_persons
from moneymen.algorithms.keypersons import _sampled_dependencies

# Two triangles {0, 1, 2} and {3, 4, 5} joined by the edge 2 - 3; a pendant 6 on 0.
BOWTIE, _ = adjacency_from_edges([(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5), (3, 5), (0, 6)])


def test_articulation_points_and_bridges_by_hand():
    assert articulation_points(BOWTIE) == [0, 2, 3]
    assert bridges(BOWTIE) == [(0, 6), (2, 3)]
    report = key_persons(BOWTIE, labels=list("abcdefg"), clusters=[0, 0, 0, 1, 1, 1, 0])
    cut = {point.label: point for point in report.articulation_points}
    assert cut["a"].pieces == [5, 1] and cut["a"].cut_off == 1
    assert cut["c"].pieces == [3, 3] and cut["c"].cut_off == 3
    assert report.articulation_points[0].label in ("c", "d")  # most cut off first
    assert report.bridges == [("a", "g"), ("c", "d")]
    top = report.brokers[0]
    assert top.label in ("c", "d") and top.clusters_touched == 2
    json.dumps(report.to_dict())


def test_betweenness_matches_networkx_and_sampling_converges():
    graph = nx.gnm_random_graph(200, 420, seed=7)
    matrix, labels = adjacency_from_edges(graph.edges(), nodes=range(200))
    expected = nx.betweenness_centrality(graph)
    exact = betweenness(matrix)
    assert np.allclose(exact, [expected[i] for i in range(200)])
    # the batched breadth-first dependencies over every source give the exact values
    every = _sampled_dependencies(matrix, np.arange(200), batch=16) / 2 / (199 * 198 / 2)
    assert np.allclose(every, exact)
    sampled = betweenness(matrix, samples=100, seed=3)
    assert np.array_equal(sampled, betweenness(matrix, samples=100, seed=3))
    assert not np.array_equal(sampled, betweenness(matrix, samples=100, seed=4))
    assert np.corrcoef(sampled, exact)[0, 1] > 0.95
    assert set(np.argsort(-sampled)[:3]) & set(np.argsort(-exact)[:3])


def test_weighted_betweenness_reads_weights_as_strength():
    # 0 - 1 - 2 strongly tied (weight 10), 0 - 2 directly but weakly (weight 1): the path via 1 is shorter
    matrix, _ = adjacency_from_edges([(0, 1, 10), (1, 2, 10), (0, 2, 1)])
    assert betweenness(matrix, normalized=False).tolist() == [0, 0, 0]
    assert betweenness(matrix, weighted=True, normalized=False).tolist() == [0, 1, 0]


def test_constraint_matches_networkx():
    graph = nx.karate_club_graph()
    matrix, _ = adjacency_from_edges(((u, v, d["weight"]) for u, v, d in graph.edges(data=True)), nodes=range(34))
    expected = nx.constraint(graph, weight="weight")
    assert np.allclose(constraint(matrix), [expected[i] for i in range(34)])
    isolated = sp.csr_array((2, 2))
    assert np.isnan(constraint(isolated)).all()


def caviar_phase(number: int) -> tuple[sp.csr_array, list[str]]:
    with shared_file("networks", "caviar-phases", f"phase{number}.csv").open() as handle:
        rows = list(csv.reader(handle))
    names = rows[0][1:]
    weights = np.array([[float(cell) for cell in row[1:]] for row in rows[1:]])
    return sp.csr_array(weights), names


def test_caviar_betweenness_of_n1_per_phase():
    """VALIDATION.md: n1's normalised betweenness per phase is reproduced by the undirected, unweighted graph."""
    published = [0.907, 0.943, 0.830, 0.839, 0.884, 0.543, 0.589, 0.554, 0.249, 0.343, 0.526]
    actors = [15, 24, 33, 33, 32, 27, 36, 42, 34, 42, 41]
    for phase, (value, count) in enumerate(zip(published, actors), start=1):
        matrix, names = caviar_phase(phase)
        assert len(names) == count
        scores = betweenness(matrix)  # the directed, weighted matrix read as an undirected, unweighted graph
        assert scores[names.index("1")] == pytest.approx(value, abs=5e-4), phase
        if phase == 9:
            assert names[int(np.argmax(scores))] == "3"  # n3 is the top broker in phase 9
