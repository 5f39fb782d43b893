"""Writing an import's statements: each entity's values checked, cleaned and graded, with the
import's provenance, merged into the store in bounded batches (:func:`write_statements`).

What the import service (:mod:`moneymen.services.imports`) guarantees of provenance is enforced
here, statement by statement: a statement's grade is at most the import's, its origin and last
seen are the import's own, its first seen no later than the import's; values pass through FtM's
property types and the bounds below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa
from followthemoney.exc import InvalidData
from followthemoney.property import Property
from followthemoney.types import registry

from moneymen.model import PROVENANCE_FIELDS, Grade, InvalidGrade, Origin, common_schema, get_schema
from moneymen.sources.base import ImportContext, SourceEntity, SourceError
from moneymen.sources.clean import CLEANED_TYPES, UnreadableDate, ValueCleaner
from moneymen.store import Store
from moneymen.store.base import STATEMENT_COLUMNS
from moneymen.timestamps import is_future, parse_timestamp

__all__ = ["BATCH_CHARS", "BATCH_SIZE", "MAX_TEXT_CHARS", "MAX_VALUE_CHARS", "MAX_VALUES_PER_ENTITY",
           "write_statements"]

#: Statements held in memory before they are merged into the store …
BATCH_SIZE = 100_000
#: … or characters of values, whichever comes first (bounds memory whatever the values' size).
BATCH_CHARS = 32 * 1024 * 1024
#: Longest value of a free-text property (FtM's ``text`` and ``html`` types: notes, descriptions).
MAX_TEXT_CHARS = 65_000
#: Longest value of any other property (names, addresses, identifiers…; the longest on the real
#: OFAC and UN lists is an address of 588 characters).
MAX_VALUE_CHARS = 4096
#: Most values one entity may have in one record (the most on the real lists: 52).
MAX_VALUES_PER_ENTITY = 10_000

_ORIGINS = {origin.value for origin in Origin}
_TEXT_TYPES = (registry.text, registry.html)


def _provenance(context: ImportContext) -> dict[str, str | None]:
    """The provenance every statement of this import shares, unless its source says otherwise."""
    return {
        "dataset": context.dataset,
        "source_url": context.source_url,
        "document_id": None,
        "origin": context.origin.value,
        "reliability": context.grade.reliability,
        "credibility": context.grade.credibility,
        "first_seen": context.seen,
        "last_seen": context.seen,
        "retrieved_at": context.retrieved_at,
        "source_last_seen": None,
    }


#: Provenance columns: the same for most statements of an import, so stored once per variant.
_PROVENANCE = tuple(name for name in PROVENANCE_FIELDS if name != "source_record")
#: Columns that differ from statement to statement.
_ROW = ("entity_id", "schema", "prop", "value", "lang", "quote", "source_record", "original_value")
#: Statement fields a file may state (its claims), each at most this long.
_CLAIM_CHARS = MAX_VALUE_CHARS


class _Batch:
    """Statements waiting to be merged, as columns, with where each entity was read (for errors)."""

    def __init__(self, context: ImportContext):
        self.rows: dict[str, list] = {name: [] for name in _ROW}
        self.variants: list[dict] = [_provenance(context)]
        self.variant_index: dict[tuple, int] = {}
        self.variant_of: list[int] = []
        self.chars = 0
        #: (entity id, schema) → where this import first states it, in this batch
        self.where: dict[tuple[str, str], str | int | None] = {}
        #: (entity id, referent id): ids the source says are this entity
        self.referents: list[tuple[str, str]] = []

    def full(self) -> bool:
        return len(self.variant_of) >= BATCH_SIZE or self.chars >= BATCH_CHARS

    def clear(self) -> None:
        for values in self.rows.values():
            values.clear()
        self.variant_of.clear()
        self.where.clear()
        self.referents.clear()
        self.chars = 0


def write_statements(store: Store, path: Path, entities: Iterable[SourceEntity], context: ImportContext,
           import_id: int, cleaner: ValueCleaner) -> tuple[int, int]:
    """Check entities against FtM and the limits, clean their values with FtM's types (``cleaner``),
    turn them into statement columns, merge them in batches.

    Returns (entities read, statements whose file named a dataset other than the import's).
    """
    batch = _Batch(context)
    rows = batch.rows
    entity_ids, schemata, props, values_, langs, quotes, records, originals = (rows[name].append for name in _ROW)
    keeps_datasets = context.restore or context.dataset_names is not None
    add_variant = batch.variant_of.append
    entity_count = claims = 0
    checked: dict[tuple[str, str], Property] = {}
    last_overrides: dict | None = None  # importers often share one overrides dict across an entity
    last_variant = 0
    for entity in entities:
        if context.seen != batch.variants[0]["last_seen"]:  # the importer has read the list's own date
            _check_list_date(path, context)
            batch.variants[0] = _provenance(context)
        where = entity.line if entity.line is not None else entity.record
        schema = get_schema(entity.schema)
        if schema is None:
            raise SourceError(path, where, f"unknown FtM schema {entity.schema!r} for entity {entity.id!r}")
        if not entity.id:
            raise SourceError(path, where, "entity without an id")
        if len(entity.id) > 200:
            raise SourceError(path, where, f"entity id of {len(entity.id):,} characters; at most 200 expected")
        if len(entity.values) > MAX_VALUES_PER_ENTITY:
            raise SourceError(path, where, f"entity {entity.id!r} has {len(entity.values):,} values; at most "
                                           f"{MAX_VALUES_PER_ENTITY:,} are accepted for one entity")
        entity_count += 1
        batch.where.setdefault((entity.id, entity.schema), where)
        _add_referents(path, where, batch, entity)
        countries = _country_hints(schema, entity)
        record = entity.record
        for value in entity.values:
            key = (entity.schema, value.prop)
            prop = checked.get(key)
            if prop is None:
                prop = schema.properties.get(value.prop)
                if prop is None:
                    raise SourceError(path, where, f"schema {entity.schema} has no property {value.prop!r}")
                checked[key] = prop
            _check_value(path, where, value.prop, prop.type, value.value)
            if prop.type in CLEANED_TYPES:
                try:
                    stored = cleaner.clean(schema, prop, value.value, value.original, countries)
                except UnreadableDate as error:
                    raise SourceError(path, where, str(error)) from None
                if stored is None:
                    continue
                prop_name, text, original = stored
            else:  # free text, names, entity references: stored as written
                prop_name, text, original = value.prop, value.value, value.original
            variant = 0
            if value.overrides is not None:
                if value.overrides is not last_overrides:
                    last_overrides = value.overrides
                    last_variant = _variant(path, where, batch, value.overrides, context)
                variant = last_variant
                claimed = value.overrides.get("dataset")
                if claimed is not None and claimed != context.dataset and not keeps_datasets:
                    claims += 1
            elif context.dataset_names is not None:
                raise SourceError(path, where, f"entity {entity.id!r}: no dataset for its {value.prop!r}; expected "
                                               "the datasets each entity or statement is from")
            entity_ids(entity.id)
            schemata(entity.schema)
            props(prop_name)
            values_(text)
            langs(value.lang)
            quotes(value.quote)
            records(value.overrides.get("source_record", record) if value.overrides else record)
            originals(original)
            add_variant(variant)
            batch.chars += len(text) + len(value.quote or "") + len(original or "")
        if batch.full():
            _flush(store, path, batch, import_id)
    _flush(store, path, batch, import_id)
    return entity_count, claims


def _check_value(path: Path, where: str | int | None, prop: str, kind, value: str) -> None:
    limit = MAX_TEXT_CHARS if kind in _TEXT_TYPES else MAX_VALUE_CHARS
    if len(value) > limit:
        raise SourceError(path, where, f"property {prop!r}: a value of {len(value):,} characters; at most "
                                       f"{limit:,} are accepted for a {kind.name} value")


def _country_hints(schema, entity: SourceEntity) -> Callable[[], set[str]]:
    """A function giving the country codes among ``entity``'s values (hints for reading its phone numbers)."""
    def countries() -> set[str]:
        found = set()
        for value in entity.values:
            prop = schema.properties.get(value.prop)
            if prop is not None and prop.type is registry.country and (code := registry.country.clean(value.value)):
                found.add(code)
        return found
    return countries


def _add_referents(path: Path, where: str | int | None, batch: _Batch, entity: SourceEntity) -> None:
    """Keep the ids the source says are ``entity`` (checked like entity ids) for this batch."""
    if len(entity.referents) > MAX_VALUES_PER_ENTITY:
        raise SourceError(path, where, f"entity {entity.id!r} has {len(entity.referents):,} referents; at most "
                                       f"{MAX_VALUES_PER_ENTITY:,} are accepted")
    for referent in entity.referents:
        if not isinstance(referent, str) or not referent or len(referent) > 200:
            raise SourceError(path, where, f"entity {entity.id!r}: referent {str(referent)[:60]!r}; expected an "
                                           "entity id of 1 to 200 characters")
        if referent != entity.id:
            batch.referents.append((entity.id, referent))


def _check_list_date(path: Path, context: ImportContext) -> None:
    if is_future(context.seen):
        raise SourceError(path, None, f"the list is dated {context.seen}, in the future; a list cannot have been "
                                      "published then (a wrong or forged date)")


def _variant(path: Path, where: str | int | None, batch: _Batch, overrides: dict, context: ImportContext) -> int:
    """The index of the provenance variant that ``overrides`` makes of the import's own."""
    key = tuple(sorted(overrides.items()))
    found = batch.variant_index.get(key)
    if found is None:
        found = batch.variant_index[key] = len(batch.variants)
        batch.variants.append(_claimed(path, where, batch.variants[0], overrides, context))
    return found


def _claimed(path: Path, where: str | int | None, base: dict, overrides: dict, context: ImportContext) -> dict:
    """The provenance of a statement whose file states some of it (``overrides``), as the import allows it.

    A restore keeps what the file says, once checked. Any other import keeps the file's source
    record, URL and document, takes the worse of the file's grade and its own, keeps a first
    seen no later than its own, keeps the file's last seen as ``source_last_seen`` (the source's
    claim), and uses its own origin, last seen and retrieval time, and its own dataset (an
    OpenSanctions import: the store's name for the dataset the file states, see :mod:`moneymen.services.imports`).
    """
    for name, claimed in overrides.items():
        if not isinstance(claimed, str):
            raise SourceError(path, where, f"statement field {name!r}: expected text, found {type(claimed).__name__}")
        if len(claimed) > _CLAIM_CHARS:
            raise SourceError(path, where, f"statement field {name!r} of {len(claimed):,} characters; at most "
                                           f"{_CLAIM_CHARS:,} expected")
    stated = {**base, **overrides}
    try:
        Grade.parse(f"{stated['reliability']}{stated['credibility']}")
    except InvalidGrade as error:
        raise SourceError(path, where, str(error)) from None
    for name in ("first_seen", "last_seen", "retrieved_at", "source_last_seen"):
        if name in overrides:
            try:
                stated[name] = parse_timestamp(overrides[name])
            except ValueError as error:
                raise SourceError(path, where, f"statement field {name!r}: {error}") from None
            if is_future(stated[name]):
                raise SourceError(path, where, f"statement field {name!r}: {stated[name]} is in the future")
    if context.restore:
        if stated["origin"] not in _ORIGINS:
            raise SourceError(path, where, f"unknown origin {stated['origin']!r}; expected one of {sorted(_ORIGINS)}")
        if not stated["dataset"]:
            raise SourceError(path, where, "statement field 'dataset' is empty")
        return stated
    row = dict(base)
    for name in ("source_record", "source_url", "document_id"):
        if name in overrides:
            row[name] = overrides[name]
    if context.dataset_names is not None and "dataset" in overrides:
        row["dataset"] = context.dataset_names(path, where, overrides["dataset"])
    row["reliability"] = max(base["reliability"], stated["reliability"].upper())
    row["credibility"] = max(base["credibility"], stated["credibility"])
    row["first_seen"] = min(base["first_seen"], stated["first_seen"])
    # the file's last seen is its source's claim: kept beside the import's own, which delisting reads
    claimed_last = stated["last_seen"] if "last_seen" in overrides else stated["source_last_seen"]
    row["source_last_seen"] = claimed_last
    return row


def _flush(store: Store, path: Path, batch: _Batch, import_id: int) -> None:
    if not batch.variant_of:
        return
    picks = pa.array(batch.variant_of, type=pa.int32())
    columns = {name: pa.array(values, type=pa.string()) for name, values in batch.rows.items()}
    for name in _PROVENANCE:
        columns[name] = pa.array([variant[name] for variant in batch.variants], type=pa.string()).take(picks)
    columns["import_id"] = pa.repeat(pa.scalar(import_id, pa.int32()), len(batch.variant_of))
    store.write_statements(pa.table({name: columns[name] for name in STATEMENT_COLUMNS}), import_id)
    store.write_referents(import_id, batch.referents)
    _check_schemata(store, path, batch)
    batch.clear()


def _check_schemata(store: Store, path: Path, batch: _Batch) -> None:
    """Refuse an entity this batch states with a schema FtM cannot reconcile with its others."""
    stated: dict[str, list[str]] = {}
    for entity_id, schema in batch.where:
        stated.setdefault(entity_id, []).append(schema)
    for entity_id, held in store.conflicting_schemata(list(stated)).items():
        try:
            common_schema([schema for schema, _ in held])
        except InvalidData:
            mine = stated[entity_id]
            others = sorted({f"{schema} ({dataset})" for schema, dataset in held if schema not in mine})
            raise SourceError(
                path, batch.where[(entity_id, mine[0])],
                f"entity {entity_id!r} is stated as {' and '.join(mine)} here, but the store also has it as "
                f"{', '.join(others) or ' and '.join(mine)}; FtM has no schema that is both. Give a different "
                "thing a different id") from None

