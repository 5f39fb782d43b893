"""The graph form every analysis takes: integer nodes ``0..n-1`` and a ``scipy.sparse`` CSR matrix.

An analysis never sees entity ids. The caller numbers the nodes, builds one sparse matrix and
keeps the labels (entity ids or names) in a separate sequence, position ``i`` naming node ``i``:

- **adjacency** (undirected measures: fragmentation, articulation points, betweenness, disruption):
  an ``n × n`` matrix whose non-zero entries are edges. It should be symmetric; where it is not,
  the undirected measures read it as ``max(A, Aᵀ)`` (an edge in either direction connects the two nodes).
  Values are edge weights where a measure uses them (strength, Burt's constraint), else ignored.
- **capacity** (flows): a directed ``n × n`` matrix, entry ``(i, j)`` the capacity of arc ``i → j``.

:func:`adjacency_from_edges` builds both from an edge list and numbers the labels in the order they
first appear, which is also the order that breaks ties in every ranking.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

__all__ = [
    "adjacency_from_edges",
    "as_adjacency",
    "as_capacity",
    "component_sizes",
    "node_index",
    "pairwise_connectivity",
    "largest_component_size",
]


def adjacency_from_edges(
    edges: Iterable[tuple[Hashable, Hashable] | tuple[Hashable, Hashable, float]],
    *,
    directed: bool = False,
    nodes: Sequence[Hashable] = (),
) -> tuple[sp.csr_array, list[Hashable]]:
    """A sparse matrix and its labels from ``(source, target[, weight])`` rows.

    Labels are numbered in the order they first appear (``nodes`` first, so isolated nodes can
    be listed). Repeated edges add their weights (weight 1 when a row has none). Undirected
    (``directed=False``) returns a symmetric matrix; self-loops are dropped in both cases.
    """
    index: dict[Hashable, int] = {}
    for label in nodes:
        index.setdefault(label, len(index))
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    for number, edge in enumerate(edges, start=1):
        if len(edge) not in (2, 3):
            raise ValueError(f"edge {number}: expected (source, target[, weight]), got {edge!r}")
        source, target = edge[0], edge[1]
        given = edge[2] if len(edge) == 3 else 1.0
        weight = float(given)
        if not np.isfinite(weight) or weight < 0:
            raise ValueError(f"edge {number} ({source!r}, {target!r}): weight must be a finite number ≥ 0, got {given!r}")
        i = index.setdefault(source, len(index))
        j = index.setdefault(target, len(index))
        if i == j:
            continue
        rows.append(i)
        cols.append(j)
        data.append(weight)
    n = len(index)
    matrix = sp.coo_array((data, (rows, cols)), shape=(n, n)).tocsr()
    if not directed:
        matrix = (matrix + matrix.T).tocsr()
    matrix.sum_duplicates()
    return matrix, list(index)


def node_index(labels: Sequence[Hashable], label: Hashable) -> int:
    """The node number of ``label``; a ``ValueError`` naming it when there is none."""
    try:
        return list(labels).index(label)
    except ValueError:
        raise ValueError(f"unknown node {label!r}: not among the {len(labels)} labels given") from None


def _as_square_csr(matrix: Any, what: str) -> sp.csr_array:
    if not sp.issparse(matrix):
        matrix = np.asarray(matrix)
        if matrix.ndim != 2:
            raise ValueError(f"{what}: expected a square matrix, got an array of shape {matrix.shape}")
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{what}: expected a square n × n matrix, got shape {matrix.shape}")
    if matrix.shape[0] == 0:
        raise ValueError(f"{what}: the graph is empty (0 nodes)")
    csr = sp.csr_array(matrix, dtype=np.float64)
    csr.sum_duplicates()
    csr.eliminate_zeros()
    if csr.nnz and not np.all(np.isfinite(csr.data)):
        raise ValueError(f"{what}: entries must be finite numbers")
    if csr.nnz and csr.data.min() < 0:
        i, j = _first_negative(csr)
        raise ValueError(f"{what}: negative entry {csr[i, j]} at ({i}, {j}); weights and capacities must be ≥ 0")
    return csr


def _first_negative(csr: sp.csr_array) -> tuple[int, int]:
    coo = csr.tocoo()
    k = int(np.argmax(coo.data < 0))
    return int(coo.row[k]), int(coo.col[k])


def as_adjacency(matrix: Any) -> sp.csr_array:
    """A validated, symmetric CSR adjacency without self-loops (float weights).

    Accepts any scipy sparse matrix or a dense 2-d array. Raises ``ValueError`` for an empty graph,
    a non-square matrix, or a negative or non-finite entry. An asymmetric matrix is read as
    undirected: the result is ``max(A, Aᵀ)`` entry by entry.
    """
    csr = _as_square_csr(matrix, "adjacency")
    if csr.diagonal().any():  # setdiag rebuilds the structure: only when there are self-loops
        csr.setdiag(0)
        csr.eliminate_zeros()
    csr.sort_indices()
    transpose = sp.csr_array(csr.T)
    transpose.sort_indices()
    if not (np.array_equal(csr.indptr, transpose.indptr) and np.array_equal(csr.indices, transpose.indices)
            and np.array_equal(csr.data, transpose.data)):
        csr = csr.maximum(csr.T).tocsr()
        csr.sort_indices()
    return csr


def as_capacity(matrix: Any) -> sp.csr_array:
    """A validated directed capacity matrix (float, self-loops dropped); ``ValueError`` as in :func:`as_adjacency`."""
    csr = _as_square_csr(matrix, "capacity")
    csr.setdiag(0)
    csr.eliminate_zeros()
    csr.sort_indices()
    return csr


def check_node(node: int, n: int, what: str = "node") -> int:
    """``node`` as an ``int`` in ``0..n-1``, or a ``ValueError`` that says which and why."""
    if isinstance(node, (bool, np.bool_)) or not isinstance(node, (int, np.integer)):
        raise ValueError(f"unknown {what} {node!r}: nodes are integers 0..{n - 1} (use node_index for a label)")
    if not 0 <= node < n:
        raise ValueError(f"unknown {what} {node}: the graph has nodes 0..{n - 1}")
    return int(node)


def check_nodes(nodes: Iterable[int], n: int, what: str = "node") -> list[int]:
    """Distinct, checked node numbers in the order given."""
    seen: dict[int, None] = {}
    for node in nodes:
        seen.setdefault(check_node(node, n, what), None)
    return list(seen)


def plain_label(value: Any) -> Any:
    """A node label as JSON takes it: numpy scalars as Python numbers, other objects as text."""
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def check_labels(labels: Sequence[Hashable] | None, n: int) -> list[Hashable]:
    """The labels as a list (``0..n-1`` when none are given); ``ValueError`` when the count is wrong."""
    if labels is None:
        return list(range(n))
    labels = list(labels)
    if len(labels) != n:
        raise ValueError(f"labels: expected {n} (one per node), got {len(labels)}")
    return labels


def check_budget(k: int, what: str = "k") -> int:
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"{what} must be a whole number ≥ 0, got {k!r}")
    if k < 0:
        raise ValueError(f"{what} must be ≥ 0, got {k}")
    return int(k)


def removal_mask(n: int, removed: Iterable[int]) -> np.ndarray:
    """A boolean array, ``True`` for nodes that stay."""
    keep = np.ones(n, dtype=bool)
    keep[list(removed)] = False
    return keep


def component_labels(adjacency: sp.csr_array, keep: np.ndarray | None = None) -> np.ndarray:
    """Connected-component number of every node, ``-1`` for removed ones (``keep`` False)."""
    n = adjacency.shape[0]
    if keep is None or keep.all():
        return csgraph.connected_components(adjacency, directed=False)[1]
    labels = np.full(n, -1, dtype=np.int64)
    kept = np.flatnonzero(keep)
    if kept.size:
        sub = adjacency[kept][:, kept]
        labels[kept] = csgraph.connected_components(sub, directed=False)[1]
    return labels


def component_sizes(adjacency: Any, removed: Iterable[int] = ()) -> np.ndarray:
    """Sizes of the connected components left after deleting ``removed``, largest first."""
    adjacency = as_adjacency(adjacency)
    n = adjacency.shape[0]
    keep = removal_mask(n, check_nodes(removed, n))
    return _sizes(component_labels(adjacency, keep))


def _sizes(labels: np.ndarray) -> np.ndarray:
    labels = labels[labels >= 0]
    if labels.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.bincount(labels))[::-1]


def pairwise_connectivity(adjacency: Any, removed: Iterable[int] = ()) -> int:
    """Σ_k C(s_k, 2) over the component sizes s_k after deleting ``removed``: the pairs that can still reach each other."""
    sizes = component_sizes(adjacency, removed).astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def largest_component_size(adjacency: Any, removed: Iterable[int] = ()) -> int:
    """Nodes in the largest connected component after deleting ``removed`` (0 when nothing is left)."""
    sizes = component_sizes(adjacency, removed)
    return int(sizes[0]) if sizes.size else 0
