"""Validation on real covert networks: VALIDATION.md's figures reproduced, and targeting against the heuristics.

Run from the repository root::

    .venv/bin/python bench/validation_networks.py [--shared PATH] [--iterations 20000] [--seed 0]
                                                  [--watts-trials 100] [--budget 3 5 8]
                                                  [--only figure8 cnp cascades caviar interdiction
                                                          disruption pairs flows]

Prints markdown tables (the closing note of issue 4 takes them as they are):

``figure8``
    Borgatti's key-player fixture, each figure of VALIDATION.md beside ours (``bench/targeting.py``).
``cnp``
    the critical-node instances: one-step greedy and greedy + local search with the gap to the best
    known value (``bench/targeting.py``; ``--iterations`` swaps).
``cascades``
    Granovetter's riot through the decision model, and Watts's global-cascade window with
    ``--watts-trials`` single-seed trials per mean degree (``bench/cascades.py``; its own run uses
    200 trials per z).
``caviar``
    Project CAVIAR (Morselli): the normalised betweenness of n1, the principal trafficker, in each of
    the 11 wiretap phases, beside VALIDATION.md's values; and who the top broker is.
``interdiction``
    Wood's network interdiction: the integer programme against brute force on 45 random digraphs, and
    a 1,000-node instance (``bench/targeting.py``).
``disruption``
    Published disruption curves (Cavallaro et al. 2020, the Montagna mafia meetings network) beside
    ours (``bench/targeting.py``); then the share of the largest component left in CAVIAR (all phases)
    and in Noordin Top's network after removing the top k by degree, betweenness, collective influence
    and key-player fragmentation.
``pairs``
    Targeting against the heuristics on the same budget: pairs still connected (Σ C(s, 2)) after
    deleting k nodes chosen by ``critical_nodes`` (greedy + local search), by degree and betweenness
    ranked once (block) and re-ranked after each removal (sequential).
``flows``
    The same for flow: ``designation_targets`` (network interdiction) against degree, betweenness,
    flow-through and key-player picks of the same k, on the money flows of the bundled example
    network, on a generated 1,000-node payment network, and on CAVIAR's wiretapped calls toward n1
    (the calls as capacities: what reaches the principal trafficker).
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
from cascades import PUBLISHED as WATTS_PUBLISHED  # noqa: E402
from cascades import consistent, granovetter_rows, watts_trials  # noqa: E402
from import_throughput import _dist_version, markdown_table  # noqa: E402
from targeting import (  # noqa: E402
    DEFAULT_SHARED,
    cnp_table,
    disruption_table,
    generated_flow_network,
    interdiction_table,
    keyplayers_table,
    load_cnp,
    CNP_TABLE,
)

from moneymen.algorithms import (  # noqa: E402
    adjacency_from_edges,
    betweenness,
    critical_nodes,
    disruption_curve,
    pairwise_connectivity,
)
from moneymen.analysis import FlowSettings, designation_targets  # noqa: E402
from moneymen.graph.view import NetworkView  # noqa: E402

#: Normalised betweenness of n1 per CAVIAR phase (VALIDATION.md, after Morselli).
CAVIAR_N1 = [0.907, 0.943, 0.830, 0.839, 0.884, 0.543, 0.589, 0.554, 0.249, 0.343, 0.526]
#: Mean degrees of the Watts table run here (the window's edges and its inside).
WATTS_Z = (1.05, 1.5, 3.0, 5.0, 6.0, 6.5)


# -- data -------------------------------------------------------------------------------------------


def caviar_phase(shared: Path, phase: int) -> tuple[np.ndarray, list[str]]:
    """The phase's weighted directed matrix (calls from row to column) and its actor labels."""
    with (shared / "networks" / "caviar-phases" / f"phase{phase}.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    labels = rows[0][1:]
    return np.array([[float(x) for x in row[1:]] for row in rows[1:]]), labels


def caviar_all_phases(shared: Path) -> tuple[sp.csr_array, list[str]]:
    """Every phase's calls summed into one directed matrix over all actors (labels ``n<number>``)."""
    edges: dict[tuple[str, str], float] = {}
    for phase in range(1, 12):
        matrix, labels = caviar_phase(shared, phase)
        for i, j in zip(*np.nonzero(matrix)):
            key = (f"n{labels[i]}", f"n{labels[j]}")
            edges[key] = edges.get(key, 0.0) + float(matrix[i, j])
    capacity, names = adjacency_from_edges([(s, t, w) for (s, t), w in edges.items()], directed=True)
    return capacity, names


def covert_edges(shared: Path, name: str) -> list[tuple[str, str]]:
    with (shared / "networks" / "covert" / "edgelists" / f"{name}.edges.csv").open(newline="") as handle:
        return [(row["source_name"], row["target_name"]) for row in csv.DictReader(handle)]


def noordin(shared: Path) -> tuple[sp.csr_array, list[str]]:
    """Noordin Top's network: the union of its relation layers (communications, operations, meetings…)."""
    folder = shared / "networks" / "covert" / "edgelists"
    edges = []
    for path in sorted(folder.glob("Noordin_top__NOORDINTOP_*.edges.csv")):
        edges += covert_edges(shared, path.name.removesuffix(".edges.csv"))
    return adjacency_from_edges(edges)


def symmetric(capacity: sp.csr_array) -> sp.csr_array:
    pattern = sp.csr_array(((capacity + capacity.T) > 0).astype(np.float64))
    pattern.setdiag(0)
    pattern.eliminate_zeros()
    return pattern


def largest_component(adjacency: sp.csr_array) -> tuple[sp.csr_array, np.ndarray]:
    from scipy.sparse import csgraph

    _, labels = csgraph.connected_components(adjacency, directed=False)
    keep = np.flatnonzero(labels == np.bincount(labels).argmax())
    return sp.csr_array(adjacency[keep][:, keep]), keep


# -- tables ------------------------------------------------------------------------------------------


def cascades_table(trials: int, seed: int) -> str:
    rows = [["Granovetter: " + row[0], row[1], f"{row[2]} (cascade), {row[3]} (decision model)", row[4]]
            for row in granovetter_rows()]
    rng = np.random.default_rng(seed)
    for z in WATTS_Z:
        hits, _, _ = watts_trials(10_000, z, trials, 0.18, rng)
        share = hits / trials
        rows.append([f"Watts φ = 0.18, N = 10,000, z = {z:g}", f"{WATTS_PUBLISHED[z]:.3f}",
                     f"{share:.3f} ({hits}/{trials})", consistent(share, WATTS_PUBLISHED[z], trials)])
    return markdown_table(["anchor", "VALIDATION", "moneymen", "consistent?"], rows, "lrrl") + (
        "\n\nconsistent?: a two-proportion z-test of ours against the published share (|z| < 2).")


def caviar_table(shared: Path) -> str:
    rows = []
    for phase in range(1, 12):
        matrix, labels = caviar_phase(shared, phase)
        adjacency = symmetric(sp.csr_array(matrix))
        scores = betweenness(adjacency)
        n1 = scores[labels.index("1")]
        top = int(np.argmax(scores))
        rows.append([str(phase), str(len(labels)), f"{CAVIAR_N1[phase - 1]:.3f}", f"{n1:.3f}",
                     "yes" if abs(n1 - CAVIAR_N1[phase - 1]) < 5e-4 else "**no**", f"n{labels[top]} ({scores[top]:.3f})"])
    return markdown_table(["phase", "actors", "n1 (VALIDATION)", "n1 (moneymen)", "same?", "top broker"], rows,
                          "rrrrll") + ("\n\nUndirected, unweighted (a tie in either direction), exact betweenness "
                                       "normalised by (n − 1)(n − 2)/2.")


def covert_disruption_table(shared: Path, k: int) -> str:
    networks = []
    capacity, names = caviar_all_phases(shared)
    networks.append(("CAVIAR, all 11 phases", symmetric(capacity), names))
    matrix, names = noordin(shared)
    networks.append(("Noordin Top, all layers", symmetric(matrix), names))
    rows = []
    for title, adjacency, names in networks:
        for strategy in ("degree", "betweenness", "collective-influence", "kpp"):
            curve = disruption_curve(adjacency, strategy, k, labels=names)
            shares = curve.lcc_fractions()
            first = ", ".join(str(label) for step in curve.steps[1:4] for label in step.removed)
            rows.append([title, strategy, f"{curve.initial_lcc}", *(f"{x:.3f}" for x in shares[1:]), first])
            title = ""
    header = ["network", "strategy (sequential)", "initial LCC", *(f"k={i}" for i in range(1, k + 1)), "first three removed"]
    return markdown_table(header, rows, "llr" + "r" * k + "l") + (
        "\n\nNo published curve for these two networks is in the shared data; the published anchor is the Montagna "
        "table above. Share = largest component after k removals / largest component before.")


def pairs_table(shared: Path, budgets: list[int], iterations: int, seed: int) -> str:
    cases = []
    capacity, names = caviar_all_phases(shared)
    cases.append(("CAVIAR, all phases", symmetric(capacity), None))
    matrix, _ = noordin(shared)
    cases.append(("Noordin Top, all layers", symmetric(matrix), None))
    edges = covert_edges(shared, "Montagna_mafia__Montagna_meetings")
    cases.append(("Montagna meetings", adjacency_from_edges(edges)[0], None))
    for name, k, best, _ in CNP_TABLE:
        path = shared / "networks" / "cnp" / f"{name}.txt"
        if path.exists():
            cases.append((f"CNP {name}", load_cnp(path), (k, best)))
    rows = []
    for title, adjacency, fixed in cases:
        for k in ([fixed[0]] if fixed else budgets):
            n = adjacency.shape[0]
            intact = pairwise_connectivity(adjacency)
            ours = critical_nodes(adjacency, k, iterations=iterations, seed=seed,
                                  best_known=fixed[1] if fixed else None)
            values = {}
            for strategy in ("degree", "betweenness"):
                for mode in ("block", "sequential"):
                    curve = disruption_curve(adjacency, strategy, k, mode=mode, labels=list(range(n)), seed=seed)
                    removed = [label for step in curve.steps[1:] for label in step.removed]
                    values[(strategy, mode)] = pairwise_connectivity(adjacency, removed)
            best_heuristic = min(values.values())
            rows.append([title, str(n), str(k), f"{intact:,}", *(f"{values[key]:,}" for key in sorted(values)),
                         f"**{ours.pairwise_connectivity:,}**", f"{fixed[1]:,}" if fixed else "",
                         f"{100 * (best_heuristic - ours.pairwise_connectivity) / max(best_heuristic, 1):.0f} %"])
    header = ["network", "n", "k", "pairs intact", "betweenness block", "betweenness seq.", "degree block",
              "degree seq.", "critical_nodes", "best known", "fewer pairs than the best heuristic"]
    return markdown_table(header, rows, "lrrr" + "r" * 7) + (
        f"\n\ncritical_nodes: one-step greedy then {iterations:,} local-search swaps (seed {seed}). Pairs: Σ C(s, 2) over "
        "the components left; fewer is better.")


def designation_rows(title: str, view: NetworkView, sink: str, k: int, **options) -> list[list[str]]:
    result = designation_targets(view, sink, k, **options)
    rows = []
    for index, row in enumerate(result.table):
        rows.append([title if index == 0 else "", str(k) if index == 0 else "", row.strategy,
                     ", ".join(row.captions), f"{row.flow_after:,.0f}", f"{row.cut_share:.1%}"])
    best_heuristic = max(row.cut for row in result.table[1:]) if len(result.table) > 1 else 0.0
    rows[0][-1] = f"**{rows[0][-1]}**"
    rows.append(["", "", f"flow before {result.flow_before:,.0f}; {result.method}",
                 "optimal" if result.optimal else f"bound {result.lower_bound:,.0f}",
                 "", f"+{(result.table[0].cut - best_heuristic) / max(result.flow_before, 1e-9):.1%} over the best heuristic"])
    return rows


def example_view() -> tuple[NetworkView, str]:
    import tempfile

    from moneymen.services.demo import import_example
    from moneymen.graph.builder import build_view
    from moneymen.store import open_store

    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "example.duckdb") as store:
        import_example(store)
        return build_view(store, datasets=["moneymen_example"], min_grade="D4"), "ex-central-currency-bureau"


def matrix_view(capacity: sp.csr_array, labels: list[str]) -> NetworkView:
    coo = capacity.tocoo()
    return NetworkView.from_arrays(labels, coo.row, coo.col, ["Payment"] * coo.nnz, amount=coo.data,
                                   currency=["USD"] * coo.nnz)


def flows_table(shared: Path, seed: int) -> str:
    rows = []
    view, sink = example_view()
    rows += designation_rows("bundled example network (money to the bureau)", view, sink, 2,
                             settings=FlowSettings(currency="USD"))
    generated = generated_flow_network(seed)
    n = generated.shape[0]
    labels = ["source"] + [f"v{i}" for i in range(1, n - 1)] + ["sink"]
    rows += designation_rows(f"generated payment network ({n} nodes, {generated.nnz} arcs)", matrix_view(generated, labels),
                             "sink", 5, sources=["source"], candidates=labels[1:-1], seed=seed)
    capacity, names = caviar_all_phases(shared)
    rows += designation_rows(f"CAVIAR calls toward n1 ({len(names)} actors)", matrix_view(capacity, names), "n1", 3,
                             seed=seed)
    header = ["network", "k", "strategy", "designated", "flow left", "share cut"]
    return markdown_table(header, rows, "lrllrr") + (
        "\n\nThe first row of each network is network interdiction (designation_targets: Wood's integer programme "
        "with HiGHS, exact here). The heuristics pick their top k among the same candidates; degree and betweenness "
        "over the whole undirected network, flow-through from one maximum flow, key-player by fragmentation.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--iterations", type=int, default=20_000, help="local-search swaps of critical_nodes")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice (default: 0)")
    parser.add_argument("--watts-trials", type=int, default=100, help="single-seed trials per mean degree (Watts)")
    parser.add_argument("--budget", type=int, nargs="+", default=[3, 5, 8], help="k of the pairs table (covert networks)")
    sections = ["figure8", "cnp", "cascades", "caviar", "interdiction", "disruption", "pairs", "flows"]
    parser.add_argument("--only", nargs="+", choices=sections, default=sections)
    args = parser.parse_args(argv)
    print(f"- numpy {np.__version__}, scipy {_dist_version('scipy')}, rustworkx {_dist_version('rustworkx')}, "
          f"networkx {_dist_version('networkx')}\n")
    tables = {
        "figure8": ("Key players (Borgatti 2006, figure 8)", lambda: keyplayers_table(args.shared)),
        "cnp": ("Critical node problem (Ventresca 2012 instances)", lambda: cnp_table(args.shared, args.iterations, args.seed)),
        "cascades": ("Thresholds and cascades (Granovetter 1978, Watts 2002)",
                     lambda: cascades_table(args.watts_trials, args.seed + 2002)),
        "caviar": ("Project CAVIAR: n1's betweenness per phase (Morselli)", lambda: caviar_table(args.shared)),
        "interdiction": ("Network interdiction (Wood 1993)", lambda: interdiction_table(args.seed + 1)),
        "disruption": ("Disruption of covert networks", lambda: disruption_table(args.shared) + "\n\n"
                       + covert_disruption_table(args.shared, 8)),
        "pairs": ("Targeting against the heuristics: pairs still connected after k deletions",
                  lambda: pairs_table(args.shared, args.budget, args.iterations, args.seed)),
        "flows": ("Targeting against the heuristics: flow cut by k designations", lambda: flows_table(args.shared, args.seed)),
    }
    for name in args.only:
        title, make = tables[name]
        started = time.perf_counter()
        text = make()
        print(f"## {title}\n\n{text}\n\n({time.perf_counter() - started:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
