"""The outlet table: which names are news outlets, and the reliability their reports start from.

The bundled table (``extract/data/outlets.yaml``) is a default; a user's own file, in the same
form, replaces it (``moneymen read --outlets FILE``). An outlet the table does not know is F:
its reliability cannot be judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from moneymen import safeyaml
from moneymen.model import RELIABILITY

UNKNOWN = "F"


class OutletTableError(ValueError):
    """An outlet table that cannot be read: the file, the outlet and what was expected."""


def outlet_key(name: str) -> str:
    """A name as the table compares it: no case, no leading "the", no spaces, dots or hyphens."""
    text = re.sub(r"^\s*the\s+", "", name.strip(), flags=re.IGNORECASE)
    text = re.sub(r"[’']s$", "", text)
    return re.sub(r"[\s.\-–]+", "", text).casefold()


@dataclass(frozen=True)
class Outlet:
    name: str
    reliability: str


@dataclass(frozen=True)
class OutletTable:
    """Outlets by every name they go by."""

    by_key: dict[str, Outlet]

    def find(self, name: str) -> Outlet | None:
        """The outlet ``name`` names, if the table knows it."""
        return self.by_key.get(outlet_key(name))

    def reliability(self, name: str) -> str:
        """The reliability letter of ``name``: the table's, or F when it is not in the table."""
        found = self.find(name)
        return found.reliability if found else UNKNOWN

    @classmethod
    def parse(cls, text: str, source: str) -> "OutletTable":
        data = safeyaml.loads(text, source)
        if not isinstance(data, dict) or not isinstance(data.get("outlets"), dict):
            raise OutletTableError(f"{source}: expected a table 'outlets:' of outlet names")
        by_key: dict[str, Outlet] = {}
        for name, spec in data["outlets"].items():
            spec = spec or {}
            if not isinstance(spec, dict):
                raise OutletTableError(f"{source}: outlet {name!r}: expected 'reliability' and 'aliases'")
            letter = str(spec.get("reliability", UNKNOWN)).upper()
            if letter not in RELIABILITY:
                raise OutletTableError(f"{source}: outlet {name!r}: reliability {letter!r} is not one of A–F")
            outlet = Outlet(str(name), letter)
            for alias in (name, *(spec.get("aliases") or ())):
                by_key[outlet_key(str(alias))] = outlet
        return cls(by_key)


@lru_cache(maxsize=1)
def bundled_outlets() -> OutletTable:
    """The table shipped with moneymen."""
    text = resources.files("moneymen.extract").joinpath("data/outlets.yaml").read_text("utf-8")
    return OutletTable.parse(text, "extract/data/outlets.yaml")


def read_outlets(path: Path | None) -> OutletTable:
    """A user's outlet table, or the bundled one when ``path`` is None."""
    if path is None:
        return bundled_outlets()
    return OutletTable.parse(safeyaml.read_text(path, "outlet table"), str(path))
