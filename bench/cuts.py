"""Tarjan's low points (moneymen.algorithms.cuts) at every size its callers use, beside networkx.

Run from the repository root::

    .venv/bin/python bench/cuts.py [--shared PATH] [--sizes 10000 100000 200000 1000000] [--nx-up-to 200000]
                                   [--repeat 3] [--seed 0]

Each row is the best of ``--repeat`` runs (``time.perf_counter``). Rows:

- ``CutStructure`` — articulation points, their pieces and bridges of a whole random graph of
  ``--sizes`` nodes (5 random edges per node, as in ``targeting.py``'s scale table), the input
  already a checked CSR;
- ``articulation_points + bridges`` — the two public functions (each checks the matrix and runs its
  own search), beside ``nx.articulation_points`` + ``nx.bridges`` on the same graph (built
  outside the timing) up to ``--nx-up-to`` nodes;
- ``removal_pieces`` — the list-based entry point on the whole graph, lists built outside the timing;
- ``removal_pieces, one call per component`` — what the critical-node search does: one call per
  component of the BA500 CNP instance after deleting its 50 highest-degree nodes, repeated 200 times;
- ``critical_nodes`` (greedy and 2,000 swaps of local search, seed ``--seed``) on the CNP instances of
  ``targeting.py``, and ``disruption_curve(..., "kpp", 10)`` on the Montagna meetings network and
  on a sparse random graph of 5,000 nodes (one random edge per node: many articulation points).

Inputs missing from the shared folder print ``skipped``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import markdown_table  # noqa: E402
from targeting import CNP_TABLE, DEFAULT_SHARED, load_cnp, random_graph  # noqa: E402

from moneymen.algorithms import (  # noqa: E402
    adjacency_from_edges,
    articulation_points,
    bridges,
    critical_nodes,
    disruption_curve,
)
from moneymen.algorithms.cuts import CutStructure, removal_pieces  # noqa: E402


def best(repeat: int, function, *args, **kwargs) -> tuple[object, float]:
    took = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        took.append(time.perf_counter() - started)
    return result, min(took)


def per_component_calls(matrix, deleted: int = 50, rounds: int = 200) -> int:
    """The BA500 pattern: removal_pieces once per component of what is left, ``rounds`` times."""
    from scipy.sparse import csgraph

    n = matrix.shape[0]
    degree = np.diff(matrix.indptr)
    alive = np.ones(n, dtype=bool)
    alive[np.argsort(-degree, kind="stable")[:deleted]] = False
    kept = np.flatnonzero(alive)
    labels = np.full(n, -1)
    labels[kept] = csgraph.connected_components(matrix[kept][:, kept], directed=False)[1]
    roots = [int(np.flatnonzero(labels == c)[0]) for c in range(labels.max() + 1)]
    indptr, indices, mask = matrix.indptr.tolist(), matrix.indices.tolist(), alive.tolist()
    calls = 0
    for _ in range(rounds):
        for root in roots:
            removal_pieces(indptr, indices, mask, roots=[root])
            calls += 1
    return calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 200_000, 1_000_000])
    parser.add_argument("--nx-up-to", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rows = []
    for n in args.sizes:
        matrix = random_graph(n, args.seed)
        edges = f"{matrix.nnz // 2:,}"
        cuts, took = best(args.repeat, CutStructure, matrix)
        rows.append([f"CutStructure, {n:,} nodes", edges, f"{took:.3f}", "",
                     f"{len(cuts.points)} points, {len(cuts.bridges)} bridges"])
        (points, ours_bridges), took = best(args.repeat, lambda: (articulation_points(matrix), bridges(matrix)))
        reference = ""
        if n <= args.nx_up_to:
            import networkx as nx

            graph = nx.from_scipy_sparse_array(matrix)
            (nx_points, nx_bridges), nx_took = best(
                args.repeat, lambda: (sorted(nx.articulation_points(graph)),
                                      sorted(tuple(sorted(e)) for e in nx.bridges(graph))))
            same = nx_points == points and nx_bridges == ours_bridges
            reference = f"{nx_took:.3f}"
            rows.append([f"articulation_points + bridges, {n:,} nodes", edges, f"{took:.3f}", reference,
                         "same as networkx" if same else "DIFFERENT from networkx"])
        else:
            rows.append([f"articulation_points + bridges, {n:,} nodes", edges, f"{took:.3f}", "not run", ""])
        if n <= 200_000:
            indptr, indices, alive = matrix.indptr.tolist(), matrix.indices.tolist(), [True] * n
            pieces, took = best(args.repeat, removal_pieces, indptr, indices, alive)
            cut = sum(len(p) > 1 for p in pieces.values())
            rows.append([f"removal_pieces, whole graph, {n:,} nodes", edges, f"{took:.3f}", "", f"{cut} cut nodes"])
    ba500 = args.shared / "networks" / "cnp" / "BarabasiAlbert_n500m1.txt"
    if ba500.exists():
        calls, took = best(args.repeat, per_component_calls, load_cnp(ba500))
        rows.append(["removal_pieces, one call per component (BA500 minus 50)", "499", f"{took:.3f}", "",
                     f"{calls:,} calls"])
    else:
        rows.append(["removal_pieces, one call per component", f"skipped: {ba500} not found", "", "", ""])
    for name, k, _, _ in CNP_TABLE:
        path = args.shared / "networks" / "cnp" / f"{name}.txt"
        if not path.exists():
            rows.append([f"critical_nodes {name}", f"skipped: {path} not found", "", "", ""])
            continue
        matrix = load_cnp(path)
        greedy, took = best(args.repeat, critical_nodes, matrix, k, method="greedy")
        rows.append([f"critical_nodes greedy, {name}, K = {k}", f"{matrix.nnz // 2:,}", f"{took:.3f}", "",
                     f"value {greedy.pairwise_connectivity}"])
        search, took = best(args.repeat, critical_nodes, matrix, k, iterations=2_000, seed=args.seed)
        rows.append([f"critical_nodes 2,000 swaps, {name}, K = {k}", f"{matrix.nnz // 2:,}", f"{took:.3f}", "",
                     f"value {search.pairwise_connectivity}, nodes {hash(tuple(search.nodes)) & 0xffff:04x}"])
    montagna = args.shared / "networks" / "covert" / "edgelists" / "Montagna_mafia__Montagna_meetings.edges.csv"
    if montagna.exists():
        with montagna.open() as handle:
            matrix, labels = adjacency_from_edges((r["source_name"], r["target_name"]) for r in csv.DictReader(handle))
        curve, took = best(args.repeat, disruption_curve, matrix, "kpp", 10, labels=labels)
        rows.append(["disruption_curve kpp, Montagna meetings, 10 steps", f"{matrix.nnz // 2:,}", f"{took:.3f}", "",
                     "LCC " + " ".join(f"{x:.3f}" for x in curve.lcc_fractions())])
    else:
        rows.append(["disruption_curve kpp", f"skipped: {montagna} not found", "", "", ""])
    sparse = random_graph(5_000, args.seed, per_node=1)
    curve, took = best(args.repeat, disruption_curve, sparse, "kpp", 10)
    rows.append(["disruption_curve kpp, random 5,000 nodes (1 edge per node), 10 steps", f"{sparse.nnz // 2:,}",
                 f"{took:.3f}", "", "LCC " + " ".join(f"{x:.3f}" for x in curve.lcc_fractions())])
    print(markdown_table(["case", "edges", "moneymen s (best)", "networkx s (best)", "result"], rows, "lrrrl"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
