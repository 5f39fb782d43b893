"""The flow graph: the capacities money can move along toward a sink, and how they are counted.

:func:`flow_graph` builds it from a :class:`~moneymen.graph.view.NetworkView`:

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

**Settings.** :class:`FlowSettings` gathers what a scenario may set (currency, rates, revenue,
method, account routing, orphans lost), checked once; :func:`flow_graph`, the flows of
:mod:`moneymen.analysis.flows` and the designation targets of :mod:`moneymen.analysis.designations`
take it. The relations that tie holders to accounts (:data:`HOLDER_RELATIONS` and the like) are
here too, beside the schemata they connect.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from moneymen.algorithms.interdiction import INT32_MAX
from moneymen.graph.view import NetworkView
from moneymen.model import get_schema

__all__ = ["ACCOUNT_SCHEMATA", "BUSINESS_RELATIONS", "COMPANY_CONTROL_RELATIONS", "HOLDER_RELATIONS", "METHODS",
           "REVENUE_DIRECTIONS", "USAGE_RELATIONS", "FlowGraph", "FlowSettings", "check_method", "check_rates",
           "check_revenue", "flow_graph", "flow_scale", "is_account_schema", "is_person_schema", "reachable",
           "sink_and_sources", "super_source"]


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


def check_method(method: Any) -> str:
    if method not in METHODS:
        raise ValueError(f"method: unknown method {method!r}: expected 'maxflow' or 'paths'")
    return method


_SETTING_KEYS = ("currency", "rates", "revenue", "method", "route_accounts", "orphans_lost")


@dataclass(frozen=True)
class FlowSettings:
    """How money is counted: ``currency``, ``rates``, ``revenue``, ``method``, ``route_accounts``, ``orphans_lost``.

    Checked once, when made; :func:`flow_graph`, :func:`~moneymen.analysis.flows.money_flows` and
    :func:`~moneymen.analysis.designations.designation_targets` take them (the last two ignore
    ``method`` and ``orphans_lost``). :meth:`from_mapping` reads a scenario's table.
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
        check_method(self.method)
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


def is_person_schema(schema_name: str) -> bool:
    schema = get_schema(schema_name)
    return schema is not None and schema.is_a("Person")


def is_account_schema(schema_name: str) -> bool:
    schema = get_schema(schema_name)
    return schema is not None and any(schema.is_a(name) for name in ACCOUNT_SCHEMATA)


def flow_graph(view: NetworkView, settings: FlowSettings | None = None) -> FlowGraph:
    """The capacities money can move along (see the module for payments, currencies and revenue),
    counted as ``settings`` say (the currency, rates, revenue and account routing; default: none)."""
    settings = settings or FlowSettings()
    currency, rates, revenue, route_accounts = settings.currency, settings.rates, settings.revenue, settings.route_accounts
    n = view.n_nodes
    notes: list[str] = []
    payments = np.flatnonzero(view.relation_mask(["Payment"]))
    amount = view.amount[payments].copy()
    stated = view.currency[payments]
    # None as a (0-d object) array, as numpy makes of it: numpy's stubs take no bare None
    has_currency = np.not_equal(stated, np.array(None)) if stated.size else np.zeros(0, bool)
    found = sorted({str(x) for x in stated[has_currency].tolist()})
    table = rates
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


def super_source(capacity: sp.csr_array, sources: Sequence[int]) -> sp.csr_array:
    """The capacities with one node appended (number ``n``) that feeds every source what it can send on."""
    n = capacity.shape[0]
    out = np.asarray(capacity.sum(axis=1)).ravel()
    fed = np.asarray(list(sources), dtype=np.int64)
    coo = capacity.tocoo()
    rows = np.concatenate([coo.row.astype(np.int64), np.full(fed.size, n, dtype=np.int64)])
    cols = np.concatenate([coo.col.astype(np.int64), fed])
    data = np.concatenate([coo.data, out[fed]])
    keep = data > 0
    return sp.csr_array((data[keep], (rows[keep], cols[keep])), shape=(n + 1, n + 1))


def flow_scale(capacity: sp.csr_array) -> float:
    """The largest power of ten ≤ 100 at which every sum of capacities fits csgraph's 32-bit integers."""
    total = float(capacity.sum()) if capacity.nnz else 0.0
    if total <= 0:
        return 1.0
    return float(min(100.0, 10.0 ** math.floor(math.log10((INT32_MAX - 1) / (2 * total)))))


def reachable(capacity: sp.csr_array, sources: Sequence[int], removed: np.ndarray) -> np.ndarray:
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


def sink_and_sources(view: NetworkView, graph: FlowGraph, sink: str, sources: Iterable[str] | None
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
