"""Property test: Tarjan's low points (moneymen.algorithms.cuts) against networkx on random graphs.

Both entry points — the list search of ``removal_pieces`` (with dead nodes and chosen roots) and
``CutStructure``'s scipy search — feed the one ``low_points`` pass. On random graphs with isolated
nodes, several components, self loops and parallel arcs (a raw CSR can hold both; they count as
one simple edge), the articulation points, the pieces each removal leaves and the bridges must be
networkx's on the simple graph.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from moneymen.algorithms import articulation_points, bridges, key_persons
from moneymen.algorithms.cuts import CutStructure, low_points, removal_pieces


@st.composite
def graphs(draw):
    """A raw symmetric CSR (duplicates and self loops kept), its simple networkx graph, and a live mask."""
    n = draw(st.integers(1, 24))
    node = st.integers(0, n - 1)
    edges = draw(st.lists(st.tuples(node, node), max_size=3 * n))
    doubled = draw(st.lists(st.sampled_from(edges), max_size=4)) if edges else []  # parallel arcs
    alive = draw(st.lists(st.booleans(), min_size=n, max_size=n).filter(any) | st.just([True] * n))
    arcs = [(u, v) for u, v in edges + doubled] + [(v, u) for u, v in edges + doubled]
    arcs.sort()
    indptr = np.searchsorted([u for u, _ in arcs], np.arange(n + 1)) if arcs else np.zeros(n + 1, dtype=np.int64)
    matrix = sp.csr_array((np.ones(len(arcs)), [v for _, v in arcs], indptr), shape=(n, n))
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((u, v) for u, v in edges if u != v)
    return matrix, graph, alive


def pieces_by_networkx(graph: nx.Graph, v: int) -> list[int]:
    """Sizes of the components that v's component falls into without v, largest first."""
    rest = graph.subgraph(nx.node_connected_component(graph, v) - {v})
    return sorted((len(c) for c in nx.connected_components(rest)), reverse=True)


def simple_bridges(graph: nx.Graph) -> list[tuple[int, int]]:
    return sorted(tuple(sorted(edge)) for edge in nx.bridges(graph))


@settings(max_examples=400, deadline=None)
@given(graphs())
def test_cut_structure_matches_networkx(case):
    matrix, graph, _ = case
    cuts = CutStructure(matrix)
    points = sorted(nx.articulation_points(graph))
    assert cuts.points.tolist() == points
    assert [sorted(p, reverse=True) for p in cuts.pieces] == [pieces_by_networkx(graph, v) for v in points]
    assert [tuple(e) for e in cuts.bridges.tolist()] == simple_bridges(graph)
    assert sorted(cuts.sizes.tolist()) == sorted(len(c) for c in nx.connected_components(graph))
    # the public functions (which drop the self loops and merge the parallel arcs first) agree; they get
    # copies because csr.as_adjacency canonicalises a float64 csr_array in place (sum_duplicates on the
    # caller's arrays), which would leave the next call a scrambled matrix
    assert articulation_points(matrix.copy()) == points
    assert bridges(matrix.copy()) == simple_bridges(graph)


@settings(max_examples=400, deadline=None)
@given(graphs(), st.data())
def test_removal_pieces_matches_networkx_with_dead_nodes(case, data):
    matrix, graph, alive = case
    live = graph.subgraph([v for v in range(len(alive)) if alive[v]])
    indptr, indices = matrix.indptr.tolist(), matrix.indices.tolist()
    pieces = removal_pieces(indptr, indices, alive)
    assert sorted(pieces) == sorted(live)
    for v, parts in pieces.items():
        assert sorted(parts, reverse=True) == pieces_by_networkx(live, v)
    assert sorted(v for v, parts in pieces.items() if len(parts) > 1) == sorted(nx.articulation_points(live))
    # from chosen roots: exactly their components, with the same pieces
    roots = data.draw(st.lists(st.sampled_from(sorted(live)), max_size=3))
    reached = removal_pieces(indptr, indices, alive, roots=roots)
    assert set(reached) == set().union(*(nx.node_connected_component(live, r) for r in roots))
    assert {v: sorted(p) for v, p in reached.items()} == {v: sorted(pieces[v]) for v in reached}
    # the list search and the scipy search give the same pieces on the live part
    kept = np.flatnonzero(alive)
    sub = CutStructure(sp.csr_array(matrix[kept][:, kept]))
    assert [int(kept[i]) for i in sub.points.tolist()] == sorted(v for v, parts in pieces.items() if len(parts) > 1)
    assert [sorted(p) for p in sub.pieces] == [sorted(pieces[int(kept[i])]) for i in sub.points.tolist()]


def test_low_points_by_hand():
    # preorder 0 - 1 - 2 - 3 with the arc 3 → 1, and 4 a second child of 0: low 0 1 1 1 4
    low, size = low_points([-1, 0, 1, 2, 0], [0, 1, 2, 1, 4])
    assert low == [0, 1, 1, 1, 4] and size == [5, 3, 2, 1, 1]
    # two roots: the forest is two trees
    assert low_points([-1, 0, -1, 2], [0, 1, 2, 3]) == ([0, 1, 2, 3], [2, 1, 2, 1])


def test_isolated_last_node_leaves_the_arcs_before_it_alone():
    # triangle 1 - 3 - 5 with a pendant 0 on 3, nodes 2, 4 and 6 isolated; 5's last arc (5 → 3) closes the cycle
    edges = [(5, 1), (3, 1), (5, 3), (3, 0)]
    matrix = sp.csr_array((np.ones(8), ([u for u, v in edges] + [v for u, v in edges],
                                        [v for u, v in edges] + [u for u, v in edges])), shape=(7, 7))
    cuts = CutStructure(matrix)
    assert cuts.points.tolist() == [3] and cuts.pieces == [[2, 1]]  # the subtree {1, 5} below 3, then the rest {0}
    assert cuts.bridges.tolist() == [[0, 3]]
    assert articulation_points(matrix) == [3] and bridges(matrix) == [(0, 3)]


def test_key_persons_pieces_on_a_chain_of_triangles():
    # triangles {0,1,2}, {2,3,4}, {4,5,6} sharing corners, a pendant 7 on 6, an isolated 8, a separate edge 9 - 10
    edges = [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (2, 4), (4, 5), (5, 6), (4, 6), (6, 7), (9, 10)]
    matrix = sp.csr_array((np.ones(2 * len(edges)), ([u for u, v in edges] + [v for u, v in edges],
                                                      [v for u, v in edges] + [u for u, v in edges])), shape=(11, 11))
    report = key_persons(matrix)
    assert {(p.node, tuple(p.pieces)) for p in report.articulation_points} == {(2, (5, 2)), (4, (4, 3)), (6, (6, 1))}
    assert report.bridges == [(6, 7), (9, 10)]
    assert report.components == [8, 2, 1]
