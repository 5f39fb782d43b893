"""What removing one node does to the components around it, for every node at once (Tarjan's low points).

For a node ``v`` in a component of ``s`` nodes, removing ``v`` leaves the pieces that hang below it
in a depth-first tree (children ``c`` with ``low[c] ≥ disc[v]``) and, when ``v`` is not the root,
the rest of the component. One iterative depth-first pass gives every node's pieces, so the
decrease in pairwise connectivity that each removal buys, the articulation points and the sizes
they cut off all come from the same ``O(n + m)`` walk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def removal_pieces(
    indptr: Sequence[int], indices: Sequence[int], alive: Sequence[bool], roots: Iterable[int] | None = None,
) -> dict[int, list[int]]:
    """For every live node reached from ``roots`` (all live nodes when None): sizes of the pieces its removal leaves.

    ``indptr``/``indices`` are a symmetric CSR pattern (Python lists are fastest); ``alive[v]``
    false means ``v`` is already removed. A node whose list has one entry is not a cut vertex;
    an isolated node's list is empty.
    """
    n = len(alive)
    disc = [-1] * n
    low = [0] * n
    size = [0] * n
    pieces: dict[int, list[int]] = {}
    order = 0
    for root in roots if roots is not None else range(n):
        if not alive[root] or disc[root] >= 0:
            continue
        members = [root]
        disc[root] = low[root] = order
        order += 1
        size[root] = 1
        pieces[root] = []
        stack = [(root, -1, indptr[root])]
        while stack:
            v, parent, pointer = stack[-1]
            end = indptr[v + 1]
            advanced = False
            while pointer < end:
                w = indices[pointer]
                pointer += 1
                if not alive[w] or w == parent:
                    continue
                if disc[w] < 0:
                    stack[-1] = (v, parent, pointer)
                    disc[w] = low[w] = order
                    order += 1
                    size[w] = 1
                    pieces[w] = []
                    members.append(w)
                    stack.append((w, v, indptr[w]))
                    advanced = True
                    break
                if disc[w] < low[v]:
                    low[v] = disc[w]
            if advanced:
                continue
            stack.pop()
            if parent >= 0:
                size[parent] += size[v]
                if low[v] < low[parent]:
                    low[parent] = low[v]
                if low[v] >= disc[parent]:
                    pieces[parent].append(size[v])
        # every node but the root also leaves "the rest": the component minus itself and its cut-off pieces
        total = len(members)
        for v in members[1:]:
            rest = total - 1 - sum(pieces[v])
            if rest > 0:
                pieces[v].append(rest)
    return pieces


def pair_count(sizes: Iterable[int]) -> int:
    """Σ C(s, 2)."""
    return sum(s * (s - 1) // 2 for s in sizes)


class CutStructure:
    """Articulation points, the pieces each leaves, and bridges of a whole graph, from one depth-first search.

    The search is scipy's compiled ``depth_first_order`` from an added node tied to one node of every
    component, so one call covers the whole graph. Tarjan's low points then come from one pass over
    the nodes in reverse preorder (Python, ``O(n)``) and vectorised tests over the arcs (numpy,
    ``O(m)``): a child ``c`` of ``v`` in the search tree hangs below ``v`` alone (a piece of ``v``)
    when ``low[c] ≥ pre[v]``, and the tree edge ``(v, c)`` is a bridge when ``low[c] > pre[v]``.

    ``points``: articulation points in node order; ``pieces[i]``: the sizes of the pieces removing
    ``points[i]`` leaves (the subtrees cut off, then the rest of its component); ``bridges``: an
    ``(k, 2)`` array of ``(u, v)``, ``u < v``, sorted; ``component``/``sizes``: component of every
    node and the size of each.
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
        parent = parent[:n].astype(np.int64)  # a root's parent is n
        pre = np.empty(n + 1, dtype=np.int64)
        pre[order] = np.arange(n + 1)
        # lowest preorder number one arc reaches, the arc back to the parent left out
        rows = np.repeat(np.arange(n), np.diff(indptr))
        reach = np.where(indices == parent[rows], pre[rows], pre[indices]) if indices.size else indices
        low = pre[:n].copy()
        degree = np.diff(indptr)
        if indices.size:
            starts = np.minimum(indptr[:-1], indices.size - 1)
            low = np.where(degree > 0, np.minimum(low, np.minimum.reduceat(reach, starts)), low)
        # subtree sizes and low points: children before parents (reverse preorder), one pass over the nodes
        size = [1] * n
        low_list = low.tolist()
        parent_list = parent.tolist()
        for v in order[:0:-1].tolist():
            p = parent_list[v]
            if p < n:
                size[p] += size[v]
                if low_list[v] < low_list[p]:
                    low_list[p] = low_list[v]
        size_array, low = np.array(size, dtype=np.int64), np.array(low_list, dtype=np.int64)
        child = np.flatnonzero(parent < n)
        above = parent[child]
        is_root = parent == n
        hangs = low[child] >= pre[above]
        bridge = low[child] > pre[above]
        ends = np.sort(np.stack([above[bridge], child[bridge]], axis=1), axis=1) if bridge.any() \
            else np.zeros((0, 2), dtype=np.int64)
        self.bridges = ends[np.lexsort((ends[:, 1], ends[:, 0]))] if ends.size else ends
        # pieces: the subtrees that hang below a node alone, then (but for a root) the rest of its component
        owner, piece = above[hangs], size_array[child[hangs]]
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
