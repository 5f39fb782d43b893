"""The import service: run an importer over a file and write its statements in one transaction.

An import either commits whole or leaves the store exactly as it was (an error, Ctrl-C or a
killed process all roll back). Re-importing the same file into the same dataset is a no-op.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from moneymen.model import PROVENANCE_FIELDS, Grade, InvalidGrade, Origin, get_schema
from moneymen.sources import Format, detect_format, get_format
from moneymen.sources.base import ImportContext, SourceEntity, SourceError
from moneymen.store import Store
from moneymen.store.base import STATEMENT_COLUMNS

BATCH_SIZE = 100_000
_ORIGINS = {origin.value for origin in Origin}


@dataclass
class ImportResult:
    """What one import did."""

    path: str
    format: str
    dataset: str
    entities: int = 0
    statements: int = 0
    unchanged: bool = False
    import_id: int | None = None
    seen: str | None = None
    seconds: float = 0.0
    delisted: list[str] = field(default_factory=list)


def utc_now() -> str:
    """Now, as the ISO-8601 UTC text the store uses."""
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    store: Store,
    path: Path | str,
    format: str | None = None,
    dataset: str | None = None,
    grade: str | Grade | None = None,
    mapping: Path | str | None = None,
    seen: str | None = None,
    source_url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import ``path`` into ``store`` and say what changed.

    ``format`` is detected when omitted; ``dataset`` and ``grade`` default to the format's own
    (see :data:`moneymen.sources.FORMATS`, else the file's stem and F6). ``seen`` dates the
    statements when the list does not state its own publication time. Raises SourceError for
    bad input, with nothing written.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, None, "no such file")
    fmt: Format = get_format(format) if format else detect_format(path)
    if fmt.name == "csv" and mapping is None:
        raise SourceError(path, None, "a CSV import needs --mapping FILE (column -> FtM property)")
    try:
        grade = grade if isinstance(grade, Grade) else Grade.parse(grade) if grade else fmt.grade
    except InvalidGrade as error:
        raise SourceError(path, None, str(error)) from None
    dataset = dataset or fmt.dataset or _dataset_name(path)
    started = time.perf_counter()
    now = utc_now()
    context = ImportContext(
        dataset=dataset,
        grade=grade,
        retrieved_at=now,
        seen=seen or now,
        source_url=source_url,
        mapping=Path(mapping) if mapping else None,
        progress=progress,
    )
    result = ImportResult(path=str(path), format=fmt.name, dataset=dataset)
    sha256 = file_sha256(path)
    previous = store.find_import(dataset, sha256)
    if previous is not None:
        result.unchanged = True
        result.import_id = previous.id
        result.entities, result.statements = previous.entities or 0, previous.statements or 0
        result.seen = previous.seen
        return result
    with store.transaction():
        import_id = store.start_import(dataset, fmt.name, str(path.resolve()), sha256, context.seen, now, str(grade))
        entities = fmt.importer.read(path, context)
        result.entities, result.statements = _write(store, path, entities, context, import_id)
        if result.entities == 0:
            raise SourceError(path, None, f"no entities found; expected a {fmt.description} file")
        store.finish_import(import_id, utc_now(), result.entities, result.statements, context.seen, context.list_date)
        result.delisted = store.delisted_entity_ids(dataset)
    result.import_id = import_id
    result.seen = context.seen
    result.seconds = time.perf_counter() - started
    return result


def _dataset_name(path: Path) -> str:
    stem = "".join(ch if ch.isalnum() else "_" for ch in path.stem.lower()).strip("_")
    return stem or "dataset"


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
    }


#: Provenance columns: the same for most statements of an import, so stored once per variant.
_PROVENANCE = tuple(name for name in PROVENANCE_FIELDS if name != "source_record")
#: Columns that differ from statement to statement.
_ROW = ("entity_id", "schema", "prop", "value", "lang", "quote", "source_record")


def _write(store: Store, path: Path, entities: Iterable[SourceEntity], context: ImportContext, import_id: int) -> tuple[int, int]:
    """Validate entities against FtM, turn them into statement columns, merge them in batches."""
    rows: dict[str, list] = {name: [] for name in _ROW}
    variants: list[dict] = [_provenance(context)]
    variant_index: dict[tuple, int] = {}
    variant_of: list[int] = []
    entity_ids, schemata, props, values_, langs, quotes, records = (rows[name].append for name in _ROW)
    add_variant = variant_of.append
    entity_count = statement_count = 0
    checked: set[tuple[str, str]] = set()
    last_overrides: dict | None = None  # importers often share one overrides dict across an entity
    last_variant = 0
    for entity in entities:
        if context.seen != variants[0]["last_seen"]:  # the importer has read the list's own date
            variants[0] = _provenance(context)
        where = entity.line if entity.line is not None else entity.record
        schema = get_schema(entity.schema)
        if schema is None:
            raise SourceError(path, where, f"unknown FtM schema {entity.schema!r} for entity {entity.id!r}")
        if not entity.id:
            raise SourceError(path, where, "entity without an id")
        entity_count += 1
        record = entity.record
        for value in entity.values:
            key = (entity.schema, value.prop)
            if key not in checked:
                if value.prop not in schema.properties:
                    raise SourceError(path, where, f"schema {entity.schema} has no property {value.prop!r}")
                checked.add(key)
            variant = 0
            if value.overrides is not None:
                if value.overrides is not last_overrides:
                    last_overrides = value.overrides
                    last_variant = _variant(path, where, variants, variant_index, value.overrides)
                variant = last_variant
            entity_ids(entity.id)
            schemata(entity.schema)
            props(value.prop)
            values_(value.value)
            langs(value.lang)
            quotes(value.quote)
            records(value.overrides.get("source_record", record) if value.overrides else record)
            add_variant(variant)
            statement_count += 1
        if len(variant_of) >= BATCH_SIZE:
            _flush(store, rows, variants, variant_of, import_id)
    _flush(store, rows, variants, variant_of, import_id)
    return entity_count, statement_count


def _variant(path: Path, where: object, variants: list[dict], index: dict[tuple, int], overrides: dict) -> int:
    """The index of the provenance variant that ``overrides`` makes of the import's own."""
    key = tuple(sorted(overrides.items()))
    found = index.get(key)
    if found is None:
        found = index[key] = len(variants)
        variants.append(_override(path, where, variants[0], overrides))
    return found


def _override(path: Path, where: object, base: dict, overrides: dict) -> dict:
    row = {**base, **overrides}
    if row["origin"] not in _ORIGINS:
        raise SourceError(path, where, f"unknown origin {row['origin']!r}; expected one of {sorted(_ORIGINS)}")
    try:
        Grade.parse(f"{row['reliability']}{row['credibility']}")
    except InvalidGrade as error:
        raise SourceError(path, where, str(error)) from None
    return row


def _flush(store: Store, rows: dict[str, list], variants: list[dict], variant_of: list[int], import_id: int) -> None:
    if not variant_of:
        return
    picks = pa.array(variant_of, type=pa.int32())
    columns = {name: pa.array(values, type=pa.string()) for name, values in rows.items()}
    for name in _PROVENANCE:
        columns[name] = pa.array([variant[name] for variant in variants], type=pa.string()).take(picks)
    columns["import_id"] = pa.repeat(pa.scalar(import_id, pa.int32()), len(variant_of))
    store.write_statements(pa.table({name: columns[name] for name in STATEMENT_COLUMNS}))
    for values in rows.values():
        values.clear()
    variant_of.clear()
