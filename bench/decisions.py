"""The agents' decision model (Monte Carlo): 10,000 runs of a 1,000-agent scenario, and the loop a user would write.

Run from the repository root::

    .venv/bin/python bench/decisions.py [--agents 1000] [--runs 10000] [--steps 26] [--repeat 3]
                                        [--baseline-runs 20] [--seed 1718]

The scenario is synthetic and seeded: agents work in trading companies of 4–16 officials (everyone
in a company sees everyone else, weight 1) with a Poisson random overlay of acquaintances across
companies (mean degree 2, weight 0.5); 80 % are abroad, 70 % have family held at home, 30 % control
accounts (log-normal amounts, median about 60,000), a third of the companies have an arrest squad
at their location, and exposure is the company's (Beta(2, 3)) plus individual noise. Parameters
are the model's defaults (26 weekly steps).

Rows:

* ``moneymen.analysis.decisions.simulate_decisions``, one thread, median of ``--repeat`` (target:
  10,000 runs × 1,000 agents in under 30 s), and with ``workers=2`` (threads);
* the same model written as a plain Python loop over a networkx graph (``random.Random``,
  ``math.exp``; per run, per step, per agent), run for ``--baseline-runs`` runs and extrapolated
  linearly to ``--runs``. Its mean number of defectors is printed beside ours as a check that both
  implement the same model (different random streams, so they agree within standard errors).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import machine_facts, markdown_table  # noqa: E402

from moneymen.algorithms.cascades import poisson_random_graph  # noqa: E402
from moneymen.analysis.decisions import (  # noqa: E402
    CHOICES, COVARIATES, DEFECTED, DEFECTED_WITH_FUNDS, OUTCOMES, Agents, DecisionParameters, simulate_decisions,
)
from moneymen.analysis.sensitivity import sensitivity  # noqa: E402


def synthetic_agents(n: int, seed: int) -> Agents:
    rng = np.random.default_rng(seed)
    sizes = []
    while sum(sizes) < n:
        sizes.append(int(rng.integers(4, 17)))
    sizes[-1] -= sum(sizes) - n
    company = np.repeat(np.arange(len(sizes)), sizes)
    rows, cols = [], []
    start = 0
    for size in sizes:
        members = np.arange(start, start + size)
        rows.append(np.repeat(members, size))
        cols.append(np.tile(members, size))
        start += size
    within = sparse.csr_matrix((np.ones(sum(s * s for s in sizes)), (np.concatenate(rows), np.concatenate(cols))),
                               shape=(n, n))
    within.setdiag(0)
    across = poisson_random_graph(n, 2.0, rng.integers(2**63)) * 0.5
    peers = within.maximum(across)
    company_exposure = rng.beta(2, 3, len(sizes))
    squad_companies = rng.random(len(sizes)) < 1 / 3
    exposure = np.clip(company_exposure[company] + rng.normal(0, 0.1, n), 0, 1)
    funds = np.where(rng.random(n) < 0.3, rng.lognormal(11, 1.5, n), 0.0)
    return Agents(exposure=exposure, abroad=rng.random(n) < 0.8, family_at_home=rng.random(n) < 0.7, funds=funds,
                  peers=peers, squad_present=squad_companies[company].astype(float),
                  ids=[f"official-{i:04d}" for i in range(n)])


# -- the loop a user would write ----------------------------------------------------------------

def baseline(agents: Agents, params: DecisionParameters, runs: int, seed: int) -> list[list[int]]:
    """One run at a time, one agent at a time, over a networkx graph: the same model, plainly."""
    n = len(agents)
    graph = nx.from_scipy_sparse_array(agents.peers, create_using=nx.DiGraph)   # i → j: i sees j
    beta = {(choice, covariate): getattr(params, f"{choice}_{covariate}") for choice in CHOICES
            for covariate in COVARIATES}
    finals = []
    for run in range(runs):
        rnd = random.Random(seed * 1_000_003 + run)
        state = ["undecided"] * n
        theta = [max(rnd.gauss(params.threshold_mean, params.threshold_sd), params.threshold_min)
                 + params.family_threshold_shift * agents.family_at_home[i] for i in range(n)]
        for _ in range(params.steps):
            seen = list(state)               # synchronous: everyone sees the previous step
            for i in range(n):
                if seen[i] not in ("undecided", "hidden"):
                    continue
                e, a = agents.exposure[i], agents.squad_present[i]
                if not agents.abroad[i]:
                    if rnd.random() < e * params.home_arrest_probability:
                        state[i] = "captured"
                    continue
                q = 1 - (1 - e * params.arrest_probability) * (1 - e * a * params.squad_arrest_probability)
                if seen[i] == "hidden":
                    q *= params.hidden_arrest_factor
                if rnd.random() < q:
                    state[i] = "captured"
                    continue
                total_w = defected_w = punished_w = 0.0
                for j, data in graph[i].items():
                    w = data.get("weight", 1.0)
                    total_w += w
                    if seen[j] in ("defected", "defected_with_funds"):
                        defected_w += w
                    elif seen[j] == "captured":
                        punished_w += w
                s = defected_w / total_w if total_w else 0.0
                p = punished_w / total_w if total_w else 0.0
                g = agents.funds[i] / (agents.funds[i] + params.funds_scale)
                x = {"intercept": 1.0, "exposure": e, "family": float(agents.family_at_home[i]), "funds": g,
                     "squad": a, "peers_defected": s, "peers_punished": p}
                weights = {}
                for choice in CHOICES:
                    if choice == "hide" and seen[i] == "hidden":
                        weights[choice] = 0.0
                    elif choice == "defect_with_funds" and agents.funds[i] <= 0:
                        weights[choice] = 0.0
                    else:
                        weights[choice] = math.exp(sum(beta[choice, c] * x[c] for c in COVARIATES))
                if s >= theta[i] - 1e-9 and rnd.random() < params.tipping_probability:
                    pair = weights["defect"] + weights["defect_with_funds"]
                    rho = weights["defect_with_funds"] / pair if pair else 0.0
                    state[i] = "defected_with_funds" if rnd.random() < rho else "defected"
                    continue
                r = rnd.random() * (1.0 + sum(weights.values()))
                for choice, outcome in zip(CHOICES, ("returned", "hidden", "defected", "defected_with_funds")):
                    r -= weights[choice]
                    if r < 0:
                        state[i] = outcome
                        break
        finals.append([state.count(outcome) for outcome in OUTCOMES])
    return finals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=1000, help="agents in the synthetic scenario (default: 1000)")
    parser.add_argument("--runs", type=int, default=10_000, help="Monte Carlo runs (default: 10000)")
    parser.add_argument("--steps", type=int, default=26, help="steps (weeks) per run (default: 26)")
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats of the moneymen row; median shown (default: 3)")
    parser.add_argument("--baseline-runs", type=int, default=20,
                        help="runs of the plain Python loop, extrapolated to --runs (default: 20; 0 skips)")
    parser.add_argument("--seed", type=int, default=1718, help="seed of the scenario and the runs (default: 1718)")
    parser.add_argument("--sensitivity", type=int, default=0, metavar="RUNS",
                        help="also rank every parameter one at a time (±50%%) with RUNS runs each (default: 0, skip)")
    args = parser.parse_args(argv)

    import scipy

    agents = synthetic_agents(args.agents, args.seed)
    params = DecisionParameters(steps=args.steps)
    print("\n".join(machine_facts()))
    print(f"- numpy {np.__version__}, scipy {scipy.__version__}, networkx {nx.__version__}; seed {args.seed}")
    print(f"- scenario: {len(agents):,} agents ({int(agents.abroad.sum())} abroad, "
          f"{int(agents.family_at_home.sum())} with family at home, {int((agents.funds > 0).sum())} controlling funds), "
          f"{agents.peers.nnz:,} peer ties; {args.steps} steps; default parameters")
    print()

    rows = []
    times = []
    result = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = simulate_decisions(agents, params, runs=args.runs, seed=args.seed)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    defectors = result.counts["defectors"]

    def row(label, runs, seconds, extrapolated, mean, se, target=True):
        met = "—"
        if target and args.runs == 10_000 and args.agents == 1000:
            met = "yes" if extrapolated < 30 else "**no**"
        return [label, f"{runs:,}", f"{seconds:.2f}", f"{runs / seconds:,.0f}", f"{extrapolated:.1f}",
                f"{mean:.2f} ± {se:.2f}", "< 30 s" if target else "—", met]

    rows.append(row(f"moneymen simulate_decisions (median of {args.repeat})", args.runs, median, median,
                    defectors.mean, defectors.se))
    start = time.perf_counter()
    threaded = simulate_decisions(agents, params, runs=args.runs, seed=args.seed, workers=2)
    seconds = time.perf_counter() - start
    same = np.array_equal(threaded.per_run, result.per_run)
    rows.append(row(f"moneymen, workers=2 (threads){'' if same else ' — RESULT DIFFERS'}", args.runs, seconds,
                    seconds, threaded.counts["defectors"].mean, threaded.counts["defectors"].se))
    if args.baseline_runs:
        start = time.perf_counter()
        finals = np.array(baseline(agents, params, args.baseline_runs, args.seed))
        seconds = time.perf_counter() - start
        plain = finals[:, DEFECTED] + finals[:, DEFECTED_WITH_FUNDS]
        se = plain.std(ddof=1) / math.sqrt(len(plain)) if len(plain) > 1 else float("nan")
        rows.append(row("plain Python loop over networkx (extrapolated)", args.baseline_runs, seconds,
                        seconds * args.runs / args.baseline_runs, plain.mean(), se, target=False))
    print(f"#### {args.runs:,} runs × {args.agents:,} agents × {args.steps} steps\n")
    print(markdown_table(["implementation", "runs timed", "s", "runs/s", f"s for {args.runs:,} runs",
                          "mean defectors ± SE", "target", "met?"], rows, "lrrrrrll"))
    print("\n- the baseline draws its own random numbers, so its mean agrees with ours within standard errors, "
          "not exactly; `s for N runs` of the baseline is extrapolated linearly from the runs timed")
    print()
    print("#### What the synthetic scenario gives (default parameters are assumptions, not findings)\n")
    body = []
    for name in (*OUTCOMES, "defectors", "threshold_defections"):
        dist = result.counts[name]
        low, high = dist.interval_90
        body.append([name, f"{dist.mean:.1f}", f"{low:.0f}–{high:.0f}"])
    low, high = result.funds_taken.interval_90
    body.append(["funds taken (defected with funds)", f"{result.funds_taken.mean:,.0f}", f"{low:,.0f}–{high:,.0f}"])
    low, high = result.funds_out_of_reach.interval_90
    body.append(["funds out of reach (hidden or defected)", f"{result.funds_out_of_reach.mean:,.0f}",
                 f"{low:,.0f}–{high:,.0f}"])
    body.append([f"P(cascade: more than {result.cascade_size} of the agents abroad defect)",
                 f"{result.cascade_probability:.4f}", ""])
    print(markdown_table(["outcome after the last step", "mean over runs", "90% interval"], body, "lrr"))
    if args.sensitivity:
        start = time.perf_counter()
        ranked = sensitivity(agents, params, runs=args.sensitivity, seed=args.seed, metric="defectors")
        seconds = time.perf_counter() - start
        print()
        print(f"#### Sensitivity of the mean number of defectors (one at a time, ±50 %, {args.sensitivity:,} runs each, "
              f"common random numbers; {seconds:.0f} s)\n")
        body = [[row.parameter, f"{row.value:g}", f"{row.low:g} … {row.high:g}", f"{row.at_low['defectors']:.1f}",
                 f"{row.at_high['defectors']:.1f}", f"{row.effect('defectors'):+.1f}",
                 f"{row.effect('funds_taken'):+,.0f}"] for row in ranked.rows[:12]]
        print(markdown_table(["parameter", "value", "low … high", "defectors at low", "at high", "effect",
                              "effect on funds taken"], body, "lrrrrrr"))
        print(f"\n- base: {ranked.base['defectors']:.1f} defectors; the 12 largest effects of "
              f"{len(ranked.rows)} parameters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
