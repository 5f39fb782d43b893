"""Judgements on pairs of records, and the clusters (canonical entities) they add up to.

An analyst (or ``moneymen xref``, on strong evidence) judges that two records are the same
real-world entity (**positive**), are not (**negative**), or cannot tell (**unsure**). Each
judgement is an event with who made it, when and why; nothing is ever overwritten: an undo is
an event of its own that names the judgement it takes back, so the log a supervisor reads
(``moneymen judgements log``) is the whole history.

The judgement that holds for a pair is its latest one not undone (:func:`current`). The
positive ones join records into clusters (:class:`Clusters`, a union-find); a cluster of two
or more records is one canonical entity. A negative judgement between two records that
positive ones nevertheless join through a chain of merges is a contradiction: it is reported
(:meth:`Clusters.contradictions`, with the chain), never silently resolved.

Node ids may be records' entity ids or canonical ids (nomenklatura's ``NK-…``, our ``mm-…``):
a positive judgement between a record and a canonical id puts the record in that cluster,
as nomenklatura's resolver files do. Canonical ids stay stable (:func:`assign_canonical`): a
cluster keeps the id most of its members had, so merging more records into it, re-importing
its lists, or undoing an unrelated merge does not rename it.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from moneymen.model import (CANONICAL_PREFIXES, JUDGEMENTS, NEGATIVE, POSITIVE, UNDO, UNSURE, Judgement,
                            is_canonical_id, ordered_pair)

__all__ = ["CANONICAL_PREFIXES", "JUDGEMENTS", "NEGATIVE", "POSITIVE", "UNDO", "UNSURE", "Clusters",
           "Contradiction", "Judgement", "assign_canonical", "current", "is_canonical_id", "ordered_pair"]

def current(events: Iterable[Judgement]) -> dict[tuple[str, str], Judgement]:
    """The judgement that holds for each pair: its latest (highest id) not undone. Events are
    taken in id order; a pair whose judgements are all undone has none."""
    ordered = sorted(events, key=lambda event: event.id or 0)
    undone = {event.undoes for event in ordered if event.judgement == UNDO}
    holding: dict[tuple[str, str], Judgement] = {}
    for event in ordered:
        if event.judgement != UNDO and event.id not in undone:
            holding[event.pair] = event
    return holding


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A negative judgement between two records that positive judgements join anyway: the
    negative one, and the chain of positive judgements that joins its two records."""

    negative: Judgement
    chain: tuple[Judgement, ...]


class Clusters:
    """The records positive judgements join, as clusters (union-find with path halving).

    Only nodes named by a positive judgement are held; any other node is a cluster of its own.
    """

    def __init__(self, judgements: Mapping[tuple[str, str], Judgement]):
        """Clusters of the judgements that hold (as :func:`current` gives them)."""
        self._parent: dict[str, str] = {}
        self._positive: dict[str, list[Judgement]] = defaultdict(list)
        self.negatives = [j for j in judgements.values() if j.judgement == NEGATIVE]
        for judgement in judgements.values():
            if judgement.judgement == POSITIVE:
                self.join(judgement)

    def join(self, judgement: Judgement) -> None:
        """Add a positive judgement: its two records' clusters become one."""
        self._union(judgement.left_id, judgement.right_id)
        self._positive[judgement.left_id].append(judgement)
        self._positive[judgement.right_id].append(judgement)

    def find(self, node: str) -> str:
        """The representative of ``node``'s cluster (``node`` itself when it is alone)."""
        parent = self._parent
        if node not in parent:
            return node
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def _union(self, left: str, right: str) -> None:
        for node in (left, right):
            self._parent.setdefault(node, node)
        a, b = self.find(left), self.find(right)
        if a != b:
            self._parent[max(a, b)] = min(a, b)

    def same(self, left: str, right: str) -> bool:
        """Whether positive judgements join ``left`` and ``right``."""
        return left == right or self.find(left) == self.find(right)

    def groups(self) -> list[list[str]]:
        """Every cluster of two or more nodes, its members sorted; the clusters in order of their first member."""
        members: dict[str, list[str]] = defaultdict(list)
        for node in self._parent:
            members[self.find(node)].append(node)
        return sorted((sorted(group) for group in members.values()), key=lambda group: group[0])

    def members(self, node: str) -> list[str]:
        """The nodes of ``node``'s cluster, sorted (``[node]`` when it is alone)."""
        if node not in self._parent:
            return [node]
        root = self.find(node)
        return sorted(other for other in self._parent if self.find(other) == root)

    def chain(self, left: str, right: str) -> tuple[Judgement, ...]:
        """The positive judgements of a shortest path from ``left`` to ``right`` (empty when not joined)."""
        if not self.same(left, right) or left == right:
            return ()
        came: dict[str, Judgement | None] = {left: None}
        queue = deque([left])
        while queue:
            node = queue.popleft()
            if node == right:
                break
            for judgement in self._positive[node]:
                other = judgement.right_id if judgement.left_id == node else judgement.left_id
                if other not in came:
                    came[other] = judgement
                    queue.append(other)
        path = []
        node = right
        while (step := came[node]) is not None:
            path.append(step)
            node = step.right_id if step.left_id == node else step.left_id
        return tuple(reversed(path))

    def contradictions(self) -> list[Contradiction]:
        """Every negative judgement whose two records positive judgements join, with the chain that joins them."""
        return [Contradiction(negative, self.chain(negative.left_id, negative.right_id))
                for negative in self.negatives if self.same(negative.left_id, negative.right_id)]

    def kept_apart(self, left: str, right: str) -> bool:
        """Whether a negative judgement stands between the clusters of ``left`` and ``right``
        (merging them would contradict it)."""
        a, b = self.find(left), self.find(right)
        return any({self.find(n.left_id), self.find(n.right_id)} == {a, b} for n in self.negatives) if a != b else False


def assign_canonical(clusters: Clusters, previous: Mapping[str, str]) -> dict[str, str]:
    """A canonical id for every node of every cluster: ``{node: canonical_id}``.

    A cluster holding canonical ids (``NK-…`` from a resolver file, ``mm-…``) takes the one
    most of its records were assigned before, else the smallest. Otherwise it keeps the id
    ``previous`` (the last assignment) gave most of its members (ties: the smaller id), so a
    cluster that grows, or loses a record to an undo, keeps its name; a cluster none of whose
    members had one gets ``mm-`` and a digest of its members. When two clusters would keep the
    same id (one was split by an undo), the larger keeps it and the other gets a new one.
    """
    groups = clusters.groups()
    wanted: list[tuple[list[str], str | None]] = []
    for group in groups:
        named = [node for node in group if is_canonical_id(node)]
        before = Counter(previous[node] for node in group if node in previous and not is_canonical_id(node))
        if named:
            in_use = [name for name in named if before.get(name)]
            choice = min(in_use, key=lambda name: (-before[name], name)) if in_use else min(named)
        elif before:
            choice = min(before, key=lambda name: (-before[name], name))
        else:
            choice = None
        wanted.append((group, choice))
    taken: set[str] = set()
    assigned: dict[str, str] = {}
    # a cluster holding its canonical id as a node has it first; then the larger clusters
    for group, choice in sorted(wanted, key=lambda item: (item[1] not in item[0], -len(item[0]), item[0][0])):
        if choice is None or choice in taken:
            choice = _minted(group, taken)
        taken.add(choice)
        for node in group:
            assigned[node] = choice
    return assigned


def _minted(group: list[str], taken: set[str]) -> str:
    """A new ``mm-`` id for ``group``: a digest of its members, unique among ``taken``."""
    seed = "\n".join(group)
    while True:
        name = "mm-" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]
        if name not in taken:
            return name
        seed += "\n"
