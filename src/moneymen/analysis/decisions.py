r"""Agents' decisions after a purge: a seeded, vectorised Monte Carlo, and threshold cascades.

When a patron is purged, the people tied to him are called home. Those abroad choose, week by
week, to return, to hide, to defect, or to defect with the money they control; arrest squads
come for them; their families at home are hostages. This module simulates those choices for
a set of *agents* (exposed persons, abroad or at home) and reports distributions over many
seeded runs. It also holds the deterministic threshold cascade (Granovetter 1978, Watts 2002)
to which the model collapses when everything but the peer signal is switched off.

Everything here is a pure function of its inputs: arrays in, dataclasses out (each with a
JSON-serialisable ``to_dict()``); no store, no printing.

The model
=========

Agent ``i`` has: exposure :math:`e_i \in [0, 1]` (from purge impact), an abroad flag, a flag
:math:`h_i \in \{0, 1\}` for family held at home, funds :math:`F_i \ge 0` it controls, the
presence :math:`a_i \in [0, 1]` of an arrest squad at its location, and peers: row ``i`` of a
weighted adjacency :math:`W` (``W[i, j] > 0``: *i sees what j does*). States::

    undecided ─┬─► returned                  (absorbing)
               ├─► hidden ─┬─► returned / defected / defected_with_funds / captured
               ├─► defected                  (absorbing)
               ├─► defected_with_funds       (absorbing)
               └─► captured                  (absorbing: taken by an arrest squad)

Arrest is its own outcome, ``captured``: it is not counted as ``returned``. An agent at home
cannot return, hide or defect; it is either ``captured`` or stays ``undecided`` (meaning: at
home, not arrested). Hiding is not final: a hidden agent keeps choosing (it cannot "hide" again)
and faces a smaller arrest hazard; agents still hidden at the last step end ``hidden``.

Time is discrete (steps, default weeks after the purge) and updates are synchronous: what an
agent sees at step :math:`t` is the state of its peers at the end of step :math:`t - 1`.

**Peer signals.** With :math:`\tilde W` the row-normalised weights
(:math:`\tilde W_{ij} = W_{ij} / \sum_k W_{ik}`; no peers → signals 0), and :math:`D_j(t)`,
:math:`C_j(t)` indicators that ``j`` has defected (with or without funds) / been captured:

.. math::

    s_i(t) = \sum_j \tilde W_{ij} D_j(t-1), \qquad p_i(t) = \sum_j \tilde W_{ij} C_j(t-1)

Without a peer network (``peers=None``) mixing is complete: every other agent is a peer with
weight 1, so :math:`s_i = (\#\text{defected}) / (n - 1)`.

**Step 1: arrest.** An undecided agent abroad is caught with probability

.. math::

    q_i = 1 - (1 - e_i\,\lambda_0)(1 - e_i\,a_i\,\lambda_s)

(routine surveillance and the squad are independent chances; both hunt the exposed hardest);
a hidden agent with :math:`\kappa\,q_i`; an agent at home with :math:`e_i\,\lambda_h`.

**Step 2: choice** (agents abroad not caught). Options
:math:`k \in \{R, H, D, DF\}` = return, hide, defect, defect with funds; staying undecided
(or staying hidden) is the reference with utility 0. Utilities are linear:

.. math::

    u_{ik}(t) = \beta_{k,0} + \beta_{k,e}\,e_i + \beta_{k,h}\,h_i + \beta_{k,F}\,g_i
              + \beta_{k,a}\,a_i + \beta_{k,s}\,s_i(t) + \beta_{k,p}\,p_i(t),
    \qquad g_i = \frac{F_i}{F_i + F_{1/2}}

Option *DF* is unavailable (:math:`u = -\infty`) to an agent without funds, *H* to an agent
already hidden, and any option whose intercept is :math:`-\infty`. The logit probabilities are

.. math::

    \pi_{ik} = \frac{e^{u_{ik}}}{1 + \sum_m e^{u_{im}}}, \qquad
    \pi_{i,\text{stay}} = \frac{1}{1 + \sum_m e^{u_{im}}}

(computed with the max subtracted, so large utilities do not overflow).

**Threshold rule** (Granovetter). Agent ``i`` in run ``r`` has a threshold :math:`\theta_{ir}`:
the agent's own ``thresholds`` if given, otherwise drawn once per run from
:math:`\max(\theta_{\min}, \mathcal N(\bar\theta, \sigma_\theta))`; family at home raises it
(hostage leverage): :math:`\theta^*_{ir} = \theta_{ir} + \delta_h h_i`. The agent is *tipped* when
:math:`s_i(t) \ge \theta^*_{ir}`. A tipped agent defects on the threshold rule with probability
:math:`\tau` per step, taking funds with probability
:math:`\rho_i = e^{u_{i,DF}} / (e^{u_{i,D}} + e^{u_{i,DF}})` (0 when both are 0). So per step

.. math::

    P(D) = \tau T_i (1 - \rho_i) + (1 - \tau T_i)\,\pi_{iD}, \quad
    P(DF) = \tau T_i \rho_i + (1 - \tau T_i)\,\pi_{iDF}, \quad
    P(k) = (1 - \tau T_i)\,\pi_{ik} \text{ otherwise},

times :math:`1 - q_i` for not being caught first. One uniform number per agent, run and step
decides all of it (capture, then threshold defection, then the logit), so the intervals are
exact and the defections that came from the threshold rule are counted apart.

**Deterministic limit.** With every intercept :math:`-\infty` (no logit choice), no arrests,
:math:`\tau = 1`, :math:`\delta_h = 0` (hostage leverage off) and fixed thresholds, a run is
deterministic and is exactly :func:`~moneymen.algorithms.cascades.threshold_cascade` with fractional thresholds: the same
peer-signal and tipping code runs both (:meth:`DecisionParameters.threshold_limit`). Thresholds
0, 1/99, …, 99/99 for 100 agents in complete mixing give Granovetter's riot of 100; replace the
1/99 agent by a 2/99 one and only 1 defects. A uniform threshold φ on a Poisson random graph
with one agent ``already_defected`` is Watts's (2002) global-cascade model.

Parameters and their defaults
=============================

Every default is an assumption chosen to be plausible, not a finding: see
:mod:`moneymen.analysis.decision_parameters` for the table of defaults and what each means.

Runs and reproducibility
========================

Runs are grouped in fixed blocks of :data:`RUN_BLOCK` runs; block ``b`` draws from its own
generator ``PCG64(SeedSequence(seed).spawn(n_blocks)[b])``. A block is simulated vectorised
across its runs × agents, independently of the others, so the result for a seed does not depend
on ``workers`` (threads) or the order blocks finish in.
"""
from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

import moneymen
from moneymen.algorithms.cascades import THRESHOLD_TOLERANCE, Spread, reaches_threshold
from moneymen.analysis.agents import Agents
from moneymen.analysis.decision_parameters import (CAPTURED, CHOICES, COVARIATES, DEFECTED, DEFECTED_WITH_FUNDS,
                                                   HIDDEN, OUTCOMES, RETURNED, RUN_BLOCK, UNDECIDED, DecisionParameters)
from moneymen.analysis.distributions import Distribution

__all__ = [
    "CAPTURED", "CHOICES", "COVARIATES", "DEFECTED", "DEFECTED_WITH_FUNDS", "HIDDEN", "OUTCOMES", "RETURNED",
    "RUN_BLOCK", "UNDECIDED", "Agents", "DecisionParameters", "DecisionResult", "Distribution",
    "simulate_decisions", "step_probabilities",
]


@dataclass(frozen=True, eq=False)
class DecisionResult:
    """What N seeded runs of the decision model produced, with the inputs that produced it.

    ``counts``: per outcome (:data:`OUTCOMES`, plus ``"defectors"`` = defected + defected with
    funds, and ``"threshold_defections"`` = defections that came from the threshold rule), the
    distribution over runs of the number of agents ending there. ``agent_probabilities[i, k]``:
    share of runs in which agent ``i`` ended in outcome ``k``. ``timeline[t, k]``: mean number of
    agents in state ``k`` after step ``t`` (row 0: the start). ``funds_taken``: funds of agents
    who defected with funds; ``funds_out_of_reach``: funds of agents hidden or defected at the end
    (accounts the regime can no longer reach through them). ``cascade_probability``: share of runs
    in which more than ``cascade_share`` of the agents abroad defected during the run.
    """

    agents: Agents
    parameters: DecisionParameters
    runs: int
    seed: int
    version: str
    counts: dict[str, Distribution]
    agent_probabilities: np.ndarray
    timeline: np.ndarray
    funds_taken: Distribution
    funds_out_of_reach: Distribution
    cascade_probability: float
    cascade_size: int
    per_run: np.ndarray             # runs × len(OUTCOMES): final count per outcome in each run
    per_run_funds_taken: np.ndarray
    kept_runs: np.ndarray | None = None     # the run numbers asked for with keep_states
    states: np.ndarray | None = None        # len(kept_runs) × agents, int8 codes of OUTCOMES: each kept run's final states

    def expected(self, outcome: str) -> float:
        """Mean number of agents ending in ``outcome`` (one of :data:`OUTCOMES`, or "defectors")."""
        return self.counts[outcome].mean

    def agent(self, agent_id: str) -> dict[str, float]:
        """Outcome → probability for one agent."""
        index = self.agents.agent_ids.index(agent_id)
        return {name: float(p) for name, p in zip(OUTCOMES, self.agent_probabilities[index])}

    def to_dict(self, per_run: bool = False, inputs: bool = True) -> dict[str, Any]:
        """JSON-serialisable; ``per_run`` adds every run's counts; ``inputs=False`` leaves the agents' arrays out."""
        data: dict[str, Any] = {
            "model": "moneymen.analysis.decisions",
            "version": self.version,
            "seed": self.seed,
            "runs": self.runs,
            "steps": self.parameters.steps,
            "outcomes": list(OUTCOMES),
            "parameters": self.parameters.to_dict(),
            "agents": self.agents.to_dict() if inputs else {"count": len(self.agents), "sha256": self.agents.digest()},
            "counts": {name: dist.to_dict() for name, dist in self.counts.items()},
            "agent_probabilities": {agent_id: {name: float(p) for name, p in zip(OUTCOMES, row)}
                                    for agent_id, row in zip(self.agents.agent_ids, self.agent_probabilities)},
            "timeline": [{name: float(x) for name, x in zip(OUTCOMES, row)} for row in self.timeline],
            "funds_taken": self.funds_taken.to_dict(),
            "funds_out_of_reach": self.funds_out_of_reach.to_dict(),
            "cascade": {"probability": self.cascade_probability, "share": self.parameters.cascade_share,
                        "more_than": self.cascade_size},
        }
        if per_run:
            data["per_run"] = {"counts": self.per_run.tolist(), "funds_taken": self.per_run_funds_taken.tolist()}
        return data


# -- the model ---------------------------------------------------------------------------------

class _Model:
    """Per-agent constants of a simulation, computed once from agents and parameters."""

    def __init__(self, agents: Agents, params: DecisionParameters):
        self.agents, self.params = agents, params
        n = self.n = len(agents)
        e, a = agents.exposure, agents.squad_present
        self.abroad = agents.abroad
        q = 1.0 - (1.0 - e * params.arrest_probability) * (1.0 - e * a * params.squad_arrest_probability)
        self.q_undecided = np.where(agents.abroad, q, e * params.home_arrest_probability)
        self.q_hidden = np.where(agents.abroad, params.hidden_arrest_factor * q, 0.0)
        coefficients = params.coefficients()                       # choices × covariates
        self.beta_defected = coefficients[:, COVARIATES.index("peers_defected")].copy()
        self.beta_punished = coefficients[:, COVARIATES.index("peers_punished")].copy()
        g = agents.funds / (agents.funds + params.funds_scale)
        x = np.stack([np.ones(n), e, agents.family_at_home.astype(float), g, a])          # static covariates
        with np.errstate(invalid="ignore", over="ignore"):
            static = coefficients[:, :5] @ x                        # choices × agents
            # a -inf intercept is an option switched off, whatever the other terms
            off = np.isneginf(coefficients[:, 0])
            static[off, :] = -np.inf
        if np.isnan(static).any() or np.isposinf(static).any():
            choice, agent = (int(v[0]) for v in np.nonzero(np.isnan(static) | np.isposinf(static)))
            names = ", ".join(f"{CHOICES[choice]}_{c}={float(coefficients[choice, k])!r}" for k, c in enumerate(COVARIATES[:5]))
            raise ValueError(f"the utility of {CHOICES[choice]!r} for agent {agents.agent_ids[agent]!r} is not a finite "
                             f"number ({float(static[choice, agent])!r}): check the coefficients {names}")
        dwf = CHOICES.index("defect_with_funds")
        static[dwf, agents.funds <= 0] = -np.inf                    # no funds, nothing to take
        self.static = np.ascontiguousarray(static.T)                # agents × choices
        self.uses_defected = bool(np.any(self.beta_defected != 0) or params.tipping_probability > 0)
        self.uses_punished = bool(np.any(self.beta_punished != 0))
        self.peer_shift = params.family_threshold_shift * agents.family_at_home
        if agents.thresholds is not None:
            self.thresholds = agents.thresholds + self.peer_shift
        else:
            self.thresholds = None
        by_choice = np.ascontiguousarray(static)                    # choices × agents
        self.static_by_choice = by_choice
        finite = by_choice[np.isfinite(by_choice)]
        bound = (float(finite.max()) if finite.size else 0.0) + float(np.abs(self.beta_defected).max()) \
            + float(np.abs(self.beta_punished).max())
        if not np.isfinite(bound):
            raise ValueError("the utilities overflow (inf or NaN) once peers act: check the coefficients "
                             + ", ".join(f"{choice}_{signal}={float(beta[k])!r}" for k, choice in enumerate(CHOICES)
                                         for signal, beta in (("peers_defected", self.beta_defected),
                                                              ("peers_punished", self.beta_punished)) if beta[k]))
        # exp(u) is safe while u stays well below 709; past that, subtract the maximum (slower)
        self.stable = not bound < 600.0
        with np.errstate(over="ignore"):
            self.exp_static = np.exp(by_choice)
        # one exp per distinct pair of peer coefficients, shared by the choices that have it
        pairs: dict[tuple[float, float], list[int]] = {}
        for k in range(len(CHOICES)):
            pairs.setdefault((float(self.beta_defected[k]), float(self.beta_punished[k])), []).append(k)
        self.peer_pairs = [(bd, bp, ks) for (bd, bp), ks in pairs.items() if (bd, bp) != (0.0, 0.0)]

    def weights(self, who: np.ndarray, s: np.ndarray | None, p: np.ndarray | None,
                hidden: np.ndarray) -> tuple[list[np.ndarray], np.ndarray | float]:
        """Logit weights e^u (relative to staying, whose weight is returned second) for cells of agents ``who``."""
        if self.stable:
            utilities = []
            for k in range(len(CHOICES)):
                u = self.static_by_choice[k][who]
                if s is not None and self.beta_defected[k]:
                    u = u + self.beta_defected[k] * s
                if p is not None and self.beta_punished[k]:
                    u = u + self.beta_punished[k] * p
                utilities.append(u)
            utilities[1][hidden] = -np.inf
            top = np.maximum(np.maximum(np.maximum(utilities[0], utilities[1]),
                                        np.maximum(utilities[2], utilities[3])), 0.0)
            return [np.exp(u - top) for u in utilities], np.exp(-top)
        z = [self.exp_static[k][who] for k in range(len(CHOICES))]
        for bd, bp, ks in self.peer_pairs:
            exponent = None
            if s is not None and bd:
                exponent = bd * s
            if p is not None and bp:
                exponent = bp * p if exponent is None else exponent + bp * p
            if exponent is None:
                continue
            factor = np.exp(exponent)
            for k in ks:
                z[k] *= factor
        z[1][hidden] = 0.0
        return z, 1.0


@dataclass
class _BlockTotals:
    per_run: np.ndarray
    funds_taken: np.ndarray
    funds_out: np.ndarray
    threshold_defections: np.ndarray
    new_defections: np.ndarray
    agent_counts: np.ndarray
    timeline: np.ndarray
    states: np.ndarray


def _simulate_block(model: _Model, runs: int, rng: np.random.Generator, kept: np.ndarray) -> _BlockTotals:
    """``runs`` runs side by side: state is a flat array of ``run * n + agent`` cells.

    ``kept``: the runs of this block (0-based within it) whose final states are returned.
    """
    params, agents, n = model.params, model.agents, model.n
    steps, kinds = params.steps, len(OUTCOMES)
    state = np.zeros(runs * n, dtype=np.int8)
    grid = state.reshape(runs, n)
    grid[:, agents.already_defected] = DEFECTED
    if model.thresholds is None and params.tipping_probability > 0:
        draws = rng.normal(params.threshold_mean, params.threshold_sd, size=(runs, n)) if params.threshold_sd > 0 \
            else np.full((runs, n), params.threshold_mean)
        thresholds = (np.maximum(draws, params.threshold_min) + model.peer_shift).ravel()
    else:
        thresholds = None
    defected_seen = Spread(agents.peers, n, runs)
    punished_seen = Spread(agents.peers, n, runs)
    start_runs, start_agents = np.nonzero(grid == DEFECTED)
    defected_seen.add(start_runs, start_agents)
    timeline = np.zeros((steps + 1, kinds), dtype=np.int64)
    timeline[0] = np.bincount(state, minlength=kinds)

    # Agents at home only face arrest, with a constant probability: the step each is caught is
    # geometric, drawn once (after the last step: never).
    home = np.flatnonzero(~agents.abroad & (model.q_undecided > 0))
    caught_at = rng.geometric(np.broadcast_to(model.q_undecided[home], (runs, home.size))) if home.size else None

    live = np.flatnonzero(np.tile(agents.abroad & ~agents.already_defected, runs))
    live_agent = live % n
    live_run = live // n
    threshold_defections = np.zeros(runs, dtype=np.int64)
    new_defections = np.zeros(runs, dtype=np.int64)
    tau = params.tipping_probability
    for step in range(1, steps + 1):
        delta = np.zeros(kinds, dtype=np.int64)
        defect_runs = defect_agents = caught_runs = caught_agents = None
        if live.size:
            old = state[live]
            hidden = old == HIDDEN
            q = np.where(hidden, model.q_hidden[live_agent], model.q_undecided[live_agent])
            u = rng.random(live.size)
            captured = u < q
            new = old.copy()
            new[captured] = CAPTURED
            choosing = np.flatnonzero(~captured)
            if choosing.size:
                cells, who, run = live[choosing], live_agent[choosing], live_run[choosing]
                qc = q[choosing]
                v = (u[choosing] - qc) / np.where(qc < 1.0, 1.0 - qc, 1.0)   # uniform again, given not captured
                s = defected_seen.flat(cells, run) if model.uses_defected else None
                p = punished_seen.flat(cells, run) if model.uses_punished else None
                z, stay = model.weights(who, s, p, hidden[choosing])
                c1 = z[0]
                c2 = c1 + z[1]
                c3 = c2 + z[2]
                c4 = c3 + z[3]
                total = stay + c4
                chosen = old[choosing]
                rest: np.ndarray | slice
                if tau > 0:
                    assert s is not None  # a tipping probability > 0 makes the model use the defections seen
                    theta = thresholds[cells] if thresholds is not None else model.thresholds[who]
                    tipped_mass = tau * reaches_threshold(s, theta)
                    pair = z[2] + z[3]
                    rho = np.divide(z[3], pair, out=np.zeros_like(pair), where=pair > 0)
                    by_threshold = v < tipped_mass
                    if by_threshold.any():
                        with_funds = v[by_threshold] >= (tipped_mass * (1.0 - rho))[by_threshold]
                        chosen[by_threshold] = np.where(with_funds, DEFECTED_WITH_FUNDS, DEFECTED)
                        threshold_defections += np.bincount(run[by_threshold], minlength=runs)
                        rest = np.flatnonzero(~by_threshold)
                        v, c1, c2, c3, c4, total, m = (a[rest] for a in (v, c1, c2, c3, c4, total, tipped_mass))
                        v = (v - m) / (1.0 - m)
                    else:
                        rest = slice(None)
                        v = (v - tipped_mass) / (1.0 - tipped_mass)
                else:
                    rest = slice(None)
                x = v * total
                k = (x >= c1).view(np.int8) + (x >= c2).view(np.int8) + (x >= c3).view(np.int8) \
                    + (x >= c4).view(np.int8)
                chosen[rest] = np.where(k < 4, k + 1, chosen[rest])
                new[choosing] = chosen
            changed = new != old
            if changed.any():
                state[live[changed]] = new[changed]
                delta += np.bincount(new[changed], minlength=kinds) - np.bincount(old[changed], minlength=kinds)
                defect = changed & ((new == DEFECTED) | (new == DEFECTED_WITH_FUNDS))
                defect_runs, defect_agents = live_run[defect], live_agent[defect]
                caught = changed & (new == CAPTURED)
                caught_runs, caught_agents = live_run[caught], live_agent[caught]
            keep = (new == UNDECIDED) | (new == HIDDEN)
            live, live_agent, live_run = live[keep], live_agent[keep], live_run[keep]
        if caught_at is not None:
            home_runs, home_index = np.nonzero(caught_at == step)
            if home_runs.size:
                state[home_runs * n + home[home_index]] = CAPTURED
                delta[CAPTURED] += home_runs.size
                delta[UNDECIDED] -= home_runs.size
                if caught_runs is None:
                    caught_runs, caught_agents = home_runs, home[home_index]
                else:
                    caught_runs = np.concatenate([caught_runs, home_runs])
                    caught_agents = np.concatenate([caught_agents, home[home_index]])
        # what happened in this step is seen from the next one on
        if defect_runs is not None and defect_runs.size:
            assert defect_agents is not None  # set with defect_runs
            defected_seen.add(defect_runs, defect_agents)
            new_defections += np.bincount(defect_runs, minlength=runs)
        if caught_runs is not None and caught_runs.size and model.uses_punished:
            assert caught_agents is not None  # set with caught_runs
            punished_seen.add(caught_runs, caught_agents)
        timeline[step] = timeline[step - 1] + delta

    per_run = np.stack([(grid == k).sum(axis=1) for k in range(kinds)], axis=1)
    agent_counts = np.stack([(grid == k).sum(axis=0) for k in range(kinds)], axis=1)
    funds = agents.funds
    funds_taken = (grid == DEFECTED_WITH_FUNDS) @ funds
    funds_out = ((grid == HIDDEN) | (grid == DEFECTED) | (grid == DEFECTED_WITH_FUNDS)) @ funds
    return _BlockTotals(per_run=per_run, funds_taken=funds_taken, funds_out=funds_out,
                        threshold_defections=threshold_defections, new_defections=new_defections,
                        agent_counts=agent_counts, timeline=timeline, states=grid[kept].copy())


def simulate_decisions(agents: Agents, parameters: DecisionParameters | None = None, *, runs: int, seed: int,
                       workers: int = 1, progress: Callable[[int, int], None] | None = None,
                       keep_states: Sequence[int] | None = None) -> DecisionResult:
    """Run the decision model ``runs`` times from ``seed``; distributions over runs as a :class:`DecisionResult`.

    ``workers`` threads simulate blocks of :data:`RUN_BLOCK` runs side by side (numpy releases
    the GIL in its array loops); the result does not depend on it. ``progress(done, total)`` is
    called with the number of runs finished after each block. ``keep_states``: distinct run
    numbers (0 … runs − 1) whose final states to keep, as ``DecisionResult.states`` (one ``int8``
    row of :data:`OUTCOMES` codes per run asked for, in the order asked; memory: that many rows ×
    agents bytes). Keeping states changes no other result.
    """
    if not isinstance(agents, Agents):
        raise ValueError(f"agents must be an Agents object, got {type(agents).__name__}")
    params = parameters if parameters is not None else DecisionParameters()
    if not isinstance(params, DecisionParameters):
        raise ValueError(f"parameters must be DecisionParameters, got {type(params).__name__}")
    if isinstance(runs, bool) or not isinstance(runs, numbers.Integral) or runs < 1:
        raise ValueError(f"runs must be a whole number >= 1, got {runs!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
        raise ValueError(f"workers must be a whole number >= 1, got {workers!r}")
    runs, seed = int(runs), int(seed)
    kept = _kept_runs(keep_states, runs)
    model = _Model(agents, params)
    sizes = [min(RUN_BLOCK, runs - start) for start in range(0, runs, RUN_BLOCK)]
    # per block, the kept runs it holds (sorted), to be put back in the order asked for at the end
    in_order = np.sort(kept)
    block_of = in_order // RUN_BLOCK
    children = np.random.SeedSequence(seed).spawn(len(sizes))
    done = [0]
    lock = threading.Lock()

    def block(index: int) -> _BlockTotals:
        local = in_order[block_of == index] - index * RUN_BLOCK
        totals = _simulate_block(model, sizes[index], np.random.Generator(np.random.PCG64(children[index])), local)
        if progress is not None:
            with lock:
                done[0] += sizes[index]
                progress(done[0], runs)
        return totals

    if workers == 1 or len(sizes) == 1:
        blocks = [block(i) for i in range(len(sizes))]
    else:
        with ThreadPoolExecutor(max_workers=min(workers, len(sizes))) as pool:
            blocks = list(pool.map(block, range(len(sizes))))

    per_run = np.concatenate([b.per_run for b in blocks])
    funds_taken = np.concatenate([b.funds_taken for b in blocks])
    funds_out = np.concatenate([b.funds_out for b in blocks])
    by_threshold = np.concatenate([b.threshold_defections for b in blocks])
    new_defections = np.concatenate([b.new_defections for b in blocks])
    agent_counts = sum(b.agent_counts for b in blocks)
    timeline = sum(b.timeline for b in blocks)
    states = np.concatenate([b.states for b in blocks])[np.searchsorted(in_order, kept)] if kept.size else None
    counts = {name: Distribution.of(per_run[:, k], integer=True) for k, name in enumerate(OUTCOMES)}
    counts["defectors"] = Distribution.of(per_run[:, DEFECTED] + per_run[:, DEFECTED_WITH_FUNDS], integer=True)
    counts["threshold_defections"] = Distribution.of(by_threshold, integer=True)
    cascade_size = int(math.floor(params.cascade_share * int(agents.abroad.sum())))
    return DecisionResult(
        agents=agents, parameters=params, runs=runs, seed=seed, version=moneymen.__version__,
        counts=counts, agent_probabilities=agent_counts / runs, timeline=timeline / runs,
        funds_taken=Distribution.of(funds_taken), funds_out_of_reach=Distribution.of(funds_out),
        cascade_probability=float(np.mean(new_defections > cascade_size)), cascade_size=cascade_size,
        per_run=per_run, per_run_funds_taken=funds_taken, kept_runs=kept if kept.size else None, states=states,
    )


def _kept_runs(keep_states: Sequence[int] | None, runs: int) -> np.ndarray:
    """``keep_states`` checked: distinct whole numbers in [0, runs), as an int64 array (empty for None)."""
    if keep_states is None:
        return np.zeros(0, dtype=np.int64)
    values = list(keep_states)
    if any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in values):
        raise ValueError("keep_states must be run numbers (whole numbers)")
    kept = np.asarray(values, dtype=np.int64)
    if kept.size and (kept.min() < 0 or kept.max() >= runs):
        raise ValueError(f"keep_states must be run numbers in [0, {runs}), got {int(kept.min())} … {int(kept.max())}")
    if np.unique(kept).size != kept.size:
        raise ValueError("keep_states must not repeat a run")
    return kept


def step_probabilities(agents: Agents, parameters: DecisionParameters | None = None) -> np.ndarray:
    """Each agent's outcome probabilities after one step from the start, with no peer signal.

    Shape ``n × len(OUTCOMES)``: rows sum to 1. This is the model's first step in closed form
    (capture, then the logit; threshold rule and peer terms inactive because no peer has acted):
    with ``steps=1`` and nobody ``already_defected`` the Monte Carlo mean count per outcome must
    converge to the column sums.
    """
    params = parameters if parameters is not None else DecisionParameters()
    model = _Model(agents, params)
    n = model.n
    out = np.zeros((n, len(OUTCOMES)))
    q = model.q_undecided
    utility = model.static
    top = np.maximum(utility.max(axis=1), 0.0)
    z = np.exp(utility - top[:, None])
    stay = np.exp(-top)
    p = z / (stay + z.sum(axis=1))[:, None]
    abroad = model.abroad
    out[:, CAPTURED] = q
    out[:, RETURNED:DEFECTED_WITH_FUNDS + 1] = np.where(abroad[:, None], (1 - q)[:, None] * p, 0.0)
    out[:, UNDECIDED] = 1.0 - out[:, 1:].sum(axis=1)
    if params.tipping_probability > 0:
        # instigators: thresholds given as 0 tip with no peer having acted
        if model.thresholds is not None:
            tipped = (abroad & reaches_threshold(np.zeros(n), model.thresholds)).astype(float)
        else:
            tipped = abroad * _drawn_tipped_at_zero(params, model.peer_shift)
        if tipped.any():
            mass = params.tipping_probability * tipped
            pair = z[:, 2] + z[:, 3]
            rho = np.divide(z[:, 3], pair, out=np.zeros_like(pair), where=pair > 0)
            scaled = out[:, RETURNED:DEFECTED_WITH_FUNDS + 1] * (1 - mass)[:, None]
            scaled[:, 2] += (1 - q) * mass * (1 - rho)
            scaled[:, 3] += (1 - q) * mass * rho
            out[:, RETURNED:DEFECTED_WITH_FUNDS + 1] = np.where(abroad[:, None], scaled, 0.0)
            out[:, UNDECIDED] = 1.0 - out[:, 1:].sum(axis=1)
    out[agents.already_defected] = 0.0
    out[agents.already_defected, DEFECTED] = 1.0
    return out


def _drawn_tipped_at_zero(params: DecisionParameters, shift: np.ndarray) -> np.ndarray:
    """P(a drawn threshold max(N(mean, sd), min) + shift passes the test at signal 0), per agent."""
    limit = THRESHOLD_TOLERANCE - shift                          # tipped iff max(X, min) <= limit
    below_min = params.threshold_min <= limit
    if params.threshold_sd > 0:
        z = (limit - params.threshold_mean) / params.threshold_sd
        p = 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))
    else:
        p = (params.threshold_mean <= limit).astype(float)
    return np.where(below_min, p, 0.0)
