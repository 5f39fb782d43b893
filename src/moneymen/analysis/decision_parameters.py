"""The numbers of the agents' decision model, each with its default and the reason for it.

:class:`DecisionParameters` holds the choice utilities' coefficients (one per choice and
covariate), the peer thresholds, the arrest squads' and the horizon's settings; the model itself
and the symbols are described in :mod:`moneymen.analysis.decisions`.

Parameters and their defaults
=============================

All defaults are **assumptions chosen to be plausible, not findings**: the open sources give
the mechanism (recall after the purge of Jang Song-thaek in December 2013, arrest squads sent
from Pyongyang, families kept at home as hostages, some officials going to ground, some
thinking of flight to the US or Europe, some with accounts only they knew) but no rates. A
scenario file should set them; every field of :class:`DecisionParameters` carries the reason for
its default (``DecisionParameters.reasons()``). In short (one step = one week):

=========================  =======  ==========================================================
parameter                  default  meaning
=========================  =======  ==========================================================
steps                      26       weeks simulated (half a year)
arrest_probability λ0      0.02     per step, exposure 1, no squad
squad_arrest_probability   0.15     per step, exposure 1, squad present (a_i = 1)
hidden_arrest_factor κ     0.25     hidden agents' arrest probability, relative
home_arrest_probability    0.10     per step, agents at home, exposure 1
funds_scale F_1/2          100,000  funds at which g = 1/2
threshold_mean / _sd       0.25/0.10 drawn peer thresholds (Granovetter's normal example)
threshold_min              0.01     floor of drawn thresholds (no tipping before any peer acts)
family_threshold_shift δh  0.20     hostage leverage on the threshold
tipping_probability τ      0.5      per step, a tipped agent defects on the threshold rule
cascade_share              0.10     a run is a cascade past this share of agents abroad (Watts)
=========================  =======  ==========================================================

Logit coefficients β (rows: option; columns: covariate)::

                       intercept exposure family funds squad peers_defected peers_punished
    return               -2.0     -2.0    +1.0    0     0          0            -2.0
    hide                 -4.0     +2.0     0      0   +1.5         0            +2.0
    defect               -6.0     +2.5    -2.0    0   +0.5        +2.0          +1.0
    defect_with_funds    -7.0     +2.5    -2.0  +3.0  +0.5        +2.0          +1.0

Read: exposure is fear (less return, more hiding and defection); family at home pulls agents
back and holds them from defecting (hostage leverage); funds one controls invite running with
them; a squad drives agents into hiding; peers seen defecting invite defection; peers seen
taken deter return and drive hiding and flight.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from moneymen.jsonable import json_number

__all__ = ["CAPTURED", "CHOICES", "COVARIATES", "DEFECTED", "DEFECTED_WITH_FUNDS", "HIDDEN", "OUTCOMES", "RETURNED",
           "RUN_BLOCK", "UNDECIDED", "DecisionParameters"]

#: Final states, in the order of every per-outcome array.
OUTCOMES = ("undecided", "returned", "hidden", "defected", "defected_with_funds", "captured")
UNDECIDED, RETURNED, HIDDEN, DEFECTED, DEFECTED_WITH_FUNDS, CAPTURED = range(6)
#: The options of the logit choice (staying undecided is the reference). Option k leads to state k + 1.
CHOICES = ("return", "hide", "defect", "defect_with_funds")
#: What a choice utility depends on (see the module docstring): one coefficient per choice and covariate.
COVARIATES = ("intercept", "exposure", "family", "funds", "squad", "peers_defected", "peers_punished")
#: Runs per block: each block has its own random stream (see "Runs and reproducibility").
RUN_BLOCK = 250


def _coefficient(default: float, reason: str) -> Any:
    return field(default=default, metadata={"reason": reason})


@dataclass(frozen=True)
class DecisionParameters:
    """Every number of the decision model, with its default and the reason for the default.

    Field names are the keys of a scenario file (:meth:`from_mapping`). Time unit: one step
    (a week by default). Coefficients are logit coefficients per step, relative to staying
    undecided; a ``*_intercept`` of ``-inf`` switches that option off. All defaults are
    assumptions (see the module docstring), documented in each field's ``metadata["reason"]``.
    """

    steps: int = field(default=26, metadata={"reason": (
        "weeks after the purge: half a year. Officials were reported vanishing within weeks of "
        "the December 2013 purge; assumption")})
    arrest_probability: float = field(default=0.02, metadata={"reason": (
        "per step, for an agent abroad with exposure 1 and no squad at its location: routine "
        "watch by embassy security (about 1 in 50 a week); assumption")})
    squad_arrest_probability: float = field(default=0.15, metadata={"reason": (
        "per step, for an agent with exposure 1 where an arrest squad is present (squad = 1): "
        "an exposed official who stays put is taken within about 7 weeks on average (the 2013 "
        "report: an arrest squad from Pyongyang guarding the emptied offices); assumption")})
    hidden_arrest_factor: float = field(default=0.25, metadata={"reason": (
        "a hidden agent's arrest probability relative to an undecided one: going to ground "
        "works, not perfectly; assumption")})
    home_arrest_probability: float = field(default=0.10, metadata={"reason": (
        "per step, for an agent at home with exposure 1: the state's reach at home is direct; "
        "assumption")})
    funds_scale: float = field(default=100_000.0, metadata={"reason": (
        "funds F_1/2 (scenario currency) at which the funds covariate g = F/(F + F_1/2) is 1/2: "
        "a six-figure sum is where the temptation to take the money is half its maximum; assumption")})
    threshold_mean: float = field(default=0.25, metadata={"reason": (
        "mean of the drawn peer thresholds (share of peers seen defecting): Granovetter's (1978) "
        "illustrative normal distribution of thresholds, mean 25 in a crowd of 100; assumption")})
    threshold_sd: float = field(default=0.10, metadata={"reason": (
        "standard deviation of the drawn thresholds: Granovetter's example tips between sd 10 "
        "and 15 of 100, so 0.10 keeps the default just short of a self-sustaining riot; assumption")})
    threshold_min: float = field(default=0.01, metadata={"reason": (
        "drawn thresholds below this are raised to it, so nobody defects on the threshold rule "
        "before some peer has: the spark comes from the logit (thresholds given per agent are "
        "used as given; 0 there makes an instigator); assumption")})
    family_threshold_shift: float = field(default=0.20, metadata={"reason": (
        "added to the threshold of an agent whose family is held at home: hostage leverage makes "
        "an agent wait for more peers to go first; assumption")})
    tipping_probability: float = field(default=0.5, metadata={"reason": (
        "per step, the chance that a tipped agent (peer share >= threshold) defects on the "
        "threshold rule: a tipped agent acts within about two weeks; assumption")})
    cascade_share: float = field(default=0.10, metadata={"reason": (
        "a run is a cascade when those who defect during it (with or without funds) exceed this "
        "share of the agents abroad: Watts's (2002) 10% cut-off for a global cascade")})

    return_intercept: float = _coefficient(-2.0, "an unexposed agent without family at home returns "
                                           "with probability about 0.12 a week: most obey a recall within weeks")
    return_exposure: float = _coefficient(-2.0, "exposure is fear: the closer to the patron, the less "
                                          "one wants to go home")
    return_family: float = _coefficient(1.0, "hostage leverage: a family at home pulls the agent back")
    return_funds: float = _coefficient(0.0, "no effect assumed")
    return_squad: float = _coefficient(0.0, "a squad raises capture (arrest probability), not voluntary return")
    return_peers_defected: float = _coefficient(0.0, "no effect assumed")
    return_peers_punished: float = _coefficient(-2.0, "seeing peers taken deters return")
    hide_intercept: float = _coefficient(-4.0, "about 2% a week for an unexposed agent")
    hide_exposure: float = _coefficient(2.0, "exposure is fear: the exposed go to ground (the 2013 report: "
                                        "officials tied to Jang fled arrest and hid)")
    hide_family: float = _coefficient(0.0, "no effect assumed")
    hide_funds: float = _coefficient(0.0, "no effect assumed")
    hide_squad: float = _coefficient(1.5, "a squad at the agent's location drives it into hiding")
    hide_peers_defected: float = _coefficient(0.0, "no effect assumed")
    hide_peers_punished: float = _coefficient(2.0, "seeing peers taken drives agents into hiding")
    defect_intercept: float = _coefficient(-6.0, "defection is rare at baseline (about 0.25% a week)")
    defect_exposure: float = _coefficient(2.5, "exposure is fear: the exposed have most to lose at home")
    defect_family: float = _coefficient(-2.0, "hostage leverage: a family at home makes defection about "
                                        "7 times less likely")
    defect_funds: float = _coefficient(0.0, "funds act on defecting *with* funds")
    defect_squad: float = _coefficient(0.5, "a squad nearby makes flight more urgent")
    defect_peers_defected: float = _coefficient(2.0, "graded social influence on top of the threshold rule")
    defect_peers_punished: float = _coefficient(1.0, "punishment seen raises fear")
    defect_with_funds_intercept: float = _coefficient(-7.0, "taking the money is rarer than plain defection "
                                                      "at baseline")
    defect_with_funds_exposure: float = _coefficient(2.5, "as for defect")
    defect_with_funds_family: float = _coefficient(-2.0, "as for defect")
    defect_with_funds_funds: float = _coefficient(3.0, "money one alone controls is a reason and a means "
                                                  "to run with it")
    defect_with_funds_squad: float = _coefficient(0.5, "as for defect")
    defect_with_funds_peers_defected: float = _coefficient(2.0, "as for defect")
    defect_with_funds_peers_punished: float = _coefficient(1.0, "as for defect")

    _PROBABILITIES = ("arrest_probability", "squad_arrest_probability", "hidden_arrest_factor",
                      "home_arrest_probability", "tipping_probability", "cascade_share")

    def __post_init__(self) -> None:
        steps = self.steps
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or not 1 <= steps <= 100_000:
            raise ValueError(f"DecisionParameters.steps must be a whole number from 1 to 100000, got {steps!r}")
        for item in fields(self):
            if item.name == "steps":
                continue
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(f"DecisionParameters.{item.name} must be a number, got {value!r}")
            value = float(value)
            object.__setattr__(self, item.name, value)
            if math.isnan(value):
                raise ValueError(f"DecisionParameters.{item.name} is NaN: give a number")
            if item.name in self._PROBABILITIES and not 0.0 <= value <= 1.0:
                raise ValueError(f"DecisionParameters.{item.name} is a probability and must be in [0, 1], got {value!r}")
            if item.name.endswith("_intercept"):
                if value == math.inf:
                    raise ValueError(f"DecisionParameters.{item.name} must be finite or -inf (option off), got {value!r}")
            elif not math.isfinite(value):
                raise ValueError(f"DecisionParameters.{item.name} must be finite, got {value!r}")
        if not self.funds_scale > 0:
            raise ValueError(f"DecisionParameters.funds_scale must be > 0, got {self.funds_scale!r}")
        for name in ("threshold_mean", "threshold_sd", "threshold_min"):
            if getattr(self, name) < 0:
                raise ValueError(f"DecisionParameters.{name} must be >= 0, got {getattr(self, name)!r}")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> "DecisionParameters":
        """Parameters from a scenario file's table: keys are field names; missing keys keep defaults.

        Unknown keys are an error (a misspelt key would otherwise silently keep the default).
        Numbers may be given as strings such as ``"-inf"`` (JSON has no infinity).
        """
        if not isinstance(mapping, Mapping):
            raise ValueError(f"decision parameters must be a table of name = value, got {type(mapping).__name__}")
        known = [item.name for item in fields(cls)]
        unknown = [key for key in mapping if key not in known]
        if unknown:
            hints = []
            for key in unknown:
                close = difflib.get_close_matches(str(key), known, n=1)
                hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise ValueError(f"unknown decision parameter{'s' if len(unknown) > 1 else ''} {', '.join(hints)}; "
                             f"known parameters: {', '.join(known)}")
        values = {}
        for key, value in mapping.items():
            if isinstance(value, str):
                try:
                    value = float(value.strip())
                except ValueError:
                    raise ValueError(f"DecisionParameters.{key} must be a number, got {value!r}") from None
                if key == "steps" and value.is_integer():
                    value = int(value)
            values[key] = value
        return cls(**values)

    @classmethod
    def threshold_limit(cls, **changes: Any) -> "DecisionParameters":
        """The deterministic limit: no logit choice, no arrests, hostage leverage off, τ = 1.

        A run is then the threshold cascade of :func:`~moneymen.algorithms.cascades.threshold_cascade` (fractional thresholds).
        Give ``threshold_mean`` with ``threshold_sd=0`` for a uniform threshold, or thresholds per
        agent in :class:`Agents`.
        """
        off = {f"{choice}_intercept": -math.inf for choice in CHOICES}
        base: dict[str, Any] = dict(off, arrest_probability=0.0, squad_arrest_probability=0.0, home_arrest_probability=0.0,
                    family_threshold_shift=0.0, tipping_probability=1.0, threshold_sd=0.0, threshold_min=0.0)
        base.update(changes)
        return cls(**base)

    def replace(self, **changes: Any) -> "DecisionParameters":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def coefficients(self) -> np.ndarray:
        """The logit coefficients as an array: one row per choice (:data:`CHOICES`), one column per covariate."""
        return np.array([[getattr(self, f"{choice}_{covariate}") for covariate in COVARIATES] for choice in CHOICES])

    def to_dict(self) -> dict[str, Any]:
        """Field → value; infinities as the strings ``"-inf"``/``"inf"`` so that the result is valid JSON."""
        return {item.name: json_number(getattr(self, item.name)) for item in fields(self)}

    @classmethod
    def reasons(cls) -> dict[str, str]:
        """Field → the reason for its default (for reports and scenario templates)."""
        return {item.name: item.metadata.get("reason", "") for item in fields(cls)}
