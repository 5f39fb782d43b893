"""A quantity's distribution over Monte Carlo runs: mean, standard error, quantiles and a histogram."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from moneymen.analysis.results import DistributionData

__all__ = ["QUANTILES", "Distribution"]

#: The quantiles a distribution reports.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Distribution:
    """A quantity's distribution over runs: mean, its standard error, quantiles, a histogram."""

    mean: float
    sd: float
    se: float                       # standard error of the mean, sd / sqrt(runs)
    quantiles: dict[str, float]     # "5%", "25%", "50%", "75%", "95%"
    histogram_edges: tuple[float, ...]
    histogram_counts: tuple[int, ...]

    @property
    def interval_90(self) -> tuple[float, float]:
        """The central 90 % interval over runs (5 % and 95 % quantiles)."""
        return self.quantiles["5%"], self.quantiles["95%"]

    @classmethod
    def of(cls, values: np.ndarray, integer: bool = False, bins: int = 40) -> "Distribution":
        values = np.asarray(values, dtype=float)
        runs = values.size
        sd = float(values.std(ddof=1)) if runs > 1 else 0.0
        low, high = float(values.min()), float(values.max())
        if integer:
            step = max(1, math.ceil((high - low + 1) / bins))
            edges = np.arange(low, high + step + 1, step) - 0.5
        else:
            edges = np.linspace(low, high, bins + 1) if high > low else np.array([low, low + 1.0])
        counts, edges = np.histogram(values, bins=edges)
        # a count of agents has observed values for quantiles (no 2.05 agents): the inverse of the empirical CDF
        quantiles = np.quantile(values, QUANTILES, method="inverted_cdf" if integer else "linear")
        return cls(mean=float(values.mean()), sd=sd, se=sd / math.sqrt(runs),
                   quantiles={f"{q * 100:g}%": float(v) for q, v in zip(QUANTILES, quantiles)},
                   histogram_edges=tuple(float(x) for x in edges), histogram_counts=tuple(int(c) for c in counts))

    def to_dict(self) -> DistributionData:
        return {"mean": self.mean, "sd": self.sd, "se": self.se, "quantiles": dict(self.quantiles),
                "interval_90": list(self.interval_90),
                "histogram": {"edges": list(self.histogram_edges), "counts": list(self.histogram_counts)}}
