"""What a scenario reads off a network: who is abroad, whose family is at home, who controls which money.

The functions here are pure over a :class:`moneymen.graph.view.NetworkView` (node ids, captions,
schemata, countries; edges with relation, amount, currency, percentage), so they can be checked
on hand-made networks (``NetworkView.from_arrays``):

- :func:`build_agents` turns the exposed persons of a purge into the agents of the decision model
  (:class:`moneymen.analysis.decisions.Agents`), with the reason for every value;
- :func:`ownership_problems` finds ownership cycles whose stakes add up to more than 100 %.

How agents are read (also in ``docs/scenarios.md``):

**abroad** — the person has a country other than North Korea (``kp``) among its countries
(nationality, residence, address country…), or works for, directs or belongs to an organisation
that has one (Employment, Directorship, Membership). The agent's *location* is the first such
country. Everyone else is at home.

**family at home** — a Family edge (either direction) to a person whose only country is ``kp``.

**funds** — the balance of every bank account that the agent alone controls (the account is
linked, by Ownership or any other relation, to this person and to no other person; a company that
holds the account does not count as a controller), plus the amount of every Payment the person
makes directly. With a scenario ``currency`` only amounts in that currency count; otherwise amounts
are added as given.

**squad present** — 1 when the agent's location is one of the scenario's ``arrest_squads``
countries, else 0.

**peers** — agents linked directly, or linked to the same organisation (colleagues of one trading
company, members of one bureau), see each other with weight 1.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse

from moneymen.analysis.decisions import Agents
from moneymen.graph.view import NetworkView
from moneymen.model import get_schema

__all__ = ["HOME", "AgentTable", "build_agents", "ownership_problems", "parse_amount"]

#: The country the purge happens in: agents elsewhere are abroad.
HOME = "kp"
#: Relations that place a person at an organisation (and so, abroad with it).
POSTING_RELATIONS = ("Employment", "Directorship", "Membership")


def parse_amount(value: Any) -> float | None:
    """A number from an FtM amount or percentage (``"1,200.50"``, ``"51%"``, ``51``), or None."""
    if value is None:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = float(value)
        return number if math.isfinite(number) else None
    text = str(value).strip().replace(",", "").replace("%", "").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@lru_cache(maxsize=None)
def _is(schema: str, name: str) -> bool:
    found = get_schema(schema)
    return found is not None and found.is_a(name)


class _Incidence:
    """Every node's edges, both directions, self-loops left out, in edge order: ``(other node, edge number)``."""

    def __init__(self, view: NetworkView):
        edges = np.flatnonzero(view.source != view.target)
        ends = np.concatenate([view.source[edges], view.target[edges]]).astype(np.int64)
        others = np.concatenate([view.target[edges], view.source[edges]]).astype(np.int64)
        numbers = np.concatenate([edges, edges]).astype(np.int64)
        order = np.lexsort((numbers, ends))
        self.others, self.edges = others[order], numbers[order]
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(ends, minlength=view.n_nodes))])

    def __call__(self, node: int) -> list[tuple[int, int]]:
        a, b = self.indptr[node], self.indptr[node + 1]
        return list(zip(self.others[a:b].tolist(), self.edges[a:b].tolist()))


def _countries(view: NetworkView, node: int) -> tuple[str, ...]:
    return tuple(str(code).lower() for code in view.countries[node])


def _abroad(view: NetworkView, node: int) -> str | None:
    for country in _countries(view, node):
        if country != HOME:
            return country
    return None


# -- agents -------------------------------------------------------------------------------------

@dataclass
class AgentTable:
    """The agents of the decision model and, per agent, what the values were read from."""

    agents: Agents | None
    rows: list[dict[str, Any]]

    def to_dict(self) -> list[dict[str, Any]]:
        return self.rows


def build_agents(
    view: NetworkView,
    exposure: Mapping[str, float],
    *,
    seeds: Sequence[str] = (),
    balances: Mapping[str, tuple[float, str | None]] | None = None,
    arrest_squads: Sequence[str] = (),
    currency: str | None = None,
) -> AgentTable:
    """The decision model's agents: every exposed Person of ``view`` that is not a seed, in order of exposure.

    ``exposure`` maps entity id → exposure score (clipped to [0, 1]); ``balances`` maps a bank
    account's id → (balance, currency). See the module docstring for how abroad, family, funds,
    squads and peers are read. Returns ``agents=None`` when no exposed person is left.
    """
    balances = balances or {}
    squads = {code.lower() for code in arrest_squads}
    wanted = currency.upper() if currency else None
    seed_set = set(seeds)
    schemata, ids, relation = view.schemata, view.ids, view.relation
    people = [(entity_id, float(score)) for entity_id, score in exposure.items()
              if entity_id in view and entity_id not in seed_set and _is(schemata[view.index_of(entity_id)], "Person")]
    people.sort(key=lambda item: (-item[1], item[0]))
    if not people:
        return AgentTable(None, [])
    neighbours = _Incidence(view)

    def counts(amount: float | None, unit: str | None) -> bool:
        return amount is not None and amount > 0 and (wanted is None or (unit or "").upper() == wanted)

    rows = []
    for entity_id, score in people:
        node = view.index_of(entity_id)
        ties = neighbours(node)
        location, posted_at = _abroad(view, node), None
        if location is None:
            for other, edge in ties:
                if relation[edge] in POSTING_RELATIONS and not _is(schemata[other], "Person"):
                    country = _abroad(view, other)
                    if country is not None:
                        location, posted_at = country, ids[other]
                        break
        relatives = sorted({ids[other] for other, edge in ties
                            if relation[edge] == "Family" and _is(schemata[other], "Person")
                            and _countries(view, other) == (HOME,)})
        accounts: list[dict[str, Any]] = []
        funds = 0.0
        for other, _edge in ties:
            if not _is(schemata[other], "BankAccount") or ids[other] in {a["id"] for a in accounts}:
                continue
            controllers = {p for p, _ in neighbours(other) if _is(schemata[p], "Person")}
            if controllers == {node}:
                amount, unit = balances.get(ids[other], (None, None))
                if amount is not None and counts(amount, unit):
                    funds += amount
                accounts.append({"id": ids[other], "caption": view.captions[other], "balance": amount, "currency": unit})
        payments = 0.0
        for _other, edge in ties:
            if view.source[edge] == node and relation[edge] == "Payment":
                amount = float(view.amount[edge])
                if counts(None if math.isnan(amount) else amount, view.currency[edge]):
                    payments += amount
        rows.append({
            "id": entity_id, "caption": view.captions[node], "exposure": min(max(score, 0.0), 1.0),
            "abroad": location is not None, "location": location, "posted_at": posted_at,
            "family_at_home": bool(relatives), "relatives_at_home": relatives,
            "squad_present": 1.0 if location is not None and location in squads else 0.0,
            "accounts_alone": accounts, "payments": payments, "funds": funds + payments,
        })
    peers = _peers(view, [view.index_of(row["id"]) for row in rows], neighbours)
    agents = Agents(
        exposure=[row["exposure"] for row in rows], abroad=[row["abroad"] for row in rows],
        family_at_home=[row["family_at_home"] for row in rows], funds=[row["funds"] for row in rows],
        squad_present=[row["squad_present"] for row in rows], peers=peers, ids=[row["id"] for row in rows],
    )
    return AgentTable(agents, rows)


def _peers(view: NetworkView, nodes: list[int], neighbours: _Incidence) -> sparse.csr_matrix:
    """Agents linked directly or through a shared organisation see each other (weight 1)."""
    n = len(nodes)
    agent_of = {node: i for i, node in enumerate(nodes)}
    members: dict[int, set[int]] = defaultdict(set)
    pairs: set[tuple[int, int]] = set()
    for i, node in enumerate(nodes):
        for other, _edge in neighbours(node):
            if other in agent_of:
                j = agent_of[other]
                if j != i:
                    pairs.update({(i, j), (j, i)})
            elif _is(view.schemata[other], "Organization") or (_is(view.schemata[other], "LegalEntity")
                                                                and not _is(view.schemata[other], "Person")):
                members[other].add(i)
    for group in members.values():
        for i in group:
            for j in group:
                if i != j:
                    pairs.add((i, j))
    if not pairs:
        return sparse.csr_matrix((n, n))
    rows, cols = zip(*sorted(pairs))
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


# -- ownership cycles ---------------------------------------------------------------------------

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
