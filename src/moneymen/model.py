"""The evidence vocabulary: statements, Admiralty grades, origins.

FollowTheMoney (``followthemoney.model``) is the data model for entities; this
module only adds what FtM has no word for: the provenance of every value.
FtM's model (most of a second to load) is loaded when first used, not when this module is
imported: what only reads statements or grades (a CSV of pairs to score) does without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy
    from followthemoney.schema import Schema

__all__ = [
    "Grade",
    "Origin",
    "Statement",
    "get_schema",
    "InvalidGrade",
    "RunProvenance",
    "Judgement",
    "ordered_pair",
    "is_canonical_id",
]

RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}
_GRADE_RE = re.compile(r"^\s*([A-Fa-f])\s*[-/]?\s*([1-6])\s*$")


class InvalidGrade(ValueError):
    """A grade that is not Admiralty reliability A–F followed by credibility 1–6."""


@dataclass(frozen=True, slots=True)
class Grade:
    """An Admiralty (NATO) grade: source reliability A–F, information credibility 1–6.

    ``Grade.parse("B2")`` → usually reliable source, information probably true.
    Grades order from best (A1) to worst (F6) via :meth:`rank`.
    """

    reliability: str
    credibility: str

    @classmethod
    def parse(cls, text: str) -> "Grade":
        """Read a grade such as ``"B2"``, ``"b-2"`` or ``"B/2"``; raise InvalidGrade otherwise."""
        match = _GRADE_RE.match(text or "")
        if match is None:
            raise InvalidGrade(
                f"invalid grade {text!r}: expected source reliability A-F followed by "
                "information credibility 1-6, e.g. B2"
            )
        return cls(match.group(1).upper(), match.group(2))

    def __str__(self) -> str:
        return f"{self.reliability}{self.credibility}"

    def describe(self) -> str:
        """Human words for the grade, e.g. 'usually reliable / probably true'."""
        return f"{RELIABILITY[self.reliability]} / {CREDIBILITY[self.credibility]}"

    def at_least(self, minimum: "Grade") -> bool:
        """True when both reliability and credibility are as good as or better than ``minimum``.

        F and 6 ("cannot be judged") count as the worst values for filtering.
        """
        return self.reliability <= minimum.reliability and self.credibility <= minimum.credibility


UNGRADED = Grade("F", "6")


class Origin(str, Enum):
    """How a statement came to be: read from a list, extracted from text, or entered by an analyst."""

    IMPORT = "import"
    EXTRACTION = "extraction"
    ANALYST = "analyst"


@dataclass(slots=True)
class Statement:
    """One fact: entity ``entity_id`` (of ``schema``) has ``prop`` = ``value``, with its provenance.

    ``first_seen``/``last_seen``/``retrieved_at`` are ISO-8601 strings (UTC): ``last_seen`` is when
    this store last found the statement in an import of its dataset (what delisting reads).
    ``original_value`` is the text as the source wrote it when FtM's property type cleaned it into
    ``value`` (a country label read as its code, a date in another form), as FtM statements keep
    it; ``source_last_seen`` is when the source itself says it last saw the statement (the
    ``last_seen`` of an OpenSanctions or other FtM file: a claim, kept beside the store's own).
    """

    entity_id: str
    schema: str
    prop: str
    value: str
    dataset: str
    source_record: str | None = None
    source_url: str | None = None
    document_id: str | None = None
    quote: str | None = None
    lang: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    retrieved_at: str | None = None
    origin: str = Origin.IMPORT.value
    reliability: str = UNGRADED.reliability
    credibility: str = UNGRADED.credibility
    original_value: str | None = None
    source_last_seen: str | None = None

    @property
    def grade(self) -> Grade:
        return Grade(self.reliability, self.credibility)


#: The fields of a Statement that say where it came from (the rest say what it states).
PROVENANCE_FIELDS = ("dataset", "source_record", "source_url", "document_id", "first_seen", "last_seen",
                     "retrieved_at", "origin", "reliability", "credibility", "source_last_seen")


@lru_cache(maxsize=None)
def get_schema(name: str) -> Schema | None:
    """The FtM schema called ``name``, or None when FtM has no such schema."""
    from followthemoney import model

    return model.get(name)


def common_schema(names) -> Schema:
    """The most specific FtM schema that every schema in ``names`` is; InvalidData when there is none.

    (Person and LegalEntity → Person; Person and Vessel → InvalidData.) The result does not
    depend on the order of ``names``.
    """
    from followthemoney import model
    from followthemoney.exc import InvalidData

    ordered = sorted(set(names))
    schema = get_schema(ordered[0])
    for name in ordered[1:]:
        schema = model.common_schema(schema, name)
    if schema is None:  # one name, and FtM has no schema of that name
        raise InvalidData(f"unknown FtM schema {ordered[0]!r}")
    return schema


class Entity:
    """One entity as the store knows it: its statements, and the FtM view they add up to."""

    __slots__ = ("id", "statements", "_proxy")

    def __init__(self, entity_id: str, statements: list[Statement]):
        self.id = entity_id
        self.statements = statements
        self._proxy: EntityProxy | None = None

    @property
    def schema(self) -> Schema:
        """The most specific FtM schema all statements agree with (:func:`common_schema`).

        Imports refuse statements that cannot be reconciled; a store written before they did
        may still hold some (say Person and Vessel): the schemata are then taken in name
        order and one that disagrees with those before it is passed over, so every process
        reads the same schema.
        """
        from followthemoney import model
        from followthemoney.exc import InvalidData

        names = sorted({stmt.schema for stmt in self.statements})
        schema = get_schema(names[0])
        for name in names[1:]:
            try:
                schema = model.common_schema(schema, name)
            except InvalidData:
                continue
        if schema is None:  # imports refuse unknown schemata: only a damaged store has none FtM knows
            raise ValueError(f"entity {self.id!r}: no FtM schema called {' or '.join(map(repr, names))}")
        return schema

    @property
    def proxy(self) -> EntityProxy:
        """An FtM ``EntityProxy`` with every value (for captions, edges, exports), built in linear time.

        Values of properties the entity's schema lacks (only in stores written before imports
        refused them) are left out of the proxy; the statements keep them.
        """
        if self._proxy is None:
            from followthemoney import model

            properties: dict[str, list[str]] = {}
            for stmt in self.statements:
                properties.setdefault(stmt.prop, []).append(stmt.value)
            self._proxy = model.get_proxy({"id": self.id, "schema": self.schema.name,
                                               "properties": properties}, cleaned=True)
        return self._proxy

    @property
    def caption(self) -> str:
        return self.proxy.caption

    @property
    def datasets(self) -> list[str]:
        return sorted({stmt.dataset for stmt in self.statements})

    def values(self, prop: str) -> list[str]:
        """Distinct values of ``prop``, in statement order."""
        return list(dict.fromkeys(stmt.value for stmt in self.statements if stmt.prop == prop))

    def last_seen(self, dataset: str) -> str | None:
        seen = [stmt.last_seen for stmt in self.statements if stmt.dataset == dataset and stmt.last_seen]
        return max(seen) if seen else None

    def first_seen(self) -> str | None:
        seen = [stmt.first_seen for stmt in self.statements if stmt.first_seen]
        return min(seen) if seen else None

    def delisted_from(self, latest_seen: dict[str, str]) -> list[str]:
        """Datasets whose newest imported version no longer lists this entity.

        ``latest_seen`` maps dataset → when its newest version was seen (Store.latest_seen()).
        """
        gone = []
        for dataset in self.datasets:
            newest = latest_seen.get(dataset)
            last = self.last_seen(dataset)
            if newest and last and last < newest:
                gone.append(dataset)
        return gone

    def best_grade(self) -> Grade:
        """The best Admiralty grade among the statements (A1 best, F6 worst)."""
        best = min((stmt.reliability, stmt.credibility) for stmt in self.statements)
        return Grade(*best)


@dataclass(frozen=True, slots=True)
class RunProvenance:
    """What produced a scenario run: the scenario (``name``, its full ``scenario_text`` and that text's
    ``sha256``), the moneymen ``version``, the ``seed``, the number of Monte Carlo ``runs``, and when it
    started and finished (UTC, ISO-8601). Results are data saved with what produced them."""

    name: str
    scenario_text: str
    sha256: str
    version: str
    seed: int
    runs: int
    started_at: str
    finished_at: str


# -- resolution -------------------------------------------------------------------------

POSITIVE = "positive"
NEGATIVE = "negative"
UNSURE = "unsure"
#: An event that takes back an earlier judgement (``undoes`` names it).
UNDO = "undo"
#: What a judgement can say about a pair.
JUDGEMENTS = (POSITIVE, NEGATIVE, UNSURE)
#: Prefixes of canonical ids: ours, and nomenklatura's (as OpenSanctions' resolver files hold them).
CANONICAL_PREFIXES = ("mm-", "NK-")


def is_canonical_id(node: str) -> bool:
    """Whether ``node`` is a canonical id (``mm-…`` or nomenklatura's ``NK-…``) rather than a record's id."""
    return node.startswith(CANONICAL_PREFIXES)


def ordered_pair(left: str, right: str) -> tuple[str, str]:
    """The pair in the order the store keeps it (the smaller id first); ValueError for a record with itself."""
    if left == right:
        raise ValueError(f"{left!r} cannot be judged against itself")
    return (left, right) if left < right else (right, left)


@dataclass(frozen=True, slots=True)
class Judgement:
    """One event of the judgement log.

    ``judgement`` is positive, negative, unsure, or undo (then ``undoes`` is the id of the
    judgement it takes back, and the pair is that judgement's). ``origin`` says who decided:
    ``analyst`` (a person, named in ``analyst``), ``xref`` (an automatic merge on strong
    evidence), or ``import`` (read from a resolver file, named in ``reason``). ``score`` is the
    matcher's score when the pair was judged, if it was scored. ``id`` is None until stored.
    """

    left_id: str
    right_id: str
    judgement: str
    analyst: str
    created_at: str
    reason: str = ""
    score: float | None = None
    origin: str = "analyst"
    undoes: int | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.judgement not in (*JUDGEMENTS, UNDO):
            raise ValueError(f"judgement {self.judgement!r}: expected one of {', '.join((*JUDGEMENTS, UNDO))}")
        if (self.judgement == UNDO) != (self.undoes is not None):
            raise ValueError("an undo names the judgement it takes back (undoes), and only an undo does")
        if self.left_id >= self.right_id:
            raise ValueError(f"pair ({self.left_id!r}, {self.right_id!r}) is not in store order: use ordered_pair")

    @property
    def pair(self) -> tuple[str, str]:
        return (self.left_id, self.right_id)
