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
