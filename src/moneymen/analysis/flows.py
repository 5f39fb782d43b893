"""Money flows toward a sink: what reaches it, what a purge severs, which accounts are orphaned.

**The flow graph** (:func:`flow_graph`) is built from a :class:`~moneymen.graph.view.NetworkView`:

- every **Payment** is an arc payer → beneficiary whose capacity is its amount (payments between
  the same two nodes add up). When the payment names its accounts (``payerAccount``,
  ``beneficiaryAccount``), the money is routed through them: payer → payer's account →
  beneficiary's account → beneficiary, each arc with the amount, so that losing an account
  loses what passed through it (``route_accounts=False`` turns this off).
- **Currencies.** Amounts are never added across currencies silently. ``currency="USD"``
  keeps the payments stated in US dollars; ``rates={"EUR": 1.08, …}`` with ``currency="USD"``
  converts every payment into dollars (a rate is the value of one unit in ``currency``; a
  currency without a rate is an error). A payment without a stated currency is taken to be in
  ``currency`` and counted in the notes. With neither, the payments must share one currency.
  Payments without an amount carry nothing and are counted in the notes.
- **Revenue-earning relations** (off by default): ``revenue={"Employment": 50_000}`` adds an arc
  with that capacity for every edge of the relation, in the direction money earned along it
  moves (:data:`REVENUE_DIRECTIONS`): an employee remits to the employer, a member to the
  organisation, an owned company or vessel pays its owner (Ownership capacity × the stated
  percentage / 100 when there is one). Use the currency of the payments.

**Sources.** By default the *origins*: nodes that send money in the flow graph but receive none
(the earners at the edge of the network); when cycles leave none, the nodes that send more than
they receive. The sink is never a source.

**Methods.** ``"maxflow"``: the maximum flow from the sources to the sink
(:func:`moneymen.algorithms.critical_nodes.max_flow`, ``scipy.sparse.csgraph``), each arc carrying at
most its capacity: money that can still find a way around a removed node does. ``"paths"``: the
stated payments into the sink, summed, counting a payment only while its payer is not removed and
still connected to a source (or is one): no re-routing, no capacity limits upstream.

**After a purge.** ``removed`` entities (purged, defected, captured) are taken out. An account is
**orphaned** when every one of its known holders is removed; with ``orphans_lost`` (the default)
the money that passed through it is lost too. The holders are the people who know the account:
the persons that :data:`HOLDER_RELATIONS` tie to it (an Ownership of it, a Control,
Representation or unknown link such as a signatory, a crypto wallet's holder). A company that
holds an account knows it only through such people: where any person is tied to the account, the
company does not count as a holder; where none is, the company (or other entity) tied to it is
the holder. Only for an account that no such tie names are the parties of the payments through
it (:data:`USAGE_RELATIONS`: the payer of a payment from it, the beneficiary of one into it)
taken as its holders.

**Settings.** :class:`FlowSettings` gathers what a scenario may set (currency, rates, revenue,
method, account routing, orphans lost) and checks it with the same functions
:func:`flow_graph` and :func:`money_flows` use (:func:`check_rates`, :func:`check_revenue`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from moneymen.algorithms.csr import as_adjacency
from moneymen.algorithms.keypersons import betweenness
from moneymen.algorithms.critical_nodes import critical_nodes
from moneymen.algorithms.interdiction import INT32_MAX, interdict, max_flow
from moneymen.graph.view import NetworkView
from moneymen.model import get_schema

__all__ = [
    "ACCOUNT_SCHEMATA",
    "BUSINESS_RELATIONS",
    "COMPANY_CONTROL_RELATIONS",
    "HOLDER_RELATIONS",
    "USAGE_RELATIONS",
    "REVENUE_DIRECTIONS",
    "BrokenRelation",
    "Designation",
    "FlowGraph",
    "FlowReport",
    "FlowSettings",
    "METHODS",
    "LostArc",
    "OrphanedAccount",
    "RemovalSample",
    "Severed",
    "SoleController",
    "StrategyResult",
    "check_rates",
    "check_revenue",
    "designation_targets",
    "flow_graph",
    "flows_after_removals",
    "money_flows",
    "orphaned_accounts",
    "sole_controllers",
]

#: Which way money earned along a relation moves: "forward" with FtM's edge direction, "backward" against it.
REVENUE_DIRECTIONS: dict[str, str] = {
    "Employment": "forward",        # employee → employer
    "Membership": "forward",        # member → organisation
    "Directorship": "backward",     # organisation → director
    "Ownership": "backward",        # asset → owner (dividends, profits)
    "Control": "backward",          # controlled → controller
    "LegalEntity:parent": "backward",  # subsidiary → parent
    "Vehicle:owner": "backward",    # vessel or aircraft → owner (charter income)
    "Vehicle:operator": "backward",  # vessel or aircraft → operator
}
#: Relations that tie a holder (owner, controller, signatory) to an account (the account may be at either end).
HOLDER_RELATIONS = ("Ownership", "Control", "UnknownLink", "Representation", "CryptoWallet:holder")
#: Relations that show who used an account: its holders when no holder relation names any.
USAGE_RELATIONS = ("Payment:payerAccount", "Payment:beneficiaryAccount")
#: Relations that tie a person who runs a company to it (director → organisation, owner → asset, controller → entity).
COMPANY_CONTROL_RELATIONS = ("Directorship", "Ownership", "Control")
#: Schemata whose entities are accounts.
ACCOUNT_SCHEMATA = ("BankAccount", "CryptoWallet")
#: Relations whose loss breaks a business tie (partners, investors, customers of a removed entity).
BUSINESS_RELATIONS = ("Ownership", "Directorship", "Control", "Representation", "Payment", "Debt", "ContractAward",
                      "Succession", "LegalEntity:parent", "Vehicle:owner", "Vehicle:operator", "UnknownLink",
                      "Employment", "Membership")

_ACCOUNT_RELATIONS = ("Payment:payerAccount", "Payment:beneficiaryAccount")


#: How the flow to the sink is measured (``method=``), in words.
METHODS = {
    "maxflow": "maximum flow (scipy.sparse.csgraph.maximum_flow): money re-routes around removed nodes "
               "within arc capacities",
    "paths": "summed payments into the sink whose payer survives and is still connected to a source",
}


# == settings and their checks =============================================================


def _positive(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def check_rates(rates: Mapping[str, float] | None, currency: str | None) -> dict[str, float] | None:
    """Exchange rates as ``{CODE: value of one unit in currency}`` (codes upper-cased, ``currency`` itself 1.0).

    Raises ``ValueError`` (``"rates.EUR: …"``) for rates without a currency, a rate that is not a
    positive number, or a code that is not three letters.
    """
    if rates is None:
        return None
    if not isinstance(rates, Mapping):
        raise ValueError(f"rates: expected a table of CODE = value of one unit in the currency, got {rates!r}")
    if currency is None:
        raise ValueError("rates: rates convert amounts into one currency: name it with currency, e.g. currency = \"USD\"")
    table: dict[str, float] = {}
    for key, value in rates.items():
        code = str(key).upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"rates.{key}: expected a three-letter currency code such as EUR")
        if not _positive(value):
            raise ValueError(f"rates.{key}: expected a positive number (the value of one {code} in {currency}), "
                             f"got {value!r}")
        table[code] = float(value)
    table.setdefault(currency.upper(), 1.0)
    return table


def check_revenue(revenue: Mapping[str, float] | None) -> dict[str, float] | None:
    """Revenue capacities per relation (:data:`REVENUE_DIRECTIONS`); ``ValueError`` (``"revenue.X: …"``) otherwise."""
    if revenue is None:
        return None
    if not isinstance(revenue, Mapping):
        raise ValueError(f"revenue: expected a table of relation = capacity, got {revenue!r}")
    table: dict[str, float] = {}
    for relation, capacity in revenue.items():
        if relation not in REVENUE_DIRECTIONS:
            raise ValueError(f"revenue.{relation}: no money direction known for {relation!r}; expected one of "
                             f"{', '.join(REVENUE_DIRECTIONS)}")
        if isinstance(capacity, bool) or not isinstance(capacity, (int, float)) or not capacity >= 0 \
                or not math.isfinite(capacity):
            raise ValueError(f"revenue.{relation}: expected a capacity ≥ 0, got {capacity!r}")
        table[relation] = float(capacity)
    return table


def _check_method(method: Any) -> str:
    if method not in METHODS:
        raise ValueError(f"method: unknown method {method!r}: expected 'maxflow' or 'paths'")
    return method


_SETTING_KEYS = ("currency", "rates", "revenue", "method", "route_accounts", "orphans_lost")


@dataclass(frozen=True)
class FlowSettings:
    """How money is counted: ``currency``, ``rates``, ``revenue``, ``method``, ``route_accounts``, ``orphans_lost``.

    The keyword arguments of :func:`money_flows` (and, but for ``method`` and ``orphans_lost``, of
    :func:`designation_targets`), checked once. :meth:`from_mapping` reads a scenario's table.
    """

    currency: str | None = None
    rates: Mapping[str, float] | None = None
    revenue: Mapping[str, float] | None = None
    method: Literal["maxflow", "paths"] = "maxflow"
    route_accounts: bool = True
    orphans_lost: bool = True

    def __post_init__(self) -> None:
        currency = self.currency
        if currency is not None:
            if not isinstance(currency, str) or len(currency.strip()) != 3 or not currency.strip().isalpha():
                raise ValueError(f"currency: expected a three-letter ISO currency code such as USD, got {currency!r}")
            object.__setattr__(self, "currency", currency.strip().upper())
        object.__setattr__(self, "rates", check_rates(self.rates, self.currency))
        object.__setattr__(self, "revenue", check_revenue(self.revenue))
        _check_method(self.method)
        for name in ("route_accounts", "orphans_lost"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: expected true or false, got {getattr(self, name)!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> "FlowSettings":
        """Settings from a table such as ``{"currency": "USD", "rates": {"EUR": 1.08}, "revenue": {"Employment": 5e4}}``."""
        data = dict(data or {})
        unknown = sorted(set(data) - set(_SETTING_KEYS))
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown key; expected some of {', '.join(_SETTING_KEYS)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return {"currency": self.currency, "rates": dict(self.rates) if self.rates else None,
                "revenue": dict(self.revenue) if self.revenue else None, "method": self.method,
                "route_accounts": self.route_accounts, "orphans_lost": self.orphans_lost}

    def graph_arguments(self) -> dict[str, Any]:
        """The keyword arguments of :func:`flow_graph` (and :func:`designation_targets`)."""
        return {"currency": self.currency, "rates": self.rates, "revenue": self.revenue,
                "route_accounts": self.route_accounts}

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of :func:`money_flows`."""
        return {**self.graph_arguments(), "method": self.method, "orphans_lost": self.orphans_lost}


# == the flow graph ========================================================================


@dataclass
class FlowGraph:
    """Directed capacities (``n × n``, node numbers of the view) and how they were made.

    ``origins``: where money starts (see the module: decided on the payments, then the revenue earners).
    """

    capacity: sp.csr_array
    currency: str | None
    payments: int
    revenue_arcs: int
    notes: list[str] = field(default_factory=list)
    origins: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def arcs(self) -> int:
        return int(self.capacity.nnz)


def _is_person(schema_name: str) -> bool:
    schema = get_schema(schema_name)
    return schema is not None and schema.is_a("Person")


def _is_account(schema_name: str) -> bool:
    schema = get_schema(schema_name)
    return schema is not None and any(schema.is_a(name) for name in ACCOUNT_SCHEMATA)


def flow_graph(
    view: NetworkView,
    *,
    currency: str | None = None,
    rates: Mapping[str, float] | None = None,
    revenue: Mapping[str, float] | None = None,
    route_accounts: bool = True,
) -> FlowGraph:
    """The capacities money can move along (see the module for payments, currencies and revenue)."""
    n = view.n_nodes
    notes: list[str] = []
    currency = currency.upper() if currency else None
    payments = np.flatnonzero(view.relation_mask(["Payment"]))
    amount = view.amount[payments].copy()
    stated = view.currency[payments]
    has_currency = np.not_equal(stated, None) if stated.size else np.zeros(0, bool)
    found = sorted({str(x) for x in stated[has_currency].tolist()})
    table = check_rates(rates, currency)
    revenue = check_revenue(revenue)
    if table is not None:
        missing = [name for name in found if name not in table]
        if missing:
            raise ValueError(f"no exchange rate for {', '.join(missing)} (payments in it exist): add it to rates "
                             f"as the value of one unit in {currency}")
        factor = np.array([table[str(x)] if x is not None else 1.0 for x in stated.tolist()]) if stated.size \
            else np.zeros(0)
        amount = amount * factor
        if len(found) > 1 or (found and found != [currency]):
            notes.append(f"amounts converted into {currency} with the rates given ({', '.join(found)})")
    elif currency is not None:
        other = has_currency & (stated != currency)
        if other.any():
            notes.append(f"{int(other.sum())} payments in other currencies ({', '.join(x for x in found if x != currency)}) "
                         f"left out: only {currency} counts (give rates= to convert)")
            amount[other] = np.nan
    else:
        if len(found) > 1:
            raise ValueError(f"payments in several currencies ({', '.join(found)}): choose one with currency= "
                             f"or convert with rates= and currency=")
        currency = found[0] if found else None
    unstated = int((~has_currency).sum())
    if unstated and payments.size:
        notes.append(f"{unstated} payments state no currency: taken as {currency or 'the common unit'}")
    no_amount = ~(amount > 0)
    if no_amount.any():
        notes.append(f"{int(no_amount.sum())} payments without a (positive) amount carry nothing")
    payments, amount = payments[~no_amount], amount[~no_amount]

    tails: list[np.ndarray] = []
    heads: list[np.ndarray] = []
    caps: list[np.ndarray] = []
    payer, payee = view.source[payments].astype(np.int64), view.target[payments].astype(np.int64)
    if route_accounts and payments.size:
        accounts = {name: _account_of_payment(view, name) for name in _ACCOUNT_RELATIONS}
        ids = view.edge_ids[payments].tolist()
        out_account = np.array([accounts["Payment:payerAccount"].get(x, -1) for x in ids], dtype=np.int64)
        in_account = np.array([accounts["Payment:beneficiaryAccount"].get(x, -1) for x in ids], dtype=np.int64)
        routed = 0
        # payer → [payer account] → [beneficiary account] → beneficiary
        hops = [payer, out_account, in_account, payee]
        current = payer.copy()
        for step in hops[1:]:
            present = step >= 0
            move = present & (step != current)
            tails.append(current[move])
            heads.append(step[move])
            caps.append(amount[move])
            current = np.where(present, step, current)
        routed = int(((out_account >= 0) | (in_account >= 0)).sum())
        if routed:
            notes.append(f"{routed} payments routed through the accounts they name")
    else:
        tails.append(payer)
        heads.append(payee)
        caps.append(amount)
    paid = _arcs_matrix(tails, heads, caps, n)
    revenue_arcs = 0
    for relation, capacity in (revenue or {}).items():
        edges = np.flatnonzero(view.relation_mask([relation]))
        cap = np.full(edges.size, float(capacity))
        if relation in ("Ownership", "LegalEntity:parent"):
            share = view.percentage[edges]
            cap = np.where(np.isnan(share), cap, cap * np.clip(share / 100.0, 0.0, 1.0))
        forward = REVENUE_DIRECTIONS[relation] == "forward"
        tails.append((view.source if forward else view.target)[edges].astype(np.int64))
        heads.append((view.target if forward else view.source)[edges].astype(np.int64))
        caps.append(cap)
        revenue_arcs += int(edges.size)
    matrix = _arcs_matrix(tails, heads, caps, n)
    return FlowGraph(matrix, currency, int(payments.size), revenue_arcs, notes, _origins(paid, matrix))


def _arcs_matrix(tails: list[np.ndarray], heads: list[np.ndarray], caps: list[np.ndarray], n: int) -> sp.csr_array:
    tail = np.concatenate(tails) if tails else np.zeros(0, np.int64)
    head = np.concatenate(heads) if heads else np.zeros(0, np.int64)
    cap = np.concatenate(caps) if caps else np.zeros(0)
    keep = (tail != head) & (cap > 0)
    matrix = sp.csr_array((cap[keep], (tail[keep], head[keep])), shape=(n, n))
    matrix.sum_duplicates()
    return matrix


def _account_of_payment(view: NetworkView, relation: str) -> dict[str, int]:
    rows = np.flatnonzero(view.relation_mask([relation]))
    return dict(zip(view.edge_ids[rows].tolist(), view.target[rows].astype(np.int64).tolist()))


def _origins(paid: sp.csr_array, capacity: sp.csr_array) -> np.ndarray:
    """The payments' origins (pay, receive no payment; else pay more than they receive), then the
    revenue earners that receive no payment. Revenue flowing into an origin (employees remitting to
    their trading company) does not make it less of an origin."""
    out = np.asarray(paid.sum(axis=1)).ravel()
    into = np.asarray(paid.sum(axis=0)).ravel()
    chosen = (out > 0) & (into == 0)
    if not chosen.any():
        chosen = out > into
    earners = (np.asarray(capacity.sum(axis=1)).ravel() > out) & (into == 0)
    return np.flatnonzero(chosen | earners)


def _super_source(capacity: sp.csr_array, sources: Sequence[int]) -> sp.csr_array:
    """The capacities with one node appended (number ``n``) that feeds every source what it can send on."""
    n = capacity.shape[0]
    out = np.asarray(capacity.sum(axis=1)).ravel()
    sources = np.asarray(list(sources), dtype=np.int64)
    coo = capacity.tocoo()
    rows = np.concatenate([coo.row.astype(np.int64), np.full(sources.size, n, dtype=np.int64)])
    cols = np.concatenate([coo.col.astype(np.int64), sources])
    data = np.concatenate([coo.data, out[sources]])
    keep = data > 0
    return sp.csr_array((data[keep], (rows[keep], cols[keep])), shape=(n + 1, n + 1))


def _scale(capacity: sp.csr_array) -> float:
    """The largest power of ten ≤ 100 at which every sum of capacities fits csgraph's 32-bit integers."""
    total = float(capacity.sum()) if capacity.nnz else 0.0
    if total <= 0:
        return 1.0
    return float(min(100.0, 10.0 ** math.floor(math.log10((INT32_MAX - 1) / (2 * total)))))


def _reachable(capacity: sp.csr_array, sources: Sequence[int], removed: np.ndarray) -> np.ndarray:
    """Nodes reachable from any source along arcs, avoiding removed nodes (sources included)."""
    n = capacity.shape[0]
    keep = ~removed
    starts = [s for s in sources if keep[s]]
    seen = np.zeros(n, dtype=bool)
    if not starts:
        return seen
    diagonal = sp.dia_array((keep.astype(np.float64), 0), shape=(n, n))
    graph = sp.csr_array(diagonal @ capacity @ diagonal)
    graph.eliminate_zeros()
    root = sp.csr_array((np.ones(len(starts)), (np.zeros(len(starts), dtype=np.int64), np.array(starts))),
                        shape=(1, n))
    extended = sp.vstack([sp.hstack([graph, sp.csr_array((n, 1))]), sp.hstack([root, sp.csr_array((1, 1))])])
    order = csgraph.breadth_first_order(sp.csr_array(extended), n, directed=True, return_predecessors=False)
    seen[order[order < n]] = True
    return seen


# == orphaned accounts, broken relations ===================================================


@dataclass
class OrphanedAccount:
    """An account whose every known holder is removed: nobody left knows it (``holders``: ids; captions beside)."""

    entity_id: str
    caption: str
    schema: str
    holders: list[str]
    holder_captions: list[str] = field(default_factory=list)


def orphaned_accounts(view: NetworkView, removed: Iterable[str], *,
                      holder_relations: Sequence[str] = HOLDER_RELATIONS) -> list[OrphanedAccount]:
    """Accounts (:data:`ACCOUNT_SCHEMATA`) with at least one known holder, all of them in ``removed``."""
    removed_nodes = np.zeros(view.n_nodes, dtype=bool)
    removed_nodes[view.indices(list(removed), "removed entity")] = True
    return _orphans(view, removed_nodes, holder_relations)


def _account_holders(view: NetworkView, holder_relations: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (account, holder) node pairs: who knows each account (see the module), as two arrays."""
    account_schema = {name: _is_account(name) for name in set(view.schemata)}
    is_account = np.array([account_schema[name] for name in view.schemata], dtype=bool)
    if not is_account.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    account, holder = _people_first(view, *_holder_pairs(view, is_account, holder_relations))
    used_account, user = _holder_pairs(view, is_account, USAGE_RELATIONS)
    named = np.zeros(view.n_nodes, dtype=bool)
    named[account] = True
    fallback = ~named[used_account]
    return np.concatenate([account, used_account[fallback]]), np.concatenate([holder, user[fallback]])


def _orphaned_nodes(account: np.ndarray, holder: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """The accounts (not removed themselves) all of whose holders are ``removed``."""
    if not account.size:
        return np.zeros(0, dtype=np.int64)
    total = np.bincount(account, minlength=removed.size)
    gone = np.bincount(account, weights=removed[holder].astype(np.float64), minlength=removed.size)
    return np.flatnonzero((total > 0) & (gone == total) & ~removed)


def _orphans(view: NetworkView, removed: np.ndarray, holder_relations: Sequence[str]) -> list[OrphanedAccount]:
    account, holder = _account_holders(view, holder_relations)
    orphaned = _orphaned_nodes(account, holder, removed)
    result = []
    for a in orphaned.tolist():
        holders = sorted(holder[account == a].tolist(), key=lambda h: view.ids[h])
        result.append(OrphanedAccount(view.ids[a], view.captions[a], view.schemata[a],
                                      [view.ids[h] for h in holders], [view.captions[h] for h in holders]))
    result.sort(key=lambda x: x.entity_id)
    return result


@dataclass
class SoleController:
    """A person who alone is known to control accounts or companies: losing them orphans what they control.

    ``controls``: one ``{"id", "caption", "schema", "relation"}`` per account or company, where
    ``relation`` is ``"account holder"`` or the relation that ties the person to the company.
    """

    entity_id: str
    caption: str
    controls: list[dict[str, str]]


def sole_controllers(view: NetworkView, *, holder_relations: Sequence[str] = HOLDER_RELATIONS,
                     company_relations: Sequence[str] = COMPANY_CONTROL_RELATIONS) -> list[SoleController]:
    """Persons who are the only known holder of an account, or the only person who runs a company.

    An account's holders are those :func:`orphaned_accounts` counts (the people tied to it by
    ``holder_relations``; else the company tied to it; else the parties of payments through it):
    a person is its sole controller when the account has no other holder. A company (any
    non-account entity that is not a person) is run by the persons that ``company_relations``
    tie to it as director, owner or controller (:data:`COMPANY_CONTROL_RELATIONS`); a person is
    its sole controller when no other person is. Corporate owners do not count: they act through
    people, as a company knows an account only through its signatories. Sorted by the number of
    things controlled, most first, then by id.
    """
    person = {name: _is_person(name) for name in set(view.schemata)}
    account_kind = {name: _is_account(name) for name in set(view.schemata)}
    is_person = np.array([person[name] for name in view.schemata], dtype=bool)
    is_account = np.array([account_kind[name] for name in view.schemata], dtype=bool)
    controls: dict[int, list[dict[str, str]]] = {}

    def add(controller: int, thing: int, relation: str) -> None:
        controls.setdefault(controller, []).append({"id": view.ids[thing], "caption": view.captions[thing],
                                                   "schema": view.schemata[thing], "relation": relation})

    account, holder = _account_holders(view, holder_relations)
    holders = np.bincount(account, minlength=view.n_nodes) if account.size else np.zeros(view.n_nodes, np.int64)
    for a, h in zip(account.tolist(), holder.tolist()):
        if holders[a] == 1 and is_person[h]:
            add(h, a, "account holder")
    edges = np.flatnonzero(view.relation_mask(company_relations))
    source, target = view.source[edges].astype(np.int64), view.target[edges].astype(np.int64)
    runs = is_person[source] & ~is_person[target] & ~is_account[target]
    relation_of: dict[tuple[int, int], set[str]] = {}
    for s, t, e in zip(source[runs].tolist(), target[runs].tolist(), edges[runs].tolist()):
        relation_of.setdefault((s, t), set()).add(view.relation_names[view.relation_code[e]])
    people = np.unique(target[runs] * view.n_nodes + source[runs])
    company, runner = people // view.n_nodes, people % view.n_nodes
    count = np.bincount(company, minlength=view.n_nodes) if company.size else np.zeros(view.n_nodes, np.int64)
    for c, r in zip(company.tolist(), runner.tolist()):
        if count[c] == 1:
            add(r, c, ", ".join(sorted(relation_of[(r, c)])))
    found = [SoleController(view.ids[p], view.captions[p], sorted(items, key=lambda x: x["id"]))
             for p, items in controls.items()]
    found.sort(key=lambda x: (-len(x.controls), x.entity_id))
    return found


def _people_first(view: NetworkView, account: np.ndarray, holder: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop the non-person holders of the accounts that have a person holder (the people are who know it)."""
    if not account.size:
        return account, holder
    person = {name: _is_person(name) for name in set(view.schemata)}
    is_person = np.array([person[view.schemata[h]] for h in holder.tolist()], dtype=bool)
    has_person = np.zeros(view.n_nodes, dtype=bool)
    has_person[account[is_person]] = True
    keep = is_person | ~has_person[account]
    return account[keep], holder[keep]


def _holder_pairs(view: NetworkView, is_account: np.ndarray, relations: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (account, holder) node pairs that ``relations`` state, an account at either end."""
    edges = np.flatnonzero(view.relation_mask(relations))
    source, target = view.source[edges].astype(np.int64), view.target[edges].astype(np.int64)
    into, out = is_account[target] & ~is_account[source], is_account[source] & ~is_account[target]
    account = np.concatenate([target[into], source[out]])
    holder = np.concatenate([source[into], target[out]])
    if not account.size:
        return account, holder
    pairs = np.unique(account * view.n_nodes + holder)
    return pairs // view.n_nodes, pairs % view.n_nodes


@dataclass
class BrokenRelation:
    """A tie between a surviving entity (a partner, investor, customer) and a removed one."""

    entity_id: str
    caption: str
    schema: str
    counterpart: str
    counterpart_caption: str
    relation: str
    edge_id: str


def _broken(view: NetworkView, removed: np.ndarray, relations: Sequence[str]) -> list[BrokenRelation]:
    edges = np.flatnonzero(view.relation_mask(relations) & (removed[view.source] != removed[view.target]))
    found = []
    for e in edges.tolist():
        s, t = int(view.source[e]), int(view.target[e])
        alive, gone = (t, s) if removed[s] else (s, t)
        if _is_account(view.schemata[alive]):
            continue
        found.append(BrokenRelation(view.ids[alive], view.captions[alive], view.schemata[alive], view.ids[gone],
                                    view.captions[gone], view.relation_names[view.relation_code[e]],
                                    str(view.edge_ids[e])))
    found.sort(key=lambda x: (x.entity_id, x.counterpart, x.relation, x.edge_id))
    return found


# == money flows ============================================================================


@dataclass
class Severed:
    """A removed entity and the flow it carried: through it before (``carried``), lost by its removal alone (``alone``)."""

    entity_id: str
    caption: str
    carried: float
    alone: float | None


@dataclass
class LostArc:
    """An arc whose flow fell: from ``source`` to ``target``, ``before`` → ``after``."""

    source: str
    target: str
    before: float
    after: float
    source_caption: str = ""
    target_caption: str = ""


@dataclass
class FlowReport:
    """Flow to the sink before and after removing entities, what was severed and by whom.

    ``flow_after`` counts the orphaned accounts as lost when ``orphans_lost``; ``flow_after_removed``
    is the flow with only ``removed`` taken out. Amounts are in ``currency`` (exact to ``1 / scale``).
    """

    sink: str
    sink_caption: str
    method: str
    currency: str | None
    sources: int
    removed: list[str]
    flow_before: float
    flow_after_removed: float
    flow_after: float
    severed: list[Severed]
    lost_arcs: list[LostArc]
    orphaned_accounts: list[OrphanedAccount]
    broken_relations: list[BrokenRelation]
    orphans_lost: bool
    scale: float
    arcs: int
    notes: list[str]
    seconds: float
    throughput_before: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))

    @property
    def lost(self) -> float:
        """Flow the removals cost."""
        return self.flow_before - self.flow_after

    @property
    def lost_share(self) -> float:
        return self.lost / self.flow_before if self.flow_before else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("throughput_before")
        data["lost"] = self.lost
        data["lost_share"] = self.lost_share
        return data


def _sink_and_sources(view: NetworkView, graph: FlowGraph, sink: str, sources: Iterable[str] | None
                      ) -> tuple[int, list[int]]:
    if view.n_nodes == 0:
        raise ValueError("the network is empty: import data first")
    sink_node = int(view.indices([sink], "sink")[0])
    if sources is None:
        source_nodes = [v for v in graph.origins.tolist() if v != sink_node]
    else:
        source_nodes = list(dict.fromkeys(view.indices(list(sources), "source").tolist()))
        if sink_node in source_nodes:
            raise ValueError(f"{sink!r} is both the sink and a source")
    return sink_node, source_nodes


def money_flows(
    view: NetworkView,
    sink: str,
    *,
    sources: Iterable[str] | None = None,
    removed: Iterable[str] = (),
    currency: str | None = None,
    rates: Mapping[str, float] | None = None,
    revenue: Mapping[str, float] | None = None,
    method: Literal["maxflow", "paths"] = "maxflow",
    route_accounts: bool = True,
    orphans_lost: bool = True,
    holder_relations: Sequence[str] = HOLDER_RELATIONS,
    business_relations: Sequence[str] = BUSINESS_RELATIONS,
    marginal: bool | None = None,
    scale: float | None = None,
) -> FlowReport:
    """Money reaching ``sink`` before and after ``removed`` are taken out (see the module).

    ``marginal`` also computes, for each removed entity, the flow its removal alone would cost
    (one more flow per entity; by default when at most 50 are removed and the flow graph has at
    most 200,000 arcs). ``scale`` (default: chosen so that sums fit 32-bit integers, at most 100)
    as in :func:`~moneymen.algorithms.critical_nodes.max_flow`. Unknown ids raise ``ValueError``.
    """
    started = time.perf_counter()
    _check_method(method)
    graph = flow_graph(view, currency=currency, rates=rates, revenue=revenue, route_accounts=route_accounts)
    sink_node, source_nodes = _sink_and_sources(view, graph, sink, sources)
    removed_ids = list(dict.fromkeys([removed] if isinstance(removed, str) else removed))
    removed_nodes = view.indices(removed_ids, "removed entity").tolist()
    if sink_node in removed_nodes:
        raise ValueError(f"the sink {sink!r} cannot be removed: choose another sink")
    n = view.n_nodes
    gone = np.zeros(n, dtype=bool)
    gone[removed_nodes] = True
    orphans = _orphans(view, gone, holder_relations)
    lost_too = view.indices([o.entity_id for o in orphans]).tolist() if orphans_lost and orphans else []
    capacity = graph.capacity
    scale = scale if scale is not None else _scale(capacity)
    if marginal is None:
        marginal = len(removed_nodes) <= 50 and graph.arcs <= 200_000
    live_sources = source_nodes
    notes = list(graph.notes)
    if not source_nodes:
        notes.append("no source: nothing flows to the sink")

    flow = _flow_function(capacity, live_sources, sink_node, method, scale)
    before, through_before, arcs_before = flow([])
    after_removed, _, arcs_removed = flow(removed_nodes)
    out = list(dict.fromkeys([*removed_nodes, *lost_too]))
    after, _, arcs_after = (after_removed, None, arcs_removed) if len(out) == len(removed_nodes) else flow(out)
    severed = []
    for v in removed_nodes:
        alone = before - flow([v])[0] if marginal else None
        severed.append(Severed(view.ids[v], view.captions[v], float(through_before[v]), alone))
    severed.sort(key=lambda s: (-s.carried, -(s.alone or 0.0), s.entity_id))
    return FlowReport(
        sink=view.ids[sink_node],
        sink_caption=view.captions[sink_node],
        method=METHODS[method],
        currency=graph.currency,
        sources=len(source_nodes),
        removed=[view.ids[v] for v in removed_nodes],
        flow_before=float(before),
        flow_after_removed=float(after_removed),
        flow_after=float(after),
        severed=severed,
        lost_arcs=_lost_arcs(view, arcs_before, arcs_after),
        orphaned_accounts=orphans,
        broken_relations=_broken(view, gone, business_relations),
        orphans_lost=orphans_lost,
        scale=scale,
        arcs=graph.arcs,
        notes=notes,
        seconds=time.perf_counter() - started,
        throughput_before=through_before,
    )


FlowFunction = Callable[[Sequence[int]], tuple[float, np.ndarray, sp.csr_array]]


def _flow_function(capacity: sp.csr_array, sources: Sequence[int], sink_node: int, method: str,
                   scale: float) -> FlowFunction:
    """``flow(removed nodes)`` → (flow to the sink, flow through each node, flow per arc), by ``method``."""
    n = capacity.shape[0]
    if method == "maxflow":
        fed = _super_source(capacity, sources)

        def flow(out: Sequence[int]) -> tuple[float, np.ndarray, sp.csr_array]:
            if not sources:
                return 0.0, np.zeros(n), sp.csr_array((n, n))
            result = max_flow(fed, n, sink_node, removed=list(out), scale=scale)
            return result.value, result.throughput[:n], sp.csr_array(result.flow[:n][:, :n])
        return flow

    def paid(out: Sequence[int]) -> tuple[float, np.ndarray, sp.csr_array]:
        mask = np.zeros(n, dtype=bool)
        mask[list(out)] = True
        reach = _reachable(capacity, sources, mask)
        column = capacity[:, [sink_node]].tocoo()
        payers = column.row
        counted = reach[payers] & ~mask[payers]
        arcs = sp.csr_array((column.data[counted], (payers[counted], np.full(int(counted.sum()), sink_node))),
                            shape=(n, n))
        through = np.zeros(n)
        np.add.at(through, payers[counted], column.data[counted])
        return float(column.data[counted].sum()), through, arcs
    return paid


@dataclass
class RemovalSample:
    """Flow to the sink and orphaned accounts after each of many removals (one per Monte Carlo run, say).

    ``flow_after[i]`` and ``orphaned[i]`` belong to ``removals[i]`` of :func:`flows_after_removals`;
    ``distinct``: how many different removed sets were measured (equal sets are measured once).
    """

    flow_before: float
    flow_after: np.ndarray
    orphaned: np.ndarray
    distinct: int
    currency: str | None
    seconds: float

    @property
    def lost(self) -> np.ndarray:
        """Flow each removal cost."""
        return self.flow_before - self.flow_after


def flows_after_removals(
    view: NetworkView,
    sink: str,
    removals: Sequence[Iterable[str]],
    *,
    sources: Iterable[str] | None = None,
    currency: str | None = None,
    rates: Mapping[str, float] | None = None,
    revenue: Mapping[str, float] | None = None,
    method: Literal["maxflow", "paths"] = "maxflow",
    route_accounts: bool = True,
    orphans_lost: bool = True,
    holder_relations: Sequence[str] = HOLDER_RELATIONS,
    scale: float | None = None,
) -> RemovalSample:
    """For each set of ``removals``, the flow to ``sink`` after it and the accounts it orphans.

    The same measure as ``flow_after`` and ``orphaned_accounts`` of :func:`money_flows` with that
    set removed (the flow graph is built once; each distinct set is measured once).
    """
    started = time.perf_counter()
    _check_method(method)
    graph = flow_graph(view, currency=currency, rates=rates, revenue=revenue, route_accounts=route_accounts)
    sink_node, source_nodes = _sink_and_sources(view, graph, sink, sources)
    scale = scale if scale is not None else _scale(graph.capacity)
    flow = _flow_function(graph.capacity, source_nodes, sink_node, method, scale)
    account, holder = _account_holders(view, holder_relations)
    n = view.n_nodes
    measured: dict[bytes, tuple[float, int]] = {}
    after = np.zeros(len(removals))
    orphaned = np.zeros(len(removals), dtype=np.int64)
    for i, removal in enumerate(removals):
        ids = [removal] if isinstance(removal, str) else list(removal)
        nodes = np.unique(view.indices(ids, "removed entity")) if ids else np.zeros(0, dtype=np.int64)
        if sink_node in nodes:
            raise ValueError(f"the sink {sink!r} cannot be removed: choose another sink")
        key = nodes.astype(np.int64).tobytes()
        if key not in measured:
            gone = np.zeros(n, dtype=bool)
            gone[nodes] = True
            orphans = _orphaned_nodes(account, holder, gone)
            out = np.concatenate([nodes, orphans]) if orphans_lost else nodes
            measured[key] = (float(flow(out.tolist())[0]), int(orphans.size))
        after[i], orphaned[i] = measured[key]
    before = float(flow([])[0])
    return RemovalSample(flow_before=before, flow_after=after, orphaned=orphaned, distinct=len(measured),
                         currency=graph.currency, seconds=time.perf_counter() - started)


def _lost_arcs(view: NetworkView, before: sp.csr_array, after: sp.csr_array, top: int = 100) -> list[LostArc]:
    before = sp.csr_array(before)
    before.data = np.maximum(before.data, 0)
    after = sp.csr_array(after)
    after.data = np.maximum(after.data, 0)
    drop = sp.csr_array(before - after).tocoo()
    keep = drop.data > 1e-9
    rows, cols, values = drop.row[keep], drop.col[keep], drop.data[keep]
    order = np.lexsort((cols, rows, -values))[:top]
    return [LostArc(view.ids[rows[i]], view.ids[cols[i]], float(before[rows[i], cols[i]]),
                    float(after[rows[i], cols[i]]), view.captions[rows[i]], view.captions[cols[i]])
            for i in order.tolist()]


# == designation targets ====================================================================


@dataclass
class StrategyResult:
    """The ``k`` entities one strategy designates and the flow left after."""

    strategy: str
    entities: list[str]
    captions: list[str]
    flow_after: float
    cut: float
    cut_share: float
    unsanctioned: list[str]


@dataclass
class Designation:
    """Which ``k`` designations cut the most flow to the sink, beside the centrality heuristics.

    ``table`` has one row per strategy: ``interdiction`` (Wood's programme or its greedy, see
    :func:`moneymen.algorithms.critical_nodes.interdict`), then ``degree``, ``betweenness``,
    ``flow-through`` (the nodes carrying the most flow in a maximum flow) and ``key-player``
    (critical nodes by fragmentation), each choosing among the same candidates (every entity but
    the sink; the sources are fed by one added node, so an origin can be designated too).
    ``lower_bound``: no ``k`` designations leave less flow.
    """

    sink: str
    k: int
    flow_before: float
    lower_bound: float
    optimal: bool
    method: str
    table: list[StrategyResult]
    currency: str | None
    candidates: int
    seconds: float
    notes: list[str]

    @property
    def best(self) -> StrategyResult:
        return self.table[0]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def markdown(self) -> str:
        """The comparison as a markdown table."""
        lines = ["| strategy | designated | flow after | cut | share cut |", "|---|---|---:|---:|---:|"]
        for row in self.table:
            lines.append(f"| {row.strategy} | {', '.join(row.captions)} | {row.flow_after:,.2f} | {row.cut:,.2f} | "
                         f"{row.cut_share:.1%} |")
        return "\n".join(lines)


def designation_targets(
    view: NetworkView,
    sink: str,
    k: int,
    *,
    sources: Iterable[str] | None = None,
    currency: str | None = None,
    rates: Mapping[str, float] | None = None,
    revenue: Mapping[str, float] | None = None,
    route_accounts: bool = True,
    method: Literal["auto", "milp", "greedy"] = "auto",
    candidates: Iterable[str] | None = None,
    heuristics: Sequence[str] = ("degree", "betweenness", "flow-through", "key-player"),
    samples: int | None = None,
    seed: int | None = 0,
    time_limit: float | None = 60.0,
    scale: float | None = None,
) -> Designation:
    """The ``k`` designations that cut the most flow to ``sink``, and what the heuristics would cut.

    Interdiction (exact by integer programme on graphs up to ``milp_limit`` of
    :func:`~moneymen.algorithms.critical_nodes.interdict`, else greedy with a stated lower bound) against
    the top ``k`` by degree and betweenness in the whole view (all relations, undirected; sampled
    betweenness from ``samples`` sources, seeded, above 5,000 nodes), by flow carried, and by
    key-player fragmentation (greedy critical nodes, up to 20,000 nodes). Ranking ties go to the
    lower node number. ``unsanctioned`` lists the chosen entities no imported list sanctions.
    """
    started = time.perf_counter()
    graph = flow_graph(view, currency=currency, rates=rates, revenue=revenue, route_accounts=route_accounts)
    sink_node, source_nodes = _sink_and_sources(view, graph, sink, sources)
    if not source_nodes:
        raise ValueError(f"no money flows toward {sink!r}: the flow graph has no source")
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"k must be a whole number ≥ 0, got {k!r}")
    capacity = graph.capacity
    scale = scale if scale is not None else _scale(capacity)
    n = view.n_nodes
    if candidates is None:
        pool = [v for v in range(n) if v != sink_node]
    else:
        pool = sorted(set(view.indices(list(candidates), "candidate").tolist()) - {sink_node})
    fed = _super_source(capacity, source_nodes)
    result = interdict(fed, n, sink_node, k, method=method, candidates=pool, labels=[*view.ids, "(sources)"],
                       scale=scale, time_limit=time_limit)
    before = result.flow_before
    eligible = np.zeros(n, dtype=bool)
    eligible[pool] = True

    def row(strategy: str, nodes: list[int], after: float | None = None) -> StrategyResult:
        if after is None:
            after = max_flow(fed, n, sink_node, removed=nodes, scale=scale).value if nodes else before
        cut = before - after
        return StrategyResult(strategy, [view.ids[v] for v in nodes], [view.captions[v] for v in nodes], float(after),
                              float(cut), float(cut / before) if before else 0.0,
                              [view.ids[v] for v in nodes if not view.programs[v]])

    def top(scores: np.ndarray) -> list[int]:
        scores = np.where(eligible, scores, -np.inf)
        order = np.argsort(-scores, kind="stable")[:k]
        return [int(v) for v in order if np.isfinite(scores[v])]

    table = [row("interdiction", result.nodes, result.flow_after)]
    notes = list(graph.notes)
    adjacency = view.adjacency()
    has_edges = adjacency.nnz > 0
    for name in heuristics:
        if name == "degree":
            degree = np.diff(as_adjacency(adjacency).indptr).astype(np.float64) if has_edges else np.zeros(n)
            table.append(row("degree", top(degree)))
        elif name == "betweenness":
            if not has_edges:
                continue
            sampled = samples if samples is not None else (None if n <= 5_000 else 500)
            table.append(row("betweenness", top(betweenness(adjacency, samples=sampled, seed=seed))))
            if sampled is not None and sampled < n:
                notes.append(f"betweenness sampled from {sampled} sources (seed {seed})")
        elif name == "flow-through":
            through = max_flow(fed, n, sink_node, scale=scale).throughput[:n]
            table.append(row("flow-through", top(through)))
        elif name == "key-player":
            if not has_edges or n > 20_000:
                notes.append("key-player heuristic skipped (no edges or more than 20,000 nodes)")
                continue
            chosen = critical_nodes(adjacency, k, method="greedy", candidates=pool).nodes
            table.append(row("key-player", chosen))
        else:
            raise ValueError(f"unknown heuristic {name!r}: expected degree, betweenness, flow-through or key-player")
    return Designation(
        sink=view.ids[sink_node],
        k=k,
        flow_before=float(before),
        lower_bound=float(result.lower_bound),
        optimal=bool(result.optimal),
        method=f"interdiction by {result.method} ({result.bound_method} bound)",
        table=table,
        currency=graph.currency,
        candidates=len(pool),
        seconds=time.perf_counter() - started,
        notes=notes,
    )
