"""Screening as a service: a screener over a store's entities, and batch screening of a CSV file.

:func:`screener_of_store` gives the screener of a store (or of one of its datasets): its saved index
when current (:mod:`moneymen.services.screening_index`), else one built from the store's listed
entities (:func:`load_listed`, each with the sanctions an official list states and those another
dataset only claims) and saved for the next process. Given a ``min_grade``, the entities are read
from only the statements graded at least that (names, birth dates, countries, identifiers and
sanctions alike), and that filter has its own saved index. :func:`screen_file` screens every row of a
CSV file against it (:class:`ColumnMapping` says which column is which property) and writes one
row per result. The CLI's ``screen`` and the API's ``/match`` call these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from moneymen.files import SafeDictWriter, atomic_write
from moneymen.match.profiles import DEFAULT_THRESHOLD, Profile
from moneymen.match.screener import ANY_SCHEMA, ListedEntity, Screener, ScreeningResult, check_query
from moneymen.services.screening_index import grade_filter, saved_screener

if TYPE_CHECKING:  # the store and FtM's entities load followthemoney: imported when used
    from moneymen.model import Entity, Grade
    from moneymen.store import Store


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
                progress: Callable[[int], None] | None = None, min_grade: Grade | None = None) -> list[ListedEntity]:
    """The named things of the store, with the sanctions programs that list each of them.

    A sanction counts as official when the statement tying it to its target comes from an
    official list's dataset (:meth:`Store.official_datasets`); otherwise it is claimed by the
    dataset that states the tie. With ``min_grade``, only the statements graded at least that
    are read (:meth:`moneymen.model.Grade.at_least`): what weaker ones state plays no part, and an
    entity none of whose names is so graded is not listed.
    """
    from moneymen.store.entities import iter_entities

    official = store.official_datasets()
    sanctions: dict[str, set[str]] = defaultdict(set)
    claimed: dict[str, set[str]] = defaultdict(set)
    things: list[Entity] = []
    for count, entity in enumerate(iter_entities(store, dataset, grade_filter(min_grade)), start=1):
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


def screening_query(schema: str = ANY_SCHEMA, name: str | None = None, birth_date: str | None = None,
                    countries: Sequence[str] = (), identifiers: Sequence[str] = ()) -> Profile:
    """The query of one screening: a name, a birth date, countries and identifiers written
    ``PROPERTY=VALUE`` (``imoNumber=9187863``), as a ``schema``. Raises ValueError, saying what is
    wrong, for an identifier not so written, an unknown schema, a query with neither a name nor an
    identifier, or one beyond screening's bounds (:func:`moneymen.match.screener.check_query`)."""
    properties: dict[str, list[str]] = {"name": [name]} if name is not None else {}
    if birth_date:
        properties["birthDate"] = [birth_date]
    if countries:
        properties["country"] = list(countries)
    for item in identifiers:
        prop, _, value = item.partition("=")
        if not value.strip():
            raise ValueError(f"--identifier {item!r}: expected PROPERTY=VALUE, e.g. imoNumber=9187863")
        properties.setdefault(prop.strip(), []).append(value.strip())
    query = Profile.from_properties(schema, properties)
    if not query.names and not query.identifiers:
        raise ValueError("nothing to screen: give a name, or an identifier such as imoNumber=9187863 "
                         f"(got {', '.join(identifiers)})")
    try:
        check_query(query)
    except ValueError as error:
        raise ValueError(f"cannot screen {error}") from None
    return query


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
            if writer is None or mapping is None:
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


def screener_of_store(store: "Store", dataset: str | None = None,
                      progress: Callable[[int], None] | None = None, min_grade: Grade | None = None) -> Screener:
    """The screener of ``dataset`` (None: the whole store), read at ``min_grade`` (None: every
    statement): the saved index if it is current, else one built from the store (and saved for the
    next process). ``progress`` hears of entities read while building."""
    screener, pending = saved_screener(store, dataset, min_grade)
    return screener if screener is not None else pending.build(load_listed(store, dataset, progress, min_grade))
