"""Names of entries within one SDN file: SDN_Name → ent_num, for "Linked To", vessel owners and
aircraft operators.

A name is looked up as written, then without its final period (the clause's own full stop),
then case- and space-insensitively. Among several entries of that name, the one sharing a
program with the source entry is taken; otherwise the name is not resolved, and why is said.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from moneymen.sources.ofac.rows import Row, programs

#: How many ent_nums a "not resolved" note lists when several entries share a name.
LISTED_HOMONYMS = 5


def _loose(name: str) -> str:
    return " ".join(name.casefold().split()).rstrip(". ")


class _Homonyms:
    """The entries that share one name (as written, or loosely), and the same per program.

    Built once for the file, so that resolving a name among thousands of homonyms is a few
    lookups rather than a scan (ent_nums are unique in a file, so each is here once).
    """

    __slots__ = ("ents", "by_program", "_why")

    def __init__(self) -> None:
        self.ents: list[str] = []
        self.by_program: dict[str, list[str]] = defaultdict(list)
        self._why: str | None = None

    def add(self, ent_num: str, codes: Iterable[str]) -> None:
        self.ents.append(ent_num)
        for code in codes:
            self.by_program[code].append(ent_num)

    def sharing(self, codes: Iterable[str]) -> str | None:
        """The one entry that shares a program in ``codes``; None when none or several do."""
        found = None
        for code in codes:
            for ent in self.by_program.get(code, ()):
                if found is None:
                    found = ent
                elif ent != found:
                    return None  # a second one: at most a few steps, however many homonyms
        return found

    def why(self) -> str:
        """Why the name is not resolved: how many entries have it, and the first few ent_nums."""
        if self._why is None:
            listed = ", ".join(self.ents[:LISTED_HOMONYMS])
            more = len(self.ents) - LISTED_HOMONYMS
            self._why = (f"{len(self.ents)} entries have this name: ent_num {listed}"
                         + (f" and {more:,} more" if more > 0 else ""))
        return self._why


class NameIndex:
    """SDN_Name → ent_nums of the whole file, for "Linked To", vessel owners and aircraft operators."""

    def __init__(self, rows: Iterable[Row]):
        self.exact: dict[str, _Homonyms] = defaultdict(_Homonyms)
        self.loose: dict[str, _Homonyms] = defaultdict(_Homonyms)
        self.programs: dict[str, tuple[str, ...]] = {}
        for row in rows:
            name = row.get("SDN_Name") or ""
            codes = self.programs[row.ent_num] = tuple(programs(row.get("Program")))
            self.exact[name].add(row.ent_num, codes)
            self.loose[_loose(name)].add(row.ent_num, codes)

    def resolve(self, name: str, source: str) -> tuple[str | None, str]:
        """(ent_num, "") for the entry called ``name``, or (None, why not).

        Among several entries of that name, the one sharing a program with ``source`` is taken.
        """
        name = name.strip()
        tries = [self.exact.get(name)]
        if name.endswith("."):
            tries.append(self.exact.get(name[:-1].rstrip()))
        tries.append(self.loose.get(_loose(name)))
        for candidates in tries:
            if candidates is None:
                continue
            if len(candidates.ents) == 1:
                return candidates.ents[0], ""
            sharing = candidates.sharing(self.programs.get(source, ()))
            if sharing is not None:
                return sharing, ""
            return None, candidates.why()
        return None, "no entry of this file has this name"
