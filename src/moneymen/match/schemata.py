"""What matching knows of FtM's schemata, without loading FtM's model.

Loading followthemoney's model parses some seventy YAML files, most of a second: more than a
whole ``moneymen screen`` with a saved index takes otherwise. Screening needs only a few facts
of each schema (its ancestors, whether it is matchable, whether it has a birth date), so they are
kept in :mod:`moneymen.match.schema_table`, a module written from FtM's model by
``python -m moneymen.match.schemata`` (a test checks that it still agrees with the installed FtM).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from moneymen.match.schema_table import SCHEMATA


@dataclass(frozen=True)
class SchemaFacts:
    """One FtM schema as matching sees it: its name, the names of its ancestors (itself
    included), whether entities of it are matched, and whether it has a ``birthDate``."""

    name: str
    names: frozenset[str]
    matchable: bool
    birth_date: bool

    def is_a(self, other: "str | SchemaFacts") -> bool:
        """Whether this schema is ``other`` or descends from it (as FtM's ``Schema.is_a``)."""
        return (other if isinstance(other, str) else other.name) in self.names

    def can_match(self, other: "SchemaFacts") -> bool:
        """Whether an entity of this schema may be compared with one of ``other`` (as FtM's
        ``Schema.can_match``): both matchable, one an ancestor of the other."""
        return self.matchable and other.matchable and (self.is_a(other) or other.is_a(self))

    @property
    def schemata(self) -> list["SchemaFacts"]:
        """This schema and its ancestors."""
        return [known_schema(name) for name in sorted(self.names)]


@lru_cache(maxsize=None)
def schema_facts(name: str) -> SchemaFacts | None:
    """The facts of the FtM schema called ``name``, or None when FtM has no such schema."""
    found = SCHEMATA.get(name)
    if found is None:
        return None
    ancestors, matchable, birth_date = found
    return SchemaFacts(name, frozenset(ancestors), matchable, birth_date)


def known_schema(name: str) -> SchemaFacts:
    """The facts of the FtM schema called ``name``; ValueError when FtM has no such schema."""
    found = schema_facts(name)
    if found is None:
        raise ValueError(f"unknown FtM schema {name!r}")
    return found


def table_from_ftm() -> dict[str, tuple[tuple[str, ...], bool, bool]]:
    """The table of :mod:`moneymen.match.schema_table` as the installed followthemoney defines it."""
    from followthemoney import model

    return {schema.name: (tuple(sorted(schema.names)), schema.matchable, "birthDate" in schema.properties)
            for schema in sorted(model, key=lambda schema: schema.name)}


def write_table(path: Path) -> None:
    """Write :mod:`moneymen.match.schema_table` from the installed followthemoney."""
    from importlib.metadata import version

    lines = [f'"""FtM {version("followthemoney")} schemata: name → (ancestors, matchable, has birthDate).',
             "", "Written by ``python -m moneymen.match.schemata``: do not edit.", '"""', "", "SCHEMATA = {"]
    lines.extend(f"    {name!r}: {facts!r}," for name, facts in table_from_ftm().items())
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_table(Path(__file__).with_name("schema_table.py"))
