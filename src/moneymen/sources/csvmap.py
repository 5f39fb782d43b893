"""A user's own CSV, mapped to FollowTheMoney entities by a YAML mapping file.

Three mapping forms are accepted. The short one maps each column to a property of one schema::

    schema: Person
    id: person_id            # a column with a stable id; or  keys: [name, dob]
    columns:
      full_name: name
      dob: birthDate
      country: nationality

The full one is FollowTheMoney's own mapping language, run by followthemoney's own mapping
implementation (:mod:`followthemoney.mapping`): several entities per row and relations between
them, ``keys`` / ``key_literal`` / ``id_column``, property ``column`` / ``columns`` / ``literal``
/ ``template`` / ``join`` / ``split`` / ``format`` / ``fuzzy`` / ``required``, and ``filters`` /
``filters_not`` (column: value or [values]) that keep or skip rows::

    entities:
      person: {schema: Person, keys: [name], properties: {name: {column: name}}}
      company: {schema: Company, keys: [company], properties: {name: {column: company}}}
      directorship:
        schema: Directorship
        keys: [name, company]
        properties: {director: {entity: person}, organization: {entity: company}}

Several queries over the same rows, each with its own filters (Person rows to Persons, vessel
rows to Vessels), go in a ``queries:`` list, either at the top of the file or, as in the files
``ftm map`` reads, under one dataset name (with optional ``label``, ``summary``… beside it)::

    queries:
      - filters: {schema: Person}
        entities: {person: {schema: Person, keys: [name], properties: {name: {column: name}}}}
      - filters: {schema: Vessel}
        entities: {vessel: {schema: Vessel, keys: [name], properties: {name: {column: name}}}}

A row goes through every query whose filters it passes. No other key is accepted: in particular
not those with which FtM would fetch or query data itself (``database``, ``tables``, ``joins``,
``csv_url``…); the rows are always those of the CSV being imported. The mapping file is read with
:mod:`moneymen.safeyaml` (at most 1 MiB, no YAML aliases). Every column the mapping names (keys,
id columns, property columns and templates, filters) must be in the CSV's header, else nothing is
imported.

The CSV must be UTF-8 with a header row (a byte-order mark is dropped; a UTF-16 file is
refused with a message saying so). Each value is cleaned by its FtM property type as the
mapping says (a date ``format``, ``fuzzy`` countries) and the cell's text is kept as the
statement's ``original_value``; a value the type cannot read goes on to the import, which keeps
it as text and counts it (:mod:`moneymen.sources.clean`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from followthemoney import model as ftm_model
from followthemoney.exc import InvalidMapping
from followthemoney.mapping.csv import CSVSource
from followthemoney.mapping.entity import EntityMapping
from followthemoney.mapping.query import QueryMapping
from followthemoney.proxy import EntityProxy

from moneymen import safeyaml
from moneymen.sources.base import ImportContext, SourceEntity, SourceError, Value
from moneymen.sources.clean import CLEANED_TYPES
from moneymen.sources.csvrows import read_rows

#: Keys of one query of FtM's mapping language that moneymen reads.
QUERY_KEYS = frozenset({"entities", "filters", "filters_not"})
#: Top-level keys of the short form.
SHORT_FORM_KEYS = frozenset({"schema", "id", "keys", "columns", "filters", "filters_not"})
#: Keys beside ``queries`` under a dataset name in an ``ftm map`` file: descriptions, not read.
DATASET_KEYS = frozenset({"queries", "query", "label", "title", "summary", "description", "info_url",
                          "category", "publisher", "url"})
#: Keys with which an FtM mapping fetches or queries its own data (a database URL, tables, joins,
#: CSV URLs); refused, as is any other key not above.
SOURCE_KEYS = frozenset({"database", "table", "tables", "joins", "csv_url", "csv_urls"})
#: Most queries one mapping may hold.
MAX_QUERIES = 100


def sniff(head: bytes) -> bool:
    """A CSV is never guessed: it needs a mapping, so ``--format csv`` is always explicit."""
    return False


def load_mapping(path: Path, dataset: str) -> list[QueryMapping]:
    """Read and check a mapping file into its queries; SourceError names the file and what is wrong.

    The file is read with :mod:`moneymen.safeyaml` (at most 1 MiB, no YAML aliases). Only the
    keys that say how a row becomes entities are accepted (:data:`QUERY_KEYS`,
    :data:`SHORT_FORM_KEYS`, ``queries``): rows come from the CSV being imported, never from a
    database or a URL a mapping names. Each query is built by followthemoney
    (``model.make_mapping``), so the whole mapping language works as FtM defines it.
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
        raise SourceError(path, None, "expected a YAML mapping with 'schema' and 'columns', 'entities' or 'queries'")
    mappings = []
    queries = _queries(path, text, config)
    for number, query in enumerate(queries, start=1):
        label = f"query {number}: " if len(queries) > 1 else ""
        query = {**query, "csv_url": "moneymen://input"}  # rows are fed by us, never fetched
        try:
            mappings.append(ftm_model.make_mapping(query, key_prefix=dataset))
        except (InvalidMapping, KeyError, TypeError, AttributeError, ValueError) as error:
            raise SourceError(path, None, f"invalid mapping: {label}{error}") from None
    return mappings


def _queries(path: Path, text: str, config: dict) -> list[dict]:
    """The queries a mapping file holds, each checked for its keys, in the order written."""
    if "queries" in config or "query" in config:
        return _query_list(path, text, config, "")
    if "entities" in config:
        _check_keys(path, text, config, QUERY_KEYS, "")
        return [config]
    if len(config) == 1:
        (name, body), = config.items()
        if isinstance(body, dict) and ("queries" in body or "query" in body):
            unknown = sorted(str(key) for key in body if key not in DATASET_KEYS)
            if unknown:
                raise SourceError(path, _key_line(text, unknown[0], indented=True),
                                  f"{name}: unknown key {unknown[0]!r}; expected 'queries' (and descriptions: "
                                  f"{', '.join(sorted(DATASET_KEYS - {'queries', 'query'}))})")
            return _query_list(path, text, body, f"{name}: ")
    _check_keys(path, text, config, SHORT_FORM_KEYS, "")
    return [_expand_short_form(path, config)]


def _query_list(path: Path, text: str, config: dict, where: str) -> list[dict]:
    unknown = sorted(str(key) for key in config if key not in DATASET_KEYS)
    if unknown:
        key = unknown[0]
        line = _key_line(text, key)
        if key in SOURCE_KEYS:
            raise SourceError(path, line, f"{where}key {key!r} is not accepted: rows are read from the CSV being "
                                          "imported, never from a database or a URL named in the mapping")
        raise SourceError(path, line, f"{where}key {key!r} cannot stand beside 'queries'; put it inside a query")
    queries = config.get("queries", [config.get("query")] if "query" in config else [])
    if isinstance(queries, dict):
        queries = [queries]
    if not isinstance(queries, list) or not queries:
        raise SourceError(path, _key_line(text, "queries"), f"{where}'queries': expected a list of queries, "
                                                           "each with 'entities' (and optional 'filters')")
    if len(queries) > MAX_QUERIES:
        raise SourceError(path, None, f"{where}{len(queries):,} queries; at most {MAX_QUERIES} are accepted")
    for number, query in enumerate(queries, start=1):
        if not isinstance(query, dict) or "entities" not in query:
            raise SourceError(path, None, f"{where}query {number}: expected a table with 'entities' "
                                          "(and optional 'filters', 'filters_not')")
        _check_keys(path, text, query, QUERY_KEYS, f"{where}query {number}: ")
    return queries


def _check_keys(path: Path, text: str, config: dict, allowed: frozenset[str], where: str) -> None:
    """Refuse keys other than ``allowed``, above all those FtM would use to fetch or query data
    (``database``, ``tables``, ``csv_url``…), naming the key and its line."""
    full = "entities" in config
    for key in config:
        if key in allowed:
            continue
        line = _key_line(text, key, indented=bool(where))
        if key in SOURCE_KEYS:
            raise SourceError(path, line, f"{where}key {key!r} is not accepted: rows are read from the CSV being "
                                          "imported, never from a database or a URL named in the mapping")
        if full and key in SHORT_FORM_KEYS:
            raise SourceError(path, line, f"{where}key {key!r} belongs to the short form (schema, id or keys, "
                                          "columns); with 'entities', set it inside an entity")
        raise SourceError(path, line, f"{where}unknown key {key!r}; expected some of: {', '.join(sorted(allowed))}")
    for key in ("filters", "filters_not"):
        if key in config and not isinstance(config[key], dict):
            raise SourceError(path, _key_line(text, key, indented=bool(where)),
                              f"{where}{key}: expected a table of column: value (or [values])")


def _key_line(text: str, key: object, indented: bool = False) -> int | None:
    """The line where ``key`` is first written in the mapping file (a courtesy; None if not found)."""
    for number, line in enumerate(text.splitlines(), start=1):
        written = line.lstrip(" -") if indented else line
        if written.startswith((f"{key}:", f"'{key}':", f'"{key}":')):
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


def columns_used(mappings: list[QueryMapping]) -> set[str]:
    """The CSV columns the queries read: keys, id columns, property columns and templates, and filters."""
    used: set[str] = set()
    for mapping in mappings:
        used.update(mapping.refs)
        source = mapping.source
        used.update(str(column) for column, _ in (*source.filters, *source.filters_not))
    return used


def check_columns(path: Path, mapping_path: Path, mappings: list[QueryMapping], header: list[str]) -> None:
    """Refuse a mapping that names columns the CSV's header lacks, naming them and the header's columns."""
    missing = sorted(columns_used(mappings) - set(header))
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise SourceError(
            mapping_path, None,
            f"column{plural} {', '.join(map(repr, missing))} not in the header of {path.name} "
            f"(its columns: {', '.join(header) or 'none'}); expected every column the mapping names to be there",
        )


def read(path: Path, context: ImportContext) -> Iterator[SourceEntity]:
    """Map every row of the CSV to entities with the mapping in ``context.mapping``.

    Before the first row is mapped, every column the mapping names must be in the header. Each
    row goes through every query whose ``filters`` / ``filters_not`` it passes.
    """
    if context.mapping is None:
        raise SourceError(path, None, "a CSV import needs a mapping file")
    mappings = load_mapping(context.mapping, context.dataset)
    logging.getLogger("followthemoney").setLevel(logging.ERROR)
    queries = [(mapping, cast(CSVSource, mapping.source), {entity.name: entity for entity in mapping.entities})
               for mapping in mappings]  # load_mapping gives every query our csv_url: a CSVSource
    header: list[str] = []
    rows = read_rows(path, context.report, header_out=header)
    checked = False
    for number, row in rows:
        if not checked:
            check_columns(path, context.mapping, mappings, header)
            checked = True
        record = {key: value for key, value in row.items() if value != ""}
        for mapping, source, entity_mappings in queries:
            if not source.check_filters(record):
                continue
            for name, proxy in mapping.map(record).items():
                assert proxy.id is not None  # FtM's mapping leaves out an entity whose keys give no id
                entity = SourceEntity(id=proxy.id, schema=proxy.schema.name, record=f"row {number}", line=number)
                entity.values = _values(entity_mappings[name], proxy, record)
                yield entity
    if not checked:
        check_columns(path, context.mapping, mappings, header)


def _values(entity_mapping: EntityMapping, proxy: EntityProxy, record: dict[str, str]) -> list[Value]:
    """The values of one mapped entity, each with the cell's text it was cleaned from.

    FtM's mapping made ``proxy`` (its id, its links to the row's other entities, the names it
    inlines); the values read from cells are taken again from the same property mappings
    (``record_values``, ``join``, ``split``) and cleaned as FtM cleans them, so that the text of
    each cell is kept, and a value the type cannot read is handed on rather than lost.
    """
    values: list[Value] = []
    read_from_cells: set[str] = set()
    for mapped in entity_mapping.properties:
        if mapped.entity is not None:
            continue
        prop = mapped.prop
        read_from_cells.add(prop.name)
        texts = mapped.record_values(record)
        if mapped.join is not None:
            texts = [mapped.join.join(texts)]
        if mapped.split is not None:
            texts = [part for text in texts for part in text.split(mapped.split)]
        for text in texts:
            cleaned = prop.type.clean(text, proxy=proxy, fuzzy=mapped.fuzzy, format=mapped.format)
            if cleaned is not None:
                changed = prop.type in CLEANED_TYPES and cleaned != text
                values.append(Value(prop.name, cleaned, original=text.strip() if changed else None))
            elif prop.type in CLEANED_TYPES and text.strip():
                values.append(Value(prop.name, text.strip()))  # the import keeps it as text, and counts it
    for prop, value in proxy.itervalues():
        if prop.name not in read_from_cells:
            values.append(Value(prop.name, value))
    return values
