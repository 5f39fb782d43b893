"""Results as JSON: numpy numbers, tuples, sets and dataclasses turned into JSON types, and
non-finite floats written as the strings "nan", "inf" and "-inf" (JSON has no such numbers)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np


def json_number(value: Any) -> Any:
    """``value``, or for a non-finite float its name: "nan", "inf" or "-inf"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def jsonable(value: Any) -> Any:
    """``value`` with numpy numbers, tuples, sets and dataclasses turned into JSON types; non-finite floats as strings."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [jsonable(item) for item in items]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, float):
        return json_number(value)
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    return str(value)
