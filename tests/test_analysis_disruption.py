"""Disruption curves: hand-checked removals, and a published curve on the Montagna mafia meetings network."""

from __future__ import annotations

import csv
import json

import pytest
import scipy.sparse as sp

from conftest import shared_file
from moneymen.algorithms import STRATEGIES, adjacency_from_edges, disruption_curve

# Two triangles {0, 1, 2} and {3, 4, 5} joined by 2 - 3, and a pendant 6 on 0 (7 nodes, one component).
BOWTIE, NAMES = adjacency_from_edges([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"), ("d", "e"), ("e", "f"),
                                      ("d", "f"), ("a", "g")])


def test_sequential_and_block_degree_by_hand():
    sequential = disruption_curve(BOWTIE, "degree", 2, labels=NAMES)
    # degrees a 3, c 3, d 3: a first (it appeared first); then d is the only node left with degree 3
    assert [step.removed for step in sequential.steps] == [[], ["a"], ["d"]]
    assert [step.lcc_size for step in sequential.steps] == [7, 5, 2]
    assert sequential.to_dict()["steps"][1] == {"step": 1, "removed": ["a"], "lcc_size": 5, "lcc_fraction": 5 / 7,
                                                "pairwise_connectivity": 10}
    block = disruption_curve(BOWTIE, "degree", 2, mode="block", labels=NAMES)
    assert [step.removed for step in block.steps] == [[], ["a"], ["c"]]  # ranked once: a, c, d
    assert [step.lcc_size for step in block.steps] == [7, 5, 3]
    json.dumps(block.to_dict())


def test_kpp_removes_the_node_that_disconnects_most_pairs():
    curve = disruption_curve(BOWTIE, "kpp", 1, labels=NAMES)
    assert curve.steps[1].removed == ["c"] and curve.steps[1].pairwise_connectivity == 6


@pytest.mark.parametrize("strategy", [s for s in STRATEGIES if s != "flow"])
@pytest.mark.parametrize("mode", ["sequential", "block"])
def test_every_strategy_runs_to_the_end(strategy, mode):
    curve = disruption_curve(BOWTIE, strategy, 10, mode=mode, per_step=2, labels=NAMES)
    assert curve.steps[0].lcc_fraction == 1.0
    assert curve.steps[-1].lcc_size == 0 and len(curve.steps) == 5  # 7 nodes, 2 a step: 4 steps
    sizes = [step.lcc_size for step in curve.steps]
    assert sizes == sorted(sizes, reverse=True)
    removed = [label for step in curve.steps for label in step.removed]
    assert sorted(removed) == sorted(NAMES)


def test_flow_strategy_removes_the_node_carrying_most():
    arcs = sp.csr_array(([10, 10, 3, 3], ([0, 1, 0, 2], [1, 3, 2, 3])), shape=(4, 4))
    curve = disruption_curve(arcs, "flow", 3, capacity=arcs, source=0, sink=3, labels=["s", "a", "b", "t"])
    assert [step.removed for step in curve.steps] == [[], ["a"], ["b"]]  # source and sink are never removed
    assert [step.flow for step in curve.steps] == [13, 3, 0]


def test_bad_input():
    with pytest.raises(ValueError, match="unknown strategy"):
        disruption_curve(BOWTIE, "pagerank", 1)
    with pytest.raises(ValueError, match="needs capacity"):
        disruption_curve(BOWTIE, "flow", 1)
    with pytest.raises(ValueError, match="≥ 0"):
        disruption_curve(BOWTIE, "degree", -1)
    with pytest.raises(ValueError, match="empty"):
        disruption_curve(sp.csr_array((0, 0)), "degree", 1)


def montagna_meetings():
    path = shared_file("networks", "covert", "edgelists", "Montagna_mafia__Montagna_meetings.edges.csv")
    with path.open() as handle:
        return adjacency_from_edges((row["source_name"], row["target_name"]) for row in csv.DictReader(handle))


def test_montagna_meetings_sequential_betweenness_against_the_published_curve():
    """Cavallaro et al. 2020 (PLOS ONE 15(8): e0236476), meetings network, unweighted, sequential betweenness.

    Their results file (repository lcucav/networkdisruption, Results/Sequential/Meeting/
    df_Unweighted_5nrem.csv) gives the LCC share 0.424 after 5 removals and 0.207 after 10. Their
    network has 101 nodes and an LCC of 92; the UCINET conversion here has 95 connected nodes,
    248 distinct edges and an LCC of 86, so the curves agree closely but not exactly.
    """
    matrix, labels = montagna_meetings()
    curve = disruption_curve(matrix, "betweenness", 10, labels=labels)
    assert curve.initial_lcc == 86
    fractions = curve.lcc_fractions()
    assert fractions[5] == pytest.approx(0.424, abs=0.03)
    assert fractions[10] == pytest.approx(0.207, abs=0.03)
    # betweenness dismantles faster than degree here, as the paper reports
    degree = disruption_curve(matrix, "degree", 10, labels=labels).lcc_fractions()
    assert sum(fractions) < sum(degree)
