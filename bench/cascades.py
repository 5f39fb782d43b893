"""Threshold cascades against the published anchors: Granovetter (1978) and Watts (2002).

Run from the repository root::

    .venv/bin/python bench/cascades.py [--n 10000] [--trials 200] [--z 1.05 1.5 2 3 4 5 6 6.5 7 8]
                                       [--phi 0.18] [--seed 2002] [--baseline-trials 20]

1. Granovetter's riot: 100 people with thresholds 0, 1, …, 99 (counts of others who joined,
   complete mixing) → all 100 join; replace the threshold-1 person by a threshold-2 one → 1 joins.
   Both through ``threshold_cascade`` and through the decision model in its deterministic limit
   (``DecisionParameters.threshold_limit``, thresholds k/99 as shares of the 99 others).
2. Watts's global cascades: uniform fractional threshold φ = 0.18 on Poisson (Erdős–Rényi)
   random graphs of N nodes and mean degree z; each trial draws a new graph and one seed node
   uniformly at random; a global cascade is one that activates more than 10 % of N. Published
   (VALIDATION.md, N = 10,000, 200 trials): 0.035 (z 1.05), 0.51 (1.5), 0.715 (2), 0.845 (3),
   0.875 (4), 0.695 (5), 0.035 (6), 0 (6.5 and above). "consistent?" is a two-proportion z-test
   (|z| < 2) of ours against the published share, both from ``--trials`` trials.
3. Speed: the same single-seed cascades, ``threshold_cascade`` against a plain Python loop over a
   networkx graph (the code a user would otherwise write), on the same graphs and seeds.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import machine_facts, markdown_table  # noqa: E402

from moneymen.algorithms.cascades import poisson_random_graph, threshold_cascade  # noqa: E402
from moneymen.analysis.decisions import DEFECTED, Agents, DecisionParameters, simulate_decisions  # noqa: E402

PUBLISHED = {1.05: 0.035, 1.5: 0.51, 2.0: 0.715, 3.0: 0.845, 4.0: 0.875, 5.0: 0.695, 6.0: 0.035,
             6.5: 0.0, 7.0: 0.0, 8.0: 0.0, 9.0: 0.0, 10.0: 0.0}


def granovetter_rows() -> list[list[str]]:
    rows = []
    for label, thresholds, published in (
        ("thresholds 0, 1, 2, …, 99", list(range(100)), 100),
        ("thresholds 0, 2, 2, 3, …, 99", [0, 2] + list(range(2, 100)), 1),
    ):
        counts = threshold_cascade(np.array(thresholds, dtype=float), fractional=False)
        agents = Agents(exposure=np.zeros(100), thresholds=np.array(thresholds) / 99)
        model = simulate_decisions(agents, DecisionParameters.threshold_limit(steps=150), runs=10, seed=1)
        joined = sorted(set(model.per_run[:, DEFECTED].tolist()))
        rows.append([label, str(published), str(counts.size), ", ".join(map(str, joined)),
                     "yes" if counts.size == published and joined == [published] else "**no**"])
    return rows


def watts_trials(n: int, z: float, trials: int, phi: float, rng: np.random.Generator):
    """(global cascades, mean size of the global ones as a share of n, seconds)."""
    big, sizes = 0, []
    thresholds = np.full(n, phi)
    start = time.perf_counter()
    for _ in range(trials):
        graph = poisson_random_graph(n, z, rng.integers(2**63))
        size = threshold_cascade(thresholds, adjacency=graph, seeds=[int(rng.integers(n))]).size
        if size > 0.1 * n:
            big += 1
            sizes.append(size / n)
    return big, (float(np.mean(sizes)) if sizes else float("nan")), time.perf_counter() - start


def consistent(ours: float, published: float, trials: int) -> str:
    pooled = (ours + published) / 2
    if pooled in (0.0, 1.0):
        return "yes" if ours == published else "**no**"
    stat = (ours - published) / math.sqrt(pooled * (1 - pooled) * 2 / trials)
    return f"yes (z {stat:+.1f})" if abs(stat) < 2 else f"**no** (z {stat:+.1f})"


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def networkx_cascade(graph: nx.Graph, phi: float, seed: int) -> int:
    """The loop a user would write: synchronous rounds over a networkx graph."""
    active = {seed}
    while True:
        new = [node for node in graph if node not in active and graph.degree(node) > 0
               and sum(1 for peer in graph[node] if peer in active) / graph.degree(node) >= phi]
        if not new:
            return len(active)
        active.update(new)


def speed_rows(n: int, z: float, phi: float, trials: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    cases = [(poisson_random_graph(n, z, rng.integers(2**63)), int(rng.integers(n))) for _ in range(trials)]
    thresholds = np.full(n, phi)
    start = time.perf_counter()
    ours = [threshold_cascade(thresholds, adjacency=graph, seeds=[s]).size for graph, s in cases]
    ours_s = time.perf_counter() - start
    graphs = [nx.from_scipy_sparse_array(graph) for graph, _ in cases]
    start = time.perf_counter()
    theirs = [networkx_cascade(g, phi, s) for g, (_, s) in zip(graphs, cases)]
    theirs_s = time.perf_counter() - start
    same = "yes" if ours == theirs else "**no**"
    return [
        ["moneymen threshold_cascade (scipy CSR)", str(trials), f"{ours_s / trials * 1000:.1f}", same],
        ["plain Python loop over networkx", str(trials), f"{theirs_s / trials * 1000:.1f}", same],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="nodes per random graph (default: 10000, as published)")
    parser.add_argument("--trials", type=int, default=200, help="single-seed trials per mean degree (default: 200)")
    parser.add_argument("--z", type=float, nargs="+", default=[1.05, 1.5, 2, 3, 4, 5, 6, 6.5, 7, 8],
                        help="mean degrees (default: the published ones, 1.05 … 8)")
    parser.add_argument("--phi", type=float, default=0.18, help="uniform threshold (default: 0.18)")
    parser.add_argument("--seed", type=int, default=2002, help="seed (default: 2002)")
    parser.add_argument("--baseline-trials", type=int, default=20,
                        help="cascades timed against the networkx loop, at z = 3 (default: 20; 0 skips)")
    args = parser.parse_args(argv)

    import scipy

    print("\n".join(machine_facts()))
    print(f"- numpy {np.__version__}, scipy {scipy.__version__}, networkx {nx.__version__}; seed {args.seed}")
    print()
    print("#### Granovetter (1978): the riot and the one changed threshold\n")
    print(markdown_table(["crowd of 100", "published: join", "threshold_cascade", "decision model (limit), 10 runs",
                          "reproduced?"], granovetter_rows(), "lrrrl"))
    print()
    print(f"#### Watts (2002): P(cascade > 10% of N), φ = {args.phi}, N = {args.n:,}, {args.trials} single-seed trials "
          "per z, a new graph each\n")
    rng = np.random.default_rng(args.seed)
    rows = []
    total = 0.0
    for z in args.z:
        big, mean_size, seconds = watts_trials(args.n, z, args.trials, args.phi, rng)
        total += seconds
        share = big / args.trials
        low, high = wilson(big, args.trials)
        published = PUBLISHED.get(float(z))
        rows.append([f"{z:g}", f"{share:.3f}", f"{big}/{args.trials}", f"{low:.3f}–{high:.3f}",
                     "—" if published is None else f"{published:.3f}",
                     "—" if published is None else consistent(share, published, args.trials),
                     "—" if math.isnan(mean_size) else f"{mean_size:.3f}", f"{seconds:.1f}"])
        print(f"  z = {z:g}: {big}/{args.trials} ({seconds:.1f} s)", file=sys.stderr)
    print(markdown_table(["z", "ours", "cascades / trials", "ours, 95% (Wilson)", "published", "consistent?",
                          "mean size of global cascades (share of N)", "s"], rows, "rrrrrlrr"))
    print(f"\n- {len(args.z) * args.trials} cascades in {total:.1f} s (graph generation included); "
          "analytic window (Watts 2002): 1.021 < z < 5.765")
    if args.baseline_trials:
        print()
        print(f"#### Speed: one single-seed cascade at z = 3, N = {args.n:,} (same graphs and seeds)\n")
        print(markdown_table(["implementation", "cascades", "ms per cascade", "same sizes?"],
                             speed_rows(args.n, 3.0, args.phi, args.baseline_trials, args.seed + 1), "lrrl"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
