"""What removing one node does to the components around it, for every node at once (Tarjan's low points).

For a node ``v`` in a component of ``s`` nodes, removing ``v`` leaves the pieces that hang below it
in a depth-first tree (children ``c`` with ``low[c] ≥ pre[v]``) and, when ``v`` is not the root,
the rest of the component. One depth-first search gives every node's pieces, so the decrease in
pairwise connectivity that each removal buys, the articulation points, the sizes they cut off and
the bridges (tree edges ``(v, c)`` with ``low[c] > pre[v]``) all come from the same ``O(n + m)`` walk.

One low-point computation, two searches. :func:`low_points` is the only code that computes low
points (and subtree sizes): it takes a depth-first forest numbered in preorder — each node's
parent and the lowest preorder number it reaches by one arc other than to its parent — and
finishes the low points children before parents, whatever search produced the forest. The two
entry points differ only in the search that feeds it, each the fastest at the sizes its callers use:

- :func:`removal_pieces` — an iterative pure-Python search over CSR given as Python lists, with
  nodes marked dead (``alive``) and the components to cover (``roots``). The critical-node search
  calls it thousands of times on one small component each, where the fixed cost of numpy and
  scipy calls would dominate;
- :class:`CutStructure` — scipy's compiled ``depth_first_order`` over the whole graph and numpy for
  the ``O(m)`` arc tests, for articulation points and bridges of graphs of millions of edges.

Both read a CSR pattern as a simple undirected graph: a self loop changes nothing, and parallel
arcs between two nodes count as one edge (every arc back to a node's parent is left out).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def low_points(parent: Sequence[int], reach: list[int]) -> tuple[list[int], list[int]]:
    """Tarjan's low points and the subtree sizes of a depth-first forest numbered in preorder.

    Node ``i`` is the ``i``-th one the search discovered: ``parent[i] < i`` is its tree parent
    (``-1`` for a root) and ``reach[i] ≤ i`` the lowest preorder number it reaches by one arc
    other than to its parent (``i`` when it reaches none lower). Returns ``low`` (``reach`` itself,
    completed in place: ``low[i]`` is the lowest preorder number reached from ``i``'s subtree by one
    such arc) and ``size`` (the number of nodes in ``i``'s subtree), both by preorder number.
    One pass from the last node to the first, so every child is done before its parent.
    """
    low = reach
    size = [1] * len(parent)
    for i in range(len(parent) - 1, 0, -1):
        p = parent[i]
        if p >= 0:
            size[p] += size[i]
            if low[i] < low[p]:
                low[p] = low[i]
    return low, size


def removal_pieces(
    indptr: Sequence[int], indices: Sequence[int], alive: Sequence[bool], roots: Iterable[int] | None = None,
) -> dict[int, list[int]]:
    """For every live node reached from ``roots`` (all live nodes when None): sizes of the pieces its removal leaves.

    ``indptr``/``indices`` are a symmetric CSR pattern (Python lists are fastest); ``alive[v]``
    false means ``v`` is already removed. A node whose list has one entry is not a cut vertex;
    an isolated node's list is empty. Keys in the order the search reached them; a node's pieces
    are the subtrees cut off (in the order the search entered them), then the rest of its component.
    """
    n = len(alive)
    pre = [-1] * n  # preorder number of every node reached
    order: list[int] = []  # the node of every preorder number
    parent: list[int] = []  # the parent's preorder number, -1 for a root
    reach: list[int] = []  # lowest preorder number reached by one arc other than to the parent
    for root in roots if roots is not None else range(n):
        if not alive[root] or pre[root] >= 0:
            continue
        pre[root] = len(order)
        order.append(root)
        parent.append(-1)
        reach.append(pre[root])
        stack = [(root, -1, indptr[root])]
        while stack:
            v, above, pointer = stack[-1]
            i = pre[v]
            lowest = reach[i]
            end = indptr[v + 1]
            while pointer < end:
                w = indices[pointer]
                pointer += 1
                if not alive[w] or w == above:
                    continue
                x = pre[w]
                if x < 0:
                    reach[i] = lowest
                    stack[-1] = (v, above, pointer)
                    x = pre[w] = len(order)
                    order.append(w)
                    parent.append(i)
                    reach.append(x)
                    stack.append((w, v, indptr[w]))
                    break
                if x < lowest:
                    lowest = x
            else:
                reach[i] = lowest
                stack.pop()
    low, size = low_points(parent, reach)
    pieces: dict[int, list[int]] = {v: [] for v in order}
    for i in range(1, len(order)):
        p = parent[i]
        if p >= 0 and low[i] >= p:
            pieces[order[p]].append(size[i])
    # every node but a root also leaves "the rest": the component minus itself and its cut-off pieces
    for r in range(len(order)):
        if parent[r] < 0:
            total = size[r]
            for i in range(r + 1, r + total):
                parts = pieces[order[i]]
                rest = total - 1 - sum(parts)
                if rest > 0:
                    parts.append(rest)
    return pieces


def pair_count(sizes: Iterable[int]) -> int:
    """Σ C(s, 2)."""
    return sum(s * (s - 1) // 2 for s in sizes)


class CutStructure:
    """Articulation points, the pieces each leaves, and bridges of a whole graph, from one depth-first search.

    The search is scipy's compiled ``depth_first_order`` from an added node tied to one node of every
    component, so one call covers the whole graph. Each node's lowest preorder number reached by one
    arc (the arc back to its parent left out) comes from vectorised tests over the arcs (numpy,
    ``O(m)``); :func:`low_points` (the module's one low-point pass, ``O(n)``) completes them. A child
    ``c`` of ``v`` in the search tree hangs below ``v`` alone (a piece of ``v``) when
    ``low[c] ≥ pre[v]``, and the tree edge ``(v, c)`` is a bridge when ``low[c] > pre[v]``.

    ``points``: articulation points in node order; ``pieces[i]``: the sizes of the pieces removing
    ``points[i]`` leaves (the subtrees cut off, by their top node's number, then the rest of its
    component); ``bridges``: an ``(k, 2)`` array of ``(u, v)``, ``u < v``, sorted;
    ``component``/``sizes``: component of every node and the size of each.
    """

    def __init__(self, adjacency) -> None:
        import numpy as np
        import scipy.sparse as sp
        from scipy.sparse import csgraph

        n = adjacency.shape[0]
        indptr, indices = adjacency.indptr.astype(np.int64), adjacency.indices.astype(np.int64)
        count, component = csgraph.connected_components(adjacency, directed=False)
        self.component, self.sizes = component, np.bincount(component, minlength=count)
        roots = np.unique(component, return_index=True)[1]
        # the added node n, tied (one way) to the first node of every component
        augmented = sp.csr_array((np.ones(indices.size + roots.size, dtype=np.int8),
                                  np.concatenate([indices, roots]), np.concatenate([indptr, [indptr[-1] + roots.size]])),
                                 shape=(n + 1, n + 1))
        order, parent = csgraph.depth_first_order(augmented, n, directed=True, return_predecessors=True)
        order = order[1:].astype(np.int64)  # the nodes in preorder, the added node left out
        parent = parent[:n].astype(np.int64)  # a root's parent is n
        pre = np.empty(n + 1, dtype=np.int64)
        pre[order] = np.arange(n)
        pre[n] = -1  # so a root's parent number is -1
        # lowest preorder number one arc reaches, the arc back to the parent left out
        rows = np.repeat(np.arange(n), np.diff(indptr))
        reach = pre[:n].copy()
        if indices.size:
            arcs = np.where(indices == parent[rows], pre[rows], pre[indices])
            # one reduceat segment per node that has arcs: a start clipped for trailing empty rows would cut
            # the last such node's segment short (and miss its last arc)
            busy = np.flatnonzero(np.diff(indptr) > 0)
            reach[busy] = np.minimum(reach[busy], np.minimum.reduceat(arcs, indptr[busy]))
        low_list, size_list = low_points(pre[parent[order]].tolist(), reach[order].tolist())
        low, size = np.array(low_list, dtype=np.int64), np.array(size_list, dtype=np.int64)
        # tree edges (above, child), children in node order; low and size are by preorder number
        child = np.flatnonzero(parent < n)
        above = parent[child]
        is_root = parent == n
        child_low, above_pre = low[pre[child]], pre[above]
        hangs = child_low >= above_pre
        bridge = child_low > above_pre
        ends = np.sort(np.stack([above[bridge], child[bridge]], axis=1), axis=1) if bridge.any() \
            else np.zeros((0, 2), dtype=np.int64)
        self.bridges = ends[np.lexsort((ends[:, 1], ends[:, 0]))] if ends.size else ends
        # pieces: the subtrees that hang below a node alone, then (but for a root) the rest of its component
        owner, piece = above[hangs], size[pre[child[hangs]]]
        counts = np.bincount(owner, minlength=n)
        cut = np.flatnonzero(np.where(is_root, counts >= 2, counts >= 1))
        sort = np.argsort(owner, kind="stable")
        owner, piece = owner[sort], piece[sort]
        bounds = np.searchsorted(owner, cut), np.searchsorted(owner, cut, side="right")
        pieces = []
        total = self.sizes[component[cut]]
        for v, a, b, whole, root in zip(cut.tolist(), bounds[0].tolist(), bounds[1].tolist(), total.tolist(),
                                        is_root[cut].tolist()):
            below = piece[a:b].tolist()
            rest = whole - 1 - sum(below)
            pieces.append(below + [rest] if rest > 0 and not root else below)
        self.points = cut
        self.pieces = pieces
