"""OpenSanctions' published data: ``entities.ftm.json`` and ``statements.csv``, told apart by content.

* **Entities** (``entities.ftm.json``): one FtM entity per line, as OpenSanctions exports a
  dataset or a collection: ``id``, ``schema``, ``caption``, ``properties``, ``datasets`` (the
  OpenSanctions datasets it is from), ``referents`` (the ids of the source records merged into
  it), ``first_seen``, ``last_seen``, ``last_change`` and ``target``. The file does not say which
  of its datasets stated which value, so each value is stated in every dataset the entity names:
  the entity is listed in each of them, and a later version of one of those datasets that no
  longer has it delists it there only.
* **Statements** (``statements.csv``): one value per row, with a header naming at least
  ``entity_id``, ``prop``, ``schema``, ``value`` and ``dataset`` (OpenSanctions adds ``id``,
  ``canonical_id``, ``prop_type``, ``lang``, ``original_value``, ``first_seen``, ``last_seen``,
  ``external`` and ``origin``; columns may come in any order). Rows are stored under their
  ``canonical_id`` (the entity as OpenSanctions publishes it, the same id as in its entities
  file); an ``entity_id`` that differs is kept as a referent. Rows on FtM's ``id``
  pseudo-property are skipped, and so are ``external`` rows (candidate matches OpenSanctions has
  not accepted as part of the entity), which the import counts.

Each value keeps its dataset (under the name :mod:`moneymen.services.imports` gives it), OpenSanctions'
``first_seen`` (kept when earlier than the import) and ``last_seen`` (kept as the statement's
``source_last_seen``), ``lang`` and ``original_value``. ``last_change``, ``target`` and
``caption`` are not kept: moneymen works them out from the statements. Referents are kept in
the store's ``referents`` table (:meth:`moneymen.store.Store.referents`) for resolution.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import orjson

from moneymen.sources.base import ImportContext, SourceEntity, SourceError, Value, read_bounded_lines
from moneymen.sources.csvmap import read_rows

BOM = b"\xef\xbb\xbf"
#: Columns a statements file must have.
STATEMENT_COLUMNS = ("entity_id", "prop", "schema", "value", "dataset")
#: Columns only OpenSanctions' (FtM's) statement files have, one of which tells the format apart.
STATEMENT_MARKERS = ("canonical_id", "prop_type")
#: Keys only OpenSanctions' (FtM's) entity exports have, one of which tells the format apart.
ENTITY_MARKERS = (b'"referents"', b'"last_change"')
_TRUE = {"t", "true", "1", "yes"}


def sniff(head: bytes) -> bool:
    """True for OpenSanctions' entities JSON lines or statements CSV (not for moneymen's own export)."""
    first = head.removeprefix(BOM).lstrip().split(b"\n", 1)[0]
    if first.startswith(b"{"):
        return b'"schema"' in first and any(key in first for key in ENTITY_MARKERS) and b'"statements"' not in first
    return _is_statements_header(first)


def _is_statements_header(line: bytes) -> bool:
    try:
        columns = {name.strip() for name in next(csv.reader([line.decode("utf-8").strip()]))}
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return False
    return set(STATEMENT_COLUMNS) <= columns and any(marker in columns for marker in STATEMENT_MARKERS)


def read(path: Path, context: ImportContext) -> Iterator[SourceEntity]:
    """Yield the entities of an OpenSanctions entities or statements file."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024).removeprefix(BOM).lstrip()
    if head.startswith(b"{"):
        yield from _read_entities(path, context)
    else:
        yield from _read_statements(path, context)


# -- entities.ftm.json ------------------------------------------------------------------


def _read_entities(path: Path, context: ImportContext) -> Iterator[SourceEntity]:
    total = path.stat().st_size
    with path.open("rb") as handle:
        for number, line in read_bounded_lines(handle, path):
            if number == 1:
                line = line.removeprefix(BOM)
            if not line.strip():
                continue
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise SourceError(path, number, f"invalid JSON ({error}); expected one entity per line") from None
            if not isinstance(data, dict):
                raise SourceError(path, number, f"expected a JSON object (an entity), found {type(data).__name__}")
            yield _entity(path, number, data)
            if number % 2000 == 0:
                context.report(handle.tell(), total)
    context.report(total, total)


def _entity(path: Path, number: int, data: dict) -> SourceEntity:
    entity_id, schema = data.get("id"), data.get("schema")
    if not isinstance(entity_id, str) or not entity_id or not isinstance(schema, str) or not schema:
        raise SourceError(path, number, "expected a non-empty string 'id' and 'schema'")
    datasets = _strings(path, number, data, "datasets")
    if not datasets:
        raise SourceError(path, number, f"entity {entity_id!r}: expected 'datasets', the OpenSanctions datasets "
                                        "it is from")
    entity = SourceEntity(id=entity_id, schema=schema, line=number,
                          referents=sorted(set(_strings(path, number, data, "referents"))))
    dates = {}
    for key in ("first_seen", "last_seen"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise SourceError(path, number, f"{key!r}: expected a date as text, found {type(value).__name__}")
        if value:
            dates[key] = value
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        raise SourceError(path, number, "expected 'properties' to be an object of lists")
    values: list[tuple[str, str]] = []
    for prop, items in properties.items():
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                item = item["id"]  # a nested entity
            if not isinstance(item, str):
                raise SourceError(path, number, f"property {prop!r}: expected string values, found {type(item).__name__}")
            values.append((prop, item))
    for dataset in dict.fromkeys(datasets):
        overrides: dict[str, str | None] = {"dataset": dataset, **dates}
        entity.values.extend(Value(prop, value, overrides=overrides) for prop, value in values)
    return entity


def _strings(path: Path, number: int, data: dict, key: str) -> list[str]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, str) and item for item in items):
        raise SourceError(path, number, f"{key!r}: expected a list of non-empty strings")
    return items


# -- statements.csv ---------------------------------------------------------------------


def _read_statements(path: Path, context: ImportContext) -> Iterator[SourceEntity]:
    header: list[str] = []
    pending: SourceEntity | None = None
    referents: set[str] = set()
    shared: dict[tuple[str, str, str], dict[str, str | None]] = {}  # one overrides dict per provenance
    external = 0
    checked = False
    for number, row in read_rows(path, context.report, header_out=header):
        if not checked:
            _check_header(path, header)
            checked = True
        if row.get("prop") == "id" or not row["value"]:
            continue
        if row.get("external", "").strip().lower() in _TRUE:
            external += 1
            continue
        source_id = row["entity_id"]
        entity_id = row.get("canonical_id") or source_id
        schema = row["schema"]
        if pending is None or pending.id != entity_id or pending.schema != schema:
            if pending is not None:
                pending.referents = sorted(referents)
                yield pending
            pending = SourceEntity(id=entity_id, schema=schema, line=number)
            referents = set()
        if source_id and source_id != entity_id:
            referents.add(source_id)
        if len(shared) > 10_000:
            shared.clear()
        dates = (row["dataset"], row.get("first_seen", ""), row.get("last_seen", ""))
        overrides = shared.get(dates)
        if overrides is None:
            overrides = shared[dates] = {key: value for key, value in
                                         zip(("dataset", "first_seen", "last_seen"), dates) if value}
        pending.values.append(Value(row["prop"], row["value"], lang=row.get("lang") or None,
                                    original=row.get("original_value") or None, overrides=overrides))
    if not checked:
        _check_header(path, header)
    if pending is not None:
        pending.referents = sorted(referents)
        yield pending
    if external:
        context.warnings.append(f"{external:,} external statements skipped: OpenSanctions marks them as "
                                "candidate matches, not part of the entity")


def _check_header(path: Path, header: list[str]) -> None:
    missing = [name for name in STATEMENT_COLUMNS if name not in header]
    if missing:
        raise SourceError(path, 1, f"no column {', '.join(map(repr, missing))} in the header; expected "
                                   f"OpenSanctions' statement columns ({', '.join(STATEMENT_COLUMNS)}, …)")
