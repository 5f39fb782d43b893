"""What a scenario reads off a network: who is abroad, whose family is at home, who controls which money.

:class:`NetworkFacts` is a plain copy of the parts of a network view a scenario needs (node
ids, captions, schemata, countries; edges with relation, amount, currency, percentage). The
functions here are pure over it, so they can be checked on hand-made networks:

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

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from moneymen.analysis.decisions import Agents
from moneymen.model import get_schema

__all__ = ["HOME", "NetworkFacts", "AgentTable", "build_agents", "ownership_problems", "parse_amount"]

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


def _countries(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items: Iterable[Any] = value.replace(",", ";").split(";")
    elif isinstance(value, Iterable):
        items = value
    else:
        items = [value]
    return tuple(dict.fromkeys(str(item).strip().lower() for item in items if item and str(item).strip()))


def _is(schema: str, name: str) -> bool:
    found = get_schema(schema)
    return found is not None and found.is_a(name)


@dataclass
class NetworkFacts:
    """Nodes and edges of a network, as plain lists: what scenarios need to know of a view."""

    ids: list[str]
    captions: list[str]
    schemata: list[str]
    countries: list[tuple[str, ...]]
    source: list[int]
    target: list[int]
    relation: list[str]
    amount: list[float | None] = field(default_factory=list)
    currency: list[str | None] = field(default_factory=list)
    percentage: list[float | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        n, m = len(self.ids), len(self.source)
        for name in ("captions", "schemata", "countries"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"NetworkFacts.{name} has {len(getattr(self, name))} values, expected {n} (one per node)")
        for name in ("amount", "currency", "percentage"):
            if not getattr(self, name):
                setattr(self, name, [None] * m)
        for name in ("target", "relation", "amount", "currency", "percentage"):
            if len(getattr(self, name)) != m:
                raise ValueError(f"NetworkFacts.{name} has {len(getattr(self, name))} values, expected {m} (one per edge)")
        self.countries = [_countries(value) for value in self.countries]
        self._index = {entity_id: i for i, entity_id in enumerate(self.ids)}

    @classmethod
    def from_view(cls, view: Any) -> "NetworkFacts":
        """Copy what scenarios need from a :class:`moneymen.graph.view.NetworkView`.

        Edge ends may be node numbers or entity ids; countries a list or a ``;``-joined string;
        ``percentage`` is read when the view has it (else left empty).
        """
        ids = [str(entity_id) for entity_id in view.ids]
        index = {entity_id: i for i, entity_id in enumerate(ids)}

        def ends(values: Any) -> list[int]:
            out = []
            for value in values:
                if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
                    out.append(int(value))
                else:
                    out.append(index[str(value)])
            return out

        def column(name: str, m: int) -> list[Any]:
            values = getattr(view, name, None)
            return list(values) if values is not None and len(values) == m else [None] * m

        source, target = ends(view.source), ends(view.target)
        m = len(source)
        schemata = [getattr(s, "name", s) for s in view.schemata]
        return cls(
            ids=ids, captions=[str(c) for c in view.captions], schemata=[str(s) for s in schemata],
            countries=list(getattr(view, "countries", None) or [()] * len(ids)),
            source=source, target=target, relation=[str(getattr(r, "name", r)) for r in view.relation],
            amount=[parse_amount(a) for a in column("amount", m)],
            currency=[str(c).upper() if c not in (None, "") else None for c in column("currency", m)],
            percentage=[parse_amount(p) for p in column("percentage", m)],
        )

    def index_of(self, entity_id: str) -> int:
        """The node number of ``entity_id`` (KeyError when the network has no such node)."""
        return self._index[entity_id]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._index

    def is_a(self, node: int, schema: str) -> bool:
        """Whether node ``node``'s schema is ``schema`` or a kind of it."""
        return _is(self.schemata[node], schema)

    def neighbours(self) -> list[list[tuple[int, int]]]:
        """For every node, ``(other node, edge number)`` pairs, both directions."""
        out: list[list[tuple[int, int]]] = [[] for _ in self.ids]
        for k, (s, t) in enumerate(zip(self.source, self.target)):
            if s != t:
                out[s].append((t, k))
                out[t].append((s, k))
        return out

    def digest(self) -> str:
        """SHA-256 of the nodes and edges (to tell later whether a run saw the same network)."""
        h = hashlib.sha256()
        for i, entity_id in enumerate(self.ids):
            h.update(f"{entity_id}\x1f{self.schemata[i]}\x1f{';'.join(self.countries[i])}\x1e".encode())
        for k in range(len(self.source)):
            h.update(f"{self.ids[self.source[k]]}\x1f{self.ids[self.target[k]]}\x1f{self.relation[k]}\x1f"
                     f"{self.amount[k]}\x1f{self.currency[k]}\x1f{self.percentage[k]}\x1e".encode())
        return h.hexdigest()


# -- agents -------------------------------------------------------------------------------------

@dataclass
class AgentTable:
    """The agents of the decision model and, per agent, what the values were read from."""

    agents: Agents | None
    rows: list[dict[str, Any]]

    def to_dict(self) -> list[dict[str, Any]]:
        return self.rows


def _abroad(facts: NetworkFacts, node: int) -> str | None:
    for country in facts.countries[node]:
        if country != HOME:
            return country
    return None


def build_agents(
    facts: NetworkFacts,
    exposure: Mapping[str, float],
    *,
    seeds: Sequence[str] = (),
    balances: Mapping[str, tuple[float, str | None]] | None = None,
    arrest_squads: Sequence[str] = (),
    currency: str | None = None,
) -> AgentTable:
    """The decision model's agents: every exposed Person that is not a seed, in order of exposure.

    ``exposure`` maps entity id → exposure score (clipped to [0, 1]); ``balances`` maps a bank
    account's id → (balance, currency). See the module docstring for how abroad, family, funds,
    squads and peers are read. Returns ``agents=None`` when no exposed person is left.
    """
    balances = balances or {}
    squads = {code.lower() for code in arrest_squads}
    wanted = currency.upper() if currency else None
    seed_set = set(seeds)
    neighbours = facts.neighbours()
    people = [(entity_id, float(score)) for entity_id, score in exposure.items()
              if entity_id in facts and entity_id not in seed_set and facts.is_a(facts.index_of(entity_id), "Person")]
    people.sort(key=lambda item: (-item[1], item[0]))
    if not people:
        return AgentTable(None, [])

    def counts(amount: float | None, unit: str | None) -> bool:
        return amount is not None and amount > 0 and (wanted is None or (unit or "").upper() == wanted)

    rows = []
    for entity_id, score in people:
        node = facts.index_of(entity_id)
        location = _abroad(facts, node)
        posted_at = None
        if location is None:
            for other, edge in neighbours[node]:
                if facts.relation[edge] in POSTING_RELATIONS and not facts.is_a(other, "Person"):
                    country = _abroad(facts, other)
                    if country is not None:
                        location, posted_at = country, facts.ids[other]
                        break
        relatives = sorted({facts.ids[other] for other, edge in neighbours[node]
                            if facts.relation[edge] == "Family" and facts.is_a(other, "Person")
                            and facts.countries[other] == (HOME,)})
        accounts, funds = [], 0.0
        for other, _edge in neighbours[node]:
            if not facts.is_a(other, "BankAccount"):
                continue
            controllers = {p for p, _ in neighbours[other] if facts.is_a(p, "Person")}
            account_id = facts.ids[other]
            if controllers == {node} and account_id not in {a["id"] for a in accounts}:
                amount, unit = balances.get(account_id, (None, None))
                if counts(amount, unit):
                    funds += amount
                accounts.append({"id": account_id, "caption": facts.captions[other], "balance": amount, "currency": unit})
        payments = 0.0
        for k, s in enumerate(facts.source):
            if s == node and facts.relation[k] == "Payment" and counts(facts.amount[k], facts.currency[k]):
                payments += facts.amount[k]
        rows.append({
            "id": entity_id, "caption": facts.captions[node], "exposure": min(max(score, 0.0), 1.0),
            "abroad": location is not None, "location": location, "posted_at": posted_at,
            "family_at_home": bool(relatives), "relatives_at_home": relatives,
            "squad_present": 1.0 if location is not None and location in squads else 0.0,
            "accounts_alone": accounts, "payments": payments, "funds": funds + payments,
        })
    order = {row["id"]: i for i, row in enumerate(rows)}
    peers = _peers(facts, [facts.index_of(row["id"]) for row in rows], neighbours, order)
    agents = Agents(
        exposure=[row["exposure"] for row in rows], abroad=[row["abroad"] for row in rows],
        family_at_home=[row["family_at_home"] for row in rows], funds=[row["funds"] for row in rows],
        squad_present=[row["squad_present"] for row in rows], peers=peers, ids=[row["id"] for row in rows],
    )
    return AgentTable(agents, rows)


def _peers(facts: NetworkFacts, nodes: list[int], neighbours: list[list[tuple[int, int]]],
           order: Mapping[str, int]) -> sparse.csr_matrix:
    """Agents linked directly or through a shared organisation see each other (weight 1)."""
    n = len(nodes)
    agent_of = {node: i for i, node in enumerate(nodes)}
    members: dict[int, set[int]] = defaultdict(set)
    pairs: set[tuple[int, int]] = set()
    for i, node in enumerate(nodes):
        for other, _edge in neighbours[node]:
            if other in agent_of:
                j = agent_of[other]
                if j != i:
                    pairs.update({(i, j), (j, i)})
            elif facts.is_a(other, "Organization") or (facts.is_a(other, "LegalEntity") and not facts.is_a(other, "Person")):
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

def ownership_problems(facts: NetworkFacts) -> list[str]:
    """Ownership cycles whose stakes compound above 100 %, each described in words (empty: none).

    Within a cycle of Ownership edges (a strongly connected set of owners and assets), a problem
    is an asset whose stakes add up to more than 100 %, or entities that own each other outright
    (the stakes around the cycle multiply to 100 % or more, so ownership of ownership never
    shrinks). Stakes without a percentage are left out; percentages are read as given (``51``
    and ``"51%"`` are 51 %).
    """
    import networkx as nx

    graph = nx.DiGraph()
    stakes: dict[tuple[int, int], float] = defaultdict(float)
    for k, (s, t) in enumerate(zip(facts.source, facts.target)):
        if facts.relation[k] != "Ownership" or facts.percentage[k] is None:
            continue
        stakes[(s, t)] += facts.percentage[k]
        graph.add_edge(s, t)
    problems = []
    name = lambda v: f"{facts.captions[v]} ({facts.ids[v]})"  # noqa: E731
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
