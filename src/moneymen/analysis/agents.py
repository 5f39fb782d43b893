"""The agents of the decision model: the exposed persons of a purge, as arrays, read off a network.

:class:`Agents` holds one value per agent (exposure, abroad, family at home, funds, squad
present, peers…), checked once. :func:`build_agents` reads them off a
:class:`moneymen.graph.view.NetworkView` (node ids, captions, schemata, countries; edges with
relation, amount, currency, percentage), pure, so it can be checked on hand-made networks
(``NetworkView.from_arrays``), with the reason for every value (:class:`AgentTable`).

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse

from moneymen.algorithms.cascades import peer_matrix
from moneymen.graph.view import NetworkView
from moneymen.jsonable import json_number
from moneymen.model import get_schema

__all__ = ["HOME", "AgentTable", "Agents", "build_agents", "parse_amount"]

@dataclass(frozen=True, eq=False)
class Agents:
    """The exposed persons of a scenario, as arrays with one value per agent.

    ``exposure`` (in [0, 1]) fixes the number of agents; every other array must have the same
    length (a scalar is repeated for every agent). ``peers`` is an ``n × n`` matrix (any scipy
    sparse format or a dense array; ``peers[i, j] > 0``: *i sees what j does*, with that weight;
    the diagonal is ignored) or ``None`` for complete mixing. ``squad_present`` is the presence of
    an arrest squad at the agent's location (0 or 1, or a share in between). ``thresholds`` are
    peer thresholds (share of peers seen defecting, >= 0; ``inf`` = never) or ``None`` to draw them
    per run. ``already_defected`` marks agents abroad known to have defected before step 1.
    """

    exposure: Any
    abroad: Any = True
    family_at_home: Any = False
    funds: Any = 0.0
    peers: Any = None
    squad_present: Any = 0.0
    thresholds: Any = None
    already_defected: Any = False
    ids: Sequence[str] | None = None

    def __post_init__(self) -> None:
        exposure = _real_array("exposure", self.exposure, None)
        n = exposure.size
        if n == 0:
            raise ValueError("Agents.exposure is empty: the decision model needs at least one agent")
        _check_range("exposure", exposure, 0.0, 1.0)
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        set_("exposure", exposure)
        set_("abroad", _bool_array("abroad", self.abroad, n))
        set_("family_at_home", _bool_array("family_at_home", self.family_at_home, n))
        funds = _real_array("funds", self.funds, n)
        _check_range("funds", funds, 0.0, math.inf, upper_inclusive=False)
        set_("funds", funds)
        squad = _real_array("squad_present", self.squad_present, n)
        _check_range("squad_present", squad, 0.0, 1.0)
        set_("squad_present", squad)
        if self.thresholds is not None:
            thresholds = _real_array("thresholds", self.thresholds, n, allow_inf=True)
            _check_range("thresholds", thresholds, 0.0, math.inf)
            set_("thresholds", thresholds)
        defected = _bool_array("already_defected", self.already_defected, n)
        if (defected & ~self.abroad).any():
            index = int(np.flatnonzero(defected & ~self.abroad)[0])
            raise ValueError(f"Agents.already_defected[{index}] is set but the agent is not abroad "
                             f"(abroad[{index}] is False): only agents abroad can defect")
        set_("already_defected", defected)
        set_("peers", peer_matrix(self.peers, n))
        if self.ids is None:
            set_("ids", tuple(f"agent-{i}" for i in range(n)))
        else:
            ids = tuple(self.ids)
            if len(ids) != n:
                raise ValueError(f"Agents.ids has {len(ids)} values, expected {n} (one per agent, like exposure)")
            if not all(isinstance(item, str) for item in ids):
                raise ValueError("Agents.ids must be strings")
            if len(set(ids)) != n:
                duplicate = next(item for item in ids if ids.count(item) > 1)
                raise ValueError(f"Agents.ids must be unique, {duplicate!r} appears more than once")
            set_("ids", ids)

    def __len__(self) -> int:
        return self.exposure.size

    @property
    def agent_ids(self) -> Sequence[str]:
        """One id per agent: ``ids`` as given, or ``agent-0``, ``agent-1``… when none were."""
        assert self.ids is not None  # __post_init__ fills in the ids not given
        return self.ids

    def digest(self) -> str:
        """SHA-256 of every input array (to tell later whether a saved run used the same agents)."""
        h = hashlib.sha256()
        for array in (self.exposure, self.abroad, self.family_at_home, self.funds, self.squad_present,
                      self.already_defected):
            h.update(np.ascontiguousarray(array).tobytes())
        h.update(b"thresholds" if self.thresholds is None else np.ascontiguousarray(self.thresholds).tobytes())
        if self.peers is not None:
            for array in (self.peers.indptr, self.peers.indices, self.peers.data):
                h.update(np.ascontiguousarray(array).tobytes())
        h.update("\x1f".join(self.agent_ids).encode())
        return h.hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """Every input, JSON-serialisable; peers as ``[i, j, weight]`` triples (or ``None``: complete mixing)."""
        peers = None
        if self.peers is not None:
            coo = self.peers.tocoo()
            peers = [[int(i), int(j), float(w)] for i, j, w in zip(coo.row, coo.col, coo.data)]
        return {
            "count": len(self),
            "ids": list(self.agent_ids),
            "exposure": self.exposure.tolist(),
            "abroad": self.abroad.tolist(),
            "family_at_home": self.family_at_home.tolist(),
            "funds": self.funds.tolist(),
            "squad_present": self.squad_present.tolist(),
            "thresholds": None if self.thresholds is None else [json_number(x) for x in self.thresholds.tolist()],
            "already_defected": self.already_defected.tolist(),
            "peers": peers,
            "sha256": self.digest(),
        }


def _real_array(name: str, value: Any, n: int | None, allow_inf: bool = False) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"Agents.{name} must be numbers, got {value!r:.80}") from None
    if n is not None and array.ndim == 0:
        array = np.full(n, float(array))
    if array.ndim != 1:
        raise ValueError(f"Agents.{name} must be one value per agent (a 1-D array), got shape {array.shape}")
    if n is not None and array.size != n:
        raise ValueError(f"Agents.{name} has {array.size} values, expected {n} (one per agent, like exposure)")
    bad = np.isnan(array) if allow_inf else ~np.isfinite(array)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise ValueError(f"Agents.{name}[{index}] must be a finite number, got {array[index]!r}")
    return np.ascontiguousarray(array)


def _check_range(name: str, array: np.ndarray, low: float, high: float, upper_inclusive: bool = True) -> None:
    bad = (array < low) | (array > high)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        upper = f"{high}]" if upper_inclusive else f"{high})"
        raise ValueError(f"Agents.{name}[{index}] must be in [{low}, {upper}, got {array[index]!r}")


def _bool_array(name: str, value: Any, n: int) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim == 0:
        array = np.full(n, array.item())
    if array.ndim != 1 or array.size != n:
        raise ValueError(f"Agents.{name} has {array.size} values, expected {n} (one per agent, like exposure)")
    if array.dtype != bool:
        try:
            numeric = array.astype(float)
        except (TypeError, ValueError):
            raise ValueError(f"Agents.{name} must be true/false (or 1/0) per agent, got {value!r:.80}") from None
        bad = (numeric != 0) & (numeric != 1)
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            raise ValueError(f"Agents.{name}[{index}] must be true/false (or 1/0), got {array[index]!r}")
        array = numeric == 1
    return np.ascontiguousarray(array, dtype=bool)


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

    rows: list[dict[str, Any]] = []
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
