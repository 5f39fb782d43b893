"""A user's own CSV, mapped to FollowTheMoney entities by a small YAML mapping file.

Two mapping forms are accepted. The short one maps each column to a property of one schema::

    schema: Person
    id: person_id            # a column with a stable id; or  keys: [name, dob]
    columns:
      full_name: name
      dob: birthDate
      country: nationality

The full one is FollowTheMoney's own mapping language (several entities per row, and
relations between them), exactly as ``ftm map`` reads it::

    entities:
      person: {schema: Person, keys: [name], properties: {name: {column: name}}}
      company: {schema: Company, keys: [company], properties: {name: {column: company}}}
      directorship:
        schema: Directorship
        keys: [name, company]
        properties: {director: {entity: person}, organization: {entity: company}}

Both forms may add ``filters`` / ``filters_not`` (column: value or [values]) to keep or skip
rows. No other top-level key is accepted: in particular not those with which FtM would fetch
or query data itself (``database``, ``tables``, ``joins``, ``csv_url``…); the rows are always
those of the CSV being imported. The mapping file is read with :mod:`moneymen.safeyaml` (at
most 1 MiB, no YAML aliases). Every column the mapping names (keys, id, property columns and
templates, filters) must be in the CSV's header, else nothing is imported.

The CSV must be UTF-8 with a header row (a byte-order mark is dropped; a UTF-16 file is
refused with a message saying so). Values are cleaned by FtM's property types (dates,
countries, identifiers); a value FtM cannot read is dropped and counted.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

from followthemoney import model as ftm_model
from followthemoney.exc import InvalidMapping
from followthemoney.mapping.csv import CSVSource
from followthemoney.mapping.query import QueryMapping

from moneymen import safeyaml
from moneymen.sources.base import ImportContext, SourceEntity, SourceError, Value, read_bounded_lines

#: Largest single CSV field accepted.
MAX_FIELD = 1024 * 1024
#: Top-level keys of FtM's full mapping form that moneymen reads.
FULL_FORM_KEYS = frozenset({"entities", "filters", "filters_not"})
#: Top-level keys of the short form.
SHORT_FORM_KEYS = frozenset({"schema", "id", "keys", "columns", "filters", "filters_not"})
#: Keys with which an FtM mapping fetches or queries its own data (a database URL, tables, joins,
#: CSV URLs); refused, as is any other key not above.
SOURCE_KEYS = frozenset({"database", "table", "tables", "joins", "csv_url", "csv_urls"})


def sniff(head: bytes) -> bool:
    """A CSV is never guessed: it needs a mapping, so ``--format csv`` is always explicit."""
    return False


def load_mapping(path: Path, dataset: str) -> QueryMapping:
    """Read and check a mapping file; SourceError names the file and what is wrong.

    The file is read with :mod:`moneymen.safeyaml` (at most 1 MiB, no YAML aliases). Only the
    keys that say how a row becomes entities are accepted (:data:`FULL_FORM_KEYS`,
    :data:`SHORT_FORM_KEYS`): rows come from the CSV being imported, never from a database or a
    URL a mapping names.
    """
    try:
        text = safeyaml.read_text(path, what="mapping")
    except safeyaml.YAMLInputError as error:
        raise SourceError(path, error.line, error.message) from None
    try:
        config = safeyaml.loads(text, path)
    except safeyaml.YAMLInputError as error:
        raise SourceError(path, error.line, f"cannot read the mapping: {error.message}") from None
    if not isinstance(config, dict):
        raise SourceError(path, None, "expected a YAML mapping with 'schema' and 'columns', or 'entities'")
    _check_keys(path, text, config)
    if "entities" not in config:
        config = _expand_short_form(path, config)
    config = {**config, "csv_url": "moneymen://input"}  # rows are fed by us, never fetched
    try:
        return ftm_model.make_mapping(config, key_prefix=dataset)
    except (InvalidMapping, KeyError, TypeError, AttributeError) as error:
        raise SourceError(path, None, f"invalid mapping: {error}") from None


def _check_keys(path: Path, text: str, config: dict) -> None:
    """Refuse top-level keys other than those of the two forms, above all those FtM would use to
    fetch or query data (``database``, ``tables``, ``csv_url``…), naming the key and its line."""
    full = "entities" in config
    allowed = FULL_FORM_KEYS if full else SHORT_FORM_KEYS
    for key in config:
        if key in allowed:
            continue
        line = _key_line(text, key)
        if key in SOURCE_KEYS:
            raise SourceError(path, line, f"key {key!r} is not accepted: rows are read from the CSV being imported, "
                                          "never from a database or a URL named in the mapping")
        if full and key in SHORT_FORM_KEYS:
            raise SourceError(path, line, f"key {key!r} belongs to the short form (schema, id or keys, columns); "
                                          "with 'entities', set it inside an entity")
        raise SourceError(path, line, f"unknown key {key!r}; expected some of: {', '.join(sorted(allowed))}")
    for key in ("filters", "filters_not"):
        if key in config and not isinstance(config[key], dict):
            raise SourceError(path, _key_line(text, key), f"{key}: expected a table of column: value (or [values])")


def _key_line(text: str, key: object) -> int | None:
    """The line where top-level ``key`` is written in the mapping file (a courtesy; None if not found)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith((f"{key}:", f"'{key}':", f'"{key}":')):
            return number
    return None


def _expand_short_form(path: Path, config: dict) -> dict:
    schema = config.get("schema")
    columns = config.get("columns")
    if not isinstance(schema, str) or not isinstance(columns, dict) or not columns:
        raise SourceError(path, None, "expected 'schema: NAME' and 'columns: {column: property}'")
    if ftm_model.get(schema) is None:
        raise SourceError(path, None, f"unknown FtM schema {schema!r}")
    properties: dict[str, dict] = {}
    for column, prop in columns.items():
        if not isinstance(prop, str):
            raise SourceError(path, None, f"column {column!r}: expected a property name")
        properties.setdefault(prop, {"columns": []})["columns"].append(str(column))
    entity: dict = {"schema": schema, "properties": properties}
    keys = config.get("keys")
    if config.get("id"):
        entity["id_column"] = str(config["id"])
    elif isinstance(keys, (str, int)):
        entity["keys"] = [str(keys)]
    else:
        entity["keys"] = [str(key) for key in keys or list(columns)]
    filters = {key: config[key] for key in ("filters", "filters_not") if key in config}
    return {"entities": {"row": entity}, **filters}


def read_rows(path: Path, progress: Callable[[int, int], None] | None = None,
              header_out: list[str] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row as dict) of a UTF-8 CSV with a header, in bounded memory.

    A UTF-8 byte-order mark is dropped; a UTF-16 file is refused with a message saying so.
    ``progress(bytes_done, bytes_total)`` is called now and then; ``header_out``, if given,
    receives the header's column names as soon as the header is read (before the first row).
    """
    report = progress or (lambda done, total: None)
    total = path.stat().st_size
    csv.field_size_limit(MAX_FIELD)
    with path.open("rb") as handle:
        if safeyaml.looks_like_utf16(handle.read(safeyaml.HEAD_BYTES)):
            raise SourceError(path, None, "the CSV is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\" in Excel)")
        handle.seek(0)
        lines = _decoded_lines(path, handle)
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader, None)
            if not header:
                raise SourceError(path, 1, "empty file; expected a header row")
            header = [name.strip().lstrip("\ufeff") for name in header]
            if header_out is not None:
                header_out.extend(header)
            for row in reader:
                if not row or row == [""]:
                    continue
                if len(row) != len(header):
                    raise SourceError(
                        path, reader.line_num, f"expected {len(header)} fields as in the header, found {len(row)}"
                    )
                yield reader.line_num, dict(zip(header, row))
                if reader.line_num % 5000 == 0:
                    report(handle.tell(), total)
        except csv.Error as error:
            raise SourceError(path, reader.line_num, f"malformed CSV: {error}") from None
    report(total, total)


def _decoded_lines(path: Path, handle) -> Iterator[str]:
    for number, line in read_bounded_lines(handle, path, limit=MAX_FIELD * 4):
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SourceError(
                path, number, f"not UTF-8 text (byte {line[error.start]:#x} at column {error.start + 1}); "
                "save the CSV as UTF-8"
            ) from None


def columns_used(mapping: QueryMapping) -> set[str]:
    """The CSV columns a mapping reads: keys, id columns, property columns and templates, and filters."""
    used = set(mapping.refs)
    source = mapping.source
    used.update(str(column) for column, _ in (*source.filters, *source.filters_not))
    return used


def check_columns(path: Path, mapping_path: Path, mapping: QueryMapping, header: list[str]) -> None:
    """Refuse a mapping that names columns the CSV's header lacks, naming them and the header's columns."""
    missing = sorted(columns_used(mapping) - set(header))
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise SourceError(
            mapping_path, None,
            f"column{plural} {', '.join(map(repr, missing))} not in the header of {path.name} "
            f"(its columns: {', '.join(header) or 'none'}); expected every column the mapping names to be there",
        )


def read(path: Path, context: ImportContext) -> Iterator[SourceEntity]:
    """Map every row of the CSV to entities with the mapping in ``context.mapping``.

    Before the first row is mapped, every column the mapping names must be in the header;
    rows the mapping's ``filters`` / ``filters_not`` leave out are skipped.
    """
    if context.mapping is None:
        raise SourceError(path, None, "a CSV import needs a mapping file")
    mapping = load_mapping(context.mapping, context.dataset)
    logging.getLogger("followthemoney").setLevel(logging.ERROR)
    source = cast(CSVSource, mapping.source)  # load_mapping gives every mapping our csv_url
    header: list[str] = []
    rows = read_rows(path, context.report, header_out=header)
    checked = False
    for number, row in rows:
        if not checked:
            check_columns(path, context.mapping, mapping, header)
            checked = True
        record = {key: value for key, value in row.items() if value != ""}
        if not source.check_filters(record):
            continue
        for proxy in mapping.map(record).values():
            entity = SourceEntity(id=proxy.id, schema=proxy.schema.name, record=f"row {number}", line=number)
            for prop, value in proxy.itervalues():
                entity.values.append(Value(prop.name, value))
            yield entity
    if not checked:
        check_columns(path, context.mapping, mapping, header)
