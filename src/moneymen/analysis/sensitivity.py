"""One-at-a-time sensitivity of the decision model: each parameter moved down and up, the rest
kept, and what it does to the outcomes (defectors, funds taken, cascades…), largest effect first."""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import moneymen
from moneymen.analysis.agents import Agents
from moneymen.analysis.decision_parameters import DecisionParameters
from moneymen.analysis.decisions import DecisionResult, simulate_decisions
from moneymen.jsonable import json_number

__all__ = ["SENSITIVITY_METRICS", "SensitivityResult", "SensitivityRow", "sensitivity"]

#: What a sensitivity analysis can rank by: a function of a result.
SENSITIVITY_METRICS: dict[str, Callable[[DecisionResult], float]] = {
    "defectors": lambda r: r.counts["defectors"].mean,
    "defected_with_funds": lambda r: r.counts["defected_with_funds"].mean,
    "returned": lambda r: r.counts["returned"].mean,
    "captured": lambda r: r.counts["captured"].mean,
    "hidden": lambda r: r.counts["hidden"].mean,
    "funds_taken": lambda r: r.funds_taken.mean,
    "funds_out_of_reach": lambda r: r.funds_out_of_reach.mean,
    "cascade_probability": lambda r: r.cascade_probability,
}
_NOT_VARIED = ("steps", "cascade_share")        # the horizon is the question asked; the cut-off only labels runs


@dataclass(frozen=True)
class SensitivityRow:
    """One parameter moved down and up, everything else at its value: the metrics at both ends."""

    parameter: str
    value: float
    low: float
    high: float
    at_low: dict[str, float]
    at_high: dict[str, float]

    def effect(self, metric: str) -> float:
        """Metric at the high end minus at the low end."""
        return self.at_high[metric] - self.at_low[metric]

    def to_dict(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "value": json_number(self.value), "low": self.low, "high": self.high,
                "at_low": dict(self.at_low), "at_high": dict(self.at_high),
                "effect": {metric: self.effect(metric) for metric in self.at_low}}


@dataclass(frozen=True)
class SensitivityResult:
    """One-at-a-time sensitivity: ``rows`` sorted by the size of their effect on ``metric``, largest first."""

    metric: str
    change: float
    runs: int
    seed: int
    version: str
    base: dict[str, float]
    rows: tuple[SensitivityRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "change": self.change, "runs": self.runs, "seed": self.seed,
                "version": self.version, "base": dict(self.base), "rows": [row.to_dict() for row in self.rows]}


def sensitivity(agents: Agents, parameters: DecisionParameters | None = None, *, runs: int, seed: int,
                metric: str = "defectors", change: float = 0.5, names: Sequence[str] | None = None,
                progress: Callable[[int, int], None] | None = None) -> SensitivityResult:
    """Which parameters move the outcome most: each moved down and up by ``change``, one at a time.

    A parameter with value ``x`` is run at ``x − d`` and ``x + d`` with ``d = change·|x|``, or
    ``d = change`` when ``x`` is 0 (logit units for a coefficient), clipped to the parameter's
    range (probabilities to [0, 1], scales and thresholds to >= 0). Every run uses the same
    ``seed`` (common random numbers), so differences are not sampling noise between runs. Options
    switched off (intercept ``-inf``), ``steps`` and ``cascade_share`` are not varied. Cost:
    ``2 × len(names) + 1`` simulations of ``runs`` runs; ``progress(done, total)`` counts them.
    """
    if metric not in SENSITIVITY_METRICS:
        raise ValueError(f"metric must be one of {', '.join(SENSITIVITY_METRICS)}, got {metric!r}")
    if not (isinstance(change, numbers.Real) and 0 < change <= 10):
        raise ValueError(f"change must be a number in (0, 10], got {change!r}")
    params = parameters if parameters is not None else DecisionParameters()
    known = [item.name for item in fields(DecisionParameters)]
    if names is None:
        names = [name for name in known if name not in _NOT_VARIED and math.isfinite(getattr(params, name))]
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(str(name), known, n=1)
            raise ValueError(f"unknown decision parameter {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        if name in _NOT_VARIED or not math.isfinite(getattr(params, name)):
            raise ValueError(f"DecisionParameters.{name} cannot be varied (it is steps, cascade_share or -inf)")

    def measure(p: DecisionParameters) -> dict[str, float]:
        result = simulate_decisions(agents, p, runs=runs, seed=seed)
        return {key: float(fn(result)) for key, fn in SENSITIVITY_METRICS.items()}

    total = 2 * len(names) + 1
    base = measure(params)
    if progress is not None:
        progress(1, total)
    rows = []
    for index, name in enumerate(names):
        value = float(getattr(params, name))
        step = change * abs(value) if value != 0 else change
        low, high = value - step, value + step
        if name in DecisionParameters._PROBABILITIES:
            low, high = max(low, 0.0), min(high, 1.0)
        elif name in ("funds_scale",):
            low = max(low, value * 1e-3)
        elif name.startswith("threshold_"):
            low = max(low, 0.0)
        rows.append(SensitivityRow(parameter=name, value=value, low=low, high=high,
                                   at_low=measure(params.replace(**{name: low})),
                                   at_high=measure(params.replace(**{name: high}))))
        if progress is not None:
            progress(2 * index + 3, total)
    rows.sort(key=lambda row: (-abs(row.effect(metric)), row.parameter))
    return SensitivityResult(metric=metric, change=float(change), runs=runs, seed=seed, version=moneymen.__version__,
                             base=base, rows=tuple(rows))
