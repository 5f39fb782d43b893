"""Purge impact, money flows and key persons on a synthetic network of 1,000,000 nodes and 5,000,000 edges.

Run from the repository root::

    .venv/bin/python bench/analysis_scale.py [--nodes 1000000] [--edges 5000000] [--seed 1718]
                                             [--nx-nodes 100000] [--no-nx] [--samples 16]

The network is generated (seeded) straight into a :class:`moneymen.graph.view.NetworkView` with
``NetworkView.from_arrays`` (no store): 40 % people, 30 % companies, 25 % bank accounts, 5 %
organisations, one of which is the sink (a central bureau). Edges: Family 12 %, Associate 10 %,
Employment 16 %, Directorship 8 %, company Ownership 8 % (with percentages), account Ownership
10 % (the account holders), Membership 6 %, UnknownLink 6 %, Payment 24 % with log-normal USD
amounts, layered toward the sink: companies pay trading hubs (2 % of the companies), hubs pay
the bureau's accounts (1 % of the accounts), each bureau account pays the bureau; a tenth of the
payments run between random companies. Grades are drawn from A1 … F6.

Timed steps (each on the view built in the first): build the view (ids, captions, edge ids and
the edge arrays), purge impact from 10 seeds (defaults: ≤ 4 hops, exposure ≥ 0.05), money flows
before and after removing every exposed person and company with exposure ≥ 0.3 (max flow, orphaned accounts,
broken relations), and key persons: ``key_persons`` in full on the view's undirected adjacency
(built inside the timing): articulation points with the pieces each leaves, bridges, betweenness
from ``--samples`` sampled sources, Burt's constraint of the top 20 brokers. Then the same on a
``--nx-nodes`` network from the same generator, by moneymen and by networkx (``MultiDiGraph``;
Dijkstra on −log weights with the same cutoff but no hop limit; ``maximum_flow`` on the payment
digraph with a super source; ``articulation_points``, ``bridges``,
``betweenness_centrality(k=samples)`` and ``constraint`` of the top 20); the networkx column at
full size is that time × the size ratio, **extrapolated** (linear; optimistic for max flow and
betweenness) and labelled so.
Peak RSS is the process's (``ru_maxrss``) after each stage.
"""

from __future__ import annotations

import argparse
import gc
import math
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import markdown_table  # noqa: E402

from moneymen.algorithms import key_persons  # noqa: E402
from moneymen.analysis.flow_graph import FlowSettings, flow_graph  # noqa: E402
from moneymen.analysis.flows import money_flows  # noqa: E402
from moneymen.analysis.purge import ExposureRules, purge_impact  # noqa: E402
from moneymen.graph.view import NetworkView  # noqa: E402

GRADES = np.array(["A1", "A2", "B2", "B3", "C3", "C2", "F6", "E5"])
GRADE_P = np.array([0.05, 0.15, 0.3, 0.15, 0.15, 0.1, 0.07, 0.03])
SHARES = [  # relation, share of edges, source kind, target kind
    ("Family", 0.12, "P", "P"),
    ("Associate", 0.10, "P", "P"),
    ("Employment", 0.16, "P", "C"),
    ("Directorship", 0.08, "P", "C"),
    ("Ownership", 0.08, "C", "C"),
    ("Ownership", 0.10, "P", "A"),
    ("Membership", 0.06, "P", "O"),
    ("UnknownLink", 0.06, "*", "*"),
]
PAYMENT_SHARE = 0.24
KEY_PERSONS = "key persons (articulation points, bridges, sampled betweenness, constraint)"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(n: int, m: int, seed: int) -> tuple[dict, int]:
    """Arrays for NetworkView.from_arrays, and the sink's node number."""
    rng = np.random.default_rng(seed)
    sizes = {"P": int(n * 0.40), "C": int(n * 0.30), "A": int(n * 0.25)}
    sizes["O"] = n - sum(sizes.values())
    starts, at = {}, 0
    for kind in "PCAO":
        starts[kind] = at
        at += sizes[kind]
    schema_of = {"P": "Person", "C": "Company", "A": "BankAccount", "O": "Organization"}
    schemata = []
    for kind in "PCAO":
        schemata.extend([schema_of[kind]] * sizes[kind])
    sink = starts["O"]

    def pick(kind: str, count: int, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
        if kind == "*":
            return rng.integers(0, n, count)
        a = starts[kind] + int(sizes[kind] * lo)
        b = starts[kind] + max(int(sizes[kind] * hi), int(sizes[kind] * lo) + 1)
        return rng.integers(a, b, count)

    names = sorted({r for r, *_ in SHARES} | {"Payment"})
    code = {name: i for i, name in enumerate(names)}
    src, dst, rel, pct, amt = [], [], [], [], []
    for relation, share, a, b in SHARES:
        count = int(m * share)
        src.append(pick(a, count))
        dst.append(pick(b, count))
        rel.append(np.full(count, code[relation], dtype=np.int16))
        pct.append(rng.uniform(5, 100, count) if (relation == "Ownership" and b == "C") else np.full(count, np.nan))
        amt.append(np.full(count, np.nan))
    payments = m - sum(x.size for x in src)
    hubs_hi, bureau_hi = 0.02, 0.01
    bureau_accounts = max(1, int(sizes["A"] * bureau_hi))
    to_sink = bureau_accounts
    rest = payments - to_sink
    to_hub, hub_to_bureau = int(rest * 0.7), int(rest * 0.2)
    random_pay = rest - to_hub - hub_to_bureau
    pay_src = [pick("C", to_hub, hubs_hi, 1.0), pick("C", hub_to_bureau, 0.0, hubs_hi), pick("C", random_pay),
               starts["A"] + np.arange(bureau_accounts)]
    pay_dst = [pick("C", to_hub, 0.0, hubs_hi), pick("A", hub_to_bureau, 0.0, bureau_hi), pick("C", random_pay),
               np.full(bureau_accounts, sink)]
    src.extend(pay_src)
    dst.extend(pay_dst)
    rel.append(np.full(payments, code["Payment"], dtype=np.int16))
    pct.append(np.full(payments, np.nan))
    amount = rng.lognormal(mean=8.0, sigma=1.0, size=payments)
    amount[-bureau_accounts:] *= 200  # the bureau accounts forward what they collect
    amt.append(amount)
    source, target = np.concatenate(src), np.concatenate(dst)
    relation = np.concatenate(rel)
    currency = np.full(source.size, None, dtype=object)
    currency[relation == code["Payment"]] = "USD"
    arrays = dict(
        ids=[f"n{i}" for i in range(n)],
        captions=[f"{schemata[i]} {i}" for i in range(n)],
        schemata=schemata,
        source=source, target=target, relation=relation, relation_names=names,
        grade=GRADES[rng.choice(GRADES.size, size=source.size, p=GRADE_P)],
        amount=np.concatenate(amt), currency=currency, percentage=np.concatenate(pct),
        edge_ids=np.array([f"e{i}" for i in range(source.size)], dtype=object),
    )
    return arrays, sink


def ours(n: int, m: int, seed: int, samples: int, label: str) -> tuple[dict[str, float], dict[str, str], NetworkView, dict]:
    """Time our steps on a generated network; returns times, notes, the view and what the steps found."""
    times: dict[str, float] = {}
    notes: dict[str, str] = {}
    started = time.perf_counter()
    arrays, sink = generate(n, m, seed)
    view = NetworkView.from_arrays(**arrays)
    del arrays
    times["build view"] = time.perf_counter() - started
    notes["build view"] = f"{view.n_nodes:,} nodes, {view.n_edges:,} edges"
    rng = np.random.default_rng(seed + 1)
    seeds = [view.ids[v] for v in rng.choice(int(n * 0.4), 10, replace=False)]
    started = time.perf_counter()
    impact = purge_impact(view, seeds)
    times["purge impact (10 seeds)"] = time.perf_counter() - started
    notes["purge impact (10 seeds)"] = f"{len(impact.exposed):,} exposed ({impact.method})"
    removed = [x.entity_id for x in impact.exposed if x.schema in ("Person", "Company") and x.score >= 0.3]
    started = time.perf_counter()
    report = money_flows(view, view.ids[sink], removed=removed, marginal=False, settings=FlowSettings(currency="USD"))
    times["money flows before/after purge"] = time.perf_counter() - started
    notes["money flows before/after purge"] = (
        f"{report.flow_before:,.0f} → {report.flow_after:,.0f} USD; {len(removed):,} removed, "
        f"{len(report.orphaned_accounts):,} accounts orphaned, {report.arcs:,} arcs, scale {report.scale:g}")
    started = time.perf_counter()
    result = key_persons(view.adjacency(), labels=view.ids, top=20, samples=samples, seed=seed)
    times[KEY_PERSONS] = time.perf_counter() - started
    notes[KEY_PERSONS] = (f"{len(result.articulation_points):,} articulation points, {len(result.bridges):,} bridges, "
                          f"top broker {result.brokers[0].label}")
    found = {"seeds": seeds, "sink": sink, "removed": removed, "exposed": len(impact.exposed),
             "flow_before": report.flow_before, "points": len(result.articulation_points),
             "bridges": len(result.bridges), "brokers": [b.node for b in result.brokers]}
    print(f"[{label}] done; peak RSS {peak_rss_mb():,.0f} MB", file=sys.stderr)
    return times, notes, view, found


def with_networkx(view: NetworkView, found: dict, samples: int, seed: int) -> dict[str, float]:
    """The same steps in networkx on the same view; returns times."""
    import networkx as nx

    times: dict[str, float] = {}
    rules = ExposureRules()
    weights = rules.edge_weights(view)
    started = time.perf_counter()
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(view.ids)
    ids = view.ids
    graph.add_edges_from((ids[s], ids[t], {"relation": r, "w": w, "amount": a})
                         for s, t, r, w, a in zip(view.source.tolist(), view.target.tolist(), view.relation.tolist(),
                                                  weights.tolist(), view.amount.tolist()))
    times["build view"] = time.perf_counter() - started
    started = time.perf_counter()
    undirected = nx.Graph()
    for s, t, w in zip(view.source.tolist(), view.target.tolist(), weights.tolist()):
        if w > 0 and s != t:
            length = -math.log(w)
            old = undirected.get_edge_data(ids[s], ids[t])
            if old is None or old["length"] > length:
                undirected.add_edge(ids[s], ids[t], length=length)
    distance = nx.multi_source_dijkstra_path_length(undirected, found["seeds"], cutoff=-math.log(rules.min_exposure),
                                                    weight="length")
    times["purge impact (10 seeds)"] = time.perf_counter() - started
    started = time.perf_counter()
    capacity = flow_graph(view, FlowSettings(currency="USD")).capacity.tocoo()
    flows = nx.DiGraph()
    flows.add_weighted_edges_from(zip(capacity.row.tolist(), capacity.col.tolist(), capacity.data.tolist()),
                                  weight="capacity")
    into = np.asarray(flow_graph(view, FlowSettings(currency="USD")).capacity.sum(axis=0)).ravel()
    out = np.asarray(flow_graph(view, FlowSettings(currency="USD")).capacity.sum(axis=1)).ravel()
    for v in np.flatnonzero((out > 0) & (into == 0)).tolist():
        flows.add_edge("super", v, capacity=float(out[v]))
    before = nx.maximum_flow_value(flows, "super", found["sink"])
    removed = [view.index_of(x) for x in found["removed"]]
    flows.remove_nodes_from(removed)
    nx.maximum_flow_value(flows, "super", found["sink"])
    times["money flows before/after purge"] = time.perf_counter() - started
    if abs(before - found["flow_before"]) > 0.01 * max(1.0, before):
        print(f"warning: networkx max flow {before:,.0f} vs ours {found['flow_before']:,.0f} (ours rounds to 1/scale)",
              file=sys.stderr)
    simple = nx.Graph()
    simple.add_nodes_from(range(view.n_nodes))
    simple.add_edges_from(zip(view.source.tolist(), view.target.tolist()))
    simple.remove_edges_from(nx.selfloop_edges(simple))
    started = time.perf_counter()
    points = list(nx.articulation_points(simple))
    bridges = list(nx.bridges(simple))
    nx.betweenness_centrality(simple, k=samples, seed=seed)
    nx.constraint(simple, nodes=found["brokers"])
    times[KEY_PERSONS] = time.perf_counter() - started
    if len(points) != found["points"] or len(bridges) != found["bridges"]:
        print(f"warning: networkx finds {len(points)} articulation points and {len(bridges)} bridges, we find "
              f"{found['points']} and {found['bridges']}", file=sys.stderr)
    _ = distance
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=1718)
    parser.add_argument("--nx-nodes", type=int, default=100_000)
    parser.add_argument("--no-nx", action="store_true")
    parser.add_argument("--samples", type=int, default=16)
    args = parser.parse_args()
    big, notes, view, _ = ours(args.nodes, args.edges, args.seed, args.samples, f"moneymen {args.nodes:,}")
    rss_big = peak_rss_mb()
    del view
    gc.collect()
    rows = []
    small = nx_small = None
    if not args.no_nx:
        ratio = args.edges / args.nodes
        small, _, small_view, found = ours(args.nx_nodes, int(args.nx_nodes * ratio), args.seed, args.samples,
                                           f"moneymen {args.nx_nodes:,}")
        nx_small = with_networkx(small_view, found, args.samples, args.seed)
        print(f"[networkx {args.nx_nodes:,}] done; peak RSS {peak_rss_mb():,.0f} MB", file=sys.stderr)
    factor = args.nodes / args.nx_nodes
    for step, seconds in big.items():
        row = [step, f"{seconds:.2f}"]
        if small is not None:
            row += [f"{small[step]:.2f}", f"{nx_small[step]:.2f}", f"~{nx_small[step] * factor:,.0f} (extrapolated)"]
        rows.append(row + [notes[step]])
    total = sum(big.values())
    total_row = ["**total**", f"**{total:.1f}**"]
    if small is not None:
        total_row += [f"{sum(small.values()):.1f}", f"{sum(nx_small.values()):.1f}",
                      f"~{sum(nx_small.values()) * factor:,.0f} (extrapolated)"]
    rows.append(total_row + [f"target < 60 s: {'met' if total < 60 else 'NOT met'}; peak RSS {rss_big:,.0f} MB"])
    header = ["step", f"moneymen {args.nodes:,} s"]
    if small is not None:
        header += [f"moneymen {args.nx_nodes:,} s", f"networkx {args.nx_nodes:,} s", f"networkx {args.nodes:,} s"]
    header.append("notes")
    print(markdown_table(header, rows, "l" + "r" * (len(header) - 2) + "l"))
    print(f"\npeak RSS of the whole run (incl. networkx): {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
