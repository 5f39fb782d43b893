"""Ownership cycles whose stakes compound above 100 %: a network no scenario can run on as stated."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from moneymen.graph.view import NetworkView

__all__ = ["ownership_problems"]


def ownership_problems(view: NetworkView) -> list[str]:
    """Ownership cycles whose stakes compound above 100 %, each described in words (empty: none).

    Within a cycle of Ownership edges (a strongly connected set of owners and assets), a problem
    is an asset whose stakes add up to more than 100 %, or entities that own each other outright
    (the stakes around the cycle multiply to 100 % or more, so ownership of ownership never
    shrinks). Stakes without a percentage are left out; percentages are read as the view holds
    them (``51`` is 51 %).
    """
    import networkx as nx

    graph = nx.DiGraph()
    stakes: dict[tuple[int, int], float] = defaultdict(float)
    stated = np.flatnonzero(view.relation_mask(["Ownership"]) & ~np.isnan(view.percentage))
    for s, t, p in zip(view.source[stated].tolist(), view.target[stated].tolist(), view.percentage[stated].tolist()):
        stakes[(s, t)] += p
        graph.add_edge(s, t)
    problems = []
    name = lambda v: f"{view.captions[v]} ({view.ids[v]})"  # noqa: E731
    for component in sorted(nx.strongly_connected_components(graph), key=lambda c: min(c)):
        if len(component) < 2 and not any(graph.has_edge(v, v) for v in component):
            continue
        sub = graph.subgraph(component)
        cycle = [edge[0] for edge in nx.find_cycle(sub, source=min(component))]
        around = " → ".join(name(v) for v in cycle + cycle[:1])
        held = {v: sum(p for (s, t), p in stakes.items() if t == v) for v in component}
        over = [(v, total) for v, total in sorted(held.items()) if total > 100.0 + 1e-9]
        product = 1.0
        for s, t in zip(cycle, cycle[1:] + cycle[:1]):
            product *= stakes[(s, t)] / 100.0
        if over:
            v, total = over[0]
            parts = ", ".join(f"{name(s)} {p:g} %" for (s, t), p in sorted(stakes.items()) if t == v)
            problems.append(f"cyclic ownership over 100 %: on the cycle {around}, the stakes held in {name(v)} add "
                            f"up to {total:g} % ({parts})")
        elif product >= 1.0 - 1e-12:
            problems.append(f"cyclic ownership over 100 %: on the cycle {around} each owns all of the next "
                            f"(stakes multiply to {product * 100:g} %), so they would own themselves outright")
    return problems
