"""Targeting and key persons: moneymen.analysis against VALIDATION.md's figures and against networkx.

Run from the repository root::

    .venv/bin/python bench/targeting.py [--shared PATH] [--iterations 20000] [--seed 0]
                                        [--sizes 10000 100000] [--samples 100] [--nx-exact]
                                        [--only keyplayers cnp interdiction disruption scale]

Tables:

``keyplayers``
    Borgatti's figure 8 fixture: each value of VALIDATION.md next to ours.
``cnp``
    the critical-node instances of VALIDATION.md: one-step greedy and local search (``--iterations``
    swaps, ``--seed``) with their times, next to the table's best-known and greedy values.
``interdiction``
    a generated 1,000-node digraph of about 4,000 arcs (random arcs, capacity 1–100, the source
    and sink each tied to 40 random nodes), k = 5: MILP (HiGHS) and greedy, time and flow before
    and after; then MILP against brute force on 45 random 14-node digraphs (k = 1..3).
``disruption``
    Montagna meetings network: our sequential LCC shares beside Cavallaro et al.'s published ones.
``scale``
    articulation points and betweenness on random graphs of ``--sizes`` nodes (5 edges per node):
    ours (rustworkx through the CSR graph, conversion included; our batched sampled betweenness)
    beside networkx on the same graph. networkx's exact betweenness only with ``--nx-exact``
    (VALIDATION.md measured 1,088 s at 10,000 nodes); its sampled betweenness uses the same
    number of sources.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import _dist_version, markdown_table  # noqa: E402

from moneymen.algorithms import (  # noqa: E402
    adjacency_from_edges,
    articulation_points,
    betweenness,
    critical_nodes,
    disruption_curve,
    distance_fragmentation,
    distance_reach,
    fragmentation,
    interdict,
    interdiction_brute_force,
    key_player_set,
    m_reach,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data"

CNP_TABLE = [
    ("BarabasiAlbert_n500m1", 50, 195, 199),
    ("BarabasiAlbert_n1000m1", 75, 558, 559),
    ("ErdosRenyi_n235", 50, 295, 3889),
    ("ForestFire_n250", 50, 194, 210),
    ("WattsStrogatz_n250", 70, 3083, 16110),
]

#: Cavallaro et al. 2020, meetings network, unweighted, sequential removal: LCC share after 0..10 removals
#: (their results file Results/Sequential/Meeting/df_Unweighted_5nrem.csv, repository lcucav/networkdisruption).
PUBLISHED_MONTAGNA = {
    "betweenness": [1.0, 0.957, 0.739, 0.717, 0.500, 0.424, 0.413, 0.391, 0.261, 0.250, 0.207],
    "degree": [1.0, 0.957, 0.946, 0.924, 0.848, 0.837, 0.478, 0.467, 0.467, 0.467, 0.457],
    "katz": [1.0, 0.989, 0.946, 0.924, 0.913, 0.837, 0.826, 0.815, 0.467, 0.467, 0.424],
    "collective-influence": [1.0, 0.957, 0.946, 0.924, 0.913, 0.837, 0.739, 0.728, 0.467, 0.467, 0.424],
}


def seconds(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


# -- key players ---------------------------------------------------------------------------------


def keyplayers_table(shared: Path) -> str:
    path = shared / "networks" / "keyplayer" / "figure_8.egl"
    if not path.exists():
        return f"skipped: {path} not found"
    lines = path.read_text().splitlines()[1:]
    matrix, labels = adjacency_from_edges(tuple(line.split()) for line in lines if line.strip())
    trio = [labels.index(name) for name in ("HS", "HA", "GM")]
    rows = [
        ["DF intact", "0.64755", f"{distance_fragmentation(matrix):.5f}", ""],
        ["F without {HS, HA, GM}", "0.44335", f"{fragmentation(matrix, trio):.5f}", ""],
        ["DF without {HS, HA, GM}", "0.74676", f"{distance_fragmentation(matrix, trio):.5f}", ""],
        ["2-reach of {HS, HA, GM}", "18", str(m_reach(matrix, trio, 2)), ""],
        ["DR of {HS, HA, GM}, members not counted", "0.50417", f"{distance_reach(matrix, trio):.5f}", "our default"],
        ["DR of {HS, HA, GM}, members as d = 1", "0.59792",
         f"{distance_reach(matrix, trio, count_members=True):.5f}", "count_members=True"],
    ]
    for measure, name, published in (("fragmentation", "best k=2 by F", "0.70575 {HA, HB} or {HB, WD}"),
                                     ("distance_fragmentation", "best k=2 by DF", "0.81506 {HB, WD}"),
                                     ("m_reach", "best k=2 by 2-reach", "25 {HA, NP}")):
        for method in ("exhaustive", "greedy"):
            result, took = timed(key_player_set, matrix, 2, measure, labels=labels, method=method)
            value = f"{result.value:.0f}" if measure == "m_reach" else f"{result.value:.5f}"
            rows.append([f"{name} ({method})", published, f"{value} {{{', '.join(sorted(result.labels))}}}",
                         f"{seconds(took)} s, {result.evaluations} evaluations"])
    return markdown_table(["figure 8", "VALIDATION", "moneymen", "note"], rows, "llll")


# -- critical node problem -----------------------------------------------------------------------


def load_cnp(path: Path) -> sp.csr_array:
    lines = path.read_text().splitlines()
    edges = []
    for line in lines[1:]:
        if ":" in line:
            node, neighbours = line.split(":", 1)
            edges.extend((int(node), int(other)) for other in neighbours.split())
    return adjacency_from_edges(edges, nodes=range(int(lines[0])))[0]


def cnp_table(shared: Path, iterations: int, seed: int) -> str:
    rows = []
    for name, k, best, published_greedy in CNP_TABLE:
        path = shared / "networks" / "cnp" / f"{name}.txt"
        if not path.exists():
            rows.append([name, f"skipped: {path} not found", *[""] * 8])
            continue
        matrix = load_cnp(path)
        greedy, greedy_took = timed(critical_nodes, matrix, k, method="greedy")
        search, search_took = timed(critical_nodes, matrix, k, iterations=iterations, seed=seed, best_known=best)
        rows.append([name, str(matrix.shape[0]), str(matrix.nnz // 2), str(k), str(best), str(published_greedy),
                     str(greedy.pairwise_connectivity), seconds(greedy_took), str(search.pairwise_connectivity),
                     f"{100 * search.gap:.1f} %", seconds(search_took)])
    header = ["instance", "n", "edges", "K", "best known", "greedy (table)", "our greedy", "s",
              f"local search ({iterations} swaps, seed {seed})", "gap", "s"]
    return markdown_table(header, rows, "lrrrrrrrrrr")


# -- interdiction --------------------------------------------------------------------------------


def generated_flow_network(seed: int, n: int = 1000, arcs: int = 4000, hub: int = 40) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    inner = arcs - 2 * hub
    tails = rng.integers(1, n - 1, inner)
    heads = rng.integers(1, n - 1, inner)
    fed = rng.choice(np.arange(1, n - 1), hub, replace=False)
    feeding = rng.choice(np.arange(1, n - 1), hub, replace=False)
    tails = np.concatenate([tails, np.zeros(hub, dtype=np.int64), feeding])
    heads = np.concatenate([heads, fed, np.full(hub, n - 1)])
    capacity = rng.integers(1, 101, tails.size)
    keep = tails != heads
    matrix = sp.csr_array((capacity[keep], (tails[keep], heads[keep])), shape=(n, n))
    matrix.sum_duplicates()
    return matrix


def interdiction_table(seed: int) -> str:
    matrix = generated_flow_network(seed)
    n = matrix.shape[0]
    rows = []
    for method in ("milp", "greedy"):
        result, took = timed(interdict, matrix, 0, n - 1, 5, method=method)
        rows.append([f"{n} nodes / {matrix.nnz} arcs, k = 5", method, seconds(took), f"{result.flow_before:g}",
                     f"{result.flow_after:g}", f"{result.lower_bound:g} ({result.bound_method})",
                     "yes" if result.optimal else "no"])
    rng = np.random.default_rng(1993)
    agree = total = 0
    started = time.perf_counter()
    for _ in range(15):
        dense = (rng.random((14, 14)) < 0.3) * rng.integers(1, 11, (14, 14))
        np.fill_diagonal(dense, 0)
        small = sp.csr_array(dense)
        for k in (1, 2, 3):
            exact = interdict(small, 0, 13, k, method="milp")
            brute, _ = interdiction_brute_force(small, 0, 13, k)
            agree += exact.flow_after == brute
            total += 1
    rows.append(["45 random 14-node digraphs, k = 1..3", "milp = brute force", seconds(time.perf_counter() - started),
                 "", "", "", f"{agree} of {total}"])
    header = ["instance", "method", "s", "flow before", "flow after", "lower bound", "optimal"]
    return markdown_table(header, rows, "llrrrll")


# -- disruption ----------------------------------------------------------------------------------


def disruption_table(shared: Path) -> str:
    path = shared / "networks" / "covert" / "edgelists" / "Montagna_mafia__Montagna_meetings.edges.csv"
    if not path.exists():
        return f"skipped: {path} not found"
    with path.open() as handle:
        matrix, labels = adjacency_from_edges((row["source_name"], row["target_name"]) for row in csv.DictReader(handle))
    rows = []
    for strategy, published in PUBLISHED_MONTAGNA.items():
        curve = disruption_curve(matrix, strategy, 10, labels=labels)
        rows.append([strategy, "published", *(f"{x:.3f}" for x in published)])
        rows.append(["", "moneymen", *(f"{x:.3f}" for x in curve.lcc_fractions())])
    kpp = disruption_curve(matrix, "kpp", 10, labels=labels)
    rows.append(["kpp", "moneymen", *(f"{x:.3f}" for x in kpp.lcc_fractions())])
    header = ["strategy (sequential)", "", *(str(i) for i in range(11))]
    note = (f"Montagna meetings: ours {matrix.shape[0]} connected nodes, {matrix.nnz // 2} distinct edges, "
            "LCC 86 (UCINET conversion); published: 101 nodes, LCC 92 (the authors' version): close, not identical.")
    return markdown_table(header, rows, "ll" + "r" * 11) + "\n\n" + note


# -- scale ---------------------------------------------------------------------------------------


def random_graph(n: int, seed: int, per_node: int = 5) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    tails = rng.integers(0, n, per_node * n)
    heads = rng.integers(0, n, per_node * n)
    keep = tails != heads
    matrix = sp.csr_array((np.ones(int(keep.sum())), (tails[keep], heads[keep])), shape=(n, n))
    matrix = sp.csr_array(matrix + matrix.T)
    matrix.data[:] = 1.0
    return matrix


def scale_table(sizes: list[int], samples: int, seed: int, nx_exact: bool) -> str:
    import networkx as nx

    rows = []
    for n in sizes:
        matrix = random_graph(n, seed)
        graph, build = timed(nx.from_scipy_sparse_array, matrix)
        ours, ours_took = timed(articulation_points, matrix)
        theirs, theirs_took = timed(lambda: sorted(nx.articulation_points(graph)))
        same = "same" if ours == theirs else "DIFFERENT"
        rows.append([f"{n:,}", f"{matrix.nnz // 2:,}", "articulation points", seconds(ours_took),
                     seconds(theirs_took), f"{len(ours)} nodes, {same}"])
        exact = None
        if n <= 20_000:
            exact, took = timed(betweenness, matrix)
            if nx_exact:
                reference, nx_took = timed(nx.betweenness_centrality, graph)
                agree = np.allclose(exact, [reference[i] for i in range(n)])
                rows.append([f"{n:,}", f"{matrix.nnz // 2:,}", "exact betweenness", seconds(took), seconds(nx_took),
                             "same" if agree else "DIFFERENT"])
            else:
                rows.append([f"{n:,}", f"{matrix.nnz // 2:,}", "exact betweenness", seconds(took), "not run",
                             "networkx: 1,088 s in VALIDATION.md; --nx-exact runs it"])
        sampled, took = timed(betweenness, matrix, samples=samples, seed=seed)
        reference, nx_took = timed(nx.betweenness_centrality, graph, k=samples, seed=seed)
        reference = np.array([reference[i] for i in range(n)])
        if exact is not None:
            check = (f"Pearson r with exact: ours {np.corrcoef(sampled, exact)[0, 1]:.3f}, "
                     f"networkx {np.corrcoef(reference, exact)[0, 1]:.3f}")
        else:
            check = f"Pearson r between the two estimates: {np.corrcoef(sampled, reference)[0, 1]:.3f}"
        rows.append([f"{n:,}", f"{matrix.nnz // 2:,}", f"betweenness, {samples} sampled sources", seconds(took),
                     seconds(nx_took), check])
    header = ["nodes", "edges", "measure", "moneymen s", "networkx s", "check"]
    return markdown_table(header, rows, "rrlrrl")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--iterations", type=int, default=20_000, help="local-search swaps per CNP instance")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice (default: 0)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="graph sizes of the scale table")
    parser.add_argument("--samples", type=int, default=100, help="sources of the sampled betweenness (default: 100)")
    parser.add_argument("--nx-exact", action="store_true", help="also run networkx's exact betweenness (slow)")
    parser.add_argument("--only", nargs="+", choices=["keyplayers", "cnp", "interdiction", "disruption", "scale"],
                        default=["keyplayers", "cnp", "interdiction", "disruption", "scale"])
    args = parser.parse_args(argv)
    print(f"- numpy {np.__version__}, scipy {_dist_version('scipy')}, rustworkx {_dist_version('rustworkx')}, "
          f"networkx {_dist_version('networkx')}\n")
    if "keyplayers" in args.only:
        print("## Key players (Borgatti 2006, figure 8)\n\n" + keyplayers_table(args.shared) + "\n", flush=True)
    if "cnp" in args.only:
        print("## Critical node problem\n\n" + cnp_table(args.shared, args.iterations, args.seed) + "\n", flush=True)
    if "interdiction" in args.only:
        print("## Network interdiction (Wood 1993)\n\n" + interdiction_table(args.seed + 1) + "\n", flush=True)
    if "disruption" in args.only:
        print("## Disruption (Cavallaro et al. 2020)\n\n" + disruption_table(args.shared) + "\n", flush=True)
    if "scale" in args.only:
        print("## Key persons at scale\n\n" + scale_table(args.sizes, args.samples, args.seed, args.nx_exact) + "\n",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
