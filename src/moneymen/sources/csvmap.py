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

The CSV must be UTF-8 with a header row. Values are cleaned by FtM's property types
(dates, countries, identifiers); a value FtM cannot read is dropped and counted.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml
from followthemoney import model as ftm_model
from followthemoney.exc import InvalidMapping

from moneymen.sources.base import ImportContext, SourceEntity, SourceError, Value, read_bounded_lines

#: Largest single CSV field accepted.
MAX_FIELD = 1024 * 1024


def sniff(head: bytes) -> bool:
    """A CSV is never guessed: it needs a mapping, so ``--format csv`` is always explicit."""
    return False


def load_mapping(path: Path, dataset: str) -> "ftm_model.make_mapping":
    """Read and check a mapping file; SourceError names the file and what is wrong."""
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise SourceError(path, None, f"cannot read the mapping: {error}") from None
    if not isinstance(config, dict):
        raise SourceError(path, None, "expected a YAML mapping with 'schema' and 'columns', or 'entities'")
    if "entities" not in config:
        config = _expand_short_form(path, config)
    config = {**config, "csv_url": "moneymen://input"}  # rows are fed by us, never fetched
    try:
        return ftm_model.make_mapping(config, key_prefix=dataset)
    except (InvalidMapping, KeyError, TypeError, AttributeError) as error:
        raise SourceError(path, None, f"invalid mapping: {error}") from None


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
    if config.get("id"):
        entity["id_column"] = str(config["id"])
    else:
        entity["keys"] = [str(key) for key in config.get("keys") or list(columns)]
    return {"entities": {"row": entity}}


def read_rows(path: Path, progress: Callable[[int, int], None] | None = None,
              header_out: list[str] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row as dict) of a UTF-8 CSV with a header, in bounded memory.

    ``progress(bytes_done, bytes_total)`` is called now and then; ``header_out``, if given,
    receives the header's column names.
    """
    report = progress or (lambda done, total: None)
    total = path.stat().st_size
    csv.field_size_limit(MAX_FIELD)
    with path.open("rb") as handle:
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
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SourceError(
                path, number, f"not UTF-8 text (byte {line[error.start]:#x} at column {error.start + 1}); "
                "save the CSV as UTF-8"
            ) from None


def read(path: Path, context: ImportContext) -> Iterator[SourceEntity]:
    """Map every row of the CSV to entities with the mapping in ``context.mapping``."""
    if context.mapping is None:
        raise SourceError(path, None, "a CSV import needs a mapping file")
    mapping = load_mapping(context.mapping, context.dataset)
    logging.getLogger("followthemoney").setLevel(logging.ERROR)
    for number, row in read_rows(path, context.report):
        record = {key: value for key, value in row.items() if value != ""}
        for proxy in mapping.map(record).values():
            entity = SourceEntity(id=proxy.id, schema=proxy.schema.name, record=f"row {number}", line=number)
            for prop, value in proxy.itervalues():
                entity.values.append(Value(prop.name, value))
            yield entity
