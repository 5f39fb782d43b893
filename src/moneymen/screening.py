"""Screening: match names and counterparties against everything in the store.

A :class:`Screener` reads the store's named entities once, builds the candidate index, and
answers queries: each result is the entity, its score and decision, the explanation, and the
sanctions and datasets behind it, so a compliance analyst sees why it was flagged and by whom.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from moneymen.files import SafeDictWriter, atomic_write
from moneymen.match.entities import (BIRTH_DATES_AGREE, COUNTRY_SHARED, DEFAULT_THRESHOLD, Match, Profile,
                                     compare_profiles)
from moneymen.match.index import CandidateIndex
from moneymen.match.schemata import schema_facts

if TYPE_CHECKING:  # the store, FtM's entities and the CSV readers load followthemoney: imported when used
    from moneymen.model import Entity
    from moneymen.store import Store

#: Candidates whose estimated score falls this far below the threshold (after what a query's
#: birth date and country could add) are not scored: the estimate is close, not exact.
MARGIN = 0.05
#: Candidates are scored best estimate first; the search stops after this many in a row have not
#: matched (the default; a caller that wants more results may ask for more patience).
CANDIDATES = 100
#: The most candidates one query may have scored in full.
MAX_CANDIDATES = 2000
#: The schema of a query that names none: screened as every matchable schema the store holds.
ANY_SCHEMA = "Thing"
#: Bounds on one query (an API query, a CSV row, a search text): the longest name in characters and
#: in words, and the most names (name, aliases, previous and weak aliases). The longest name on the
#: OFAC and UN lists has 324 characters and 45 words; the most names of one entity are 28.
MAX_NAME_LENGTH = 500
MAX_NAME_WORDS = 64
MAX_QUERY_NAMES = 50


@dataclass(frozen=True)
class ListedEntity:
    """A screenable entity: its id, schema, caption, properties, datasets and sanctions.

    ``sanctions`` are those an official list's own file states ('OFAC DPRK2'); sanctions that
    only another dataset states (an analyst's notes, an aggregator's export) are in
    ``claimed_sanctions``, each with the dataset that claims it ('UN SC DPRK (per my_notes)').
    ``last_change`` is when the entity's data last changed: the latest first sighting of any of
    its statements (what /match's and /search's ``changed_since`` compare with).
    """

    id: str
    schema: str
    caption: str
    properties: dict[str, list[str]]
    datasets: tuple[str, ...]
    sanctions: tuple[str, ...]
    first_seen: str | None = None
    last_seen: str | None = None
    claimed_sanctions: tuple[str, ...] = ()
    last_change: str | None = None


@dataclass(frozen=True)
class ScreeningResult:
    entity: ListedEntity
    match: Match

    @property
    def score(self) -> float:
        return self.match.score


class Screener:
    """Screen queries against the named entities of a store (or of one dataset)."""

    def __init__(self, entities: Iterable[ListedEntity], index: CandidateIndex | None = None):
        """Index ``entities`` (a list in memory); or screen with an ``index`` already built over
        them (``entities`` then a sequence in the index's order, as a saved index gives them)."""
        from moneymen.screening_index import ListedProfiles

        if index is None:
            self.entities = list(entities)
            self.by_id = {entity.id: entity for entity in self.entities}
            self.index = CandidateIndex(ListedProfiles(self.entities))
        else:
            self.entities = entities
            self.by_id = getattr(entities, "by_id", None) or {entity.id: entity for entity in entities}
            self.index = index

    @classmethod
    def from_store(cls, store: Store, dataset: str | None = None,
                   progress: Callable[[int], None] | None = None) -> "Screener":
        """Every named thing (people, organisations, vessels…) of the store, indexed: the index
        saved with the store when it is current, else one built now and saved for next time
        (see :mod:`moneymen.screening_index`). ``progress`` hears of entities read while building."""
        from moneymen.screening_index import screener_of_store

        return screener_of_store(store, dataset, progress)

    def screen(self, query: Profile, threshold: float = DEFAULT_THRESHOLD, limit: int = 5,
               candidates: int = CANDIDATES) -> list[ScreeningResult]:
        """The best ``limit`` results for ``query``, highest score first (matches and near misses).

        A query of a matchable schema (Person, Company, Vessel…) is screened against the entities
        that can be one. A query of a broader schema (Thing: what a query without a schema is;
        Asset; LegalEntity is itself matchable) is screened as every matchable schema below it
        that the store holds (see :func:`screening_schemata`), and each entity comes back once,
        with its best score. Among equal scores, the entity indexed first comes first.
        """
        schema = schema_facts(query.schema)
        if schema.matchable:
            found = self._screen_as(query, threshold, limit, candidates)
        else:
            best: dict[int, tuple[float, int, Match]] = {}
            for name in screening_schemata(query.schema, self.index.schemata):
                for item in self._screen_as(replace(query, schema=name), threshold, limit, candidates):
                    position = item[1]
                    if schema_facts(self.entities[position].schema).is_a(schema) and \
                            (position not in best or item[0] > best[position][0]):
                        best[position] = item
            found = sorted(best.values(), key=lambda item: (-item[0], item[1]))
        return [ScreeningResult(self.entities[position], verdict) for _, position, verdict in found[:limit]]

    def _screen_as(self, query: Profile, threshold: float, limit: int, candidates: int
                   ) -> list[tuple[float, int, Match]]:
        """(score, position, verdict) of the best ``limit`` candidates for a query of a matchable schema.

        The index estimates each entity's score; entities are scored in full, best estimate
        first, down to ``MARGIN`` (and what the query's birth date and country could add) below
        the threshold. The search stops early once ``limit`` results score at least as much as
        any later estimate could reach, after ``candidates`` candidates in a row have not
        matched, or after ``MAX_CANDIDATES``.
        """
        # what the query's facts beside the name could add to a score, and the estimate's margin
        lift = MARGIN + (BIRTH_DATES_AGREE if query.birth_dates else 0.0) + (COUNTRY_SHARED if query.countries else 0.0)
        positions, estimates = self.index.candidates(query, cutoff=max(threshold - lift, 0.0))
        profiles, forms = self.index.profiles, self.index.forms
        found: list[tuple[float, int, Match]] = []
        best: list[float] = []  # the ``limit`` best scores so far, as a heap
        since_match = 0
        for scored, (position, estimate) in enumerate(zip(positions.tolist(), estimates.tolist())):
            if scored >= MAX_CANDIDATES or since_match >= candidates:
                break
            if len(best) >= limit and best[0] >= min(1.0, estimate + lift):
                break  # no later candidate can displace the results held
            verdict = compare_profiles(query, profiles[position], threshold, forms[position])
            if verdict.score > 0:
                found.append((verdict.score, position, verdict))
                if len(best) < limit:
                    heapq.heappush(best, verdict.score)
                elif verdict.score > best[0]:
                    heapq.heapreplace(best, verdict.score)
            since_match = 0 if verdict.match else since_match + 1
        found.sort(key=lambda item: (-item[0], item[1]))
        return found[:limit]


def screening_schemata(query_schema: str, held: Iterable[str]) -> list[str]:
    """The schemata a query of ``query_schema`` is screened as, against entities of the ``held`` schemata.

    A matchable schema is screened as itself. A schema that is not (Thing, Asset) stands for the
    matchable schemata below it: each held one is screened as its broadest matchable ancestor
    (LegalEntity for people, organisations and companies; Vehicle for vessels and airplanes),
    which compares every candidate as its own kind of name, as if the query had named its schema.
    """
    query = schema_facts(query_schema)
    if query is None:
        raise ValueError(f"unknown FtM schema {query_schema!r}")
    if query.matchable:
        return [query.name]
    chosen: list[str] = []
    for name in held:
        schema = schema_facts(name)
        if schema is None or not schema.matchable or not schema.is_a(query):
            continue
        broadest = min((ancestor for ancestor in schema.schemata if ancestor.matchable and ancestor.can_match(schema)),
                       key=lambda ancestor: (len(ancestor.schemata), ancestor.name))
        if broadest.name not in chosen:
            chosen.append(broadest.name)
    return chosen


def oversized(name: str) -> str | None:
    """Why ``name`` is too long to screen (see MAX_NAME_LENGTH, MAX_NAME_WORDS), or None."""
    if len(name) > MAX_NAME_LENGTH:
        return f"a name of {len(name):,} characters: the limit is {MAX_NAME_LENGTH}"
    words = len(name.split())
    if words > MAX_NAME_WORDS:
        return f"a name of {words:,} words: the limit is {MAX_NAME_WORDS}"
    return None


def check_query(query: Profile) -> None:
    """Raise ValueError, saying which bound, when ``query`` has more than MAX_QUERY_NAMES names or an
    oversized one: the work one query can cause is bounded whatever its source."""
    if len(query.names) > MAX_QUERY_NAMES:
        raise ValueError(f"{len(query.names)} names to screen: the limit is {MAX_QUERY_NAMES} per query")
    for name, _ in query.names:
        problem = oversized(name)
        if problem:
            raise ValueError(f"{problem} ({name[:40]!r}…)")


#: Short names of sanctioning authorities, for result lists.
AUTHORITY_SHORT = {"United Nations Security Council": "UN SC", "Office of Foreign Assets Control": "OFAC"}


def sanction_label(sanction: "Entity", datasets: set[str] | None = None) -> str:
    """'OFAC DPRK2', 'UN SC DPRK': who sanctions, under which program (as ``datasets`` state it, if given)."""
    def values(prop: str) -> list[str]:
        return list(dict.fromkeys(stmt.value for stmt in sanction.statements
                                  if stmt.prop == prop and (datasets is None or stmt.dataset in datasets)))

    authorities = [AUTHORITY_SHORT.get(a, a) for a in values("authority")]
    programs = values("program")
    return " ".join(part for part in (authorities[:1] + programs[:1]) if part) or sanction.id


def load_listed(store: Store, dataset: str | None = None,
                progress: Callable[[int], None] | None = None) -> list[ListedEntity]:
    """The named things of the store, with the sanctions programs that list each of them.

    A sanction counts as official when the statement tying it to its target comes from an
    official list's dataset (:meth:`Store.official_datasets`); otherwise it is claimed by the
    dataset that states the tie.
    """
    from moneymen.entities import iter_entities

    official = store.official_datasets()
    sanctions: dict[str, set[str]] = defaultdict(set)
    claimed: dict[str, set[str]] = defaultdict(set)
    things: list[Entity] = []
    for count, entity in enumerate(iter_entities(store, dataset), start=1):
        schema = entity.schema
        if schema.is_a("Sanction"):
            for stmt in entity.statements:
                if stmt.prop != "entity":
                    continue
                if stmt.dataset in official:
                    sanctions[stmt.value].add(sanction_label(entity, official))
                else:
                    claimed[stmt.value].add(f"{sanction_label(entity)} (per {stmt.dataset})")
        elif schema.is_a("Thing") and not schema.edge and entity.values("name"):
            things.append(entity)
        if progress is not None and count % 1000 == 0:
            progress(count)
    listed = []
    for entity in things:
        proxy = entity.proxy
        listed.append(ListedEntity(
            id=entity.id, schema=entity.schema.name, caption=entity.caption,
            properties={prop: values for prop, values in proxy.properties.items()},
            datasets=tuple(entity.datasets), sanctions=tuple(sorted(sanctions.get(entity.id, ()))),
            first_seen=entity.first_seen(), last_seen=max((s.last_seen for s in entity.statements if s.last_seen),
                                                          default=None),
            last_change=max((s.first_seen for s in entity.statements if s.first_seen), default=None),
            claimed_sanctions=tuple(sorted(claimed.get(entity.id, set()) - sanctions.get(entity.id, set()))),
        ))
    return listed


#: Column names understood without a mapping file (lower case) → FtM property.
DEFAULT_COLUMNS = {
    "name": "name", "full_name": "name", "alias": "alias", "first_name": "firstName", "last_name": "lastName",
    "birth_date": "birthDate", "birthdate": "birthDate", "date_of_birth": "birthDate", "dob": "birthDate",
    "nationality": "nationality", "country": "country", "citizenship": "citizenship", "gender": "gender",
    "passport": "passportNumber", "passport_number": "passportNumber", "imo": "imoNumber",
    "imo_number": "imoNumber", "swift": "swiftBic", "bic": "swiftBic", "swift_bic": "swiftBic",
    "registration_number": "registrationNumber", "id_number": "idNumber",
}


@dataclass(frozen=True)
class ColumnMapping:
    """How the columns of a batch-screening CSV become a query: schema and column → property.

    The schema applies to rows whose ``schema_column`` is empty; Thing (the default) screens a
    row as any matchable schema (people, organisations, vessels, aircraft…).
    """

    schema: str
    columns: dict[str, str]
    schema_column: str | None = None

    @classmethod
    def guess(cls, header: list[str], schema: str = ANY_SCHEMA) -> "ColumnMapping":
        """Map the columns whose names are well known (name, dob, country, imo…)."""
        columns = {column: DEFAULT_COLUMNS[column.strip().lower()] for column in header
                   if column.strip().lower() in DEFAULT_COLUMNS}
        schema_column = next((c for c in header if c.strip().lower() == "schema"), None)
        return cls(schema, columns, schema_column)

    def query(self, row: dict[str, str]) -> Profile:
        """The query profile of one row."""
        properties: dict[str, list[str]] = defaultdict(list)
        for column, prop in self.columns.items():
            value = (row.get(column) or "").strip()
            if value:
                properties[prop].append(value)
        schema = (row.get(self.schema_column) or "").strip() if self.schema_column else ""
        return Profile.from_properties(schema or self.schema, properties)


#: Columns added to each row of a batch-screening result.
RESULT_COLUMNS = ("rank", "score", "match", "entity_id", "entity_name", "entity_schema", "datasets", "sanctions",
                  "claimed_sanctions",
                  "why")


def load_column_mapping(path: Path, header: list[str]) -> ColumnMapping:
    """Read a YAML mapping (``schema:`` and ``columns: {column: property}``) for batch screening."""
    from moneymen import safeyaml
    from moneymen.sources.base import SourceError

    try:
        config = safeyaml.load_file(path, "mapping")
    except safeyaml.YAMLInputError as error:
        raise SourceError(path, error.line, error.message) from None
    if not isinstance(config, dict) or not isinstance(config.get("columns"), dict):
        raise SourceError(path, None, "expected 'columns: {column: property}' and optionally 'schema: NAME'")
    missing = [column for column in config["columns"] if column not in header]
    if missing:
        raise SourceError(path, None, f"columns not in the CSV header: {', '.join(map(str, missing))}")
    schema = str(config.get("schema") or ANY_SCHEMA)
    Profile.from_properties(schema, {})  # checks the schema name
    return ColumnMapping(schema, {str(k): str(v) for k, v in config["columns"].items()},
                         config.get("schema_column"))


def screen_file(screener: Screener, source: Path, target: Path, mapping_path: Path | None = None,
                threshold: float = DEFAULT_THRESHOLD, limit: int = 5,
                progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Screen every row of a CSV; write one output row per result (or one empty row when none).

    Returns (rows screened, rows with at least one match). The output is written to a
    temporary file and renamed at the end. Every cell, the echoed input columns included, is
    guarded against spreadsheet formulas (:class:`moneymen.files.SafeDictWriter`).
    """
    from moneymen.sources.base import SourceError
    from moneymen.sources.csvrows import read_rows

    header: list[str] = []
    rows = read_rows(source, progress, header_out=header)
    screened = flagged = 0
    with atomic_write(target) as out:
        writer = None
        mapping = None
        for number, row in rows:
            if mapping is None:
                mapping = load_column_mapping(mapping_path, header) if mapping_path else ColumnMapping.guess(header)
                if not mapping.columns:
                    raise SourceError(source, 1, "no column to screen: name a column 'name' (or full_name, "
                                      "dob, country, imo…), or pass --mapping")
                writer = SafeDictWriter(out, fieldnames=[*header, *RESULT_COLUMNS])
                writer.writeheader()
            try:
                query = mapping.query(row)
                check_query(query)
            except ValueError as error:
                raise SourceError(source, number, str(error)) from None
            results = screener.screen(query, threshold=threshold, limit=limit) \
                if query.names or query.identifiers else []
            screened += 1
            flagged += any(result.match.match for result in results)
            if not results:
                writer.writerow({**row, "rank": 0})
            for rank, result in enumerate(results, start=1):
                writer.writerow({**row, **result_row(result, rank)})
        if writer is None:
            raise SourceError(source, 1, "no rows to screen")
    return screened, flagged


def result_row(result: ScreeningResult, rank: int) -> dict[str, object]:
    """One result as the columns of a batch-screening CSV."""
    verdict = result.match
    why = ""
    if verdict.name:
        why = f"name {verdict.name.score:.2f} ({verdict.name.method}: {verdict.name.left} ~ {verdict.name.right})"
    details = "; ".join([why, *(item.detail for item in verdict.evidence)])
    return {"rank": rank, "score": f"{verdict.score:.4f}", "match": str(verdict.match).lower(),
            "entity_id": result.entity.id, "entity_name": result.entity.caption,
            "entity_schema": result.entity.schema, "datasets": "; ".join(result.entity.datasets),
            "sanctions": "; ".join(result.entity.sanctions),
            "claimed_sanctions": "; ".join(result.entity.claimed_sanctions), "why": details}
