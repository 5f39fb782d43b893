"""FollowTheMoney JSON lines: the OpenSanctions / Aleph exchange format, and our own export.

Three kinds of line are read, and may be mixed:

* an entity: ``{"id", "schema", "properties": {prop: [values]}, ...}`` as OpenSanctions and
  Aleph export it; ``first_seen``/``last_seen`` on the entity, when present, date its values;
* an entity with ``"statements"``: moneymen's lossless export, where each statement keeps its
  dataset, source record, quote, grade and dates; the statements are read, not the properties;
* a statement: ``{"entity_id", "schema", "prop", "value", "dataset", ...}``, FtM's statement
  format (``ftm`` statement exports). Statements on the ``id`` pseudo-property are skipped.

A statement's ``original_value`` (the source's text before FtM cleaned it) is kept. OpenSanctions'
own exports, which name each entity's datasets and referents, are read by
:mod:`moneymen.sources.opensanctions` instead (``--format ftm`` still reads them as plain entities
into one dataset).

Statement-level provenance (dataset, grade, origin, dates, source record and URL) is read as
the file's claim; :mod:`moneymen.services.imports` decides how much of it the import keeps. A UTF-8
byte order mark before the first line is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson

from moneymen.model import PROVENANCE_FIELDS, Grade, InvalidGrade
from moneymen.sources.base import ImportContext, SourceEntity, SourceError, Value, read_bounded_lines

BOM = b"\xef\xbb\xbf"


def sniff(head: bytes) -> bool:
    """True when the file starts with a JSON object that looks like an FtM entity or statement."""
    first = head.removeprefix(BOM).lstrip().split(b"\n", 1)[0]
    return first.startswith(b"{") and (b'"schema"' in first or b'"entity_id"' in first)


def read(path: Path, context: ImportContext) -> Iterator[SourceEntity]:
    """Yield the entities of an FtM JSON lines file; statement lines are grouped by entity."""
    total = path.stat().st_size
    pending: SourceEntity | None = None
    with path.open("rb") as handle:
        for number, line in read_bounded_lines(handle, path):
            if number == 1 and line.startswith(BOM):
                line = line[len(BOM):]
            if not line.strip():
                continue
            data = _parse(path, number, line)
            if "entity_id" in data and "prop" in data:
                stmt_entity = _statement_line(path, number, data)
                if stmt_entity is None:
                    continue
                if pending is not None and pending.id == stmt_entity.id:
                    pending.values.extend(stmt_entity.values)
                    continue
                if pending is not None:
                    yield pending
                pending = stmt_entity
                continue
            if pending is not None:
                yield pending
                pending = None
            yield _entity_line(path, number, data)
            if number % 2000 == 0:
                context.report(handle.tell(), total)
        if pending is not None:
            yield pending
        context.report(total, total)


def _parse(path: Path, number: int, line: bytes) -> dict:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise SourceError(path, number, f"invalid JSON ({error}); expected one FtM entity object per line") from None
    if not isinstance(data, dict):
        raise SourceError(path, number, f"expected a JSON object (an FtM entity), found {type(data).__name__}")
    return data


def _text(path: Path, number: int, data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise SourceError(path, number, f"expected a non-empty string for {key!r}")
    return value


def _entity_line(path: Path, number: int, data: dict) -> SourceEntity:
    entity = SourceEntity(
        id=_text(path, number, data, "id"), schema=_text(path, number, data, "schema"), line=number
    )
    statements = data.get("statements")
    if statements is not None:
        if not isinstance(statements, list):
            raise SourceError(path, number, "expected 'statements' to be a list")
        for stmt in statements:
            entity.values.append(_value(path, number, stmt))
        return entity
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        raise SourceError(path, number, "expected 'properties' to be an object of lists")
    dates = {key: data[key] for key in ("first_seen", "last_seen") if isinstance(data.get(key), str)}
    for prop, values in properties.items():
        if not isinstance(values, list):
            values = [values]
        for value in values:
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                value = value["id"]  # a nested entity, as some Aleph exports write them
            if not isinstance(value, str):
                raise SourceError(path, number, f"property {prop!r}: expected string values, found {type(value).__name__}")
            entity.values.append(Value(prop, value, overrides=dates or None))
    return entity


def _value(path: Path, number: int, stmt: object) -> Value:
    if not isinstance(stmt, dict):
        raise SourceError(path, number, "expected each statement to be an object")
    prop, value = stmt.get("prop"), stmt.get("value")
    if not isinstance(prop, str) or not isinstance(value, str):
        raise SourceError(path, number, "expected each statement to have string 'prop' and 'value'")
    for key in ("quote", "lang", "grade", "original_value"):
        if stmt.get(key) is not None and not isinstance(stmt[key], str):
            raise SourceError(path, number, f"statement field {key!r}: expected text, found {type(stmt[key]).__name__}")
    overrides = {key: stmt[key] for key in PROVENANCE_FIELDS if stmt.get(key) is not None}
    if stmt.get("grade") is not None:
        try:
            grade = Grade.parse(stmt["grade"])
        except InvalidGrade as error:
            raise SourceError(path, number, f"statement field 'grade': {error}") from None
        overrides.setdefault("reliability", grade.reliability)
        overrides.setdefault("credibility", grade.credibility)
    return Value(prop, value, quote=stmt.get("quote"), lang=stmt.get("lang"), overrides=overrides or None,
                 original=stmt.get("original_value"))


def _statement_line(path: Path, number: int, data: dict) -> SourceEntity | None:
    entity_id = _text(path, number, data, "entity_id")
    schema = _text(path, number, data, "schema")
    if data.get("prop") == "id":
        return None
    entity = SourceEntity(id=entity_id, schema=schema, line=number)
    entity.values.append(_value(path, number, data))
    return entity
