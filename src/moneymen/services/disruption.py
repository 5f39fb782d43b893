"""Disruption of a network given as an edge list: remove nodes in a strategy's order, step by step.

``moneymen disrupt EDGES.csv`` calls :func:`disrupt_edge_list`; the strategies and the curve are
:mod:`moneymen.algorithms.disruption`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

from moneymen.algorithms.disruption import STRATEGIES, DisruptionCurve, Strategy, disruption_curve
from moneymen.algorithms.csr import adjacency_from_edges
from moneymen.sources.edgelist import read_edge_list


def disrupt_edge_list(path: Path, strategy: str, steps: int, *, sequential: bool = True, weighted: bool = False,
                      sources: Sequence[str] = (), sinks: Sequence[str] = ()) -> DisruptionCurve:
    """The disruption curve of the network in the edge list at ``path`` (header ``source,target[,weight]``).

    ``sequential`` re-ranks after every removal, else the intact network's ranking is used
    throughout (block); ``weighted`` reads the weight column (strength, weighted paths,
    capacities), else every edge weighs 1. The ``flow`` strategy needs ``sources`` and ``sinks``
    (node names of the list): the capacities are the weights, directed from source to target.
    Raises :class:`moneymen.sources.base.SourceError` for an unreadable file and ValueError
    (naming the file where it is about its content) for anything else.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; expected one of: {', '.join(STRATEGIES)}")
    if steps < 0:
        raise ValueError(f"--steps must be 0 or more, got {steps}")
    if strategy == "flow" and not (sources and sinks):
        raise ValueError("--strategy flow needs --source NODE and --sink NODE "
                         "(capacities: the weights with --weighted, else 1)")
    edge_list = read_edge_list(path, weighted=weighted)
    rows = [(source, target, weight if weighted else 1.0) for source, target, weight in edge_list.edges]
    adjacency, labels = adjacency_from_edges(rows)
    flow = {}
    if sources or sinks:
        capacity, _ = adjacency_from_edges(rows, directed=True, nodes=labels)
        index = {label: i for i, label in enumerate(labels)}
        missing = [name for name in (*sources, *sinks) if name not in index]
        if missing:
            raise ValueError(f"{path}: no node {missing[0]!r} in the edge list (--source/--sink)")
        flow = {"capacity": capacity, "source": [index[name] for name in sources],
                "sink": [index[name] for name in sinks]}
    try:
        # cast: strategy is one of STRATEGIES (checked above), the names Strategy lists
        return disruption_curve(adjacency, cast(Strategy, strategy), steps, mode="sequential" if sequential else "block",
                                weighted=weighted, labels=labels, **flow)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
